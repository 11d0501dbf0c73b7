"""Pairwise agreement measures on small layers whose answers are known by hand."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import run_cli

from claimcorpus.annotate.agreement import cohen_kappa, compare, kripp_alpha, overlap_matches
from claimcorpus.core.layers import load_layer, write_record


def _span(sid, label, start, end, **kw):
    return {
        "id": sid,
        "label": label,
        "start": start,
        "end": end,
        "text": "x" * (end - start),
        "topic_stance": kw.get("topic"),
        "cluster": None,
        "antecedent": None,
    }


def _att(aid, claim, source, stance):
    return {
        "id": aid,
        "claim": claim,
        "source": source,
        "cue": None,
        "stance": stance,
        "source_type": "expert",
        "anonymous_source": False,
        "unattributed": False,
    }


def _rec(spans, atts):
    return {
        "doc_id": "d",
        "layer": "raw",
        "annotator": "x",
        "text_sha256": "0" * 64,
        "spans": spans,
        "attributions": atts,
    }


A = _rec(
    [
        _span("c1", "CLAIM", 0, 10, topic="favor"),
        _span("c2", "CLAIM", 20, 30, topic="none"),
        _span("s1", "SOURCE", 40, 45),
        _span("s2", "SOURCE", 50, 55),
    ],
    [_att("a1", "c1", "s1", "support"), _att("a2", "c2", "s2", "refute")],
)
# B: c1 identical, c2 shifted by 2 (overlap only), s1 same, s2 missing; a1 with other stance
B = _rec(
    [
        _span("x1", "CLAIM", 0, 10, topic="favor"),
        _span("x2", "CLAIM", 22, 30, topic="none"),
        _span("y1", "SOURCE", 40, 45),
    ],
    [_att("b1", "x1", "y1", "neutral")],
)


def test_strict_and_overlap_f1_per_label():
    res = compare({"d": A}, {"d": B}, ["CLAIM", "SOURCE", "CUE"])
    assert res["spans"]["CLAIM"]["strict_f1"] == pytest.approx(2 * 1 / 4)
    assert res["spans"]["CLAIM"]["overlap_f1"] == pytest.approx(1.0)
    assert res["spans"]["SOURCE"]["strict_f1"] == pytest.approx(2 * 1 / 3)
    assert res["spans"]["CUE"]["strict_f1"] is None
    assert res["spans"]["ALL"]["strict_matches"] == 2 and res["spans"]["ALL"]["a"] == 4
    assert res["attributions"]["link_f1"] == pytest.approx(2 * 1 / 3)
    assert res["stance"]["n"] == 1 and res["stance"]["observed"] == 0.0
    assert res["topic_stance"]["n"] == 1 and res["topic_stance"]["observed"] == 1.0


def test_overlap_matching_is_one_to_one():
    a = [("CLAIM", 0, 10), ("CLAIM", 5, 15)]
    b = [("CLAIM", 4, 12)]
    assert overlap_matches(a, b) == 1
    assert overlap_matches(a, [("SOURCE", 0, 10)]) == 0


def test_kappa_and_alpha_on_known_tables():
    x = ["support"] * 6 + ["refute"] * 4
    y = ["support"] * 5 + ["refute"] * 5
    # po = 0.9, pe = 0.6*0.5 + 0.4*0.5 = 0.5 -> kappa 0.8
    assert cohen_kappa(x, y) == pytest.approx(0.8)
    assert kripp_alpha(x, y) == pytest.approx(0.8, abs=0.02)
    assert kripp_alpha(["a", "a"], ["a", "a"]) is None  # one category: undefined
    assert cohen_kappa([], []) is None


def test_cli_table_and_json(project: Path, tmp_path: Path):
    gold = load_layer(project, "gold")
    doc_id, rec = sorted(gold.items())[0]
    alice = {**copy.deepcopy(rec), "layer": "raw", "annotator": "alice"}
    bob = copy.deepcopy(alice) | {"annotator": "bob"}
    bob["spans"] = bob["spans"][1:]  # bob misses the first span
    write_record(project, "raw/alice", alice)
    write_record(project, "raw/bob", bob)
    out = tmp_path / "a.json"
    r = run_cli("agreement", "--no-gamma", "--json", str(out), root=project)
    assert r.returncode == 0, r.stderr
    assert "raw/alice vs raw/bob: 1 shared document(s)" in r.stdout
    pair = json.loads(out.read_text())["pairs"][0]
    n = len(rec["spans"])
    assert pair["spans"]["ALL"]["strict_f1"] == pytest.approx(2 * (n - 1) / (2 * n - 1))
    assert "gamma" not in pair


def test_needs_two_layers(project: Path):
    r = run_cli("agreement", "--no-gamma", root=project)
    assert r.returncode == 1 and "need two layers" in r.stderr
