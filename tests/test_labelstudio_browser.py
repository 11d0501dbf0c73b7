"""A person's path through the real labeling page at 1366x768, in Debian's Chromium
(headless, through Playwright; never a downloaded browser): log in as an annotator, open
the label stream, create one complete attribution with the mouse and keyboard (claim,
source, cue, the relation, stance, source type, topic stance), submit; then pull and check
the record. The page's path (config.py): the label key sets the topic stance (``CLAIM ·
favor``) and the stance (``SOURCE · support``); the sentence holds only this CLAIM, SOURCE
and CUE, so by the guidelines' one-attribution notation no relation is drawn and the pull
links them (notation.py); one click selects the SOURCE, one click sets its source type.
Every user action goes through ``Actions`` so the test can count them; the
screenshots land in tmp_path (labeling-*.png). Also: what ``--preannotate`` does to the
page, measured (on-demand opens empty with the suggestions panel closed until clicked,
prefill starts from the predictions). The helpers are in ls_browser.py (the campaign test
uses them too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import require
from ls_browser import *  # noqa: F403  (the chromium fixture)
from ls_browser import (
    CLAIM,
    CUE,
    DOC,
    FLAGS,
    SOURCE,
    VIEWPORT,
    Actions,
    _attribution,
    _login,
    _open_stream,
)
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import project_id, tasks_by_doc

from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.convert import record_to_results

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]
ACTION_BUDGET = 8  # the aim
# measured on 1.23.2 with "Select region after creating it" off (the default): 8 = three
# spans x (label key + drag), 1 click selecting the SOURCE, 1 click on its source type; it
# was 14 with per-region stance choices and drawn relations. A regression guard
MEASURED_CEILING = 8


def _push(ls_env, root: Path, title: str, *extra: str) -> int:
    r = ls_cli(ls_env, root, "ls", "push", "--project", title, "--doc", DOC, *extra)
    assert r.returncode == 0, r.stderr
    return project_id(ls_env.connect(), title)


def test_one_attribution_through_the_page_then_pull(ls_env, ls_annotators, chromium, tmp_path):
    sync_playwright = require("playwright.sync_api").sync_playwright
    root = copy_project(tmp_path / "project")
    pid = _push(ls_env, root, "page", "--predictions", "baseline", "--preannotate", "on-demand")
    conn = ls_env.connect()
    task_id = tasks_by_doc(conn, pid)[DOC][0]
    assert list(conn.client.predictions.list(task=task_id)) == []  # on-demand: task data only
    assert "Read only" in conn.client.tasks.get(id=str(task_id)).data["suggestions"]
    shots = tmp_path / "shots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        try:
            _login(page, ls_env.url, ls_annotators["carol"])
            _open_stream(page, ls_env.url, pid, shots / "labeling-0-instructions.png")
            page.screenshot(path=str(shots / "labeling-1-opened.png"))
            assert page.locator(".lsf-outliner-item").count() == 0  # on-demand: empty draft
            page.wait_for_timeout(1500)  # a loaded machine: let the page settle before keys
            page.get_by_text(DOC, exact=True).first.click()  # focus the page (not counted)
            act = Actions(page)
            _attribution(page, act, shots)
            page.get_by_test_id("bottombar-submit-button").click()
            for _ in range(60):
                if conn.client.tasks.get(id=str(task_id)).total_annotations:
                    break
                page.wait_for_timeout(500)
        finally:
            page.screenshot(path=str(shots / "labeling-6-end.png"))
            browser.close()
    n = len(act.log)
    (tmp_path / "actions.txt").write_text("\n".join(act.log) + f"\n{n} actions\n")
    print(f"{n} user actions for one complete attribution (aim {ACTION_BUDGET}): {act.log}")
    assert n <= MEASURED_CEILING, act.log
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "page", "--check")
    assert r.returncode == 0, r.stderr
    record = load_layer(root, "raw/page/carol")[DOC]
    text = next(d["text"] for d in load_documents(root) if d["doc_id"] == DOC)
    by_id = {s["id"]: s for s in record["spans"]}
    got = {(s["label"], s["start"], s["end"], s["topic_stance"]) for s in record["spans"]}
    c, s = text.index(CLAIM), text.index(SOURCE)
    q = text.index(CUE, s + len(SOURCE))
    assert got == {
        ("CLAIM", c, c + len(CLAIM), "favor"),
        ("SOURCE", s, s + len(SOURCE), None),
        ("CUE", q, q + len(CUE), None),
    }
    (att,) = record["attributions"]
    assert [by_id[att[k]]["label"] for k in ("claim", "source", "cue")] == [
        "CLAIM",
        "SOURCE",
        "CUE",
    ]
    assert (att["stance"], att["source_type"], att["anonymous_source"]) == (
        "support",
        "anonymous_official",
        True,
    )
    assert not att["unattributed"]
    assert load_scheme(root).stances.count(att["stance"]) == 1


def test_prefill_starts_from_the_predictions(ls_env, ls_annotators, chromium, tmp_path):
    """--preannotate prefill (correction campaigns): the page opens with the predictions as
    the annotator's starting draft; on-demand (above) opens empty."""
    sync_playwright = require("playwright.sync_api").sync_playwright
    root = copy_project(tmp_path / "project")
    pid = _push(ls_env, root, "prefill", "--predictions", "gold", "--preannotate", "prefill")
    conn = ls_env.connect()
    task_id = tasks_by_doc(conn, pid)[DOC][0]
    predicted = record_to_results(load_layer(root, "gold")[DOC])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        try:
            _login(page, ls_env.url, ls_annotators["carol"])
            _open_stream(page, ls_env.url, pid, tmp_path / "prefill-instructions.png")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(tmp_path / "prefill-opened.png"))
            assert page.locator(".lsf-outliner-item").count() > 0
            page.get_by_test_id("bottombar-submit-button").click()  # submit what it started from
            for _ in range(60):
                if conn.client.tasks.get(id=str(task_id)).total_annotations:
                    break
                page.wait_for_timeout(500)
        finally:
            browser.close()
    (ann,) = conn.client.annotations.list(id=task_id)
    assert len(ann.result) == len(predicted)  # every predicted result became the draft


def _wait_annotated(conn, task_id: int, page) -> None:
    for _ in range(60):
        if conn.client.tasks.get(id=str(task_id)).total_annotations:
            return
        page.wait_for_timeout(500)


def test_on_demand_suggestions_open_only_on_click(ls_env, ls_annotators, chromium, tmp_path):
    """--preannotate on-demand: no Label Studio predictions, the draft starts empty on both
    ways into a task (label stream, Data Manager), the "Model suggestions" panel is closed
    and one click opens it; submitting without labeling submits no region. Beside it the
    measurement behind the design: a project with predictions and show_collab_predictions
    off (the old on-demand) starts the Data Manager's draft from them."""
    sync_playwright = require("playwright.sync_api").sync_playwright
    root = copy_project(tmp_path / "project")
    pid = _push(ls_env, root, "ondemand", "--predictions", "gold", "--preannotate", "on-demand")
    old = _push(ls_env, root, "old-on-demand", "--predictions", "gold", "--preannotate", "prefill")
    conn = ls_env.connect()
    conn.client.projects.update(id=old, show_collab_predictions=False)
    task_id, old_task = tasks_by_doc(conn, pid)[DOC][0], tasks_by_doc(conn, old)[DOC][0]
    assert list(conn.client.predictions.list(task=task_id)) == []
    (view,) = conn.client.views.list(project=pid)
    assert "tasks:data.suggestions" in view.data["hiddenColumns"]["explore"]
    gold = load_layer(root, "gold")[DOC]
    first = min(
        gold["attributions"],
        key=lambda a: next(s["start"] for s in gold["spans"] if s["id"] == a["claim"]),
    )
    quote = next(s["text"] for s in gold["spans"] if s["id"] == first["claim"])[:40]
    assert quote in conn.client.tasks.get(id=str(task_id)).data["suggestions"]
    shots = tmp_path / "shots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        try:
            _login(page, ls_env.url, ls_annotators["carol"])
            drafts = {}
            for name, project, task in (("old", old, old_task), ("new", pid, task_id)):
                page.goto(f"{ls_env.url}/projects/{project}/data?task={task}")
                page.get_by_test_id("bottombar-submit-button").wait_for(timeout=60_000)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(shots / f"ondemand-0-data-manager-{name}.png"))
                drafts[name] = page.locator(".lsf-outliner-item").count()
                for broken in ("Runtime error", "Import data to get your project started"):
                    assert not page.get_by_text(broken).filter(visible=True).count(), broken
            column = page.get_by_text(re.compile(r"^suggestions(_from)?$")).filter(visible=True)
            assert column.count() == 0  # the Data Manager hides the suggestion columns
            _open_stream(page, ls_env.url, pid, shots / "ondemand-1-instructions.png")
            page.screenshot(path=str(shots / "ondemand-2-opened.png"))
            assert page.locator(".lsf-outliner-item").count() == 0
            header = page.get_by_text("Model suggestions", exact=False).first
            assert header.is_visible()
            panel = page.locator(".lsf-htx-richtext", has_text="Read only: label the text")
            assert not panel.filter(visible=True).count()  # closed
            act = Actions(page)
            act.click(header, "open the suggestions")
            page.wait_for_timeout(500)
            page.screenshot(path=str(shots / "ondemand-3-suggestions.png"))
            assert panel.filter(visible=True).count() == 1
            assert quote in panel.first.inner_text()
            assert page.locator(".lsf-outliner-item").count() == 0  # nothing copied
            page.get_by_test_id("bottombar-submit-button").click()
            _wait_annotated(conn, task_id, page)
        finally:
            page.screenshot(path=str(shots / "ondemand-4-end.png"))
            browser.close()
    print(f"drafts opened from the Data Manager: {drafts}; actions {act.log}")
    assert drafts["old"] > 0 and drafts["new"] == 0, drafts
    assert len(act.log) == 1
    (ann,) = conn.client.annotations.list(id=task_id)
    assert ann.result == []
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "ondemand")
    assert r.returncode == 0, r.stderr
    record = load_layer(root, "raw/ondemand/carol")[DOC]
    assert record["spans"] == [] and record["attributions"] == []
