"""Attribution matching is optimal: cross-checked against brute force on random documents.

The brute force below shares no code with the scorer: it finds candidates and IoU scores
from the offsets itself and tries every one-to-one matching, keeping the one with the most
pairs and, among those, the highest total score (the rule ``match_one_to_one`` documents).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimcorpus.evaluate.attribution import (
    attributions_from_documents,
    candidate_pairs,
    match_one_to_one,
    stance_confusion,
    tuple_counts,
)
from claimcorpus.evaluate.labels import STANCES

TEXT_LEN = 16  # short texts: many overlaps, so many rival pairs
Tuple = tuple[int, int, int | None, int | None, str]  # claim start/end, source, stance


def interval() -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, TEXT_LEN - 2), st.integers(1, 8)).map(
        lambda t: (t[0], min(t[0] + t[1], TEXT_LEN))
    )


def one_tuple() -> st.SearchStrategy[Tuple]:
    # sources are mostly absent and stances mostly agree, so tuples often compete
    source = st.one_of(st.none(), st.none(), interval())
    stance = st.sampled_from(STANCES[:1] * 3 + STANCES)
    return st.tuples(interval(), source, stance).map(
        lambda t: (*t[0], *(t[1] or (None, None)), t[2])
    )


# A document: (gold tuples, predicted tuples); up to 6 each keeps brute force instant.
DOCS = st.lists(
    st.tuples(st.lists(one_tuple(), max_size=6), st.lists(one_tuple(), max_size=6)),
    min_size=1,
    max_size=2,
)


def record(doc_id: str, tuples: Sequence[Tuple]) -> dict:
    spans, atts = [], []
    for k, (cs, ce, ss, se, stance) in enumerate(tuples):
        spans.append({"id": f"c{k}", "label": "CLAIM", "start": cs, "end": ce})
        if ss is not None:
            spans.append({"id": f"s{k}", "label": "SOURCE", "start": ss, "end": se})
        atts.append(
            {
                "id": f"a{k}",
                "claim": f"c{k}",
                "source": None if ss is None else f"s{k}",
                "stance": stance,
            }
        )
    return {"doc_id": doc_id, "text": "x" * 32, "spans": spans, "attributions": atts}


def iou(a0: int, a1: int, b0: int, b1: int) -> float:
    return max(0, min(a1, b1) - max(a0, b0)) / (max(a1, b1) - min(a0, b0))


def pair_score(p: Tuple, g: Tuple, mode: str) -> float | None:
    """Score of a candidate pair, None when the two tuples cannot be matched."""
    if mode == "strict":
        if p[:4] != g[:4]:
            return None
    else:
        if not (p[0] < g[1] and g[0] < p[1]):
            return None
        if (p[2] is None) != (g[2] is None):
            return None
        if p[2] is not None and not (p[2] < g[3] and g[2] < p[3]):
            return None
    source = 1.0 if p[2] is None else iou(p[2], p[3], g[2], g[3])
    return iou(p[0], p[1], g[0], g[1]) + source


def brute_force(scores: dict[tuple[int, int], float], n_pred: int) -> tuple[int, float]:
    """(most pairs, highest total score among matchings with that many) by enumeration."""

    def best(i: int, used: frozenset[int]) -> tuple[int, float]:
        if i == n_pred:
            return (0, 0.0)
        out = best(i + 1, used)  # prediction i stays unmatched
        for (pi, gi), s in scores.items():
            if pi == i and gi not in used:
                n, total = best(i + 1, used | {gi})
                out = max(out, (n + 1, total + s))
        return out

    return best(0, frozenset())


def doc_scores(pred: Sequence[Tuple], gold: Sequence[Tuple], mode: str, stance: bool) -> dict:
    out = {}
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            s = pair_score(p, g, mode)
            if s is not None and (not stance or p[4] == g[4]):
                out[(i, j)] = s
    return out


# The issue's case: gold [0,10) and [10,30), predictions [0,12) and [2,9); best-first
# pairing keeps one pair where two exist.
ISSUE = [
    (
        [(0, 10, None, None, "support"), (10, 30, None, None, "support")],
        [(0, 12, None, None, "support"), (2, 9, None, None, "support")],
    )
]


def columns(docs: list) -> tuple:
    index = {f"d{i}": i for i in range(len(docs))}
    gold = attributions_from_documents([record(f"d{i}", g) for i, (g, _) in enumerate(docs)], index)
    pred = attributions_from_documents([record(f"d{i}", p) for i, (_, p) in enumerate(docs)], index)
    return pred, gold


@settings(max_examples=300, deadline=None)
@given(DOCS, st.sampled_from(["strict", "overlap"]))
@example(ISSUE, "overlap")
def test_tuple_true_positives_equal_the_brute_force_optimum(docs, mode):
    pred, gold = columns(docs)
    tp = tuple_counts(pred, gold, mode)[0].tolist()
    want = [brute_force(doc_scores(p, g, mode, True), len(p))[0] for g, p in docs]
    assert tp == want


@settings(max_examples=300, deadline=None)
@given(DOCS)
@example(ISSUE)
def test_stance_pairing_pairs_as_many_golds_as_brute_force(docs):
    pred, gold = columns(docs)
    paired = stance_confusion(pred, gold)[:, : len(STANCES)].sum(axis=(0, 1)).tolist()
    want = [brute_force(doc_scores(p, g, "overlap", False), len(p))[0] for g, p in docs]
    assert paired == want


@settings(max_examples=300, deadline=None)
@given(DOCS, st.sampled_from(["strict", "overlap"]))
@example(ISSUE, "overlap")
def test_matching_is_one_to_one_with_the_best_total_score(docs, mode):
    pred, gold = columns(docs)
    p, g, score = candidate_pairs(pred, gold, mode)
    kept = match_one_to_one(p, g, score)
    assert len(set(p[kept].tolist())) == len(kept) == len(set(g[kept].tolist()))
    want = [brute_force(doc_scores(pp, gg, mode, False), len(pp)) for gg, pp in docs]
    assert len(kept) == sum(n for n, _ in want)
    assert float(score[kept].sum()) == pytest.approx(sum(s for _, s in want), abs=1e-9)
