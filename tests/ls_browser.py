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


def _select_after_create(page) -> None:
    """Once per annotator (Label Studio keeps it in the browser): Settings -> "Select region
    after creating it", so a new region's panel shows at once. Not counted per attribution."""
    page.get_by_role("button", name="Settings", exact=True).last.click()
    row = page.get_by_text("Select region after creating it", exact=True).locator("xpath=../..")
    box = row.locator("input[type=checkbox]")
    box.wait_for(state="attached")
    page.wait_for_timeout(1000)  # the dialog's opening animation: a click during it landed
    # on a neighbouring setting (line numbers, labeling hotkeys) on a loaded machine
    box.click(force=True)
    page.wait_for_timeout(300)
    assert box.is_checked(), "Select region after creating it: still off"
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)


def _attribution(page, act: Actions, shots: Path) -> None:
    """CLAIM (topic stance), SOURCE (stance, source type, its relation to the CLAIM), CUE
    (its relation to the CLAIM): each new region is selected, its panel beside the text."""
    act.key("1")
    act.drag(CLAIM)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "labeling-2-claim-selected.png"))
    assert _in_viewport(page, _option(page, "favor"))
    act.click(_option(page, "favor"), "topic stance favor")
    act.key("Escape")  # unselect, or the next label key relabels this region
    act.key("2")
    act.drag(SOURCE)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "labeling-3-source-selected.png"))
    for value in ("support", "refute", "neutral", "anonymous_official", "author"):
        assert _in_viewport(page, _option(page, value)), value  # no scrolling needed
    act.click(_option(page, "support"), "stance support")
    act.click(_option(page, "anonymous_official"), "source type")
    act.key("Alt+r")  # SOURCE -> CLAIM: the attribution (leaves nothing selected)
    act.click_text(CLAIM[:10])
    act.key("3")
    act.drag(CUE, SOURCE)
    act.key("Alt+r")  # CUE -> CLAIM
    act.click_text(CLAIM[:10])
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "labeling-4-linked.png"))


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
            _select_after_create(page)
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
            page.screenshot(path=str(shots / "labeling-5-end.png"))
            browser.close()
    return act.log


def chromium_path() -> Path:
    """Debian's chromium, for a fixture wider than one test (the ``chromium`` fixture's)."""
    return require_file(CHROMIUM, "Debian's chromium", CHROMIUM_INSTALL)
