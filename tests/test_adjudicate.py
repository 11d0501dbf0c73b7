"""Adjudication: majority / unanimity voting into gold, disputes logged, hand-made gold kept;
nothing written when a record would be invalid or hand-made gold would shrink unasked."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli, tree_digest

from claimcorpus.adjudicate import AdjudicationRefused, adjudicate, merge
from claimcorpus.annotations import check_record, list_layers, load_layer, write_record
from claimcorpus.corpus import load_documents
from claimcorpus.release import build_into
from claimcorpus.scheme import load_scheme
from claimcorpus.validate import validate


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
    out = adjudicate(project, policy="all", overwrite=True, allow_shrink=True)
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
    assert f"{doc_id}: merged; kept hand-made gold (--overwrite replaces it)" in r.stdout
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
    out = adjudicate(project, adjudicator="judy", overwrite=True, allow_shrink=True)
    assert out[0]["status"] == "adjudicated by judy" and "judy" not in out[0]["annotators"]
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


# ------------------------------------------------------------------ nothing invalid is written
def _log(project: Path, doc_id: str) -> dict:
    return json.loads((project / "annotations" / "adjudication" / f"{doc_id}.json").read_text())


def _judy(project: Path, rec: dict) -> dict:
    judge = {**copy.deepcopy(rec), "layer": "raw", "annotator": "judy"}
    write_record(project, "raw/judy", judge)
    return judge


def test_an_invalid_adjudicator_record_writes_nothing_and_exits_1(three):
    project, doc_id, rec, *_ = three
    judge = {**copy.deepcopy(rec), "layer": "raw", "annotator": "judy"}
    bad = judge["spans"][0]
    bad["text"] = "#" + bad["text"][1:]  # one span whose text does not match the article
    write_record(project, "raw/judy", judge)
    before = tree_digest(project / "annotations")
    r = run_cli("adjudicate", "--adjudicator", "judy", "--overwrite", root=project)
    assert r.returncode == 1, r.stdout
    where = f"annotations/raw/judy/{doc_id}.json doc={doc_id} record={bad['id']} field=text"
    assert f"[error span-text-mismatch] {where}" in r.stderr
    assert "nothing written" in r.stderr
    assert tree_digest(project / "annotations") == before  # no gold, log or backup


def test_one_invalid_merge_keeps_every_document_as_it_was(three):
    """Doc A's merge is valid, doc B's names an unknown cluster: neither is written."""
    project, doc_a, *_ = three
    doc_b = sorted(load_layer(project, "gold"))[1]
    rec_b = copy.deepcopy(load_layer(project, "gold")[doc_b])
    claim = next(s for s in rec_b["spans"] if s["label"] == "CLAIM")
    claim["cluster"] = "no-such-cluster"
    for who in ("alice", "bob"):
        write_record(project, f"raw/{who}", {**rec_b, "layer": "raw", "annotator": who})
    before = tree_digest(project / "annotations")
    with pytest.raises(AdjudicationRefused) as exc:
        adjudicate(project, overwrite=True)
    (problem,) = exc.value.problems
    assert (problem.id, problem.doc_id, problem.field) == ("cluster-unknown", doc_b, "cluster")
    assert problem.file == f"annotations/gold/{doc_b}.json"
    assert "merged from alice, bob; k=2" in problem.message
    assert tree_digest(project / "annotations") == before
    r = run_cli("adjudicate", "--overwrite", root=project)
    assert r.returncode == 1 and f"doc={doc_b} record=" in r.stderr
    assert tree_digest(project / "annotations") == before


def test_an_unknown_adjudicator_layer_is_refused(three):
    project, *_ = three
    before = tree_digest(project / "annotations")
    r = run_cli("adjudicate", "--adjudicator", "nobody", "--overwrite", root=project)
    assert r.returncode == 1 and "annotations/raw/nobody: no such raw layer" in r.stderr
    assert tree_digest(project / "annotations") == before


# ------------------------------------------------------------------------- the log only grows
def test_disputes_are_logged_also_when_hand_made_gold_is_kept(three):
    project, doc_id, *_ = three
    before = (project / "annotations" / "gold" / f"{doc_id}.json").read_bytes()
    out = adjudicate(project)
    assert out[0]["gold"] == "kept"
    assert (project / "annotations" / "gold" / f"{doc_id}.json").read_bytes() == before
    log = _log(project, doc_id)
    assert log["gold"] == "kept" and log["annotators"] == ["alice", "bob", "carol"]
    assert any(d["missing"] == ["bob"] for d in log["disputes"] if d["kind"] == "span")
    assert any(d["kind"] == "attribution" for d in log["disputes"])


def test_a_later_adjudicator_run_appends_and_keeps_earlier_disputes(three):
    project, doc_id, rec, *_ = three
    adjudicate(project, overwrite=True)  # majority: same counts, so no shrink
    first = _log(project, doc_id)
    assert first["disputes"] and first["history"] == []
    _judy(project, rec)
    r = run_cli("adjudicate", "--adjudicator", "judy", root=project)  # gold is ours now
    assert r.returncode == 0, r.stderr
    log = _log(project, doc_id)
    assert log["adjudicator"] == "judy" and log["disputes"] == []
    (earlier,) = log["history"]
    assert earlier["disputes"] == first["disputes"] and earlier["adjudicator"] is None
    assert earlier["time"] == first["time"]
    run_cli("adjudicate", "--adjudicator", "judy", root=project)  # gold now unchanged: logged
    run_cli("adjudicate", "--adjudicator", "judy", root=project)  # the same run again: not
    log = _log(project, doc_id)
    assert [h["adjudicator"] for h in log["history"]] == [None, "judy"]
    assert log["gold"] == "unchanged" and log["history"][1]["gold"] == "written"


def test_the_summary_names_the_adjudicator_and_gold_ids_follow_the_rule(three):
    project, doc_id, rec, *_ = three
    judge = {**copy.deepcopy(rec), "layer": "raw", "annotator": "judy"}
    rename = {s["id"]: f"region-{i}" for i, s in enumerate(reversed(judge["spans"]))}
    for s in judge["spans"]:
        s["id"] = rename[s["id"]]
        s["antecedent"] = rename.get(s.get("antecedent"))
    for i, a in enumerate(judge["attributions"]):
        a["id"] = f"rel-{i}"
        a.update({r: rename.get(a.get(r)) for r in ("claim", "source", "cue")})
    write_record(project, "raw/judy", judge)
    r = run_cli("adjudicate", "--adjudicator", "judy", "--overwrite", root=project)
    assert r.returncode == 0, r.stderr
    head = f"{doc_id}: adjudicated by judy (layer raw/judy wins; voters not counted: alice, bob, carol)"
    assert head in r.stdout and "k=" not in r.stdout.splitlines()[0]
    gold = load_layer(project, "gold")[doc_id]
    assert gold["annotator"] == "adjudication:judy"
    seen: dict[str, int] = {}
    for s in sorted(gold["spans"], key=lambda s: (s["start"], -s["end"], s["label"])):
        seen[s["label"]] = seen.get(s["label"], 0) + 1
        assert s["id"] == {"CLAIM": "c", "SOURCE": "s", "CUE": "q"}[s["label"]] + str(
            seen[s["label"]]
        )
    n = len(judge["attributions"])
    assert sorted(a["id"] for a in gold["attributions"]) == sorted(f"a{i}" for i in range(1, n + 1))

    def links(r: dict) -> list:
        at = {s["id"]: (s["label"], s["start"], s["end"]) for s in r["spans"]}
        return [
            (at[a["claim"]], at.get(a["source"]), at.get(a["cue"]), a["stance"])
            for a in r["attributions"]
        ]

    by_id = {a["id"]: a for a in gold["attributions"]}
    ordered = [by_id[f"a{i}"] for i in range(1, len(by_id) + 1)]
    assert sorted(links(gold)) == sorted(links(judge))  # same links, references followed
    claim_at = {s["id"]: (s["start"], -s["end"]) for s in gold["spans"]}
    assert [claim_at[a["claim"]] for a in ordered] == sorted(claim_at[a["claim"]] for a in ordered)
    ants = {(s["start"], s["end"]): s.get("antecedent") for s in gold["spans"]}
    assert any(ants.values())  # the seed gold has antecedents: they must point at new ids
    assert all(a in claim_at for a in ants.values() if a)


# ------------------------------------------------------------------- --overwrite never shrinks
def test_overwrite_refuses_to_shrink_hand_made_gold(three):
    project, doc_id, rec, claim, att = three
    before = tree_digest(project / "annotations")
    n_s, n_a = len(rec["spans"]), len(rec["attributions"])
    lost = sum(a["claim"] == claim["id"] for a in rec["attributions"]) + 1  # + carol's flip
    r = run_cli("adjudicate", "--overwrite", "--policy", "all", root=project)
    assert r.returncode == 1, r.stdout
    line = (
        f"annotations/gold/{doc_id}.json doc={doc_id}: hand-made gold would shrink: "
        f"spans {n_s} -> {n_s - 1}, attributions {n_a} -> {n_a - lost}"
    )
    assert line in r.stderr and "--allow-shrink" in r.stderr
    assert tree_digest(project / "annotations") == before
    r = run_cli("adjudicate", "--allow-shrink", root=project)
    assert r.returncode == 2 and "only applies with --overwrite" in r.stderr


def test_allow_shrink_replaces_gold_and_keeps_a_dated_backup_no_command_reads(three, tmp_path):
    project, doc_id, rec, claim, att = three
    path = project / "annotations" / "gold" / f"{doc_id}.json"
    old = path.read_bytes()
    n_s, n_a = len(rec["spans"]), len(rec["attributions"])
    r = run_cli("adjudicate", "--overwrite", "--allow-shrink", "--policy", "all", root=project)
    assert r.returncode == 0, r.stderr
    assert f"gold written (was {n_s} spans, {n_a} attributions)" in r.stdout
    assert len(load_layer(project, "gold")[doc_id]["spans"]) == n_s - 1
    (backup,) = (project / "annotations" / "backups").glob("*/gold/*.json")
    assert backup.name == path.name and backup.read_bytes() == old
    assert re.fullmatch(r"\d{8}T\d{6}Z", backup.parent.parent.name)
    assert f"old gold in {backup.relative_to(project)}" in r.stdout
    assert _log(project, doc_id)["backup"] == str(backup.relative_to(project))
    assert _log(project, doc_id)["replaced"] == {"spans": n_s, "attributions": n_a}
    # the backup is no layer: a broken one is read by neither validate nor build
    backup.write_text("{ not json", encoding="utf-8")
    assert list_layers(project) == ["raw/alice", "raw/bob", "raw/carol"]
    assert not [p for p in validate(project) if "backups" in p.file]
    built = build_into(project, "9.9.9", tmp_path / "release", baselines=False)
    assert built["annotated_documents"] == len(load_layer(project, "gold"))
