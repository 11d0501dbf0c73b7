"""Faults against the real server: no server, wrong token, server killed mid-push and
mid-pull, a deleted task, invalid annotations, a text changed under annotations."""

from __future__ import annotations

import copy
import secrets
from pathlib import Path

import pytest
from conftest import rewrite_stored, tree_digest
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import annotate, project_id, span_keys, tasks_by_doc, with_new_claim

from claimcorpus.core.layers import list_layers, load_layer, write_record
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.client import LSError, connect
from claimcorpus.labelstudio.convert import record_to_results
from claimcorpus.labelstudio.pull import pull
from claimcorpus.labelstudio.push import push
from claimcorpus.labelstudio.server import free_port

pytestmark = pytest.mark.labelstudio


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _pushed(ls_env, root: Path, title: str) -> dict[str, int]:
    r = ls_cli(ls_env, root, "ls", "push", "--project", title)
    assert r.returncode == 0, r.stderr
    return {
        d: ids[0]
        for d, ids in tasks_by_doc(ls_env.connect(), project_id(ls_env.connect(), title)).items()
    }


def test_server_not_running_is_a_clear_error(ls_env, root: Path):
    env_url = f"http://127.0.0.1:{free_port()}"
    r = ls_cli(ls_env, root, "ls", "push", "--url", env_url)
    assert r.returncode == 2
    assert "not reachable" in r.stderr and env_url in r.stderr and "ls serve" in r.stderr
    assert "Traceback" not in r.stderr


def test_wrong_token_is_refused_and_never_printed(ls_env, root: Path, monkeypatch):
    bad = "0123456789abcdef0123456789abcdef01234567"
    monkeypatch.setattr(ls_env, "token", bad)
    r = ls_cli(ls_env, root, "ls", "pull")
    assert r.returncode == 2
    assert "refused the token" in r.stderr and "0123…(40 chars)" in r.stderr
    assert bad not in r.stderr + r.stdout


def test_server_killed_mid_push_then_rerun_has_no_duplicates(ls_env, root: Path):
    conn = ls_env.connect()
    with pytest.raises(LSError, match="push interrupted|not reachable"):
        push(
            conn, root, title="kill-push", batch_size=2, on_batch=lambda done, total: ls_env.kill()
        )
    ls_env.ensure_running()
    r = ls_cli(ls_env, root, "ls", "push", "--project", "kill-push")
    assert r.returncode == 0, r.stderr
    assert "3 imported, 2 unchanged" in r.stdout
    by_doc = tasks_by_doc(ls_env.connect(), project_id(ls_env.connect(), "kill-push"))
    assert sorted(by_doc) == sorted(d["doc_id"] for d in load_documents(root))
    assert all(len(ids) == 1 for ids in by_doc.values())


def test_server_killed_mid_pull_writes_nothing_and_loses_nothing(ls_env, ls_annotators, root: Path):
    tasks = _pushed(ls_env, root, "kill-pull")
    gold = load_layer(root, "gold")
    docs = {d["doc_id"]: d for d in load_documents(root)}
    first, second = sorted(tasks)[:2]
    alice = ls_annotators["alice"]
    annotate(ls_env.url, alice.token, tasks[first], record_to_results(gold[first]))
    assert ls_cli(ls_env, root, "ls", "pull", "--project", "kill-pull").returncode == 0
    before = tree_digest(root / "annotations")
    changed = with_new_claim(gold[second], docs[second]["text"])
    annotate(ls_env.url, alice.token, tasks[second], record_to_results(changed))
    conn = connect(ls_env.url, ls_env.token)
    with pytest.raises(LSError, match="not reachable"):
        pull(conn, root, title="kill-pull", on_stage=lambda stage: ls_env.kill())
    assert tree_digest(root / "annotations") == before
    ls_env.ensure_running()
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "kill-pull")
    assert r.returncode == 0, r.stderr
    layer = load_layer(root, "raw/kill-pull/alice")
    assert span_keys(layer[first]) == span_keys(gold[first])
    assert span_keys(layer[second]) == span_keys(changed)


def test_deleted_task_keeps_pulled_annotations_and_push_restores_it(ls_env, ls_annotators, root):
    tasks = _pushed(ls_env, root, "deleted")
    doc = sorted(tasks)[0]
    gold = load_layer(root, "gold")
    annotate(ls_env.url, ls_annotators["bob"].token, tasks[doc], record_to_results(gold[doc]))
    assert ls_cli(ls_env, root, "ls", "pull", "--project", "deleted").returncode == 0
    saved = (root / "annotations" / "raw" / "deleted" / "bob" / f"{doc}.json").read_bytes()
    ls_env.connect().client.tasks.delete(id=str(tasks[doc]))
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "deleted")
    assert r.returncode == 0, r.stderr
    assert f"raw/deleted/bob/{doc}: no longer in Label Studio; kept" in r.stdout
    assert (root / "annotations" / "raw" / "deleted" / "bob" / f"{doc}.json").read_bytes() == saved
    again = ls_cli(ls_env, root, "ls", "push", "--project", "deleted")
    assert "1 imported, 4 unchanged" in again.stdout
    assert len(tasks_by_doc(ls_env.connect(), project_id(ls_env.connect(), "deleted"))[doc]) == 1


def _typed(results: list[dict]) -> list[dict]:
    return [r for r in results if r.get("from_name") == "source_type"]


def _bad(results: list[dict], kind: str) -> tuple[list[dict], str]:
    out = copy.deepcopy(results)
    region = next(r for r in out if r["type"] == "labels")
    if kind == "source_type":  # a SOURCE linked to its CLAIM, with no source type chosen
        linked = {r["id"] for r in out if r.get("from_name") == "source_type"}
        region = next(r for r in out if r["type"] == "labels" and r["id"] in linked)
        out = [r for r in out if not (r.get("id") == region["id"] and r in _typed(out))]
    elif kind == "label":
        region["value"]["labels"] = ["RUMOUR"]
    elif kind == "offsets":
        region["value"]["start"], region["value"]["end"] = 10**6, 10**6 + 4
    elif kind == "relation":
        out.append(
            {
                "from_id": region["id"],
                "to_id": "ghost42",
                "type": "relation",
                "direction": "right",
                "labels": ["support"],
            }
        )
    return out, region["id"]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("label", "unknown label 'RUMOUR'"),
        ("offsets", "outside the text"),
        ("relation", "missing region(s) ['ghost42']"),
        ("source_type", "has no source_type, which the scheme requires"),
    ],
)
def test_invalid_annotation_blocks_the_pull_and_names_it(
    ls_env, ls_annotators, root, kind, message
):
    title = f"invalid-{kind}"
    tasks = _pushed(ls_env, root, title)
    gold = load_layer(root, "gold")
    good_doc, bad_doc = sorted(tasks)[:2]
    alice = ls_annotators["alice"]
    annotate(ls_env.url, alice.token, tasks[good_doc], record_to_results(gold[good_doc]))
    annotate(ls_env.url, alice.token, tasks[bad_doc], record_to_results(gold[bad_doc]))
    assert ls_cli(ls_env, root, "ls", "pull", "--project", title).returncode == 0
    bad_file = root / "annotations" / "raw" / title / "alice" / f"{bad_doc}.json"
    saved = bad_file.read_bytes()
    results, region = _bad(record_to_results(gold[bad_doc]), kind)
    ann_id = annotate(ls_env.url, alice.token, tasks[bad_doc], results)  # her latest: invalid
    before = tree_digest(root / "annotations")
    r = ls_cli(ls_env, root, "ls", "pull", "--project", title)
    assert r.returncode == 1
    where = f"task {tasks[bad_doc]} (doc {bad_doc}) annotation {ann_id} by alice"
    assert where in r.stderr and message in r.stderr and "nothing written" in r.stderr
    if kind != "relation":
        assert f"region {region}" in r.stderr
    assert tree_digest(root / "annotations") == before
    r = ls_cli(ls_env, root, "ls", "pull", "--project", title, "--skip-invalid", "--prune")
    assert r.returncode == 0 and "skipped (invalid)" in r.stdout
    assert "no longer in Label Studio" not in r.stdout
    assert sorted(load_layer(root, f"raw/{title}/alice")) == [good_doc, bad_doc]
    assert bad_file.read_bytes() == saved  # the old, valid pull of that document is kept


def test_changed_text_under_annotations_is_flagged_not_replaced(ls_env, ls_annotators, root):
    tasks = _pushed(ls_env, root, "changed")
    gold = load_layer(root, "gold")
    annotated, plain = sorted(tasks)[:2]
    annotate(
        ls_env.url,
        ls_annotators["alice"].token,
        tasks[annotated],
        record_to_results(gold[annotated]),
    )
    for doc in (annotated, plain):
        import hashlib

        def append(norm):
            norm["text"] += " Appended."
            norm["text_sha256"] = hashlib.sha256(norm["text"].encode()).hexdigest()

        rewrite_stored(root, doc, "normalized", append)
    r = ls_cli(ls_env, root, "ls", "push", "--project", "changed")
    assert r.returncode == 0, r.stderr
    assert (
        f"FLAG {annotated}: text changed but task {tasks[annotated]} has 1 annotation" in r.stdout
    )
    assert "1 replaced" in r.stdout
    after = tasks_by_doc(ls_env.connect(), project_id(ls_env.connect(), "changed"))
    assert after[annotated] == [tasks[annotated]]
    assert len(after[plain]) == 1 and after[plain] != [tasks[plain]]


def test_an_annotator_password_that_starts_with_a_dash_is_set(ls_env):
    """secrets.token_urlsafe starts with "-" one time in 64; the CLI must not take it for
    an option (CI once failed on bob's password)."""
    from ls_fixtures import LS_VENV

    from claimcorpus.labelstudio.accounts import create_annotator, login_session

    password = "-" + secrets.token_urlsafe(12)
    dave = create_annotator(ls_env.connect(), LS_VENV, ls_env.data_dir, "dave", password)
    assert dave.password == password and dave.token
    login_session(ls_env.url, dave.email, password).close()  # raises LSError if not set


def test_two_projects_never_overwrite_or_prune_each_other(ls_env, ls_annotators, root):
    """alice annotates the same document differently in two projects (say, a first round and
    its review); each pull keeps its own layer, and --prune of one never deletes the other's."""
    a, b = _pushed(ls_env, root, "apart-a"), _pushed(ls_env, root, "apart-b")
    gold = load_layer(root, "gold")
    docs = {d["doc_id"]: d for d in load_documents(root)}
    shared, only_b = sorted(a)[:2]
    token = ls_annotators["alice"].token
    changed = with_new_claim(gold[shared], docs[shared]["text"])
    annotate(ls_env.url, token, a[shared], record_to_results(gold[shared]))
    annotate(ls_env.url, token, b[shared], record_to_results(changed))
    annotate(ls_env.url, token, b[only_b], record_to_results(gold[only_b]))
    assert ls_cli(ls_env, root, "ls", "pull", "--project", "apart-a").returncode == 0
    assert ls_cli(ls_env, root, "ls", "pull", "--project", "apart-b").returncode == 0
    alices = [lay for lay in list_layers(root) if lay.rsplit("/", 1)[1] == "alice"]
    assert alices == ["raw/apart-a/alice", "raw/apart-b/alice"]  # one layer: B overwrote A
    in_a, in_b = load_layer(root, "raw/apart-a/alice"), load_layer(root, "raw/apart-b/alice")
    assert sorted(in_a) == [shared] and sorted(in_b) == [shared, only_b]
    assert span_keys(in_a[shared]) == span_keys(gold[shared])
    assert span_keys(in_b[shared]) == span_keys(changed) != span_keys(gold[shared])
    b_files = tree_digest(root / "annotations" / "raw" / "apart-b")
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "apart-a", "--prune")
    assert r.returncode == 0, r.stderr
    assert "no longer in Label Studio" not in r.stdout
    assert tree_digest(root / "annotations" / "raw" / "apart-b") == b_files
    assert sorted(load_layer(root, "raw/apart-a/alice")) == [shared]
    r = ls_cli(ls_env, root, "agreement", "--layers", "raw/apart-a/alice", "raw/apart-b/alice")
    assert "raw/apart-a/alice vs raw/apart-b/alice: 1 shared document(s)" in r.stdout, r.stderr
    assert ls_cli(ls_env, root, "validate").returncode == 0


def test_an_old_layout_layer_blocks_the_pull_until_migrated(ls_env, ls_annotators, root):
    """alice's layer from before the per-project layout would vote twice next to the new one."""
    tasks = _pushed(ls_env, root, "legacy")
    gold = load_layer(root, "gold")
    doc = sorted(tasks)[0]
    write_record(root, "raw/alice", {**gold[doc], "layer": "raw", "annotator": "alice"})
    annotate(ls_env.url, ls_annotators["alice"].token, tasks[doc], record_to_results(gold[doc]))
    before = tree_digest(root / "annotations")
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "legacy")
    assert r.returncode == 1
    assert "annotations/raw/alice/: layer(s) in the old layout" in r.stderr
    assert "claimcorpus ls migrate --project 'legacy'" in r.stderr and "nothing written" in r.stderr
    assert tree_digest(root / "annotations") == before
    assert ls_cli(ls_env, root, "ls", "migrate", "--project", "legacy").returncode == 0
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "legacy")
    assert r.returncode == 0, r.stderr
    assert list_layers(root) == ["raw/legacy/alice"]
    assert span_keys(load_layer(root, "raw/legacy/alice")[doc]) == span_keys(gold[doc])


def test_pull_check_never_writes_what_validate_rejects(ls_env, ls_annotators, root):
    """A CLAIM without topic_stance converts fine but fails validate's record check: --check
    refuses it (naming task, annotation and region) or, with --skip-invalid, writes the rest."""
    tasks = _pushed(ls_env, root, "checked")
    gold = load_layer(root, "gold")
    good_doc, bad_doc = sorted(tasks)[:2]
    results = record_to_results(gold[bad_doc])
    # the plain CLAIM label: a region without topic stance (it is folded into CLAIM · favor ...)
    claim = next(
        r for r in results if (r.get("value", {}).get("labels") or [""])[0].startswith("CLAIM · ")
    )
    claim["value"]["labels"] = ["CLAIM"]
    token = ls_annotators["bob"].token
    annotate(ls_env.url, token, tasks[good_doc], record_to_results(gold[good_doc]))
    ann_id = annotate(ls_env.url, token, tasks[bad_doc], results)
    before = tree_digest(root / "annotations")
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "checked", "--check")
    assert r.returncode == 1, r.stdout
    where = f"task {tasks[bad_doc]} (doc {bad_doc}) annotation {ann_id} by bob"
    assert "claim-missing-topic-stance" in r.stderr and "nothing written" in r.stderr
    assert where in r.stderr and f"record={claim['id']} field=topic_stance" in r.stderr
    assert tree_digest(root / "annotations") == before
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "checked", "--check", "--skip-invalid")
    assert r.returncode == 0, r.stderr
    assert sorted(load_layer(root, "raw/checked/bob")) == [good_doc]
    assert ls_cli(ls_env, root, "validate").returncode == 0
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "checked")  # without --check: written
    assert r.returncode == 0, r.stderr
    v = ls_cli(ls_env, root, "validate")
    assert v.returncode == 1  # ... and validate rejects it with the very problem --check named
    assert f"raw/checked/bob/{bad_doc}.json doc={bad_doc} record={claim['id']}" in v.stdout
    assert "claim-missing-topic-stance" in v.stdout
