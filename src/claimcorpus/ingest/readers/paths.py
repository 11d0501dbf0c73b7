"""Which reader reads a path: by its name, and for ``.txt`` files also by what is inside.

A ``.txt`` file that is really an HTML page goes to the HTML reader (never ingested with
its tags); one that is really a JSONL manifest or a WARC file is refused with a message
saying what it looks like, since one article per line is not what a ``.txt`` promises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from claimcorpus.core.problems import InputError

SUFFIXES = {
    ".warc": "warc",
    ".warc.gz": "warc",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
}
_TAG = re.compile(
    rb"</?(?:p|div|span|a|body|head|br|script|meta|link|li|ul|h[1-6]|article)\b", re.I
)


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


def expand(inputs: list[Path]) -> list[tuple[Path, str | None]]:
    """Files to read with their kind; folders are walked recursively (sorted, known kinds)."""
    out: list[tuple[Path, str | None]] = []
    for p in inputs:
        if p.is_dir():
            out.extend((f, kind_of(f)) for f in sorted(p.rglob("*")) if f.is_file() and kind_of(f))
        else:
            out.append((p, kind_of(p)))
    return out


def sniff(data: bytes) -> str | None:
    """ "html", "jsonl", "warc" when plain-text bytes are really one of those, else None."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    low = head[:1024].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low:
        return "html"
    if len(_TAG.findall(head)) >= 5:
        return "html"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"{"):
        try:
            return "jsonl" if isinstance(json.loads(head.split(b"\n", 1)[0]), dict) else None
        except ValueError:
            return None
    return None


def refuse_disguised(path: Path, kind: str) -> None:
    what = {"jsonl": "a JSONL manifest (its first line is a JSON object)", "warc": "a WARC file"}
    name = {"jsonl": ".jsonl", "warc": ".warc"}[kind]
    raise InputError(
        f"{path}: looks like {what[kind]}, not a plain-text article; name it {name} to read "
        "one article per record"
    )
