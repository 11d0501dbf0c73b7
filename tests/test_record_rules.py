"""One record validator: the rules gold, raw and pred records share are written once, so the
same fault gets the same id and message from `validate` (core/layers) and from `evaluate`'s
JSONL reader; a prediction is held to the prediction rules only."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import REPO

from claimcorpus.core.layers import check_record
from claimcorpus.core.scheme import load_scheme
from claimcorpus.evaluate import reader

DOC = "000_e24865ecb7649ad0"
GOLD = json.loads((REPO / "annotations" / "gold" / f"{DOC}.json").read_text(encoding="utf-8"))
TEXT = json.loads((REPO / "corpus" / "docs" / f"{DOC}.json").read_text(encoding="utf-8"))[
    "normalized"
]["text"]
SCHEME = load_scheme(REPO)


def as_prediction(rec: dict) -> dict:
    return {**copy.deepcopy(rec), "layer": "pred", "annotator": "m"}


def errors(rec: dict, prediction: bool = False) -> list:
    found = check_record(rec, TEXT, SCHEME, prediction=prediction)
    return [p for p in found if p.level == "error"]


def test_the_committed_gold_is_clean_under_both_strictness_levels():
    assert errors(GOLD) == []
    assert errors(as_prediction(GOLD), prediction=True) == []
    assert reader.check_record(GOLD, {DOC: TEXT}) == []


BREAKS = {
    "span-out-of-range": lambda r: r["spans"][0].update(end=10**6),
    "span-text-mismatch": lambda r: r["spans"][1].update(text="not the text"),
    "span-duplicate-id": lambda r: r["spans"][2].update(id=r["spans"][1]["id"]),
    "attribution-missing-span": lambda r: r["attributions"][0].update(source="no-such-span"),
    "attribution-wrong-label": lambda r: r["attributions"][0].update(
        source=r["attributions"][0]["cue"]
    ),
}


@pytest.mark.parametrize("pid", sorted(BREAKS))
def test_a_shared_rule_names_a_fault_alike_in_every_validator(pid: str):
    rec = copy.deepcopy(GOLD)
    BREAKS[pid](rec)
    (gold,) = [p for p in errors(rec) if p.id == pid]
    (pred,) = [p for p in errors(as_prediction(rec), prediction=True) if p.id == pid]
    assert (pred.record, pred.field, pred.message) == (gold.record, gold.field, gold.message)
    lines = reader.check_record(rec, {DOC: TEXT})
    assert any(line.endswith(gold.message) and f"doc {DOC!r}: " in line for line in lines), lines


def test_a_prediction_need_not_meet_golds_completeness_rules():
    rec = copy.deepcopy(GOLD)
    claim = next(s for s in rec["spans"] if s["label"] == "CLAIM")
    claim["topic_stance"] = None  # gold: claim-missing-topic-stance
    rec["attributions"][0].update(source=None, unattributed=False)  # gold: attribution-no-source
    rec["attributions"][1]["anonymous_source"] = True  # gold: attribution-anonymous-flag
    gold_ids = {p.id for p in errors(rec)}
    assert {
        "claim-missing-topic-stance",
        "attribution-no-source",
        "attribution-anonymous-flag",
    } <= gold_ids
    assert errors(as_prediction(rec), prediction=True) == []
    assert reader.check_record(rec, {DOC: TEXT}) == []


def test_each_strictness_knows_its_layer():
    assert {p.field for p in errors(as_prediction(GOLD))} == {"layer"}
    assert {p.field for p in errors(GOLD, prediction=True)} == {"layer"}


def test_a_prediction_without_its_text_is_checked_without_the_text_rules():
    rec = as_prediction(GOLD)
    rec["spans"][1]["text"] = "not the text"
    assert check_record(rec, None, SCHEME, prediction=True) == []
    with pytest.raises(ValueError, match="checked against its text"):
        check_record(GOLD, None, SCHEME)
