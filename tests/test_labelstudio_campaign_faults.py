"""Campaign faults on the real server: an annotator removed mid-campaign, a task deleted,
the server killed mid-pull, a campaign pulled twice, two campaigns on overlapping documents.
Each: no duplicate task, no lost or mixed annotation, and a message that says what happened."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import stored, tree_digest
from ls_campaign import add_person, campaign_root, project_tasks
from ls_fixtures import *  # noqa: F403
from ls_fixtures import ls_cli
from ls_helpers import annotate, span_keys, with_new_claim, without_claim

from claimcorpus.core.layers import load_layer
from claimcorpus.labelstudio.campaign import load
from claimcorpus.labelstudio.campaign_pull import pull_campaign
from claimcorpus.labelstudio.client import LSError
from claimcorpus.labelstudio.convert import record_to_results

pytestmark = pytest.mark.labelstudio
DOCS = ["000_e24865ecb7649ad0", "001_6c82bee824d52579", "002_9949ad823d7a49a0"]


def _campaign(ls_env, root: Path, name: str, docs: list[str], people) -> dict[str, dict]:
    r = ls_cli(
        ls_env,
        root,
        "ls",
        "campaign",
        "create",
        name,
        "--docs",
        *docs,
        "--annotators",
        *[p.name for p in people],
    )
    assert r.returncode == 0, r.stdout + r.stderr
    conn = ls_env.connect()
    return {p.name: project_tasks(conn, f"campaign {name}: {p.name}") for p in people}


def _layer(root: Path, name: str, who: str) -> dict[str, dict]:
    return load_layer(root, f"raw/campaign-{name}-{who}/{who}")


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return campaign_root(tmp_path)


def test_annotator_removed_mid_campaign_keeps_their_work(ls_env, root: Path):
    x, y = add_person(ls_env, root, "rmx"), add_person(ls_env, root, "rmy")
    tasks = _campaign(ls_env, root, "rm", DOCS[:2], [x, y])
    gold = load_layer(root, "gold")
    annotate(ls_env.url, x.token, tasks[x.name][DOCS[0]], record_to_results(gold[DOCS[0]]))
    r = ls_cli(ls_env, root, "ls", "annotators", "remove", x.name)
    assert r.returncode == 0 and "removed" in r.stdout, r.stderr
    st = ls_cli(ls_env, root, "ls", "campaign", "status", "rm")
    assert st.returncode == 0, st.stderr
    row = next(ln for ln in st.stdout.splitlines() if ln.startswith(x.name + " "))
    assert "account removed; submitted work kept" in row and row.split()[2:5] == ["2", "1", "0"]
    pulled = ls_cli(ls_env, root, "ls", "pull", "--campaign", "rm")
    assert pulled.returncode == 0, pulled.stderr
    assert "no author (account removed)" in pulled.stdout
    assert span_keys(_layer(root, "rm", x.name)[DOCS[0]]) == span_keys(gold[DOCS[0]])
    gone = ls_cli(ls_env, root, "ls", "annotators", "remove", x.name)
    assert gone.returncode == 2 and f"no user {x.name!r}" in gone.stderr


def test_deleted_task_is_named_and_reimported_once(ls_env, root: Path):
    x, y = add_person(ls_env, root, "dtx"), add_person(ls_env, root, "dty")
    tasks = _campaign(ls_env, root, "dt", DOCS[:2], [x, y])
    conn = ls_env.connect()
    conn.client.tasks.delete(id=str(tasks[y.name][DOCS[1]]))
    st = ls_cli(ls_env, root, "ls", "campaign", "status", "dt")
    assert f"{y.name}: 1 assigned task(s) missing from their project" in st.stdout
    assert DOCS[1] in st.stdout.split("missing from their project")[1]
    again = ls_cli(
        ls_env,
        root,
        "ls",
        "campaign",
        "create",
        "dt",
        "--docs",
        *DOCS[:2],
        "--annotators",
        x.name,
        y.name,
    )
    assert again.returncode == 0, again.stderr
    assert "1 imported, 1 unchanged" in again.stdout
    now = project_tasks(conn, f"campaign dt: {y.name}")  # asserts one task per document
    assert sorted(now) == DOCS[:2] and now[DOCS[0]] == tasks[y.name][DOCS[0]]
    assert project_tasks(conn, f"campaign dt: {x.name}") == tasks[x.name]


def test_server_killed_mid_pull_writes_nothing_then_pulls_all(ls_env, root: Path):
    x, y = add_person(ls_env, root, "kpx"), add_person(ls_env, root, "kpy")
    tasks = _campaign(ls_env, root, "kp", DOCS[:1], [x, y])
    gold = load_layer(root, "gold")[DOCS[0]]
    for p in (x, y):
        annotate(ls_env.url, p.token, tasks[p.name][DOCS[0]], record_to_results(gold))
    before = tree_digest(root / "annotations")
    seen: list[str] = []

    def kill_at_second_export(stage: str) -> None:
        seen.append(stage)
        if len(seen) == 2:  # the first annotator's project is read, the second's exported
            ls_env.kill()

    with pytest.raises(LSError, match="not reachable"):
        pull_campaign(ls_env.connect(), root, load(root, "kp"), on_stage=kill_at_second_export)
    assert tree_digest(root / "annotations") == before  # not even the first annotator's
    ls_env.ensure_running()
    r = ls_cli(ls_env, root, "ls", "pull", "--campaign", "kp")
    assert r.returncode == 0, r.stderr
    for p in (x, y):
        assert span_keys(_layer(root, "kp", p.name)[DOCS[0]]) == span_keys(gold)


def test_campaign_pulled_twice_changes_nothing(ls_env, root: Path):
    x, y = add_person(ls_env, root, "twx"), add_person(ls_env, root, "twy")
    tasks = _campaign(ls_env, root, "tw", DOCS[:2], [x, y])
    gold = load_layer(root, "gold")
    for p in (x, y):
        for d in DOCS[:2]:
            annotate(ls_env.url, p.token, tasks[p.name][d], record_to_results(gold[d]))
    first = ls_cli(ls_env, root, "ls", "pull", "--campaign", "tw")
    assert first.returncode == 0 and first.stdout.count("2 file(s) written") == 2, first.stdout
    after = tree_digest(root / "annotations")
    second = ls_cli(ls_env, root, "ls", "pull", "--campaign", "tw")
    assert second.returncode == 0 and second.stdout.count("0 file(s) written") == 2
    assert tree_digest(root / "annotations") == after


def test_two_campaigns_on_shared_documents_stay_apart(ls_env, root: Path):
    x, y = add_person(ls_env, root, "ovx"), add_person(ls_env, root, "ovy")
    a = _campaign(ls_env, root, "ova", DOCS[:2], [x, y])
    r = ls_cli(
        ls_env,
        root,
        "ls",
        "campaign",
        "create",
        "ovb",
        "--docs",
        *DOCS[1:],
        "--annotators",
        x.name,
        y.name,
    )
    assert r.returncode == 0, r.stderr
    assert f"1 document(s) are also in campaign 'ova' ({DOCS[1]})" in r.stdout
    conn = ls_env.connect()
    b = {p.name: project_tasks(conn, f"campaign ovb: {p.name}") for p in (x, y)}
    gold = load_layer(root, "gold")[DOCS[1]]
    text = stored(root, DOCS[1], "normalized")["text"]
    in_a, in_b = gold, with_new_claim(gold, text, "only_b")
    annotate(ls_env.url, x.token, a[x.name][DOCS[1]], record_to_results(in_a))
    annotate(ls_env.url, x.token, b[x.name][DOCS[1]], record_to_results(in_b))
    # the admin annotates in x's project of campaign ova: not x's work, never in x's layer
    stray = without_claim(gold, next(s["id"] for s in gold["spans"] if s["label"] == "CLAIM"))
    annotate(ls_env.url, ls_env.token, a[x.name][DOCS[1]], record_to_results(stray))
    for name in ("ova", "ovb"):
        p = ls_cli(ls_env, root, "ls", "pull", "--campaign", name)
        assert p.returncode == 0, p.stderr
        if name == "ova":
            assert "not this project's annotator; not pulled" in p.stdout
    assert span_keys(_layer(root, "ova", x.name)[DOCS[1]]) == span_keys(in_a)
    assert span_keys(_layer(root, "ovb", x.name)[DOCS[1]]) == span_keys(in_b)
    assert not (root / "annotations" / "raw" / f"campaign-ova-{x.name}" / "admin").exists()
    assert sorted(project_tasks(conn, f"campaign ova: {x.name}")) == DOCS[:2]
    assert sorted(b[x.name]) == DOCS[1:]


def test_removed_annotators_open_documents_are_reassigned_once(ls_env, root: Path):
    """x leaves after submitting one document: status marks x's open ones; `ls campaign
    reassign --from x --to z` moves them to z's project (the one z already has gets no second
    task), x's submitted work stays x's, and the state file changes only when it succeeds."""
    docs = [*DOCS, "003_d71ccc6e1581c31b"]
    x, y, z = (add_person(ls_env, root, p) for p in ("rax", "ray", "raz"))
    tasks = _campaign(ls_env, root, "ra", docs, [x, y, z])  # round robin, overlap 2
    assert sorted(tasks[x.name]) == [docs[0], docs[2], docs[3]]
    assert sorted(tasks[z.name]) == [docs[1], docs[2]]
    gold = load_layer(root, "gold")
    annotate(ls_env.url, x.token, tasks[x.name][docs[0]], record_to_results(gold[docs[0]]))
    assert ls_cli(ls_env, root, "ls", "annotators", "remove", x.name).returncode == 0
    st = ls_cli(ls_env, root, "ls", "campaign", "status", "ra")
    assert st.returncode == 0, st.stderr
    marked = [ln.split()[0] for ln in st.stdout.splitlines() if f"REMOVED: {x.name}" in ln]
    assert marked == [docs[2], docs[3]]
    assert f"ls campaign reassign ra --from {x.name} --to ANOTHER" in st.stdout
    state = root / "annotations" / "campaigns" / "ra.yaml"
    before = state.read_bytes()
    bad = ls_cli(
        ls_env, root, "ls", "campaign", "reassign", "ra", "--from", x.name, "--to", "nobody"
    )
    assert bad.returncode == 1 and "no Label Studio user 'nobody'" in bad.stderr
    assert state.read_bytes() == before
    r = ls_cli(ls_env, root, "ls", "campaign", "reassign", "ra", "--from", x.name, "--to", z.name)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"1 document(s) of {x.name} now {z.name}'s" in r.stdout and docs[3] in r.stdout
    assert f"1 {z.name} already had" in r.stdout and "1 submitted by" in r.stdout
    conn = ls_env.connect()
    now_z = project_tasks(conn, f"campaign ra: {z.name}")  # asserts one task per document
    assert sorted(now_z) == [docs[1], docs[2], docs[3]]
    assert now_z[docs[2]] == tasks[z.name][docs[2]]
    assert project_tasks(conn, f"campaign ra: {x.name}") == {docs[0]: tasks[x.name][docs[0]]}
    camp = load(root, "ra")
    assert camp.documents[docs[0]] == sorted([x.name, y.name])
    assert camp.documents[docs[2]] == [z.name] and camp.documents[docs[3]] == sorted(
        [y.name, z.name]
    )
    assert [(h.doc_id, h.src, h.dst) for h in camp.handovers] == [
        (docs[2], x.name, z.name),
        (docs[3], x.name, z.name),
    ]
    again = ls_cli(
        ls_env, root, "ls", "campaign", "reassign", "ra", "--from", x.name, "--to", z.name
    )
    assert (
        again.returncode == 0 and "0 document(s)" in again.stdout and "0 imported" in again.stdout
    )
    assert load(root, "ra").handovers == camp.handovers
    st = ls_cli(ls_env, root, "ls", "campaign", "status", "ra")
    assert "REMOVED" not in st.stdout
    row = next(ln for ln in st.stdout.splitlines() if ln.startswith(x.name + " "))
    assert row.split()[2:5] == ["1", "1", "0"]
    pulled = ls_cli(ls_env, root, "ls", "pull", "--campaign", "ra")
    assert pulled.returncode == 0, pulled.stderr
    assert span_keys(_layer(root, "ra", x.name)[docs[0]]) == span_keys(gold[docs[0]])
