"""The normalizer before issue 14 (normalize/text.py and segment.sentences at 3390d20),
kept verbatim as the named baseline: ``tests/test_normalize_fast.py`` checks that today's
one-pass normalizer gives the same text, paragraphs, sentences, exclusions, title, notices
and offset map for every input, and ``scripts/bench_ingest.py`` times one against the other
in the same process. It shares only the boilerplate rules (``boilerplate.classify``,
``title_index``) and the Normalized record with the package.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from claimcorpus.core.problems import InputError
from claimcorpus.normalize import boilerplate
from claimcorpus.normalize.text import Normalized

ABBREVIATIONS = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "st",
    "jr",
    "sr",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "pres",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "approx",
    "dept",
    "est",
    "fig",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?= +[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?\.?$")
_PARAGRAPH = re.compile(r"[^\n]+")


def _is_abbreviation(before: str) -> bool:
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1).lstrip("\"'“‘(")
    if _INITIALISM.match(word + "."):
        return True
    return word.rstrip(".").lower() in ABBREVIATIONS


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Half-open sentence offsets within ``text[start:end]`` (one paragraph)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        if m.group(0).startswith(".") and len(m.group(0).rstrip("\"'”’)]")) == 1:
            if _is_abbreviation(text[cur : m.start()]):
                continue
        out.append((cur, m.end()))
        cur = m.end()
        while cur < end and text[cur] == " ":
            cur += 1
    if cur < end:
        out.append((cur, end))
    return out


_CTL = "\x00-\x08\x0e-\x1b\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff"
# A run of white space or control characters that needs rewriting: it contains a non-space
# white-space character, a control character, or two characters in a row.
_FIX = re.compile(rf"[\s{_CTL}]*(?:[ ][\s{_CTL}]|[^\S ]|[{_CTL}])[\s{_CTL}]*")
_EDGE = re.compile(rf"^[\s{_CTL}]*|[\s{_CTL}]*$")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_WS_CHAR = re.compile(r"\s")


def fold(fragment: str) -> str:
    """The in-paragraph character rules alone (for checking a raw range against its span)."""
    out = _FIX.sub(lambda m: " " if _WS_CHAR.search(m.group(0)) else "", fragment)
    return unicodedata.normalize("NFC", out)


class _Builder:
    """Accumulates normalized pieces and one offset anchor per piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.norm: list[int] = []
        self.raw: list[int] = []
        self.copy: list[bool] = []

    def add(self, piece: str, raw_start: int, is_copy: bool) -> None:
        if not piece and is_copy:
            return
        self.norm.append(self.n)
        self.raw.append(raw_start)
        self.copy.append(is_copy)
        self.parts.append(piece)
        self.n += len(piece)

    def close(self, raw_end: int) -> None:
        self.norm.append(self.n)
        self.raw.append(raw_end)
        self.copy.append(False)


def _add_line(b: _Builder, line: str, byte0: int) -> None:
    """Append one kept line (already edge-stripped), recording anchors."""
    ascii_ = line.isascii()

    def byte_at(i: int) -> int:
        return byte0 + (i if ascii_ else len(line[:i].encode()))

    nfc_ok = ascii_ or unicodedata.is_normalized("NFC", line)
    pos = 0
    for m in _FIX.finditer(line):
        _add_chars(b, line, pos, m.start(), byte_at, nfc_ok)
        b.add(" " if _WS_CHAR.search(m.group(0)) else "", byte_at(m.start()), False)
        pos = m.end()
    _add_chars(b, line, pos, len(line), byte_at, nfc_ok)


def _add_chars(b: _Builder, line: str, a: int, z: int, byte_at, nfc_ok: bool) -> None:
    if a >= z:
        return
    chunk = line[a:z]
    if nfc_ok or unicodedata.is_normalized("NFC", chunk):
        b.add(chunk, byte_at(a), True)
        return
    # Slow path: group each base character with its combining marks; a changed group is
    # one replaced segment, an unchanged run stays a copy.
    i = a
    while i < z:
        j = i + 1
        while j < z and unicodedata.combining(line[j]):
            j += 1
        group = line[i:j]
        fixed = unicodedata.normalize("NFC", group)
        b.add(fixed, byte_at(i), fixed == group)
        i = j


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Strict UTF-8 with clear errors; a BOM is accepted and reported."""
    notices = []
    if not data:
        raise InputError(f"{name}: empty file")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (NUL byte at {data.index(0)}); expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: invalid UTF-8 at byte {exc.start} ({data[exc.start : exc.start + 4]!r}): {exc.reason}"
        ) from None
    if text.startswith("\ufeff"):
        notices.append(
            f"{name}: UTF-8 byte-order mark found; it is dropped from the normalized text"
        )
    if "\r\n" in text or "\r" in text:
        notices.append(f"{name}: CR or CRLF line ends; normalized to paragraph breaks")
    return text, notices


def normalize_bytes(
    data: bytes, name: str = "<bytes>", repeated: Container[int] | None = None
) -> Normalized:
    """Normalize raw article bytes; raise InputError naming ``name`` on bad input.

    ``repeated``: the line hashes that recur across this document's site
    (``repetition.SiteLines``); None when there is no such evidence.
    """
    text, notices = decode(data, name)
    lines = []  # (line_no, stripped, byte_start_of_stripped, raw_line, byte_start_of_line)
    byte = 0
    for no, m in enumerate(_LINE.finditer(text), start=1):
        if m.start() == len(text) and not m.group(0):
            break
        raw_line = m.group(1)
        lead = _EDGE.match(raw_line).end()
        stripped = _EDGE.sub("", raw_line)
        b_line = byte
        lead_bytes = len(raw_line[:lead].encode())
        lines.append((no, stripped, b_line + lead_bytes, raw_line, b_line))
        byte += len(m.group(0).encode())
    nonempty = [ln for ln in lines if ln[1]]
    texts = [ln[1] for ln in nonempty]
    rules = boilerplate.classify(texts, repeated)
    title_at = boilerplate.title_index(texts, rules)
    title = fold(texts[title_at]) if title_at is not None else None
    kept, exclusions = [], []
    after_title = False  # the previous kept line is the title
    for i, ((no, stripped, b0, raw_line, bl), rule) in enumerate(zip(nonempty, rules, strict=True)):
        if (
            (rule is None or not rule.block)
            and after_title
            and stripped.startswith(title)
            and stripped != title
        ):
            rule = boilerplate.REPEATED_HEADLINE
        if rule is not None:
            exclusions.append(
                {
                    "line": no,
                    "raw_start": bl,
                    "raw_end": bl + len(raw_line.encode()),
                    "text": raw_line,
                    "rule": rule.id,
                    "reason": rule.reason,
                }
            )
            continue
        after_title = i == title_at
        kept.append((stripped, b0))
    if not kept:
        raise InputError(
            f"{name}: nothing left after removing boilerplate ({len(exclusions)} lines removed)"
        )
    b = _Builder()
    paragraphs = []
    for i, (stripped, b0) in enumerate(kept):
        if i:
            prev_end = kept[i - 1][1] + len(kept[i - 1][0].encode())
            b.add("\n\n", prev_end, False)
        p0 = b.n
        _add_line(b, stripped, b0)
        paragraphs.append((p0, b.n))
    last = kept[-1]
    b.close(last[1] + len(last[0].encode()))
    out_text = "".join(b.parts)
    sents = [s for a, z in paragraphs for s in sentences(out_text, a, z)]
    return Normalized(
        out_text, paragraphs, sents, exclusions, b.norm, b.raw, b.copy, title, notices
    )
