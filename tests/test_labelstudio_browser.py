"""A person's path through the real web page: log in, open a task, select spans with the
mouse, label them, pick a per-region choice, submit; then pull and check the offsets.

Drives Debian's Chromium (never a downloaded browser) headless through Playwright."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import project_id, tasks_by_doc

from claimcorpus.core.layers import load_layer
from claimcorpus.ingest.store import load_documents

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOC = "003_d71ccc6e1581c31b"
CLAIM = "China has been providing drone and missile technology to Russia"
SOURCE = "senior U.S. officials"

# Screen box of a phrase inside the labeling area's text (not the Data Manager preview).
FIND = """(needle) => {
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    const i = n.data.indexOf(needle);
    if (i >= 0 && n.parentElement.closest('.lsf-htx-richtext')) {
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + needle.length);
      const rs = r.getClientRects(), a = rs[0], b = rs[rs.length - 1];
      return {x1: a.left + 1, y1: (a.top + a.bottom) / 2, x2: b.right - 1, y2: (b.top + b.bottom) / 2};
    }
  }
  return null;
}"""


@pytest.fixture()
def chromium() -> Path:
    if not CHROMIUM.exists():
        msg = "Debian's chromium is missing: apt-get update && apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return CHROMIUM


def _label(page, label: str, phrase: str) -> None:
    """Click the label button, then drag the mouse over the phrase, as a person does."""
    page.locator(".lsf-label", has_text=label).first.click()
    box = page.evaluate(FIND, phrase)
    assert box is not None, f"{phrase!r} not on the labeling page"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=10)
    page.mouse.up()
    page.locator(".lsf-outliner-item", has_text=phrase[:20]).first.wait_for(timeout=10_000)


def test_label_spans_in_the_browser_then_pull(ls_env, ls_annotators, chromium, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    root = copy_project(tmp_path / "project")
    assert ls_cli(ls_env, root, "ls", "push", "--project", "browser").returncode == 0
    conn = ls_env.connect()
    pid = project_id(conn, "browser")
    task_id = tasks_by_doc(conn, pid)[DOC][0]
    carol = ls_annotators["carol"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{ls_env.url}/user/login/")
            page.fill("input[name=email]", carol.email)
            page.fill("input[name=password]", carol.password)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(lambda u: "/user/login" not in u, timeout=30_000)
            page.goto(f"{ls_env.url}/projects/{pid}/data?task={task_id}")
            page.get_by_role("button", name="Submit").wait_for(timeout=60_000)
            _label(page, "CLAIM", CLAIM)
            page.locator(".lsf-outliner-item", has_text=CLAIM[:20]).first.click()  # select it
            page.get_by_text(re.compile(r"^favor")).first.click()  # per-region topic_stance
            page.keyboard.press("Escape")  # unselect, or the next label click relabels it
            _label(page, "SOURCE", SOURCE)
            page.get_by_role("button", name="Submit").click()
            page.wait_for_timeout(500)
            for _ in range(60):
                if conn.client.tasks.get(id=str(task_id)).total_annotations:
                    break
                page.wait_for_timeout(500)
        finally:
            page.screenshot(path=str(tmp_path / "labeling.png"))
            browser.close()
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "browser")
    assert r.returncode == 0, r.stderr
    record = load_layer(root, "raw/carol")[DOC]
    text = next(d["text"] for d in load_documents(root) if d["doc_id"] == DOC)
    got = {
        (s["label"], s["start"], s["end"], s["text"], s["topic_stance"]) for s in record["spans"]
    }
    c, s = text.index(CLAIM), text.index(SOURCE)
    assert got == {
        ("CLAIM", c, c + len(CLAIM), CLAIM, "favor"),
        ("SOURCE", s, s + len(SOURCE), SOURCE, None),
    }
