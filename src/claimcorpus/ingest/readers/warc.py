"""WARC and WARC.gz crawls: every ``response`` record with an HTML payload is one article.

Read with FastWARC (measured against warcio in scripts/bench_ingest.py: both stream, both
pass a truncated record off as a short one without an error, FastWARC is the faster and
raises a plain ``OSError`` on a broken header where warcio 1.8 raised ``AttributeError``).
Each record's block is read whole and checked against its ``Content-Length`` and, when it
has one, its ``WARC-Block-Digest``, so a cut-off file (a truncated gzip member) is named
instead of yielding half a page. The HTTP message is parsed here: status line, headers,
chunked transfer coding and gzip/deflate content coding.

Bad records (kinds: truncated, corrupt, malformed-record, malformed-warc, http-status,
not-html, unsupported-encoding, no-main-text, bad-metadata) are yielded as ``BadRecord``
and reading goes on; after a broken record header the rest of the file cannot be framed,
so the file's reading stops there with a ``malformed-warc`` record.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastwarc.warc import ArchiveIterator, WarcRecordType

from claimcorpus.core.problems import InputError
from claimcorpus.ingest.readers.html import page_article
from claimcorpus.ingest.readers.record import Article, BadRecord

HTML_TYPES = ("text/html", "application/xhtml+xml")
_KINDS = {"no main text": "no-main-text", "field '": "bad-metadata"}


def _dechunk(body: bytes) -> bytes:
    out, pos = bytearray(), 0
    while True:
        end = body.index(b"\r\n", pos)
        size = int(body[pos:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += body[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2


def parse_http(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, decoded payload) of an HTTP response; ValueError if bad."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep:
        raise ValueError("no blank line after the HTTP headers")
    lines = head.decode("iso-8859-1").splitlines()
    parts = lines[0].split(" ", 2) if lines else []
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP status line: {lines[0][:60] if lines else ''!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    coding = headers.get("content-encoding", "identity").lower()
    if coding in ("gzip", "x-gzip"):
        body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    elif coding == "deflate":
        body = zlib.decompress(body)
    elif coding not in ("identity", ""):
        raise LookupError(f"content encoding {coding!r} is not supported")
    return int(parts[1]), headers, body


@dataclass
class Response:
    """One HTML response of a crawl, framed and decoded, before its text is extracted."""

    origin: str
    url: str | None
    payload: bytes
    provenance: dict[str, Any]


def _response(path: Path, rec) -> Response | BadRecord:
    origin = f"{path}: record at byte {rec.stream_pos}"
    declared = rec.headers.get("Content-Length", "").strip()
    gz = path.name.endswith(".gz")
    if not declared.isdigit():
        if gz and not declared:  # the member was cut inside the record's headers
            return BadRecord(origin, "truncated", "the file ends inside the record's headers")
        return BadRecord(origin, "malformed-record", f"Content-Length {declared!r} is not a number")
    # the digest is checked before the block is read (it buffers the block for the read)
    digest_ok = not rec.headers.get("WARC-Block-Digest") or rec.verify_block_digest(consume=False)
    block = rec.reader.read()
    if len(block) < int(declared):
        hint = " (a truncated gzip?)" if gz else ""
        return BadRecord(
            origin, "truncated", f"the file ends early: {len(block)} of {declared} bytes{hint}"
        )
    if not digest_ok:
        return BadRecord(origin, "corrupt", "the block does not match its WARC-Block-Digest")
    url = rec.headers.get("WARC-Target-URI")
    try:
        status, headers, payload = parse_http(block)
    except (ValueError, zlib.error) as exc:
        return BadRecord(origin, "malformed-record", f"bad HTTP response: {exc}")
    except LookupError as exc:
        return BadRecord(origin, "unsupported-encoding", str(exc))
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if not 200 <= status < 300:
        return BadRecord(origin, "http-status", f"HTTP status {status} for {url}")
    if ctype not in HTML_TYPES:
        return BadRecord(origin, "not-html", f"{ctype or 'no content type'} response for {url}")
    prov = {
        "reader": "warc",
        "file": str(path),
        "offset": rec.stream_pos,
        "record_id": rec.headers.get("WARC-Record-ID"),
        "target_uri": url,
        "warc_date": rec.headers.get("WARC-Date"),
    }
    return Response(origin, url, payload, prov)


def iter_responses(path: Path) -> Iterator[Response | BadRecord]:
    """The HTML responses and the bad records of one WARC / WARC.gz file, in file order."""
    try:
        with open(path, "rb") as stream:
            records = ArchiveIterator(
                stream, record_types=WarcRecordType.response, parse_http=False
            )
            last = 0
            try:
                for rec in records:
                    last = rec.stream_pos
                    yield _response(path, rec)
            except OSError as exc:
                yield BadRecord(
                    f"{path}: after the record at byte {last}",
                    "malformed-warc",
                    f"{exc}; the rest of the file cannot be read",
                )
    except OSError as exc:
        raise InputError(f"{path}: cannot read the WARC file: {exc}") from None


def read_warc(path: Path) -> Iterator[Article | BadRecord]:
    """Articles and bad records of one WARC / WARC.gz file, in file order."""
    for item in iter_responses(path):
        if isinstance(item, BadRecord):
            yield item
            continue
        try:
            yield page_article(item.payload, item.origin, item.provenance, url=item.url)
        except InputError as exc:
            msg = str(exc)
            kind = next((k for text, k in _KINDS.items() if text in msg), "invalid-input")
            yield BadRecord(item.origin, kind, msg.removeprefix(f"{item.origin}: "))
