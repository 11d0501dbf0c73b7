"""What every reader yields: an article ready for the normalizer, or a bad record named.

``Article.data`` is the plain text the normalizer reads (for an HTML page, trafilatura's
extraction of it; it is what ``corpus/raw/`` keeps). ``meta`` holds only what the input
gives (null = not given), already validated (ingest/metadata.py); ``provenance`` says
where the article came from, precisely enough to find it again (None for a plain-text
file, whose metadata keeps the layout it always had).

A crawled article's ``doc_id`` comes from its URL when it has one (host, last path segment
and a hash of the whole URL, so ``/2024/05/index.html`` pages of one site never meet), else
from the hash of its text; never from a bare file stem such as ``index``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SLUG = re.compile(r"[^a-z0-9]+")
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.IGNORECASE)


@dataclass
class Article:
    doc_id: str
    source_file: str  # the file name under corpus/raw/
    data: bytes  # the plain text the normalizer reads (UTF-8 expected)
    origin: str  # "crawl.warc.gz, record at byte 1303" (for messages)
    meta: dict[str, Any] = field(default_factory=dict)  # validated; a sidecar's included
    provenance: dict[str, Any] | None = None  # None: a plain-text file (meta as before)

    @property
    def site(self) -> str | None:
        """The outlet, else the URL's host: whose template a repeated line belongs to."""
        if self.meta.get("outlet"):
            return str(self.meta["outlet"])
        url = self.meta.get("url")
        return url_host(url) if url else None


@dataclass
class BadRecord:
    origin: str  # file and record (byte offset, line number)
    kind: str  # stable: truncated, malformed-record, not-html, no-main-text, bad-json, ...
    message: str


def url_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def canonical_url(url: str) -> str:
    """The URL with case-insensitive parts lowered, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    for port in (":80", ":443"):
        if netloc.endswith(port):
            netloc = netloc[: -len(port)]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def url_doc_id(url: str) -> str:
    """``<host>_<last path segment>_<12 hex of sha256(canonical URL)>``, stable per URL."""
    canon = canonical_url(url)
    parts = urlsplit(canon)
    host = url_host(canon)
    segments = [s for s in parts.path.split("/") if s]
    last = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", segments[-1]) if segments else ""
    slug = _SLUG.sub("-", last.lower()).strip("-")[:48].strip("-")
    digest = hashlib.sha256(canon.encode("utf-8")).hexdigest()[:12]
    return "_".join(p for p in (_SLUG.sub("-", host).strip("-"), slug, digest) if p)


def content_doc_id(data: bytes) -> str:
    return "sha256-" + hashlib.sha256(data).hexdigest()[:16]


def crawl_doc_id(url: str | None, data: bytes) -> str:
    return url_doc_id(url) if url else content_doc_id(data)
