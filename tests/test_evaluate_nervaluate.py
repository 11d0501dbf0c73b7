"""Randomised cross-check: our span counts equal nervaluate 1.2.1's, bit for bit.

Spans are random, nested, duplicated and in random order (nervaluate's greedy matching
depends on list order, so ours must too); every scheme is compared overall and per label,
counts and precision/recall/F1, with several overlap thresholds.
"""

from __future__ import annotations

from conftest import require
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.evaluate.columns import SpanColumns, spans_from_documents
from claimcorpus.evaluate.labels import OUTCOMES, SCHEMES, SPAN_LABELS
from claimcorpus.evaluate.metrics import span_prf
from claimcorpus.evaluate.schemes import span_counts

nervaluate = require("nervaluate")
LABELS = list(SPAN_LABELS)

span = st.tuples(st.integers(0, 40), st.integers(1, 15), st.integers(0, 2)).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)
doc = st.lists(span, max_size=7)
corpus = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(doc, min_size=n, max_size=n), st.lists(doc, min_size=n, max_size=n)
    )
)
threshold = st.sampled_from([1.0, 1.0, 10.0, 34.0, 50.0, 100.0])


def to_cols(docs: list[list[tuple[int, int, int]]]) -> SpanColumns:
    rows = [(i, s, e, lab) for i, d in enumerate(docs) for s, e, lab in d]
    if not rows:
        return SpanColumns.empty(len(docs))
    d, s, e, lab = zip(*rows, strict=True)
    return SpanColumns.build(d, s, e, lab, len(docs))


def to_nervaluate(docs: list[list[tuple[int, int, int]]]) -> list[list[dict]]:
    return [[{"label": LABELS[lab], "start": s, "end": e - 1} for s, e, lab in d] for d in docs]


def assert_same(ours: dict, gold_docs, pred_docs, min_overlap: float) -> None:
    # loader="dict" is what "default" infers for this input; "default" itself crashes
    # (IndexError) when the first gold document has no spans.
    theirs = nervaluate.Evaluator(
        to_nervaluate(gold_docs),
        to_nervaluate(pred_docs),
        LABELS,
        loader="dict",
        min_overlap_percentage=min_overlap,
    ).evaluate()
    for scheme in SCHEMES:
        total = ours[scheme].sum(axis=-1)
        prf = span_prf(total, scheme)
        groups = [theirs["overall"][scheme]] + [
            theirs["entities"][lab][scheme] if lab in theirs["entities"] else None for lab in LABELS
        ]
        for g, res in enumerate(groups):
            mine = {o: int(total[g, i]) for i, o in enumerate(OUTCOMES)}
            mine |= {m: float(prf[m][g]) for m in ("precision", "recall", "f1")}
            want = dict.fromkeys(mine, 0) if res is None else {k: getattr(res, k) for k in mine}
            assert mine == want, (scheme, g)


@settings(max_examples=250, deadline=None)
@given(corpus, threshold)
def test_counts_and_scores_equal_nervaluate_in_list_order(data, min_overlap):
    gold_docs, pred_docs = data
    ours = span_counts(to_cols(pred_docs), to_cols(gold_docs), 3, min_overlap)
    assert_same(ours, gold_docs, pred_docs, min_overlap)


@settings(max_examples=60, deadline=None)
@given(corpus)
def test_records_score_like_nervaluate_on_sorted_spans(data):
    gold_docs, pred_docs = (
        [sorted(d, key=lambda t: (t[0], t[1], t[2])) for d in docs] for docs in data
    )
    index = {str(i): i for i in range(len(gold_docs))}

    def records(docs):
        return [
            {
                "doc_id": str(i),
                "spans": [{"label": LABELS[lab], "start": s, "end": e} for s, e, lab in d],
            }
            for i, d in enumerate(docs)
        ]

    ours = span_counts(
        spans_from_documents(records(pred_docs), index),
        spans_from_documents(records(gold_docs), index),
        3,
    )
    assert_same(ours, gold_docs, pred_docs, 1.0)


def test_long_contested_document_matches_nervaluate():
    # Many predictions competing for the same golds: exercises the round-by-round replay.
    import random

    rng = random.Random(7)
    gold = [[(rng.randint(0, 60), 0, 0) for _ in range(40)]]
    gold = [[(s, s + rng.randint(1, 30), rng.randint(0, 2)) for s, _, _ in gold[0]]]
    pred = [
        [
            (s, s + rng.randint(1, 30), rng.randint(0, 2))
            for s in (rng.randint(0, 60) for _ in range(45))
        ]
    ]
    ours = span_counts(to_cols(pred), to_cols(gold), 3)
    assert_same(ours, gold, pred, 1.0)
