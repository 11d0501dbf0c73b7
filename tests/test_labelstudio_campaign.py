"""A whole campaign on the real server: two real annotator users (made by `ls annotators
add`, logged in with the password it printed), three seeds, overlap 2, no pre-annotation;
independent submissions, one of them through the real web page in headless Chromium (the
first annotator's third document, `ls_browser.submit_through_page`: spans dragged with the
mouse, labeled, relations drawn, stance and source type chosen, submitted), the rest
through the API; status 2/2; pull; agreement; adjudication with one
review decision through the API; the next release built with its CHANGELOG and DATASHEET
entries; `load_dataset` shows the adjudicated spans.

The server is the session fixture (`ls_env`), so a parametrized fixture (another database)
runs this same flow.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from conftest import LATEST, NEXT, stored
from ls_browser import DOC, chromium_path, expected_record, submit_through_page
from ls_campaign import add_person, campaign_root, project_tasks
from ls_fixtures import *  # noqa: F403
from ls_fixtures import ls_cli
from ls_helpers import annotate, project_id, span_keys, with_new_claim, without_claim

from claimcorpus.core.layers import load_layer
from claimcorpus.labelstudio.convert import record_to_results

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]
DOCS = ["000_e24865ecb7649ad0", "001_6c82bee824d52579", DOC]  # DOC: through the page
NAME = "e2e"


@pytest.fixture(scope="module")
def flow(ls_server, tmp_path_factory) -> SimpleNamespace:
    """Steps up to the first adjudication; each later step is checked by its own test."""
    ls_server.ensure_running()
    root = campaign_root(tmp_path_factory.mktemp("campaign"))
    a, b = add_person(ls_server, root, "ann"), add_person(ls_server, root, "bea")
    created = ls_cli(
        ls_server,
        root,
        "ls",
        "campaign",
        "create",
        NAME,
        "--docs",
        *DOCS,
        "--annotators",
        a.name,
        b.name,
        "--overlap",
        "2",
    )
    assert created.returncode == 0, created.stdout + created.stderr
    gold = load_layer(root, "gold")
    d0 = DOCS[0]
    dropped = next(s["id"] for s in gold[d0]["spans"] if s["label"] == "CLAIM")
    page = expected_record(stored(root, DOC, "normalized")["text"])  # the page's attribution
    work = {
        a.name: {d0: gold[d0], DOCS[1]: gold[DOCS[1]], DOC: page},
        b.name: {d0: without_claim(gold[d0], dropped), DOCS[1]: gold[DOCS[1]], DOC: page},
    }
    conn = ls_server.connect()
    tasks = {p.name: project_tasks(conn, f"campaign {NAME}: {p.name}") for p in (a, b)}
    for p in (a, b):
        for d, rec in work[p.name].items():
            if (p, d) != (a, DOC):
                annotate(ls_server.url, p.token, tasks[p.name][d], record_to_results(rec))
    shots = tmp_path_factory.mktemp("campaign-shots")
    actions = submit_through_page(
        chromium_path(),
        ls_server.url,
        a,
        conn_pid(conn, a.name),
        lambda: conn.client.tasks.get(id=str(tasks[a.name][DOC])).total_annotations,
        shots,
    )
    return SimpleNamespace(
        root=root,
        a=a,
        b=b,
        work=work,
        tasks=tasks,
        created=created,
        gold=gold,
        dropped=dropped,
        actions=actions,
    )


def conn_pid(conn, who: str) -> int:
    return project_id(conn, f"campaign {NAME}: {who}")


def test_one_document_was_submitted_through_the_page(ls_env, flow):
    """The browser's submission is on the server as the first annotator's own annotation."""
    conn = ls_env.connect()
    users = {u.email: int(u.id) for u in conn.client.users.list()}
    (ann,) = conn.client.annotations.list(id=flow.tasks[flow.a.name][DOC])
    assert ann.completed_by == users[flow.a.email]
    # the page's notation: labels (stance in the label) and the source type, no relation
    assert {r["type"] for r in ann.result} == {"labels", "choices"}
    assert any(x.startswith("drag") for x in flow.actions), flow.actions


def test_create_gives_each_annotator_a_project_of_their_documents(ls_env, flow):
    conn = ls_env.connect()
    state = (flow.root / "annotations" / "campaigns" / f"{NAME}.yaml").read_text()
    for p in (flow.a, flow.b):
        assert sorted(flow.tasks[p.name]) == DOCS
        assert f"campaign {NAME}: {p.name}" in state
        for tid in flow.tasks[p.name].values():
            assert list(conn.client.predictions.list(task=tid)) == []  # --preannotate none
    again = ls_cli(
        ls_env,
        flow.root,
        "ls",
        "campaign",
        "create",
        NAME,
        "--docs",
        *DOCS,
        "--annotators",
        flow.a.name,
        flow.b.name,
    )
    assert again.returncode == 0 and "0 imported, 3 unchanged" in again.stdout
    assert project_tasks(conn, f"campaign {NAME}: {flow.a.name}") == flow.tasks[flow.a.name]


def test_annotations_are_independent(ls_env, flow):
    """Each task of an annotator's project holds only that annotator's annotation."""
    conn = ls_env.connect()
    users = {u.email: int(u.id) for u in conn.client.users.list()}
    for p in (flow.a, flow.b):
        for tid in flow.tasks[p.name].values():
            anns = list(conn.client.annotations.list(id=tid))
            assert [a.completed_by for a in anns] == [users[p.email]]


def test_status_shows_two_of_two_per_document(ls_env, flow):
    r = ls_cli(ls_env, flow.root, "ls", "campaign", "status", NAME, "--progress")
    assert r.returncode == 0, r.stderr
    for d in DOCS:
        line = next(ln for ln in r.stdout.splitlines() if ln.startswith(d))
        assert "2/2" in line, line
    assert "3/3 complete" in r.stdout
    row = next(
        ln.split()
        for ln in r.stdout.splitlines()
        if ln.split()[:2][-1:] != [] and ln.split()[0] == flow.a.name and ln.split()[1].isdigit()
    )
    assert row[2:5] == ["3", "3", "0"]  # assigned, submitted, skipped
    assert f"{flow.a.name} vs {flow.b.name}: 3 document(s)" in r.stdout
    assert re.search(r"^documents complete +\|#+\| 3/3 100%$", r.stdout, re.M)


@pytest.fixture(scope="module")
def pulled(ls_server, flow):
    ls_server.ensure_running()
    return ls_cli(ls_server, flow.root, "ls", "pull", "--campaign", NAME)


def test_pull_writes_one_layer_per_annotator(flow, pulled):
    assert pulled.returncode == 0, pulled.stderr
    for p in (flow.a, flow.b):
        layer = load_layer(flow.root, f"raw/campaign-{NAME}-{p.name}/{p.name}")
        assert sorted(layer) == DOCS
        for d in DOCS:
            assert span_keys(layer[d]) == span_keys(flow.work[p.name][d])


def test_agreement_over_the_campaign_layers(ls_env, flow, pulled):
    layers = [f"raw/campaign-{NAME}-{p.name}/{p.name}" for p in (flow.a, flow.b)]
    r = ls_cli(ls_env, flow.root, "agreement", "--layers", *layers, "--no-gamma")
    assert r.returncode == 0, r.stderr
    assert "3 shared document(s)" in r.stdout


@pytest.fixture(scope="module")
def adjudicated(ls_server, flow, pulled):
    """First run: two documents agree, one is in dispute and becomes a review task; the
    adjudicator decides it through the API; the second run writes that decision as gold."""
    ls_server.ensure_running()
    first = ls_cli(
        ls_server, flow.root, "ls", "campaign", "adjudicate", NAME, "--overwrite", "--allow-shrink"
    )
    conn = ls_server.connect()
    review = project_tasks(conn, f"campaign {NAME} review")
    d0 = DOCS[0]
    text = stored(flow.root, d0, "normalized")["text"]
    decision = with_new_claim(flow.work[flow.b.name][d0], text, "judge1")
    annotate(ls_server.url, ls_server.token, review[d0], record_to_results(decision))
    second = ls_cli(
        ls_server, flow.root, "ls", "campaign", "adjudicate", NAME, "--overwrite", "--allow-shrink"
    )
    return SimpleNamespace(first=first, second=second, review=review, decision=decision)


def test_first_adjudication_pushes_only_the_dispute(flow, adjudicated):
    assert adjudicated.first.returncode == 0, adjudicated.first.stderr
    assert sorted(adjudicated.review) == [DOCS[0]]
    assert "1 document(s) with open disputes" in adjudicated.first.stdout
    gold = load_layer(flow.root, "gold")
    for d in DOCS[1:]:
        assert gold[d]["annotator"] == "adjudication"
        assert span_keys(gold[d]) == span_keys(flow.work[flow.a.name][d])
    (att,) = gold[DOC]["attributions"]  # the page's attribution, agreed, is gold now
    assert (att["stance"], att["source_type"]) == ("support", "anonymous_official")


def test_second_adjudication_writes_the_decision(flow, adjudicated):
    assert adjudicated.second.returncode == 0, adjudicated.second.stderr
    assert "no open disputes" in adjudicated.second.stdout
    g = load_layer(flow.root, "gold")[DOCS[0]]
    assert g["annotator"].startswith(f"adjudication:campaign-{NAME}-review/")
    assert span_keys(g) == span_keys(adjudicated.decision)
    assert span_keys(g) != span_keys(flow.gold[DOCS[0]])


def test_build_makes_the_next_release_with_its_notes(ls_env, flow, adjudicated, offline_hf):
    from datasets import load_dataset

    r = ls_cli(ls_env, flow.root, "build", "--version", NEXT)
    assert r.returncode == 0, r.stderr
    changelog = (flow.root / "CHANGELOG.md").read_text()
    assert changelog.index(f"## [{NEXT}]") < changelog.index(f"## [{LATEST}]")
    sheet = (flow.root / "DATASHEET.md").read_text()
    assert f"campaign-{NAME}-review" in sheet and f"Campaign `{NAME}`" in sheet
    assert f"{flow.a.name} (campaign-{NAME}-{flow.a.name})" in sheet
    ds = load_dataset(str(flow.root / "releases" / NEXT), "documents")
    rows = {r["doc_id"]: r for split in ds for r in ds[split]}
    names = ds["train"].features["spans"].feature["label"]
    got = {(names.int2str(s["label"]), s["start"], s["end"]) for s in rows[DOCS[0]]["spans"]}
    assert got == span_keys(adjudicated.decision)
    page = {(names.int2str(s["label"]), s["start"], s["end"]) for s in rows[DOC]["spans"]}
    assert page == span_keys(flow.work[flow.a.name][DOC])  # the browser's submission


def test_a_skipped_task_is_counted_and_never_pulled(ls_env, tmp_path):
    from label_studio_sdk import LabelStudio

    root = campaign_root(tmp_path)
    x, y = add_person(ls_env, root, "skx"), add_person(ls_env, root, "sky")
    r = ls_cli(
        ls_env,
        root,
        "ls",
        "campaign",
        "create",
        "skip",
        "--docs",
        DOCS[0],
        "--annotators",
        x.name,
        y.name,
    )
    assert r.returncode == 0, r.stderr
    conn = ls_env.connect()
    tx = project_tasks(conn, f"campaign skip: {x.name}")[DOCS[0]]
    ty = project_tasks(conn, f"campaign skip: {y.name}")[DOCS[0]]
    LabelStudio(base_url=ls_env.url, api_key=x.token).annotations.create(
        id=tx, result=[], was_cancelled=True, request_options={"max_retries": 0}
    )
    annotate(ls_env.url, y.token, ty, record_to_results(load_layer(root, "gold")[DOCS[0]]))
    st = ls_cli(ls_env, root, "ls", "campaign", "status", "skip")
    rows = {
        ln.split()[0]: ln.split()[2:5]
        for ln in st.stdout.splitlines()
        if len(ln.split()) > 4 and ln.split()[1].isdigit()
    }
    assert rows[x.name] == ["1", "0", "1"] and rows[y.name] == ["1", "1", "0"]
    assert next(ln for ln in st.stdout.splitlines() if ln.startswith(DOCS[0])).split()[1] == "1/2"
    p = ls_cli(ls_env, root, "ls", "pull", "--campaign", "skip")
    assert p.returncode == 0, p.stderr
    assert load_layer(root, f"raw/campaign-skip-{x.name}/{x.name}") == {}
    assert sorted(load_layer(root, f"raw/campaign-skip-{y.name}/{y.name}")) == [DOCS[0]]
