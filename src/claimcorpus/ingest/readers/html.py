"""HTML pages: main text by trafilatura, its metadata kept as provenance, never invented.

trafilatura drops most of a page's template (menus, sidebars, comments); the normalizer's
boilerplate detector then reads the extracted text like any plain text. Its date search is
restricted to the page's markup (``extensive_search`` off): the default also scans the
body text and returns the first date it finds there, which is often the reported event's
date, not the publication date. Title, date, canonical URL and site name are taken as the
page declares them, checked like every other metadata (ingest/metadata.py), and recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trafilatura

from claimcorpus.core.io import sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.metadata import validate_meta
from claimcorpus.ingest.readers.record import Article, crawl_doc_id
from claimcorpus.normalize import linequality as lq

EXTRACTOR = f"trafilatura {trafilatura.__version__}"
_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": False,
    "deduplicate": False,
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}
_SPACE = re.compile(r"\s+")


def _one_line(value: str | None) -> str | None:
    value = _SPACE.sub(" ", value).strip() if value else None
    return value or None


def extract(page: bytes, origin: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """(main text, metadata) of one page; ``InputError`` if it has no main text.

    ``url`` (a crawl's target URI) is the fallback when the page names no canonical URL.
    """
    doc = trafilatura.bare_extraction(page, url=url, **_OPTIONS)
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        raise InputError(f"{origin}: no main text found in the HTML page (trafilatura found none)")
    if not any(lq.info(line.strip()).prose for line in text.splitlines()):
        raise InputError(
            f"{origin}: no main text in the HTML page: trafilatura found only "
            f"{len(text.splitlines())} line(s) and none is a sentence"
        )
    meta = {
        "title": _one_line(doc.title),
        "published": _one_line(doc.date),
        "url": _one_line(doc.url) or url,
        "outlet": _one_line(doc.sitename),
    }
    return text + "\n", {k: v for k, v in meta.items() if v is not None}


def page_article(
    page: bytes,
    origin: str,
    provenance: dict[str, Any],
    given: dict[str, Any] | None = None,
    url: str | None = None,
) -> Article:
    """An Article from one page; ``given`` metadata (a sidecar, a manifest) wins."""
    text, found = extract(page, origin, url)
    validate_meta(found, origin, "(metadata extracted from the page)")
    meta = {**found, **(given or {})}
    data = text.encode("utf-8")
    doc_id = crawl_doc_id(meta.get("url"), data)
    prov = {
        **provenance,
        "page_sha256": sha256_bytes(page),
        "page_bytes": len(page),
        "extractor": EXTRACTOR,
        "extracted": found,
    }
    if found.get("outlet") and "outlet" not in (given or {}):
        meta["outlet_evidence"] = f"the page's own site name ({EXTRACTOR})"
    return Article(doc_id, f"{doc_id}.txt", data, origin, meta, prov)


def read_html_file(
    path: Path, given: dict[str, Any] | None = None, page: bytes | None = None
) -> Iterator[Article]:
    """One HTML file is one article (raises ``InputError`` when it is not usable)."""
    page = path.read_bytes() if page is None else page
    yield page_article(page, str(path), {"reader": "html", "file": str(path)}, given)
