"""Document bootstrap: deterministic for a seed, sensible intervals."""

from __future__ import annotations

import numpy as np

from claimcorpus.evaluate import bootstrap
from claimcorpus.evaluate.bootstrap import bootstrap_ci, resample_weights
from claimcorpus.evaluate.report import format_report
from claimcorpus.evaluate.score import evaluate_documents


def mean_stat(sums):
    return {"rate": sums["hits"][..., 0] / np.maximum(sums["hits"][..., 1], 1)}


PER_DOC = {"hits": np.array([[1, 0, 1, 1, 0, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1]])}


def test_same_seed_gives_the_same_interval():
    a = bootstrap_ci(PER_DOC, mean_stat, n_resamples=500, seed=3)
    b = bootstrap_ci(PER_DOC, mean_stat, n_resamples=500, seed=3)
    assert a == b


def test_different_seeds_give_different_intervals():
    a = bootstrap_ci(PER_DOC, mean_stat, n_resamples=200, seed=1)
    b = bootstrap_ci(PER_DOC, mean_stat, n_resamples=200, seed=2)
    assert a != b


def test_interval_brackets_the_point_estimate():
    lo, hi = bootstrap_ci(PER_DOC, mean_stat, n_resamples=1000, seed=0)["rate"]
    assert 0.0 <= lo <= 5 / 8 <= hi <= 1.0
    assert lo < hi


def test_resamples_draw_whole_documents():
    rng = np.random.default_rng(0)
    for block in resample_weights(rng, n_docs=7, n_resamples=50):
        assert (block.sum(axis=1) == 7).all()


def test_constant_metric_has_a_zero_width_interval():
    const = {"hits": np.array([[1, 1, 1], [1, 1, 1]])}
    assert bootstrap_ci(const, mean_stat, n_resamples=100)["rate"] == (1.0, 1.0)


def test_no_documents_means_no_interval():
    assert bootstrap_ci({"hits": np.zeros((2, 0))}, mean_stat) == {}


def test_report_intervals_are_reproducible():
    docs = [
        {
            "doc_id": str(i),
            "text": "x" * 50,
            "spans": [{"id": "c", "label": "CLAIM", "start": i, "end": i + 10 + i % 3}],
            "attributions": [],
        }
        for i in range(12)
    ]
    pred = [
        {**d, "spans": [{**d["spans"][0], "end": d["spans"][0]["end"] - (i % 2)}]}
        for i, d in enumerate(docs)
    ]
    a = evaluate_documents(docs, pred, n_resamples=300, seed=5)
    b = evaluate_documents(docs, pred, n_resamples=300, seed=5)
    ci = a["spans"]["strict"]["micro"]["ci"]["f1"]
    assert ci == b["spans"]["strict"]["micro"]["ci"]["f1"]
    assert ci[0] < a["spans"]["strict"]["micro"]["f1"] < ci[1]


def docs_and_preds(n: int) -> tuple[list[dict], list[dict]]:
    docs = [
        {
            "doc_id": str(i),
            "text": "x" * 50,
            "spans": [{"id": "c", "label": "CLAIM", "start": i, "end": i + 10}],
            "attributions": [],
        }
        for i in range(n)
    ]
    return docs, [{**d, "spans": d["spans"] if i % 2 else []} for i, d in enumerate(docs)]


def test_intervals_on_fewer_than_five_documents_say_so():
    gold, pred = docs_and_preds(4)
    result = evaluate_documents(gold, pred, n_resamples=50)
    assert result["bootstrap"]["documents"] == 4
    note = result["bootstrap"]["note"]
    assert note == (
        "the intervals rest on 4 documents (fewer than 5): they say little about the spread"
    )
    assert f"note: {note}" in format_report(result).splitlines()


def test_one_document_says_its_interval_has_no_width():
    gold, pred = docs_and_preds(1)
    note = evaluate_documents(gold, pred, n_resamples=50)["bootstrap"]["note"]
    assert "rest on 1 document (fewer than 5)" in note
    assert "zero-width" in note


def test_five_documents_need_no_note():
    gold, pred = docs_and_preds(5)
    result = evaluate_documents(gold, pred, n_resamples=50)
    assert result["bootstrap"]["note"] is None
    assert not any(line.startswith("note:") for line in format_report(result).splitlines())


def test_no_resamples_means_no_note():
    gold, pred = docs_and_preds(2)
    assert evaluate_documents(gold, pred, n_resamples=0)["bootstrap"]["note"] is None


def test_weight_blocks_are_one_stream_whatever_their_size():
    # bootstrap_ci's intervals do not depend on bootstrap._CELLS only because the draws of
    # consecutive blocks continue one stream: pin that (numpy fills row after row)
    n_docs, n_resamples = 7, 50
    one = np.concatenate(list(resample_weights(np.random.default_rng(3), n_docs, n_resamples)))
    old = bootstrap._CELLS
    try:
        for cells in (7, 21, 70):
            bootstrap._CELLS = cells
            blocks = list(resample_weights(np.random.default_rng(3), n_docs, n_resamples))
            assert len(blocks) == -(-n_resamples // max(1, cells // n_docs))
            assert np.array_equal(np.concatenate(blocks), one)
    finally:
        bootstrap._CELLS = old
