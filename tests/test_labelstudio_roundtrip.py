"""The whole Label Studio round trip on a real server: serve, push, annotate, pull, agree,
adjudicate, review, build a release and load it with datasets. The steps are module fixtures
on one temp copy of the project (push, then annotate, pull, adjudicate), each asking for the
one before it, so in file order they run once, as a person would run them, and any test run
alone first makes the steps it needs; no test reads what another test left behind."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import (
    annotate,
    load_json,
    project_id,
    span_keys,
    tasks_by_doc,
    with_new_claim,
    with_stance,
    without_claim,
)

from claimcorpus.baseline.rules import extract
from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.config import label_config
from claimcorpus.labelstudio.convert import record_to_results

pytestmark = pytest.mark.labelstudio
TITLE = "roundtrip"


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Shared state: the project copy and the records alice and bob will submit."""
    root = copy_project(tmp_path_factory.mktemp("rt") / "project")
    docs = {d["doc_id"]: d for d in load_documents(root)}
    gold = load_layer(root, "gold")
    doc_a, doc_b = sorted(gold)[:2]
    text_a, text_b = docs[doc_a]["text"], docs[doc_b]["text"]
    claim_c = next(s["id"] for s in gold[doc_a]["spans"] if s["label"] == "CLAIM")
    att_t = next(a for a in gold[doc_a]["attributions"] if a["claim"] != claim_c and a["source"])
    flipped = "refute" if att_t["stance"] != "refute" else "support"
    alice_a = with_new_claim(gold[doc_a], text_a)
    bob_a = with_stance(
        without_claim(with_new_claim(gold[doc_a], text_a), claim_c), att_t["id"], flipped
    )
    both_b = with_new_claim(gold[doc_b], text_b)
    new_span = next(s for s in alice_a["spans"] if s["id"] == "new1")
    return SimpleNamespace(
        root=root,
        docs=docs,
        gold=gold,
        doc_a=doc_a,
        doc_b=doc_b,
        claim_c=claim_c,
        att_t=att_t,
        flipped=flipped,
        new_span=new_span,
        submit={"alice": {doc_a: alice_a, doc_b: both_b}, "bob": {doc_a: bob_a, doc_b: both_b}},
    )


@pytest.fixture(scope="module")
def pushed(ls_server, rt) -> SimpleNamespace:
    """Step 1: push with gold predictions; the push's output and the project's tasks."""
    ls_server.ensure_running()
    r = ls_cli(
        ls_server,
        rt.root,
        "ls",
        "push",
        "--project",
        TITLE,
        "--predictions",
        "gold",
        "--preannotate",
        "prefill",  # the predictions as Label Studio predictions (on-demand pushes none)
        "--model-version",
        "gold-test",
    )
    assert r.returncode == 0, r.stderr
    conn = ls_server.connect()
    pid = project_id(conn, TITLE)
    by_doc = tasks_by_doc(conn, pid)
    tasks = {d: ids[0] for d, ids in by_doc.items()}
    preds = list(conn.client.predictions.list(task=tasks[rt.doc_a]))  # before any re-push
    return SimpleNamespace(result=r, pid=pid, by_doc=by_doc, tasks=tasks, preds_a=preds)


@pytest.fixture(scope="module")
def submitted(ls_server, ls_annotators, pushed, rt) -> dict[tuple[str, str], int]:
    """Step 2: alice and bob submit their records through the API; (name, doc) -> id."""
    ls_server.ensure_running()
    return {
        (name, doc_id): annotate(
            ls_server.url,
            ls_annotators[name].token,
            pushed.tasks[doc_id],
            record_to_results(record),
        )
        for name, docs in rt.submit.items()
        for doc_id, record in docs.items()
    }


@pytest.fixture(scope="module")
def pulled(ls_server, submitted, rt) -> subprocess.CompletedProcess:
    """Step 3: `ls pull --check` writes one raw layer per annotator."""
    ls_server.ensure_running()
    return ls_cli(ls_server, rt.root, "ls", "pull", "--project", TITLE, "--check")


@pytest.fixture(scope="module")
def adjudicated(ls_server, pulled, rt) -> subprocess.CompletedProcess:
    """Step 4: `adjudicate --overwrite` merges the two raw layers into gold; bob drops a
    CLAIM with its attributions, so doc A's hand-made gold shrinks: confirmed here."""
    assert pulled.returncode == 0, pulled.stderr
    return ls_cli(
        ls_server,
        rt.root,
        "adjudicate",
        "--layers",
        "alice",
        "bob",
        "--overwrite",
        "--allow-shrink",
    )


def test_serve_prints_url_and_masked_token_only(ls_env):
    out = ls_env.first_output
    assert ls_env.url in out and "127.0.0.1" in out
    assert ls_env.token not in out and ls_env.token[:4] in out
    assert ls_env.password not in out
    status = ls_env.serve_cli("--status")
    assert status.returncode == 0 and "running at" in status.stdout
    again = ls_env.serve_cli("--background")
    assert again.returncode == 2 and "already runs" in again.stderr
    assert ls_env.connect().client.users.whoami().email == ls_env.username  # legacy token works


def test_push_with_gold_predictions(ls_env, rt, pushed):
    r = pushed.result
    assert "5 imported" in r.stdout
    conn = ls_env.connect()
    project = conn.client.projects.get(id=pushed.pid)
    assert project.label_config.strip() == label_config(load_scheme(rt.root)).strip()
    assert "Annotation guidelines" in project.expert_instruction
    by_doc = pushed.by_doc
    assert sorted(by_doc) == sorted(rt.docs) and all(len(v) == 1 for v in by_doc.values())
    task = conn.client.tasks.get(id=str(by_doc[rt.doc_a][0]))
    assert task.data["text_sha256"] == rt.docs[rt.doc_a]["text_sha256"]
    assert task.data["text"] == rt.docs[rt.doc_a]["text"]
    preds = pushed.preds_a
    assert [p.model_version for p in preds] == ["gold-test"]
    assert preds[0].result == record_to_results(rt.gold[rt.doc_a])


def test_push_twice_makes_no_duplicates(ls_env, rt, pushed):
    r = ls_cli(
        ls_env,
        rt.root,
        "ls",
        "push",
        "--project",
        TITLE,
        "--predictions",
        "gold",
        "--preannotate",
        "prefill",  # the predictions as Label Studio predictions (on-demand pushes none)
        "--model-version",
        "gold-test",
    )
    assert r.returncode == 0, r.stderr
    assert "0 imported, 5 unchanged" in r.stdout and "unchanged at" in r.stdout
    by_doc = tasks_by_doc(ls_env.connect(), pushed.pid)
    assert {d: ids[0] for d, ids in by_doc.items()} == pushed.tasks
    # a new model version reaches the existing tasks as extra predictions, not new tasks
    r = ls_cli(
        ls_env,
        rt.root,
        "ls",
        "push",
        "--project",
        TITLE,
        "--predictions",
        "gold",
        "--preannotate",
        "prefill",  # the predictions as Label Studio predictions (on-demand pushes none)
        "--model-version",
        "gold-v2",
    )
    assert "0 imported, 5 unchanged" in r.stdout and "5 tasks got new predictions" in r.stdout
    conn = ls_env.connect()
    preds = conn.client.predictions.list(task=pushed.tasks[rt.doc_a])
    assert sorted(p.model_version for p in preds) == ["gold-test", "gold-v2"]
    assert {d: ids[0] for d, ids in tasks_by_doc(conn, pushed.pid).items()} == pushed.tasks


def test_two_annotators_submit_through_the_api(ls_env, ls_annotators, submitted):
    conn = ls_env.connect()
    assert len(submitted) == 4
    for (name, _doc_id), ann_id in submitted.items():
        assert conn.client.annotations.get(id=ann_id).completed_by == ls_annotators[name].user_id


def test_pull_writes_one_raw_layer_per_annotator(ls_env, rt, pulled):
    r = pulled
    assert r.returncode == 0, r.stderr
    assert "annotators: alice, bob" in r.stdout and "0 error(s), 0 check problem(s)" in r.stdout
    for name, docs in rt.submit.items():
        layer = load_layer(rt.root, f"raw/{TITLE}/{name}")
        assert sorted(layer) == sorted(docs)
        for doc_id, sent in docs.items():
            got = layer[doc_id]
            assert got["annotator"] == name and got["layer"] == "raw"
            assert got["text_sha256"] == rt.docs[doc_id]["text_sha256"]
            assert span_keys(got) == span_keys(sent)
            text = rt.docs[doc_id]["text"]
            assert all(text[s["start"] : s["end"]] == s["text"] for s in got["spans"])
    assert f"raw/{TITLE}/bob/{rt.doc_a}: +{len(rt.submit['bob'][rt.doc_a]['spans'])} -0" in r.stdout
    again = ls_cli(ls_env, rt.root, "ls", "pull", "--project", TITLE)
    assert again.returncode == 0 and "0 file(s) written" in again.stdout


def test_agreement_between_the_two_layers(ls_env, rt, pulled, tmp_path: Path):
    out = tmp_path / "agreement.json"
    r = ls_cli(ls_env, rt.root, "agreement", "--layers", "alice", "bob", "--json", str(out))
    assert r.returncode == 0, r.stderr
    (pair,) = load_json(out)["pairs"]
    assert pair["docs"] == 2
    alice = set().union(*(span_keys(x) for x in rt.submit["alice"].values()))
    bob = set().union(*(span_keys(x) for x in rt.submit["bob"].values()))
    claims_a = {k for k in alice if k[0] == "CLAIM"}
    claims_b = {k for k in bob if k[0] == "CLAIM"}
    expect = 2 * len(claims_a & claims_b) / (len(claims_a) + len(claims_b))
    assert pair["spans"]["CLAIM"]["strict_f1"] == pytest.approx(expect) and expect < 1
    assert pair["spans"]["CUE"]["strict_f1"] == 1.0
    assert pair["stance"]["observed"] < 1 and pair["stance"]["cohen_kappa"] < 1
    assert pair["stance"]["krippendorff_alpha"] is not None
    assert 0 < pair["gamma"]["gamma"] < 1 and "pygamma-agreement" in pair["gamma"]["library"]
    assert "strict F1" in r.stdout and "gamma" in r.stdout


def test_adjudicate_merges_agreed_items_and_logs_disputes(rt, adjudicated):
    r = adjudicated
    assert r.returncode == 0, r.stderr
    gold = load_layer(rt.root, "gold")
    new = (rt.new_span["label"], rt.new_span["start"], rt.new_span["end"])
    old_c = next(s for s in rt.gold[rt.doc_a]["spans"] if s["id"] == rt.claim_c)
    assert new in span_keys(gold[rt.doc_a])
    assert ("CLAIM", old_c["start"], old_c["end"]) not in span_keys(gold[rt.doc_a])
    assert gold[rt.doc_a]["annotator"] == "adjudication"
    log = load_json(rt.root / "annotations" / "adjudication" / f"{rt.doc_a}.json")
    open_ = [d for d in log["disputes"] if not d["accepted"]]
    assert any(d["kind"] == "span" and d["missing"] == [f"{TITLE}/bob"] for d in open_)
    stances = [
        sorted(v["value"]["stance"] for v in d["variants"])
        for d in open_
        if d["kind"] == "attribution"
    ]
    assert sorted([rt.att_t["stance"], rt.flipped]) in stances
    assert not load_json(rt.root / "annotations" / "adjudication" / f"{rt.doc_b}.json")["disputes"]


def test_review_pushes_disputed_documents(ls_env, rt, adjudicated):
    r = ls_cli(ls_env, rt.root, "ls", "review", "--project", "roundtrip review")
    assert r.returncode == 0, r.stderr
    assert "1 document(s) with disagreements" in r.stdout and "1 imported" in r.stdout
    conn = ls_env.connect()
    pid = project_id(conn, "roundtrip review")
    (tid,) = tasks_by_doc(conn, pid)[rt.doc_a]
    task = conn.client.tasks.get(id=str(tid))
    assert "alice" in task.data["review_note"] and "bob: (not marked)" in task.data["review_note"]
    versions = sorted(p.model_version for p in conn.client.predictions.list(task=tid))
    assert versions == ["gold", f"raw/{TITLE}/alice", f"raw/{TITLE}/bob"]
    again = ls_cli(ls_env, rt.root, "ls", "review", "--project", "roundtrip review")
    assert "0 imported, 1 unchanged" in again.stdout


def test_release_shows_the_adjudicated_spans(rt, adjudicated, tmp_path: Path, offline_hf):
    from datasets import load_dataset

    from claimcorpus.pipeline import build_release

    folder, status = build_release(rt.root, "0.4.0", tmp_path / "releases")
    assert status == "built"
    ds = load_dataset(str(folder), "documents")
    rows = {r["doc_id"]: r for split in ds for r in ds[split]}
    names = ds["train"].features["spans"].feature["label"]
    got = {(names.int2str(s["label"]), s["start"], s["end"]) for s in rows[rt.doc_a]["spans"]}
    assert (rt.new_span["label"], rt.new_span["start"], rt.new_span["end"]) in got
    assert got == span_keys(load_layer(rt.root, "gold")[rt.doc_a])
    assert json.loads((folder / "build_summary.json").read_text())["documents"] == 5


def test_push_with_baseline_predictions(ls_env, rt):
    r = ls_cli(
        ls_env,
        rt.root,
        "ls",
        "push",
        "--project",
        "baseline",
        "--predictions",
        "baseline",
        "--preannotate",
        "prefill",
    )
    assert r.returncode == 0, r.stderr
    conn = ls_env.connect()
    tasks = tasks_by_doc(conn, project_id(conn, "baseline"))
    (pred,) = conn.client.predictions.list(task=tasks[rt.doc_a][0])
    assert pred.model_version == f"baseline-{load_scheme(rt.root).version}"
    assert pred.result == record_to_results(extract(rt.doc_a, rt.docs[rt.doc_a]["text"]))
