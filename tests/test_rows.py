"""BIO tags of the tokens config: a token is inside a span if they overlap, the first such
token of each (outermost) span or fragment starts with B-. ``reference_tokens.token_rows`` (the rows ``release/tokens`` equals) finds the
overlapping tokens by bisection; here it is checked against the plain definition (every
token against every span, as the rows were made before issue 14) on random texts."""

from __future__ import annotations

from typing import Any

import reference_tokens
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.release import rows

LABELS = ["CLAIM", "SOURCE", "CUE"]


def _by_definition(doc: dict[str, Any], gold: dict[str, Any]) -> list[dict[str, list[str]]]:
    out = []
    for p in doc["paragraphs"]:
        toks = [
            (m.start(), m.end()) for m in rows.TOKEN.finditer(doc["text"], p["start"], p["end"])
        ]
        row = {}
        for lab in LABELS:
            tags = ["O"] * len(toks)
            pieces = [q for s in gold["spans"] if s["label"] == lab for q in rows.pieces(s)]
            for s in rows.outermost(pieces):
                inside = [i for i, (a, z) in enumerate(toks) if a < s["end"] and s["start"] < z]
                for n, i in enumerate(inside):
                    tags[i] = ("B-" if n == 0 else "I-") + lab
            row[f"{lab.lower()}_tags"] = tags
        out.append(row)
    return out


@st.composite
def _doc_and_gold(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    words = st.sampled_from(["a", "bb", "ccc", "it's", "U.S.", "-", ",", "  ", "\n", "x-y"])
    text = " ".join(draw(st.lists(words, min_size=1, max_size=30)))
    cut = draw(st.integers(0, len(text)))
    paragraphs = [{"start": 0, "end": cut}, {"start": cut, "end": len(text)}]
    spans = []
    for i in range(draw(st.integers(0, 8))):
        a = draw(st.integers(0, len(text) - 1))
        z = draw(st.integers(a + 1, len(text)))
        span = {"id": f"s{i}", "label": draw(st.sampled_from(LABELS)), "start": a, "end": z}
        if z - a >= 3 and draw(st.booleans()):  # a discontinuous span: two fragments
            m = draw(st.integers(a + 1, z - 2))
            span["fragments"] = [[a, m], [m + 1, z]]
        spans.append(span)
    return {"doc_id": "d", "text": text, "paragraphs": paragraphs}, {"spans": spans}


@settings(max_examples=300, deadline=None)
@given(_doc_and_gold())
def test_token_tags_follow_the_overlap_definition(case):
    doc, gold = case
    got = reference_tokens.token_rows(doc, gold, LABELS)
    assert [{k: r[k] for k in r if k.endswith("_tags")} for r in got] == _by_definition(doc, gold)


def test_token_tags_of_nested_partial_and_discontinuous_spans():
    text = "Officials said the plan, they said, would work."
    doc = {"doc_id": "d", "text": text, "paragraphs": [{"start": 0, "end": len(text)}]}
    spans = [
        {"id": "c1", "label": "CLAIM", "start": 15, "end": 46, "fragments": [[15, 23], [36, 46]]},
        {"id": "c2", "label": "CLAIM", "start": 19, "end": 23},  # nested: the outer one tags
        {"id": "s1", "label": "SOURCE", "start": 2, "end": 5},  # inside "Officials"
        {"id": "q1", "label": "CUE", "start": 10, "end": 14},
    ]
    (row,) = reference_tokens.token_rows(doc, {"spans": spans}, LABELS)
    assert row["tokens"] == [
        *("Officials", "said", "the", "plan", ",", "they", "said", ",", "would", "work", ".")
    ]
    assert row["claim_tags"] == ["O", "O", "B-CLAIM", "I-CLAIM"] + ["O"] * 4 + [
        *("B-CLAIM", "I-CLAIM", "O")
    ]
    assert row["source_tags"] == ["B-SOURCE"] + ["O"] * 10
    assert row["cue_tags"] == ["O", "B-CUE"] + ["O"] * 9
