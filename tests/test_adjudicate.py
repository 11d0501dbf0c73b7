"""Adjudication: majority / unanimity voting into gold, disputes logged, hand-made gold kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import run_cli

from claimcorpus.annotate.adjudicate import adjudicate, merge
from claimcorpus.core.layers import check_record, load_layer, write_record
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents


def _keys(rec):
    return {(s["label"], s["start"], s["end"]) for s in rec["spans"]}


@pytest.fixture()
def three(project: Path):
    """alice = gold; bob = gold minus one CLAIM; carol = gold with one stance flipped."""
    gold = load_layer(project, "gold")
    doc_id = sorted(gold)[0]
    rec = gold[doc_id]
    claim = next(s for s in rec["spans"] if s["label"] == "CLAIM")
    att = next(a for a in rec["attributions"] if a["claim"] != claim["id"] and a["source"])
    alice = {**copy.deepcopy(rec), "layer": "raw", "annotator": "alice"}
    bob = {**copy.deepcopy(alice), "annotator": "bob"}
    bob["spans"] = [s for s in bob["spans"] if s["id"] != claim["id"]]
    bob["attributions"] = [a for a in bob["attributions"] if a["claim"] != claim["id"]]
    carol = {**copy.deepcopy(alice), "annotator": "carol"}
    for a in carol["attributions"]:
        if a["id"] == att["id"]:
            a["stance"] = "neutral" if a["stance"] != "neutral" else "refute"
    for who, r in (("alice", alice), ("bob", bob), ("carol", carol)):
        write_record(project, f"raw/{who}", r)
    return project, doc_id, rec, claim, att


def test_majority_keeps_two_of_three_and_logs_the_rest(three):
    project, doc_id, rec, claim, att = three
    out = adjudicate(project, overwrite=True)
    assert [s["status"] for s in out] == ["merged"] and out[0]["threshold"] == 2
    gold = load_layer(project, "gold")[doc_id]
    assert _keys(gold) == _keys(rec)  # bob's missing CLAIM is outvoted by alice + carol
    assert len(gold["attributions"]) == len(rec["attributions"])  # carol's stance is outvoted
    assert gold["annotator"] == "adjudication" and gold["spans"][0]["id"][0] in "csq"
    doc = next(d for d in load_documents(project) if d["doc_id"] == doc_id)
    errors = [
        p for p in check_record(gold, doc["text"], load_scheme(project)) if p.level == "error"
    ]
    assert errors == []
    log = json.loads((project / "annotations" / "adjudication" / f"{doc_id}.json").read_text())
    assert log["annotators"] == ["alice", "bob", "carol"] and log["threshold"] == 2
    assert all(d["accepted"] for d in log["disputes"])  # only outvoted variants are logged
    assert any(d["missing"] == ["bob"] for d in log["disputes"] if d["kind"] == "span")


def test_all_policy_drops_what_anyone_disagrees_with(three):
    project, doc_id, rec, claim, att = three
    out = adjudicate(project, policy="all", overwrite=True)
    assert out[0]["threshold"] == 3 and out[0]["disputes"] >= 2
    gold = load_layer(project, "gold")[doc_id]
    assert ("CLAIM", claim["start"], claim["end"]) not in _keys(gold)
    assert len(gold["attributions"]) < len(rec["attributions"])
    log = json.loads((project / "annotations" / "adjudication" / f"{doc_id}.json").read_text())
    stances = [
        sorted({v["value"]["stance"] for v in d["variants"]})
        for d in log["disputes"]
        if d["kind"] == "attribution" and not d["accepted"]
    ]
    assert any(att["stance"] in s and len(s) == 2 for s in stances)


def test_hand_made_gold_is_kept_without_overwrite(three):
    project, doc_id, *_ = three
    before = (project / "annotations" / "gold" / f"{doc_id}.json").read_bytes()
    r = run_cli("adjudicate", root=project)
    assert r.returncode == 0, r.stderr
    assert f"{doc_id}: kept hand-made gold (--overwrite)" in r.stdout
    assert (project / "annotations" / "gold" / f"{doc_id}.json").read_bytes() == before


def test_adjudicator_layer_wins_and_never_votes(three):
    project, doc_id, rec, claim, att = three
    judge = {**copy.deepcopy(rec), "layer": "raw", "annotator": "judy"}
    judge["spans"] = judge["spans"][:3]
    keep = {s["id"] for s in judge["spans"]}
    judge["attributions"] = [
        a
        for a in judge["attributions"]
        if a["claim"] in keep and a.get("source") in keep | {None} and a.get("cue") in keep | {None}
    ]
    write_record(project, "raw/judy", judge)
    out = adjudicate(project, adjudicator="judy", overwrite=True)
    assert out[0]["status"] == "adjudicated" and "judy" not in out[0]["annotators"]
    assert _keys(load_layer(project, "gold")[doc_id]) == _keys(judge)


def test_records_on_an_old_text_do_not_vote(three):
    project, doc_id, *_ = three
    for who in ("bob", "carol"):
        rec = load_layer(project, f"raw/{who}")[doc_id]
        write_record(project, f"raw/{who}", {**rec, "text_sha256": "f" * 64})
    out = adjudicate(project, overwrite=True)
    assert out[0]["status"].startswith("skipped: 1 annotator(s)") and out[0]["stale"] == [
        "bob",
        "carol",
    ]


def test_dangling_references_are_dropped_with_a_note():
    def span(sid, label, start, end, ant=None):
        return {
            "id": sid,
            "label": label,
            "start": start,
            "end": end,
            "text": "t",
            "topic_stance": "none" if label == "CLAIM" else None,
            "cluster": None,
            "antecedent": ant,
        }

    base = {
        "spans": [
            span("c", "CLAIM", 0, 5),
            span("s", "SOURCE", 6, 8, ant="n"),
            span("n", "SOURCE", 10, 12),
        ],
        "attributions": [
            {
                "id": "a",
                "claim": "c",
                "source": "s",
                "cue": None,
                "stance": "support",
                "source_type": "expert",
                "anonymous_source": False,
                "unattributed": False,
            }
        ],
    }
    other = copy.deepcopy(base)
    other["spans"] = [s for s in other["spans"] if s["id"] != "n"]
    other["spans"][1]["antecedent"] = None
    spans, atts, disputes, notes = merge({"a": base, "b": other, "c": base}, 2)
    assert {s["label"] for s in spans} == {"CLAIM", "SOURCE"} and len(spans) == 3
    assert len(atts) == 1 and atts[0]["id"] == "a1"
    spans, atts, disputes, notes = merge({"a": base, "b": other}, 2)
    assert len(spans) == 1 and atts == []  # s differs in antecedent, n missing: only c agreed
    assert any("not in gold" in n for n in notes)
