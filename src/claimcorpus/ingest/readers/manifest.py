"""JSONL and Parquet manifests: one record per article, its text or its page plus metadata.

Fields (JSONL keys, Parquet columns): ``text`` (plain text) or ``html`` (the page; its main
text is extracted as for HTML files), and optionally ``url``, ``title``, ``published``,
``outlet``, ``language``, ``licence``. A record's own metadata wins over what is extracted
from its page; a page given as ``text`` is read as ``html``. Any other field is refused (a JSONL record is skipped; a Parquet column
refuses the whole file before a row is read). Bad records are yielded as ``BadRecord``
(kinds: bad-json, invalid-utf8, no-text, invalid-record, unknown-field, bad-metadata,
no-main-text, truncated) and reading goes on. ``.jsonl.gz`` is read as gzip.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow.parquet as pq

from claimcorpus.core.problems import InputError
from claimcorpus.ingest.metadata import validate_meta
from claimcorpus.ingest.readers.html import page_article
from claimcorpus.ingest.readers.paths import sniff
from claimcorpus.ingest.readers.record import Article, BadRecord, crawl_doc_id

META_FIELDS = ("url", "title", "published", "outlet", "language", "licence")
FIELDS = ("text", "html", *META_FIELDS)


def _bad(origin: str, exc: InputError) -> BadRecord:
    msg = str(exc).removeprefix(f"{origin}: ")
    if "no main text" in msg:
        kind = "no-main-text"
    elif "field '" in msg:
        kind = "bad-metadata"
    else:
        kind = "invalid-record"
    return BadRecord(origin, kind, msg)


def record_article(rec: dict[str, Any], origin: str, path: Path) -> Article | BadRecord:
    """One manifest record as an Article, or the reason it is not one."""
    unknown = sorted(set(rec) - set(FIELDS))
    if unknown:
        return BadRecord(origin, "unknown-field", f"unknown field(s) {unknown}; allowed {FIELDS}")
    text, html = rec.get("text"), rec.get("html")
    if text is None and html is None:
        return BadRecord(origin, "no-text", "the record has neither 'text' nor 'html'")
    if text is not None and html is not None:
        return BadRecord(origin, "invalid-record", "the record has both 'text' and 'html'")
    body = text if text is not None else html
    if not isinstance(body, (str, bytes)) or not body.strip():
        field = "text" if text is not None else "html"
        return BadRecord(origin, "no-text", f"field {field!r} is empty or not a string")
    meta = {k: rec[k] for k in META_FIELDS if rec.get(k) is not None}
    prov = {"reader": path.suffix.lstrip(".") or "manifest", "file": str(path), "record": origin}
    if (
        text is not None
        and sniff(text.encode("utf-8") if isinstance(text, str) else text) == "html"
    ):
        html, text = text, None  # a page in the text field: read as a page, never with its tags
    try:
        validate_meta(meta, str(path), origin.removeprefix(f"{path}: "))
        if html is not None:
            page = html.encode("utf-8") if isinstance(html, str) else html
            return page_article(page, origin, prov, given=meta, url=meta.get("url"))
    except InputError as exc:
        return _bad(origin, exc)
    data = text.encode("utf-8") if isinstance(text, str) else text
    doc_id = crawl_doc_id(meta.get("url"), data)
    return Article(doc_id, f"{doc_id}.txt", data, origin, meta, prov)


def _jsonl_lines(stream: BinaryIO, path: Path) -> Iterator[tuple[int, bytes] | BadRecord]:
    n = 0
    try:
        for n, raw in enumerate(stream, start=1):
            yield n, raw
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield BadRecord(
            f"{path}: after line {n}", "truncated", f"the gzip stream is cut off: {exc}"
        )


def read_jsonl(path: Path) -> Iterator[Article | BadRecord]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as stream:
        for item in _jsonl_lines(stream, path):
            if isinstance(item, BadRecord):
                yield item
                continue
            n, raw = item
            if not raw.strip():
                continue
            origin = f"{path}: line {n}"
            try:
                rec = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield BadRecord(origin, "invalid-utf8", f"invalid UTF-8 at byte {exc.start}")
                continue
            except json.JSONDecodeError as exc:
                yield BadRecord(origin, "bad-json", f"not JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(rec, dict):
                yield BadRecord(
                    origin, "bad-json", f"a JSON object expected, got {type(rec).__name__}"
                )
                continue
            yield record_article(rec, origin, path)


def read_parquet(path: Path, batch_size: int = 1000) -> Iterator[Article | BadRecord]:
    try:
        f = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
    names = f.schema_arrow.names
    unknown = sorted(set(names) - set(FIELDS))
    if unknown:
        raise InputError(f"{path}: unknown column(s) {unknown}; allowed {list(FIELDS)}")
    if "text" not in names and "html" not in names:
        raise InputError(f"{path}: a manifest needs a 'text' or an 'html' column; got {names}")
    row = 0
    for batch in f.iter_batches(batch_size=batch_size):
        for rec in batch.to_pylist():
            yield record_article(
                {k: v for k, v in rec.items() if v is not None}, f"{path}: row {row}", path
            )
            row += 1
