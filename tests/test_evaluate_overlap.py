"""The overlap join finds exactly the overlapping same-document pairs, nothing else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.evaluate.columns import SpanColumns
from claimcorpus.evaluate.overlap import overlap_pairs

rows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 50), st.integers(1, 20)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    max_size=25,
)


def build(spans: list[tuple[int, int, int]]) -> SpanColumns:
    if not spans:
        return SpanColumns.empty(4)
    d, s, e = zip(*spans, strict=True)
    return SpanColumns.build(d, s, e, [0] * len(d), 4)


@settings(max_examples=150, deadline=None)
@given(rows, rows)
def test_overlap_pairs_equal_brute_force(pred_rows, gold_rows):
    pred, gold = build(pred_rows), build(gold_rows)
    p, g = overlap_pairs(pred, gold)
    found = sorted(zip(p.tolist(), g.tolist(), strict=True))
    want = sorted(
        (i, j)
        for i in range(len(pred))
        for j in range(len(gold))
        if pred.doc[i] == gold.doc[j]
        and pred.start[i] < gold.end[j]
        and gold.start[j] < pred.end[i]
    )
    assert found == want


def test_nested_spans_pair_with_their_container():
    gold = build([(0, 0, 100), (0, 10, 20), (0, 30, 40)])
    pred = build([(0, 12, 15)])
    p, g = overlap_pairs(pred, gold)
    assert sorted(g.tolist()) == [0, 1]


def test_rows_out_of_document_order_are_grouped():
    cols = SpanColumns.build([1, 0, 1], [5, 0, 0], [9, 3, 2], [0, 1, 2], 2)
    assert cols.doc.tolist() == [0, 1, 1]
    assert cols.start.tolist() == [0, 5, 0]  # stable: list order inside a document kept


def test_empty_spans_are_rejected():
    import pytest

    with pytest.raises(ValueError, match="start < end"):
        SpanColumns.build([0], [5], [5], [0], 1)
