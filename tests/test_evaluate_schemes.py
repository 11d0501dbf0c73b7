"""Hand-computed span scores under nervaluate's four schemes (half-open offsets)."""

from __future__ import annotations

import pytest

from claimcorpus.evaluate.columns import SpanColumns
from claimcorpus.evaluate.labels import OUTCOMES, SPAN_LABELS
from claimcorpus.evaluate.metrics import span_prf
from claimcorpus.evaluate.schemes import span_counts
from claimcorpus.evaluate.score import evaluate_documents

CLAIM, SOURCE, CUE = range(3)


def cols(spans: list[tuple[int, int, int, int]], n_docs: int = 1) -> SpanColumns:
    """(doc, start, end, label) rows, kept in the given order."""
    if not spans:
        return SpanColumns.empty(n_docs)
    d, s, e, lab = zip(*spans, strict=True)
    return SpanColumns.build(d, s, e, lab, n_docs)


def totals(gold, pred, **kw) -> dict[str, dict[str, dict[str, int]]]:
    """{scheme: {group: {outcome: n}}} with groups overall, CLAIM, SOURCE, CUE."""
    out = {}
    for scheme, c in span_counts(cols(pred), cols(gold), 3, **kw).items():
        t = c.sum(axis=-1)
        out[scheme] = {
            g: dict(zip(OUTCOMES, map(int, t[i]), strict=True))
            for i, g in enumerate(("overall", *SPAN_LABELS))
        }
    return out


def f1(gold, pred, scheme: str) -> float:
    t = span_counts(cols(pred), cols(gold), 3)[scheme].sum(axis=-1)
    return float(span_prf(t, scheme)["f1"][0])


def outcome(**kw: int) -> dict[str, int]:
    return {o: kw.get(o, 0) for o in OUTCOMES}


def test_exact_match_is_correct_under_every_scheme():
    t = totals([(0, 0, 10, CLAIM)], [(0, 0, 10, CLAIM)])
    for scheme in ("strict", "exact", "partial", "ent_type"):
        assert t[scheme]["overall"] == outcome(correct=1)
        assert t[scheme]["CLAIM"] == outcome(correct=1)
        assert f1([(0, 0, 10, CLAIM)], [(0, 0, 10, CLAIM)], scheme) == 1.0


def test_partial_overlap_counts_half_credit():
    gold, pred = [(0, 0, 10, CLAIM)], [(0, 0, 5, CLAIM)]
    t = totals(gold, pred)
    assert t["strict"]["overall"] == outcome(incorrect=1)
    assert t["exact"]["overall"] == outcome(incorrect=1)
    assert t["partial"]["overall"] == outcome(partial=1)
    assert t["ent_type"]["overall"] == outcome(correct=1)
    assert f1(gold, pred, "strict") == 0.0
    assert f1(gold, pred, "partial") == 0.5
    assert f1(gold, pred, "ent_type") == 1.0


def test_wrong_label_on_exact_boundaries():
    gold, pred = [(0, 0, 10, CLAIM)], [(0, 0, 10, SOURCE)]
    t = totals(gold, pred)
    assert t["strict"]["overall"] == outcome(incorrect=1)
    assert t["exact"]["overall"] == outcome(correct=1)
    assert t["partial"]["overall"] == outcome(correct=1)
    assert t["ent_type"]["overall"] == outcome(incorrect=1)
    # Per label the two spans never meet: a miss and a spurious span in every scheme.
    for scheme in t:
        assert t[scheme]["CLAIM"] == outcome(missed=1)
        assert t[scheme]["SOURCE"] == outcome(spurious=1)


def test_micro_is_joint_matching_not_sum_of_labels():
    t = totals([(0, 0, 10, CLAIM)], [(0, 0, 10, CUE)])["strict"]
    summed = {o: sum(t[lab][o] for lab in SPAN_LABELS) for o in OUTCOMES}
    assert t["overall"] == outcome(incorrect=1)
    assert summed == outcome(missed=1, spurious=1)


def test_adjacent_half_open_spans_do_not_overlap():
    t = totals([(0, 0, 5, CLAIM)], [(0, 5, 10, CLAIM)])
    for scheme in t:
        assert t[scheme]["overall"] == outcome(missed=1, spurious=1)


def test_one_shared_code_point_overlaps():
    t = totals([(0, 0, 5, CLAIM)], [(0, 4, 10, CLAIM)])
    assert t["partial"]["overall"] == outcome(partial=1)


def test_min_overlap_is_a_share_of_the_gold_span():
    # 1 of 200 gold code points is 0.5% < 1% (nervaluate's default threshold).
    assert totals([(0, 0, 200, CLAIM)], [(0, 199, 210, CLAIM)])["partial"]["overall"] == outcome(
        missed=1, spurious=1
    )
    assert totals([(0, 0, 200, CLAIM)], [(0, 198, 210, CLAIM)])["partial"]["overall"] == outcome(
        partial=1
    )
    strict_half = totals([(0, 0, 10, CLAIM)], [(0, 0, 4, CLAIM)], min_overlap_percentage=50)
    assert strict_half["partial"]["overall"] == outcome(missed=1, spurious=1)


def test_each_gold_span_is_matched_at_most_once():
    t = totals([(0, 0, 10, CLAIM)], [(0, 0, 10, CLAIM), (0, 0, 10, CLAIM)])
    for scheme in t:
        assert t[scheme]["overall"] == outcome(correct=1, spurious=1)


def test_ent_type_prefers_closest_boundaries_and_list_order_matters():
    gold = [(0, 0, 10, CLAIM), (0, 2, 9, CLAIM)]
    pred = [(0, 2, 10, CLAIM), (0, 0, 10, CLAIM)]  # this order, as nervaluate would see it
    t = totals(gold, pred)
    # strict: the first prediction is not exact and takes the first gold it overlaps (0-10),
    # so the exact second prediction only finds 2-9 left.
    assert t["strict"]["overall"] == outcome(incorrect=2)
    # ent_type: the first prediction takes the closer gold (2-9), leaving 0-10 for the second.
    assert t["ent_type"]["overall"] == outcome(correct=2)


def test_exact_match_beats_an_earlier_overlap():
    gold = [(0, 0, 6, SOURCE), (0, 2, 8, CLAIM)]
    t = totals(gold, [(0, 2, 8, CLAIM)])
    assert t["strict"]["overall"] == outcome(correct=1, missed=1)


def test_spans_only_match_inside_their_document():
    gold = cols([(0, 0, 10, CLAIM)], n_docs=2)
    pred = cols([(1, 0, 10, CLAIM)], n_docs=2)
    t = span_counts(pred, gold, 3)["strict"]
    assert t[0, :, 0].tolist() == [0, 0, 0, 1, 0]  # doc 0: a miss
    assert t[0, :, 1].tolist() == [0, 0, 0, 0, 1]  # doc 1: a spurious span


def test_no_spans_at_all_scores_zero():
    t = span_counts(SpanColumns.empty(3), SpanColumns.empty(3), 3)
    for scheme, c in t.items():
        assert c.shape == (4, 5, 3)
        assert float(span_prf(c.sum(axis=-1), scheme)["f1"][0]) == 0.0


def _doc(doc_id: str, spans: list[tuple[str, int, int]]) -> dict:
    return {
        "doc_id": doc_id,
        "text": "x" * 100,
        "spans": [
            {"id": f"t{i}", "label": lab, "start": s, "end": e, "text": None}
            for i, (lab, s, e) in enumerate(spans)
        ],
        "attributions": [],
    }


def test_span_order_in_a_record_does_not_change_scores():
    gold = [_doc("a", [("CLAIM", 0, 10), ("CLAIM", 2, 9)])]
    one = [_doc("a", [("CLAIM", 2, 10), ("CLAIM", 0, 10)])]
    two = [_doc("a", [("CLAIM", 0, 10), ("CLAIM", 2, 10)])]
    r1 = evaluate_documents(gold, one, n_resamples=0)
    r2 = evaluate_documents(gold, two, n_resamples=0)
    assert r1["spans"] == r2["spans"]
    assert r1["spans"]["strict"]["micro"]["correct"] == 1


def test_documents_without_predictions_count_as_missed():
    gold = [_doc("a", [("CLAIM", 0, 10)]), _doc("b", [("SOURCE", 0, 4), ("CUE", 5, 9)])]
    r = evaluate_documents(gold, [_doc("a", [("CLAIM", 0, 10)])], n_resamples=0)
    micro = r["spans"]["strict"]["micro"]
    assert (micro["correct"], micro["missed"]) == (1, 2)
    assert micro["precision"] == 1.0
    assert micro["recall"] == pytest.approx(1 / 3)


def test_macro_averages_only_labels_that_occur():
    gold = [_doc("a", [("CLAIM", 0, 10), ("SOURCE", 20, 30)])]
    pred = [_doc("a", [("CLAIM", 0, 10)])]
    macro = evaluate_documents(gold, pred, n_resamples=0)["spans"]["strict"]["macro"]
    assert macro["labels"] == ["CLAIM", "SOURCE"]
    assert macro["f1"] == pytest.approx((1.0 + 0.0) / 2)


def test_predictions_for_unknown_documents_are_rejected():
    with pytest.raises(ValueError, match="not in the gold split"):
        evaluate_documents([_doc("a", [])], [_doc("zz", [])], n_resamples=0)


def test_label_codes_outside_the_label_set_are_rejected():
    with pytest.raises(ValueError, match="label codes"):
        span_counts(cols([(0, 0, 5, 3)]), cols([(0, 0, 5, 0)]), 3)
