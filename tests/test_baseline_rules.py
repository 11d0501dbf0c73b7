"""Rule baseline: each sentence pattern, stance, source types, and valid offsets."""

from __future__ import annotations

import copy

import pytest

from claimcorpus.baseline import rules
from claimcorpus.baseline.lexicon import guess_source_type
from claimcorpus.baseline.rules import extract
from claimcorpus.evaluate.reader import check_record


def triples(text: str) -> list[tuple[str | None, str, str, str]]:
    """(source, cue, claim, stance) texts of every attribution found."""
    rec = extract("d", text)
    by_id = {s["id"]: s["text"] for s in rec["spans"]}
    return [
        (by_id.get(a["source"]), by_id[a["cue"]], by_id[a["claim"]], a["stance"])
        for a in rec["attributions"]
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Jake Sullivan said that China is helping Russia rebuild its industry.",
            ("Jake Sullivan", "said", "China is helping Russia rebuild its industry", "support"),
        ),
        (
            "China is helping Russia rebuild its industry, US officials said on Friday.",
            ("US officials", "said", "China is helping Russia rebuild its industry", "support"),
        ),
        (
            "“I think it is a significant development,” Wilder said.",
            ("Wilder", "said", "I think it is a significant development", "support"),
        ),
        (
            "According to the US assessment, China has sharply increased its sales to Russia.",
            (
                "the US assessment",
                "According to",
                "China has sharply increased its sales to Russia",
                "support",
            ),
        ),
        (
            "Beijing has vehemently denied that it supplies lethal weapons to Russia.",
            ("Beijing", "has vehemently denied", "it supplies lethal weapons to Russia", "refute"),
        ),
        (
            "A Chinese embassy official told Newsweek that the parts come from the West.",
            (
                "A Chinese embassy official",
                "told Newsweek",
                "the parts come from the West",
                "support",
            ),
        ),
        (
            "China has accused the United States of supplying Russia with parts for weapons.",
            ("China", "has accused", "supplying Russia with parts for weapons", "support"),
        ),
        (
            "Liu Pengyu, spokesman for the Chinese embassy in Washington, "
            "told Newsweek those claims were false.",
            (
                "Liu Pengyu, spokesman for the Chinese embassy in Washington",
                "told Newsweek",
                "those claims",
                "refute",
            ),
        ),
    ],
)
def test_sentence_patterns(sentence, expected):
    assert triples(sentence) == [expected]


def test_sentences_without_a_cue_give_nothing():
    assert extract("d", "Putin made an official visit to China in May.")["spans"] == []


def test_offsets_point_at_the_span_text_across_sentences():
    text = (
        "Officials said China helps Russia.\n\nThe weather was fine. "
        "Beijing denied that it sends weapons, the ministry said."
    )
    rec = extract("doc-7", text)
    assert rec["doc_id"] == "doc-7"
    assert len(rec["attributions"]) == 2
    for s in rec["spans"]:
        assert text[s["start"] : s["end"]] == s["text"]


def test_output_is_a_valid_prediction_record():
    text = "Officials said China helps Russia. Beijing denied it, according to Reuters."
    rec = extract("d", text)
    assert rec["attributions"]
    assert check_record(rec, {"d": text}) == []


def test_extract_is_pure():
    """Same input, same output, whatever ran before; no shared state, inputs untouched."""
    text = "Officials said China helps Russia. Beijing denied that it sends weapons."
    sentences = [(0, 34), (35, len(text))]
    first = extract("d", text, sentences=sentences)
    expected = copy.deepcopy(first)
    assert len(expected["attributions"]) == 2  # a result worth comparing
    first["spans"][0]["text"] = "changed by the caller"
    first["attributions"].clear()
    other = extract("e", "Russia said the parts come from the West, according to Reuters.")
    assert other["doc_id"] == "e" and other["attributions"]
    assert extract("d", text, sentences=sentences) == expected
    assert sentences == [(0, 34), (35, len(text))]


def test_given_sentence_offsets_are_used():
    text = "Officials said China helps Russia. Nobody said anything else."
    only_first = extract("d", text, sentences=[(0, 34)])
    assert len(only_first["attributions"]) == 1
    assert only_first["spans"][0]["end"] <= 34


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("Liu Pengyu, spokesman for the Chinese embassy in Washington", "spokesperson"),
        ("senior US officials", "anonymous_official"),
        ("people familiar with the situation", "anonymous_other"),
        ("Dennis Wilder, a former China military analyst at the CIA", "expert"),
        ("Reuters", "media_outlet"),
        ("British Defense Secretary Grant Shapps", "government_official"),
        ("China", "government"),
        ("the Free Russia Foundation", "organisation"),
        ("he", None),
    ],
)
def test_source_type_guesses(source, kind):
    assert guess_source_type(source) == kind


def test_anonymous_flag_follows_the_source_type():
    rec = extract("d", "Senior US officials said China helps Russia.")
    (att,) = rec["attributions"]
    assert att["source_type"] == "anonymous_official"
    assert att["anonymous_source"] is True
    assert att["unattributed"] is False


class _Spy:
    """A compiled pattern that records the sentences its ``match`` is tried on."""

    def __init__(self, pattern, tried: list[str]):
        self.pattern, self.tried = pattern, tried

    def match(self, s):
        self.tried.append(s)
        return self.pattern.match(s)


def _spy_on(monkeypatch, *names: str) -> list[str]:
    """Replace each ``rules.<name>`` pattern by a spy; returns the one list of sentences
    any of them is tried on."""
    tried: list[str] = []
    for name in names:
        monkeypatch.setattr(rules, name, _Spy(getattr(rules, name), tried))
    return tried


def test_the_accused_and_inverted_patterns_only_run_on_sentences_with_their_verbs(monkeypatch):
    """A substring test skips the two backtracking patterns (same findings, less time)."""
    tried = _spy_on(monkeypatch, "ACCUSED", "CLAIM_FIRST_INVERTED")
    assert rules.find_attribution("The weather was mild on Tuesday in the capital.") is None
    assert tried == []
    found = rules.find_attribution("Officials accused Moscow of lying about the strikes.")
    assert found is not None and tried  # the pattern ran, and found the attribution


CLAIM_FIRST_CASES = (
    "“The talks will resume next week,” the minister said.",
    "The talks will resume next week, the minister told reporters on Monday.",
    "The talks will resume next week,said the minister.",
    '"The strikes hit civilian areas" the spokesman has also denied.',
    "The talks, which began in May, will resume, officials said in a statement.",
    "Officials said, however, that the talks would resume next week.",
    "The talks will resume, and the minister said nothing more about them at all.",
    "Prices rose, the minister said, and then they fell again in the spring.",
)


@pytest.mark.parametrize("sentence", CLAIM_FIRST_CASES)
def test_claim_first_guard_keeps_every_match(sentence):
    """The guard (a cue word past the last comma) never hides a claim-first match: the two
    patterns tried on every sentence find what the guarded function finds."""
    found = rules._claim_first(sentence)
    m = rules.CLAIM_FIRST.match(sentence) or rules.CLAIM_FIRST_INVERTED.match(sentence)
    unguarded = rules._found(sentence, m) if m else None
    assert found == unguarded


def test_claim_first_patterns_are_not_tried_without_a_cue_after_the_last_comma(monkeypatch):
    tried = _spy_on(monkeypatch, "CLAIM_FIRST")
    assert rules._claim_first("Officials said, however, that the talks would resume.") is None
    assert tried == []
    assert rules._claim_first("The talks will resume, officials said.") is not None
    assert tried == ["The talks will resume, officials said."]


def test_according_patterns_are_not_tried_without_according_to(monkeypatch):
    tried = _spy_on(monkeypatch, "ACCORDING_BACK")
    assert rules._according("The talks, which began in May, will resume next week.") is None
    assert tried == []
    found = rules._according("The talks will resume, according to the ministry.")
    assert found is not None and tried
