"""The real labeling page in Debian's Chromium (headless, through Playwright; never a
downloaded browser), shared by the browser test and the campaign test: log in, open the
label stream, create one complete attribution with the mouse and keyboard, every user action
counted through ``Actions``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import require, require_file

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
# hotkeys Label Studio gives the labels, in the config's order (folded.span_labels)
KEY_CLAIM_FAVOR, KEY_SOURCE_SUPPORT, KEY_CUE = "1", "4", "7"

# Screen box of a phrase inside the labeling area's visible text (not a closed panel's); `after` skips to the first
# occurrence after another phrase (the CUE "said" right after its SOURCE).
FIND = """([needle, after]) => {
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n, seen = !after;
  while ((n = w.nextNode())) {
    const box = n.parentElement.closest('.lsf-htx-richtext');
    if (!box) continue;
    const rect = box.getBoundingClientRect();  // a closed panel's text (suggestions) is hidden
    if (!rect.width || !rect.height) continue;
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
    return chromium_path()


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
    page.locator(".lsf-htx-richtext").filter(visible=True).first.wait_for(timeout=30_000)
    page.get_by_text("Labeling Instructions").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shot))
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)


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


def expected_record(text: str) -> dict:
    """The record `_attribution` makes on DOC, written by hand from the phrases (ids aside):
    what a pull of the page's submission must give, and an API annotator's equal work."""
    c, s = text.index(CLAIM), text.index(SOURCE)
    q = text.index(CUE, s + len(SOURCE))
    span = {"antecedent": None, "cluster": None, "topic_stance": None}
    return {
        "spans": [
            {
                **span,
                "id": "c1",
                "label": "CLAIM",
                "start": c,
                "end": c + len(CLAIM),
                "text": CLAIM,
                "topic_stance": "favor",
            },
            {
                **span,
                "id": "s1",
                "label": "SOURCE",
                "start": s,
                "end": s + len(SOURCE),
                "text": SOURCE,
            },
            {**span, "id": "q1", "label": "CUE", "start": q, "end": q + len(CUE), "text": CUE},
        ],
        "attributions": [
            {
                "id": "a1",
                "claim": "c1",
                "source": "s1",
                "cue": "q1",
                "stance": "support",
                "source_type": "anonymous_official",
                "anonymous_source": True,
                "unattributed": False,
            }
        ],
    }


def submit_through_page(browser_path: Path, url: str, user, pid: int, done, shots: Path) -> list:
    """Log ``user`` in, open the project's label stream (the next task is DOC), make the one
    attribution of `_attribution`, submit; ``done()`` says when the server has it. Returns
    the counted actions."""
    sync_playwright = require("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(browser_path), args=FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        try:
            _login(page, url, user)
            _open_stream(page, url, pid, shots / "labeling-0-instructions.png")
            page.wait_for_timeout(1500)  # a loaded machine: let the page settle before keys
            page.get_by_text(DOC, exact=True).first.click()  # focus the page (not counted)
            page.wait_for_timeout(300)
            act = Actions(page)
            _attribution(page, act, shots)
            page.get_by_test_id("bottombar-submit-button").click()
            for _ in range(60):
                if done():
                    break
                page.wait_for_timeout(500)
        finally:
            page.screenshot(path=str(shots / "labeling-6-end.png"))
            browser.close()
    return act.log


def chromium_path() -> Path:
    """Debian's chromium, for a fixture wider than one test (the ``chromium`` fixture's)."""
    return require_file(CHROMIUM, "Debian's chromium", CHROMIUM_INSTALL)
