"""One sentence splitter (segment.py) for the corpus, the releases and the baselines."""

from __future__ import annotations

import json

from conftest import REPO

from claimcorpus.baseline import rules, run, trivial
from claimcorpus.normalize.segment import text_sentences
from claimcorpus.normalize.text import normalize_bytes
from claimcorpus.release.rows import claim_rows

GEN_MAR = "Officials met Gen. Smith in Mar. He said the talks failed."
QUOTE = "“We sell no weapons. We never did,” the spokesman said."


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in text_sentences(text)]


def test_gen_and_mar_give_the_same_two_sentences_everywhere():
    want = ["He met Gen. Smith in Mar.", "He left."]
    text = "He met Gen. Smith in Mar. He left."
    assert sentences(text) == want
    norm = normalize_bytes(text.encode())
    assert [norm.text[a:z] for a, z in norm.sentences] == want
    # the baselines split a bare text the same way: the trivial one claims per cue sentence
    claims = [s["text"] for s in trivial.extract("d", GEN_MAR)["spans"]]
    assert claims == ["He said the talks failed"]
    found = rules.extract("d", GEN_MAR)
    assert [s["text"] for s in found["spans"] if s["label"] == "CLAIM"] == ["the talks failed"]


def test_bare_text_sentences_are_the_stored_sentences_of_every_seed():
    for path in sorted((REPO / "corpus" / "docs").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))["normalized"]
        stored = [(s["start"], s["end"]) for s in doc["sentences"]]
        assert text_sentences(doc["text"]) == stored, path.name


def test_the_baseline_splits_a_release_document_at_its_own_sentences():
    text = "Officials said China helps Russia. Beijing denied it."
    doc = {"doc_id": "d", "text": text, "sentences": [{"start": 0, "end": len(text)}]}
    (pred,) = run.predict([doc], trivial.extract, {})
    assert [s["text"] for s in pred["spans"]] == [
        "Officials said China helps Russia. Beijing denied it"
    ]
    (pred,) = run.predict([{**doc, "doc_id": "e", "sentences": None}], trivial.extract, {})
    assert len(pred["spans"]) == 2  # no stored sentences: segment.text_sentences


def test_a_two_sentence_quote_is_two_sentences_and_both_claims_keep_the_cue():
    """The documented rule (segment.py, GUIDELINES §3.2): the attribution carries the cue."""
    assert sentences(QUOTE) == ["“We sell no weapons.", "We never did,” the spokesman said."]
    norm = normalize_bytes(QUOTE.encode())
    text = norm.text
    assert [text[a:z] for a, z in norm.sentences] == sentences(QUOTE)

    def span(sid: str, label: str, part: str) -> dict:
        start = text.index(part)
        return {"id": sid, "label": label, "start": start, "end": start + len(part), "text": part}

    spans = [
        span("c1", "CLAIM", "We sell no weapons"),
        span("c2", "CLAIM", "We never did"),
        span("s1", "SOURCE", "the spokesman"),
        span("q1", "CUE", "said"),
    ]
    for s in spans:
        s.update(topic_stance="none", cluster=None, antecedent=None)
    gold = {
        "spans": spans,
        "attributions": [
            {"id": f"a{i}", "claim": c, "source": "s1", "cue": "q1", "stance": "support"}
            | {"source_type": "spokesperson", "anonymous_source": False, "unattributed": False}
            for i, c in ((1, "c1"), (2, "c2"))
        ],
    }
    doc = {
        "doc_id": "d",
        "text": text,
        "sentences": [{"start": a, "end": z} for a, z in norm.sentences],
    }
    rows = claim_rows(doc, "story-d", gold, {}, "target")
    assert [(r["claim"], r["source"], r["cue"]) for r in rows] == [
        ("We sell no weapons", "the spokesman", "said"),
        ("We never did", "the spokesman", "said"),
    ]
    assert rows[0]["context"] == "“We sell no weapons."  # context: the claim's own sentence


def test_paragraphs_abbreviations_closing_quotes_and_trimmed_offsets():
    assert sentences(
        "A headline without a stop\n\nThe U.S. Department said so. Mr. Smith and J. Doe agreed."
    ) == [
        "A headline without a stop",
        "The U.S. Department said so.",
        "Mr. Smith and J. Doe agreed.",
    ]
    assert sentences("“It is false.” He said it twice. it rose 3.5 percent.") == [
        "“It is false.”",
        "He said it twice. it rose 3.5 percent.",
    ]
    text = "  Hello there. Bye.  \n"
    assert text_sentences(text) == [(2, 14), (15, 19)]
