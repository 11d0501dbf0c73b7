"""Trivial baseline: cue sentences become CLAIMs, always 'support', never a source."""

from __future__ import annotations

from claimcorpus.baseline.trivial import extract
from claimcorpus.evaluate.reader import check_record

TEXT = "Officials said China helps Russia. The sky is blue. “It is false,” he denied."


def test_every_cue_sentence_is_one_claim_without_source():
    rec = extract("d", TEXT)
    assert [s["text"] for s in rec["spans"]] == [
        "Officials said China helps Russia",
        "It is false,” he denied",
    ]
    assert all(s["label"] == "CLAIM" for s in rec["spans"])
    assert {a["stance"] for a in rec["attributions"]} == {"support"}
    assert all(a["source"] is None and a["cue"] is None for a in rec["attributions"])


def test_trivial_output_is_a_valid_prediction_record():
    rec = extract("d", TEXT)
    assert check_record(rec, {"d": TEXT}) == []


def test_no_cue_no_claim():
    assert extract("d", "The sky is blue. Grass is green.")["spans"] == []
