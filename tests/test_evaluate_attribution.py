"""Attribution tuple F1 (claim + source + stance) and stance metrics, computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from claimcorpus.evaluate.attribution import (
    attributions_from_documents,
    match_one_to_one,
    stance_confusion,
    tuple_counts,
)
from claimcorpus.evaluate.score import evaluate_documents

TEXT = "x" * 200


def record(doc_id: str, spans: list[tuple], atts: list[tuple]) -> dict:
    """spans: (id, label, start, end); atts: (claim id, source id or None, stance)."""
    return {
        "doc_id": doc_id,
        "text": TEXT,
        "spans": [
            {"id": i, "label": lab, "start": s, "end": e, "text": None} for i, lab, s, e in spans
        ],
        "attributions": [
            {
                "id": f"a{k}",
                "claim": c,
                "source": src,
                "cue": None,
                "stance": stance,
                "source_type": None,
                "anonymous_source": False,
                "unattributed": src is None,
            }
            for k, (c, src, stance) in enumerate(atts)
        ],
    }


GOLD = [
    record(
        "d",
        [("c1", "CLAIM", 20, 60), ("s1", "SOURCE", 0, 10), ("c2", "CLAIM", 100, 140)],
        [("c1", "s1", "support"), ("c2", None, "support")],
    )
]


def counts(pred: list[dict], mode: str, gold: list[dict] = GOLD) -> list[int]:
    index = {d["doc_id"]: i for i, d in enumerate(gold)}
    g = attributions_from_documents(gold, index)
    p = attributions_from_documents(pred, index)
    return tuple_counts(p, g, mode).sum(axis=-1).tolist()


def test_identical_tuples_are_true_positives_in_both_modes():
    assert counts(GOLD, "strict") == [2, 2, 2]
    assert counts(GOLD, "overlap") == [2, 2, 2]


def test_shifted_claim_matches_only_in_overlap_mode():
    pred = [record("d", [("c", "CLAIM", 22, 60), ("s", "SOURCE", 0, 10)], [("c", "s", "support")])]
    assert counts(pred, "strict") == [0, 1, 2]
    assert counts(pred, "overlap") == [1, 1, 2]


def test_wrong_stance_is_never_a_match():
    pred = [record("d", [("c", "CLAIM", 20, 60), ("s", "SOURCE", 0, 10)], [("c", "s", "refute")])]
    assert counts(pred, "strict")[0] == 0
    assert counts(pred, "overlap")[0] == 0


def test_source_must_match_or_both_be_missing():
    wrong_source = [
        record("d", [("c", "CLAIM", 20, 60), ("s", "SOURCE", 12, 18)], [("c", "s", "support")])
    ]
    assert counts(wrong_source, "overlap")[0] == 0
    no_source = [record("d", [("c", "CLAIM", 20, 60)], [("c", None, "support")])]
    assert counts(no_source, "overlap")[0] == 0  # gold c1 has a source
    unattributed = [record("d", [("c", "CLAIM", 100, 140)], [("c", None, "support")])]
    assert counts(unattributed, "strict") == [1, 1, 2]


def test_two_predictions_for_one_gold_tuple_count_once():
    pred = [
        record(
            "d",
            [("c", "CLAIM", 20, 60), ("s", "SOURCE", 0, 10)],
            [("c", "s", "support"), ("c", "s", "support")],
        )
    ]
    assert counts(pred, "strict") == [1, 2, 2]


def test_matching_keeps_the_most_pairs_over_the_best_single_pair():
    # pred 0 overlaps gold 0 (score 1.9) and gold 1 (score 1.2); pred 1 only gold 0 (1.5):
    # best-first would keep (0, 0) alone; two pairs beat it.
    p = np.array([0, 0, 1])
    g = np.array([0, 1, 0])
    kept = match_one_to_one(p, g, np.array([1.9, 1.2, 1.5]))
    assert sorted(zip(p[kept].tolist(), g[kept].tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_matching_prefers_the_higher_total_among_equally_many_pairs():
    # Two perfect pairings of two predictions and two golds: scores decide.
    p = np.array([0, 0, 1, 1])
    g = np.array([0, 1, 0, 1])
    kept = match_one_to_one(p, g, np.array([1.0, 1.9, 1.8, 1.0]))
    assert sorted(zip(p[kept].tolist(), g[kept].tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_issue_example_scores_a_perfect_overlap_pairing():
    # Gold claims [0,10) and [10,30), predictions [0,12) and [2,9): [0,12) takes [10,30)
    # and [2,9) takes [0,10), so every tuple is matched (greedy gave F1 0.5).
    gold = [
        record(
            "d",
            [("g1", "CLAIM", 0, 10), ("g2", "CLAIM", 10, 30)],
            [("g1", None, "support"), ("g2", None, "refute")],
        )
    ]
    pred = [
        record(
            "d",
            [("p1", "CLAIM", 0, 12), ("p2", "CLAIM", 2, 9)],
            [("p1", None, "refute"), ("p2", None, "support")],
        )
    ]
    r = evaluate_documents(gold, pred, n_resamples=0)
    assert r["attributions"]["overlap"]["f1"] == 1.0
    assert r["attributions"]["strict"]["f1"] == 0.0
    assert r["stance"]["accuracy"] == 1.0
    assert r["stance"]["confusion"]["matrix"] == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]]


def test_attribution_order_in_the_file_never_changes_a_score():
    # Two predictions tie for gold c2 [100,140) (same offsets, other stances): which one is
    # paired must not depend on which comes first in the file.
    spans = [("p1", "CLAIM", 100, 130), ("p2", "CLAIM", 100, 130)]
    atts = [("p1", None, "refute"), ("p2", None, "support")]
    forward = evaluate_documents(GOLD, [record("d", spans, atts)], n_resamples=0)
    backward = evaluate_documents(GOLD, [record("d", spans, atts[::-1])], n_resamples=0)
    assert forward["stance"]["confusion"] == backward["stance"]["confusion"]
    assert forward["attributions"] == backward["attributions"]


def test_tuple_f1_in_the_report():
    pred = [record("d", [("c", "CLAIM", 20, 60), ("s", "SOURCE", 0, 10)], [("c", "s", "support")])]
    r = evaluate_documents(GOLD, pred, n_resamples=0)["attributions"]["strict"]
    assert (r["tp"], r["predicted"], r["gold"]) == (1, 1, 2)
    assert r["precision"] == 1.0
    assert r["recall"] == 0.5
    assert r["f1"] == pytest.approx(2 / 3)


# --- stance as classification of gold attributions ---------------------------------------

STANCE_GOLD = [
    record(
        "d",
        [
            ("c1", "CLAIM", 0, 10),
            ("c2", "CLAIM", 20, 30),
            ("c3", "CLAIM", 40, 50),
            ("c4", "CLAIM", 60, 70),
        ],
        [
            ("c1", None, "support"),
            ("c2", None, "support"),
            ("c3", None, "refute"),
            ("c4", None, "neutral"),
        ],
    )
]


def stance_result(pred_atts: list[tuple], spans: list[tuple]) -> dict:
    pred = [record("d", spans, pred_atts)]
    return evaluate_documents(STANCE_GOLD, pred, n_resamples=0)["stance"]


def test_stance_accuracy_counts_unmatched_as_wrong():
    spans = [("p1", "CLAIM", 0, 10), ("p2", "CLAIM", 22, 30), ("p3", "CLAIM", 40, 50)]
    r = stance_result(
        [("p1", None, "support"), ("p2", None, "refute"), ("p3", None, "refute")], spans
    )
    # c1 right, c2 wrong (refute for support), c3 right, c4 unmatched -> 2 of 4.
    assert r["accuracy"] == 0.5
    assert r["confusion"]["matrix"] == [[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    assert r["confusion"]["predicted"][-1] == "unmatched"


def test_stance_macro_f1_by_hand():
    spans = [("p1", "CLAIM", 0, 10), ("p2", "CLAIM", 22, 30), ("p3", "CLAIM", 40, 50)]
    r = stance_result(
        [("p1", None, "support"), ("p2", None, "refute"), ("p3", None, "refute")], spans
    )
    # support: P 1/1, R 1/2 -> 2/3; refute: P 1/2, R 1/1 -> 2/3; neutral: 0.
    assert r["per_class"]["support"]["f1"] == pytest.approx(2 / 3)
    assert r["per_class"]["refute"]["f1"] == pytest.approx(2 / 3)
    assert r["per_class"]["neutral"]["f1"] == 0.0
    assert r["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_stance_needs_no_stance_agreement_to_pair():
    index = {"d": 0}
    gold = attributions_from_documents(STANCE_GOLD, index)
    pred = attributions_from_documents(
        [record("d", [("p", "CLAIM", 60, 70)], [("p", None, "support")])], index
    )
    conf = stance_confusion(pred, gold).sum(axis=-1)
    assert conf[2, 0] == 1  # gold neutral, predicted support: paired, wrong
    assert conf[:, 3].sum() == 3  # the other three are unmatched


def test_no_attributions_anywhere_scores_zero():
    gold = [record("d", [("c", "CLAIM", 0, 5)], [])]
    r = evaluate_documents(gold, [], n_resamples=0)
    assert r["stance"]["accuracy"] == 0.0
    assert r["attributions"]["overlap"]["f1"] == 0.0


def test_a_prediction_without_stance_is_named_when_the_gold_has_stance():
    """Library callers get the document, attribution and field, not a bare KeyError; the
    same prediction scores on (claim, source) alone with with_stance=False."""
    pred = record("d", [("c1", "CLAIM", 20, 60), ("s1", "SOURCE", 0, 10)], [("c1", "s1", None)])
    with pytest.raises(ValueError, match=r"doc 'd': attribution 'a0': field 'stance' is None"):
        evaluate_documents(GOLD, [pred], n_resamples=0)
    r = evaluate_documents(GOLD, [pred], n_resamples=0, with_stance=False)
    assert r["attributions"]["strict"]["tp"] == 1
