"""A release whose documents are partly unannotated: `stats --release` counts them and
`view` lists and marks them, its index paginated (--per-page)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import REPO, run_cli

from claimcorpus.core.scheme import load_scheme
from claimcorpus.pipeline import build_release
from claimcorpus.report.stats import compute_stats, root_documents

EXTRA = 4  # unannotated articles added to the 5 annotated seed documents


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("unannotated")
    root = base / "project"
    for part in ("schema", "corpus", "annotations"):
        shutil.copytree(REPO / part, root / part)
    articles = base / "articles"
    articles.mkdir()
    towns = ["Bergen", "Tromsø", "Ålesund", "Bodø"]
    for k, town in enumerate(towns[:EXTRA]):
        (articles / f"gazette_{k:03d}.txt").write_text(
            f"The ferry to {town} was cancelled on day {k} because of a storm over the fjord.\n\n"
            f"Harbour staff in {town} said passengers would be rebooked for {k + 2} days.\n",
            encoding="utf-8",
        )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HOME", str(base / "hf_home"))
        mp.setenv("HF_DATASETS_OFFLINE", "1")
        mp.setenv("HF_HUB_OFFLINE", "1")
        r = run_cli("ingest", str(articles), root=root)
        assert r.returncode == 0, r.stderr
        release, _ = build_release(root, "9.9.9", base / "releases", baselines=False)
        yield {"root": root, "release": release, "base": base}


def test_stats_of_the_release_count_the_unannotated_documents(built: dict[str, Any]):
    out = built["base"] / "stats.json"
    r = run_cli("stats", "--release", str(built["release"]), "--json", str(out), root=built["root"])
    assert r.returncode == 0, r.stderr
    st = json.loads(out.read_text(encoding="utf-8"))
    assert (st["documents"], st["annotated_documents"]) == (5 + EXTRA, 5)
    assert re.search(r"^\s*documents\s+9$", r.stdout, re.M)
    assert re.search(r"^\s*annotated documents\s+5$", r.stdout, re.M)
    docs, rules = root_documents(built["root"])  # the working tree counts them too
    assert st == json.loads(json.dumps(compute_stats(docs, rules, load_scheme(built["root"]))))


def test_view_lists_and_marks_unannotated_documents_on_paginated_index_pages(
    built: dict[str, Any],
):
    out = built["base"] / "site"
    args = ["view", "--release", str(built["release"]), "--out", str(out), "--per-page", "4"]
    r = run_cli(*args, root=built["root"])
    assert r.returncode == 0, r.stderr
    pages = [out / "index.html", out / "index-2.html", out / "index-3.html"]
    assert sorted(out.glob("index*.html")) == sorted(pages)  # 9 documents, 4 a page
    html = [p.read_text(encoding="utf-8") for p in pages]
    rows = [
        re.findall(r'<tr( class="unannotated")?><td><a href="doc/([^"]+)\.html"', h) for h in html
    ]
    assert [len(r) for r in rows] == [4, 4, 1]
    listed = [doc for page in rows for _, doc in page]
    assert listed == sorted(listed) and len(set(listed)) == 9
    marked = {doc for page in rows for cls, doc in page if cls}
    assert marked == {f"gazette_{k:03d}" for k in range(EXTRA)}
    for h in html:
        assert "9 documents (5 annotated)" in h
    assert '<a href="index-2.html">2</a>' in html[0] and "<strong>1</strong>" in html[0]
    assert '<a href="index.html">1</a>' in html[2] and "<strong>3</strong>" in html[2]
    for k, page in enumerate(rows):
        for _, doc in page:
            text = (out / "doc" / f"{doc}.html").read_text(encoding="utf-8")
            back = "index.html" if k == 0 else f"index-{k + 1}.html"
            assert f'href="../{back}"' in text
            assert ("Not annotated" in text) == (doc in marked)


def test_one_page_holds_every_document_by_default(built: dict[str, Any]):
    out = built["base"] / "site-default"
    r = run_cli("view", "--release", str(built["release"]), "--out", str(out), root=built["root"])
    assert r.returncode == 0, r.stderr
    assert [p.name for p in out.glob("index*.html")] == ["index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="pages"' not in index and index.count("(not annotated)") == EXTRA
    assert len(list((out / "doc").glob("*.html"))) == 5 + EXTRA
