"""The static viewer: offsets render exactly, filters work, hostile text stays inert."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli

from claimcorpus.core.scheme import load_scheme
from claimcorpus.release.build import build_release
from claimcorpus.report.viewer import load_release, render_document, render_text

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SPANS_JS = """() => Array.from(document.querySelectorAll('[data-span-id]')).map(e => [
  Number(e.dataset.start), Number(e.dataset.end), e.dataset.label, e.dataset.spanId,
  e.textContent])"""
SCRIPT_TEXT = "<script>window.__pwned=1</script>"
IMG_TEXT = '<img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A project copy, its release 9.9.9 and the viewer written by the real CLI."""
    base = tmp_path_factory.mktemp("viewer")
    root = base / "project"
    for part in ("schema", "corpus", "annotations"):
        shutil.copytree(REPO / part, root / part)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HOME", str(base / "hf_home"))
        mp.setenv("HF_DATASETS_OFFLINE", "1")
        mp.setenv("HF_HUB_OFFLINE", "1")
        release, _ = build_release(root, "9.9.9", base / "releases")
        r = run_cli("view", "--release", str(release), root=root)
        assert r.returncode == 0, r.stderr
        docs, _, _ = load_release(release)
        yield {"root": root, "out": root / "viewer" / "9.9.9", "docs": docs}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser: Any, path: Path) -> tuple[Any, list[str]]:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri())
    return page, requests


def test_view_writes_an_index_and_one_page_per_document(site: dict[str, Any]):
    out = site["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for d in site["docs"]:
        page = out / "doc" / f"{d['doc_id']}.html"
        assert page.exists() and f'href="doc/{d["doc_id"]}.html"' in index
        text = page.read_text(encoding="utf-8")
        assert "default-src 'none'" in text and 'src="http' not in text and "<link" not in text
    assert len(list((out / "doc").glob("*.html"))) == len(site["docs"]) == 5


def test_crossing_spans_are_refused_not_mangled():
    scheme = load_scheme(REPO)
    spans = [
        {"id": "a", "label": "CLAIM", "start": 0, "end": 5},
        {"id": "b", "label": "SOURCE", "start": 3, "end": 8},
    ]
    with pytest.raises(ValueError, match="crosses"):
        render_text("0123456789", spans, {"attributions": []}, scheme)


@pytest.mark.browser
def test_every_span_element_shows_exactly_its_offsets(site: dict[str, Any], browser: Any):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    for d in site["docs"]:
        path = site["out"] / "doc" / f"{d['doc_id']}.html"
        page.goto(path.as_uri())
        shown = page.evaluate(SPANS_JS)
        assert sorted(x[3] for x in shown) == sorted(s["id"] for s in d["spans"]), d["doc_id"]
        by_id = {s["id"]: s for s in d["spans"]}
        for start, end, label, sid, content in shown:
            assert content == d["text"][start:end], (d["doc_id"], sid)
            assert (start, end, label) == (
                by_id[sid]["start"],
                by_id[sid]["end"],
                by_id[sid]["label"],
            )
        assert requests == [path.as_uri()], requests  # self-contained: nothing else is fetched
        requests.clear()
    page.close()


@pytest.mark.browser
def test_label_and_source_type_filters(site: dict[str, Any], browser: Any):
    page, _ = _open(browser, site["out"] / "doc" / "000_e24865ecb7649ad0.html")
    bg = "e => getComputedStyle(e).backgroundColor"
    clear = "rgba(0, 0, 0, 0)"
    text_before = page.inner_text("#text")
    assert all(
        c != clear for c in page.eval_on_selector_all('[data-label="CUE"]', f"es => es.map({bg})")
    )
    page.uncheck('input.filter[data-kind="label"][value="CUE"]')
    assert set(page.eval_on_selector_all('[data-label="CUE"]', f"es => es.map({bg})")) == {clear}
    assert clear not in page.eval_on_selector_all('[data-label="SOURCE"]', f"es => es.map({bg})")
    assert page.inner_text("#text") == text_before  # highlights go, the text stays
    page.check('input.filter[data-kind="label"][value="CUE"]')
    assert clear not in page.eval_on_selector_all('[data-label="CUE"]', f"es => es.map({bg})")
    page.uncheck('input.filter[data-kind="type"][value="government"]')
    hidden = page.eval_on_selector_all(
        "li.attr", "es => es.map(e => [e.dataset.sourceType, e.hidden])"
    )
    assert hidden and all(h == (t == "government") for t, h in hidden)
    page.close()


@pytest.mark.browser
def test_hovering_a_claim_highlights_its_source_and_cue(site: dict[str, Any], browser: Any):
    d = next(d for d in site["docs"] if d["doc_id"] == "000_e24865ecb7649ad0")
    a = next(a for a in d["attributions"] if a["source"] and a["cue"])
    page, _ = _open(browser, site["out"] / "doc" / f"{d['doc_id']}.html")
    page.hover(f'[data-span-id="{a["claim"]}"]')
    linked = page.eval_on_selector_all(".linked", "es => es.map(e => e.dataset.spanId)")
    assert {a["source"], a["cue"]} <= set(linked)
    assert page.eval_on_selector(
        f'li.attr[data-attr-id="{a["id"]}"]', "e => e.classList.contains('active')"
    )
    page.close()


@pytest.mark.browser
def test_hostile_text_and_fields_are_inert_and_shown_literally(tmp_path: Path, browser: Any):
    text = f"Officials said {SCRIPT_TEXT} and then {IMG_TEXT} & more."
    sa, ia = text.index(SCRIPT_TEXT), text.index(IMG_TEXT)
    evil = '"><script>window.__pwned=3</script>'
    spans = [
        {"id": "s1", "label": "SOURCE", "start": 0, "end": 9, "cluster": None},
        {"id": "q1", "label": "CUE", "start": 10, "end": 14, "cluster": None},
        {
            "id": "c1",
            "label": "CLAIM",
            "start": sa,
            "end": ia + len(IMG_TEXT),
            "topic_stance": "none",
            "cluster": evil,
        },
        {"id": "s2", "label": "SOURCE", "start": ia, "end": ia + len(IMG_TEXT), "cluster": None},
    ]
    for s in spans:
        s["text"] = text[s["start"] : s["end"]]
    doc = {
        "doc_id": "evil</title><script>window.__pwned=8</script>",
        "title": "</title><script>window.__pwned=4</script>",
        "outlet": '<img src=x onerror="window.__pwned=5">',
        "url": "javascript:window.__pwned=6",
        "text": text,
        "spans": spans,
        "attributions": [
            {
                "id": "a1",
                "claim": "c1",
                "source": "s1",
                "cue": "q1",
                "stance": "support",
                "source_type": 'x" onmouseover="window.__pwned=7',
            },
        ],
    }
    html_text = render_document(doc, load_scheme(REPO), clusters={evil: evil})
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html_text
    path = tmp_path / "evil.html"
    path.write_text(html_text, encoding="utf-8")
    page, requests = _open(browser, path)
    page.hover('[data-span-id="c1"]')
    page.click("li.attr")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, a').length") == 0
    assert page.evaluate("document.scripts.length") == 1
    assert (
        page.evaluate(
            "Array.from(document.querySelectorAll('*')).filter(e => "
            "Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    assert SCRIPT_TEXT in page.inner_text("#text") and IMG_TEXT in page.inner_text("#text")
    assert page.title().startswith(doc["doc_id"]) and page.inner_text("h1") == doc["title"]
    assert doc["outlet"] in page.inner_text("header")
    for start, end, _label, _sid, content in page.evaluate(SPANS_JS):
        assert content == text[start:end]
    assert requests == [path.as_uri()]
    page.close()
