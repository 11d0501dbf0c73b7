"""A person's path through the real labeling page at 1366x768, in Debian's Chromium
(headless, through Playwright; never a downloaded browser): log in as an annotator, open
the label stream, create one complete attribution with the mouse and keyboard (claim,
source, cue, the relation, stance, source type, topic stance), submit; then pull and check
the record. The page's path (config.py): the label key sets the topic stance (``CLAIM ·
favor``) and the stance (``SOURCE · support``); the sentence holds only this CLAIM, SOURCE
and CUE, so by the guidelines' one-attribution notation no relation is drawn and the pull
links them (notation.py); one click selects the SOURCE, one click sets its source type. Every user action goes through ``Actions`` so the test can count them; the
screenshots land in tmp_path (labeling-*.png). Also: what ``--preannotate`` does to the
page, measured (on-demand opens empty, prefill starts from the predictions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import require, require_file
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import project_id, tasks_by_doc

from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.convert import record_to_results

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
DOC = "004_1ff1f6d6f0abe8ba"  # the longest seed
CLAIM = "Chinese and Russian groups were working to jointly produce drones in Russia"
SOURCE = "senior US officials"
CUE = "said"  # the first "said" after SOURCE
ACTION_BUDGET = 8  # the aim
# measured on 1.23.2 with "Select region after creating it" off (the default): 8 = three
# spans x (label key + drag), 1 click selecting the SOURCE, 1 click on its source type; it
# was 14 with per-region stance choices and drawn relations. A regression guard
MEASURED_CEILING = 8
# hotkeys Label Studio gives the labels, in the config's order (folded.span_labels)
KEY_CLAIM_FAVOR, KEY_SOURCE_SUPPORT, KEY_CUE = "1", "4", "7"

# Screen box of a phrase inside the labeling area's text; `after` skips to the first
# occurrence after another phrase (the CUE "said" right after its SOURCE).
FIND = """([needle, after]) => {
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n, seen = !after;
  while ((n = w.nextNode())) {
    if (!n.parentElement.closest('.lsf-htx-richtext')) continue;
    let from = 0;
    if (!seen) { const j = n.data.indexOf(after); if (j < 0) continue; seen = true; from = j + after.length; }
    const i = n.data.indexOf(needle, from);
    if (i >= 0) {
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + needle.length);
      const rs = r.getClientRects(), a = rs[0], b = rs[rs.length - 1];
      return {x1: a.left + 1, y1: (a.top + a.bottom) / 2, x2: b.right - 1, y2: (b.top + b.bottom) / 2};
    }
  }
  return null;
}"""


@dataclass
class Actions:
    """The user's input, counted: a click, a drag or a key press is one action each."""

    page: object
    log: list[str] = field(default_factory=list)

    def click(self, locator, what: str) -> None:
        locator.click()
        self.log.append(f"click {what}")

    def key(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.page.wait_for_timeout(200)
        self.log.append(f"key {key}")

    def drag(self, phrase: str, after: str | None = None) -> None:
        box = self.page.evaluate(FIND, [phrase, after])
        assert box is not None, f"{phrase!r} not on the labeling page"
        self.page.mouse.move(box["x1"], box["y1"])
        self.page.mouse.down()
        self.page.mouse.move(box["x2"], box["y2"], steps=10)
        self.page.mouse.up()
        self.page.wait_for_timeout(400)  # the page selects the new region a moment later
        self.log.append(f"drag {phrase[:20]!r}")

    def click_text(self, phrase: str, after: str | None = None) -> None:
        box = self.page.evaluate(FIND, [phrase, after])
        assert box is not None, f"{phrase!r} not on the labeling page"
        self.page.mouse.click((box["x1"] + box["x2"]) / 2, box["y1"])
        self.log.append(f"click region {phrase[:20]!r}")


@pytest.fixture()
def chromium() -> Path:
    return require_file(CHROMIUM, "Debian's chromium", CHROMIUM_INSTALL)


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= VIEWPORT["width"]
        and box["y"] + box["height"] <= VIEWPORT["height"]
    )


def _login(page, url: str, user) -> None:
    page.goto(f"{url}/user/login/")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", user.password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda u: "/user/login" not in u, timeout=30_000)


def _open_stream(page, url: str, pid: int, shot: Path) -> None:
    """The label stream (`Label All Tasks`), the annotator's way through a project; the
    guidelines open first as a dialog (screenshot), closed with Escape."""
    page.goto(f"{url}/projects/{pid}/data?labeling=1")
    page.get_by_test_id("bottombar-submit-button").wait_for(timeout=60_000)
    page.locator(".lsf-htx-richtext").first.wait_for(timeout=30_000)
    page.get_by_text("Labeling Instructions").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shot))
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)


def _push(ls_env, root: Path, title: str, *extra: str) -> int:
    r = ls_cli(ls_env, root, "ls", "push", "--project", title, "--doc", DOC, *extra)
    assert r.returncode == 0, r.stderr
    return project_id(ls_env.connect(), title)


def _option(page, value: str):
    """A visible choice by its value (the page shows it as "value[hotkey]")."""
    return page.get_by_text(re.compile(rf"^{re.escape(value)}(\[|$)")).filter(visible=True).first


def _label_button(page, value: str):
    """The label's button above the text (its text is the value, then the hotkey)."""
    return page.locator(".lsf-label").filter(has_text=value).filter(visible=True).first


def _attribution(page, act: Actions, shots: Path) -> None:
    """CLAIM · favor (topic stance in the label), CUE, SOURCE · support (stance in the
    label), then the SOURCE selected for its source type; no relation (the notation)."""
    act.key(KEY_CLAIM_FAVOR)
    act.drag(CLAIM)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "labeling-2-claim.png"))
    assert page.locator(".lsf-outliner-item").count() == 1
    act.key(KEY_CUE)
    act.drag(CUE, SOURCE)
    act.key(KEY_SOURCE_SUPPORT)
    act.drag(SOURCE)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "labeling-3-three-spans.png"))
    assert page.locator(".lsf-outliner-item").count() == 3
    act.click_text(SOURCE)  # select the SOURCE: its panel shows beside the text
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / "labeling-4-source-selected.png"))
    for value in ("anonymous_official", "author", "government"):
        assert _in_viewport(page, _option(page, value)), value  # no scrolling needed
    for value in ("SOURCE · refute", "CLAIM · against"):  # the stance control: the labels
        assert _in_viewport(page, _label_button(page, value)), value
    act.click(_option(page, "anonymous_official"), "source type")
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "labeling-5-source-type.png"))


def test_one_attribution_through_the_page_then_pull(ls_env, ls_annotators, chromium, tmp_path):
    sync_playwright = require("playwright.sync_api").sync_playwright
    root = copy_project(tmp_path / "project")
    pid = _push(ls_env, root, "page", "--predictions", "baseline", "--preannotate", "on-demand")
    conn = ls_env.connect()
    task_id = tasks_by_doc(conn, pid)[DOC][0]
    assert list(conn.client.predictions.list(task=task_id))  # pushed, yet not pre-filled
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
