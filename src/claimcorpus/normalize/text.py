r"""Normalize one raw article into the text that annotations are anchored to.

Input: the raw bytes of a plain-text article. Output (``Normalized``):

* ``text``: kept lines, one paragraph each, joined by a blank line ("\\n\\n"). Inside a
  paragraph: NFC, stray control and zero-width characters removed, every run of white space
  (non-breaking and other Unicode spaces included) folded to one space, ends stripped.
  Typographic quotes and dashes are kept as they are (the scheme quotes them verbatim).
* ``paragraphs`` and ``sentences``: half-open offsets into ``text``.
* ``exclusions``: every removed line with its rule id and reason (boilerplate.py).
* ``offset_map``: anchors ``(norm, raw, copy)``. Segment *k* covers ``text[norm[k]:norm[k+1]]``
  and raw bytes ``raw[k]:raw[k+1]``; in a copy segment characters map one to one, otherwise
  the whole segment was replaced (folded white space, a paragraph break, an NFC change).
  ``raw_span`` maps any normalized span back to the exact raw byte range it came from.

How, and why so: one compiled regex pass over the document (``scan``) finds every maximal
run of white space or control characters but a lone space. The runs that hold a line end
delimit and strip the lines the boilerplate detector sees; the others are the only places
inside a line where the text changes, so a line without one (nearly all) is a single copy
segment, and the anchors stay sparse. Offsets are kept in characters and turned into bytes
by one incremental encoding at the end (none for ASCII). Per-line regex passes, per-piece
method calls and per-line prefix encodings made the old normalizer's own work (all but the
boilerplate rules) take ~7x the time of a bare ``re.sub(r"\s+", " ")``; it takes 1.2-2x now
(scripts/bench_normalize.py), with the old output kept exactly (tests/test_normalize_fast.py).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Container
from dataclasses import dataclass, field

from claimcorpus.core.problems import InputError
from claimcorpus.normalize import boilerplate, segment

NORMALIZER_VERSION = "1"
_CTL = "\x00-\x08\x0e-\x1b\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff"
# Every character ``str.isspace`` (and so ``\s``) accepts, spelled out: with the control
# characters they make one bitmap, which the regex engine tests in one step per character
# (tests/test_normalize_fast.py checks the list against the running Python's Unicode data).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_J = re.escape(SPACES) + _CTL  # white space or a control character: "junk"
JUNK = (
    "".join(
        chr(c)
        for a, z in ((0, 8), (0x0E, 0x1B), (0x7F, 0x9F), (0x200B, 0x200D))
        for c in range(a, z + 1)
    )
    + SPACES
    + "\u00ad\u2060\ufeff"
)
# A run of junk that needs rewriting: every maximal run but a lone space. It starts with a
# character class, so the engine skips to the next junk character in a tight loop.
_RUN = re.compile(rf"[{_J}](?:(?<! )[{_J}]*|[{_J}]+)")
_BREAK = re.compile(r"[\r\n]")
_WS_CHAR = re.compile(r"\s")


@dataclass
class Normalized:
    text: str
    paragraphs: list[tuple[int, int]]
    sentences: list[tuple[int, int]]
    exclusions: list[dict]
    norm: list[int] = field(default_factory=list)
    raw: list[int] = field(default_factory=list)
    copy: list[bool] = field(default_factory=list)
    title: str | None = None
    notices: list[str] = field(default_factory=list)

    def offset_map(self) -> dict[str, list]:
        return {"norm": self.norm, "raw": self.raw, "copy": self.copy}

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return raw_span(self.text, self.norm, self.raw, self.copy, start, end)


def raw_span(
    text: str, norm: list[int], raw: list[int], copy: list[bool], start: int, end: int
) -> tuple[int, int]:
    """Map normalized ``[start, end)`` to the raw byte range ``[rs, re)`` it came from."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span [{start}, {end}) outside text of length {len(text)}")
    k = bisect_right(norm, start) - 1
    rs = raw[k] + len(text[norm[k] : start].encode()) if copy[k] else raw[k]
    if end == start:
        return rs, rs
    j = bisect_right(norm, end - 1) - 1
    re_ = raw[j] + len(text[norm[j] : end].encode()) if copy[j] else raw[j + 1]
    return rs, re_


def fold(fragment: str) -> str:
    """The in-paragraph character rules alone (for checking a raw range against its span)."""
    out = _RUN.sub(_replacement, fragment)
    return unicodedata.normalize("NFC", out)


def _replacement(m: re.Match) -> str:
    return " " if _WS_CHAR.search(m.group(0)) else ""


def to_bytes(text: str, offsets: list[int]) -> list[int]:
    """UTF-8 byte offsets of non-decreasing character ``offsets`` into ``text``.

    Each step encodes only the text since the previous offset: one encoding of the text
    however many anchors it has."""
    out, c, b = [], 0, 0
    for i in offsets:
        b += len(text[c:i].encode())
        c = i
        out.append(b)
    return out


# One non-empty line (``scan``): (line number, a, z, run0, fixes). Its stripped text is
# ``text[a:z]``; ``fixes`` are the junk runs inside it, (start, end, replacement); ``run0``
# is where the junk before it begins (to find its whole raw line). A tuple, not a record:
# a document has one per line and building them is a measurable part of the pass.
Line = tuple[int, int, int, int, list[tuple[int, int, str]]]


def _breaks(run: str) -> int:
    """How many line ends (CRLF, CR or LF) a run of junk holds."""
    if "\r" not in run:
        return run.count("\n")
    return run.count("\n") + run.count("\r") - run.count("\r\n")


def scan(text: str) -> list[Line]:
    """The document's non-empty lines in one regex pass over it.

    Every match of ``_RUN`` is a maximal run of junk, so the stripped text of a line lies
    between two runs that hold a line end (or the document's edges); runs without one are
    the line's fixes. Empty and white-space-only lines are counted, never built."""
    lo = len(text) - len(text.lstrip(JUNK))
    hi = len(text.rstrip(JUNK))
    if lo >= hi:
        return []
    lines: list[Line] = []
    no, start, run0 = 1 + _breaks(text[:lo]), lo, 0
    fixes: list[tuple[int, int, str]] = []
    for m in _RUN.finditer(text, lo, hi):
        run = m.group()
        s, e = m.span()
        if "\n" in run or "\r" in run:
            lines.append((no, start, s, run0, fixes))
            no, start, run0, fixes = no + _breaks(run), e, s, []
        else:
            fixes.append((s, e, " " if run.isspace() or _WS_CHAR.search(run) else ""))
    lines.append((no, start, hi, run0, fixes))
    return lines


class _Builder:
    """Accumulates normalized pieces and one offset anchor per piece (raw offsets in
    characters of the decoded text; ``normalize_bytes`` turns them into bytes)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.norm: list[int] = []
        self.raw: list[int] = []
        self.copy: list[bool] = []
        self.paragraphs: list[tuple[int, int]] = []

    def add(self, piece: str, raw_start: int, is_copy: bool) -> None:
        self.norm.append(self.n)
        self.raw.append(raw_start)
        self.copy.append(is_copy)
        self.parts.append(piece)
        self.n += len(piece)

    def add_lines(self, text: str, lines: list[Line], texts: list[str], kept: list[int]) -> None:
        """One paragraph per kept line, "\\n\\n" between them; a line without fixes in NFC
        (nearly all) is one copy segment, appended without a method call."""
        norm, raw, copy, parts, paragraphs = self.norm, self.raw, self.copy, self.parts, []
        n, prev_end = self.n, -1
        for i in kept:
            _, a, z, _, fixes = lines[i]
            stripped = texts[i]
            if prev_end >= 0:
                norm.append(n)
                raw.append(prev_end)
                copy.append(False)
                parts.append("\n\n")
                n += 2
            nfc_ok = stripped.isascii() or unicodedata.is_normalized("NFC", stripped)
            if nfc_ok:  # nearly every line: copies between the fixes, a piece per fix
                p0, pos = n, a
                for s, e, rep in fixes:
                    norm += (n, n + s - pos)
                    raw += (pos, s)
                    copy += (True, False)
                    parts += (text[pos:s], rep)
                    n += s - pos + len(rep)
                    pos = e
                norm.append(n)
                raw.append(pos)
                copy.append(True)
                parts.append(text[pos:z] if fixes else stripped)
                n += z - pos
                paragraphs.append((p0, n))
            else:
                self.n = n
                self._add_fixed(text, a, z, fixes, nfc_ok)
                paragraphs.append((n, self.n))
                n = self.n
            prev_end = z
        norm.append(n)
        raw.append(prev_end)
        copy.append(False)
        self.n = n
        self.paragraphs = paragraphs

    def _add_fixed(
        self, text: str, a: int, z: int, fixes: list[tuple[int, int, str]], nfc_ok: bool
    ) -> None:
        """A line with fixes or outside NFC: copies between its fixes, one replaced piece
        per fix."""
        pos = a
        for s, e, rep in fixes:
            self._add_chars(text, pos, s, nfc_ok)
            self.add(rep, s, False)
            pos = e
        self._add_chars(text, pos, z, nfc_ok)

    def _add_chars(self, text: str, a: int, z: int, nfc_ok: bool) -> None:
        chunk = text[a:z]
        if nfc_ok or unicodedata.is_normalized("NFC", chunk):
            self.add(chunk, a, True)
            return
        # Slow path: group each base character with its combining marks; a changed group
        # is one replaced segment, an unchanged run stays a copy.
        i = a
        while i < z:
            j = i + 1
            while j < z and unicodedata.combining(text[j]):
                j += 1
            group = text[i:j]
            fixed = unicodedata.normalize("NFC", group)
            self.add(fixed, i, fixed == group)
            i = j


def _exclusion(text: str, line: Line, rule: boilerplate.Rule) -> dict:
    """The removed line, whole (its junk too) but without its line end; offsets in
    characters until ``normalize_bytes`` turns them into bytes."""
    no, a, z, run0, _ = line
    ls = max(text.rfind("\n", run0, a), text.rfind("\r", run0, a)) + 1
    m = _BREAK.search(text, z)
    le = m.start() if m else len(text)
    return {
        "line": no,
        "raw_start": ls,
        "raw_end": le,
        "text": text[ls:le],
        "rule": rule.id,
        "reason": rule.reason,
    }


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
    if "\r" in text:
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
    lines = scan(text)
    texts = [text[ln[1] : ln[2]] for ln in lines]
    rules = boilerplate.classify(texts, repeated)
    return assemble(name, data, text, lines, texts, rules, notices)


def assemble(
    name: str,
    data: bytes,
    text: str,
    lines: list[Line],
    texts: list[str],
    rules: list[boilerplate.Rule | None],
    notices: list[str],
) -> Normalized:
    """The normalized document from its decoded ``text``, its ``lines`` (``scan``), their
    stripped ``texts`` and the boilerplate rule of each (None: kept)."""
    title_at = boilerplate.title_index(texts, rules)
    title = fold(texts[title_at]) if title_at is not None else None
    kept: list[int] = []
    exclusions: list[dict] = []
    after_title = False  # the previous kept line is the title
    for i, (stripped, rule) in enumerate(zip(texts, rules, strict=True)):
        if (
            (rule is None or not rule.block)
            and after_title
            and stripped.startswith(title)
            and stripped != title
        ):
            rule = boilerplate.REPEATED_HEADLINE
        if rule is not None:
            exclusions.append(_exclusion(text, lines[i], rule))
            continue
        after_title = i == title_at
        kept.append(i)
    if not kept:
        raise InputError(
            f"{name}: nothing left after removing boilerplate ({len(exclusions)} lines removed)"
        )
    b = _Builder()
    b.add_lines(text, lines, texts, kept)
    raw = b.raw
    if len(text) != len(data):  # not ASCII: character offsets become byte offsets
        raw = to_bytes(text, raw)
        ends = to_bytes(text, [x for e in exclusions for x in (e["raw_start"], e["raw_end"])])
        for e, rs, re_ in zip(exclusions, ends[::2], ends[1::2], strict=True):
            e["raw_start"], e["raw_end"] = rs, re_
    out_text = "".join(b.parts)
    sents = segment.in_paragraphs(out_text, b.paragraphs)
    return Normalized(
        out_text, b.paragraphs, sents, exclusions, b.norm, raw, b.copy, title, notices
    )
