"""One check for article metadata, whatever brought it: a sidecar, a manifest column, a page.

``published`` is ISO 8601 (a calendar date, or a date and time with a UTC offset: a time
without an offset is ambiguous by hours, so it is refused); ``url`` an absolute http(s) URL;
``language`` a BCP 47 tag (RFC 5646 syntax, with a two- or three-letter primary language
subtag, so "english" or "en_US" are refused); ``outlet``, ``title``, ``licence`` and
``story`` non-empty single-line strings. A bad value raises ``InputError`` naming the file,
the record and the field, so the caller can refuse before anything is written.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from claimcorpus.core.problems import InputError

TEXT_FIELDS = ("outlet", "outlet_evidence", "title", "licence", "story")
CHECKED_FIELDS = ("published", "url", "language", *TEXT_FIELDS)
MAX_TEXT = 2000  # characters; a longer "title" is an article body in the wrong column

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?"
)
# RFC 5646 langtag: language(-extlang) (-script) (-region) (-variant)* (-extension)* (-privateuse)
_BCP47 = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"
    r"(?:-x(?:-[a-z\d]{1,8})+)?",
    re.IGNORECASE,
)
_HOST = re.compile(r"(?:[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?\.)*[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?")


def check_published(value: str) -> str | None:
    """None when ``value`` is an ISO 8601 date or offset datetime, else the problem."""
    if _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            return f"not a real calendar date ({exc})"
        return None
    m = _DATETIME.fullmatch(value)
    if m is None:
        return "not ISO 8601 (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]+HH:MM)"
    if m["offset"] is None:
        return "a date and time needs a UTC offset (Z or +HH:MM)"
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        return f"not a real date and time ({exc})"
    return None


def check_url(value: str) -> str | None:
    """None when ``value`` is an absolute http(s) URL with a host name, else the problem."""
    if any(c.isspace() for c in value):
        return "a URL has no white space"
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a non-numeric or out-of-range port
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an absolute http(s) URL"
    host = parts.hostname or ""
    if not host or not (_HOST.fullmatch(host) or ":" in host):  # ":" only in an IPv6 literal
        return "the URL has no valid host name"
    return None


def check_language(value: str) -> str | None:
    """None when ``value`` is a well-formed BCP 47 tag, else the problem."""
    if "_" in value:
        return f"BCP 47 separates subtags with '-' (did you mean {value.replace('_', '-')!r}?)"
    if not _BCP47.fullmatch(value):
        return "not a BCP 47 language tag (for example 'en', 'en-GB', 'zh-Hant-TW')"
    return None


def check_text(value: str) -> str | None:
    if not value.strip():
        return "empty"
    if "\n" in value or "\r" in value:
        return "must be one line"
    if len(value) > MAX_TEXT:
        return f"{len(value):,} characters is over the {MAX_TEXT:,}-character limit"
    return None


_CHECKS = {
    "published": check_published,
    "url": check_url,
    "language": check_language,
    **dict.fromkeys(TEXT_FIELDS, check_text),
}


def validate_meta(meta: dict[str, Any], file: str, record: str | None = None) -> dict[str, Any]:
    """``meta`` unchanged if every known field is null or valid; else raise naming the field."""
    where = f"{file}: record {record}" if record else file
    for key in CHECKED_FIELDS:
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: field {key!r}: must be a string, got {value!r}")
        problem = _CHECKS[key](value)
        if problem:
            raise InputError(f"{where}: field {key!r}: {problem} (got {value!r})")
    return meta
