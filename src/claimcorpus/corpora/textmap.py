"""Carry character offsets of a raw text onto its normalized text, exactly or not at all.

Other corpora anchor their annotations to the raw file (brat: code points of the ``.txt``).
A fragment is mapped raw characters -> raw bytes -> normalized offsets through the
document's offset map (``normalize.align.norm_from_raw``). White space at a fragment's
edges is trimmed first, since normalization folds it; a fragment whose ends land inside
folded white space, or in a line the normalizer removed as boilerplate, or that spans such a
line, has no exact place in the normalized text and is refused with the reason.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from claimcorpus.core.records import NormalizedText
from claimcorpus.normalize.align import norm_from_raw
from claimcorpus.normalize.text import fold

_SPACE = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _SPACE.sub(" ", s)


class TextMap:
    """Raw ``.txt`` (as characters) against one normalized record (``normalized_record``)."""

    def __init__(self, raw: bytes, norm: NormalizedText, exclusions: list[dict]) -> None:
        self.raw = raw
        self.text = raw.decode("utf-8")
        self.norm = norm
        self.exclusions = sorted(exclusions, key=lambda e: e["raw_start"])
        self._starts = [e["raw_start"] for e in self.exclusions]
        ascii_ = self.text.isascii()
        self._bytes = None if ascii_ else [0, *accumulate(len(c.encode()) for c in self.text)]

    def byte(self, i: int) -> int:
        return i if self._bytes is None else self._bytes[i]

    def trim(self, a: int, b: int) -> tuple[int, int]:
        """Shrink ``[a, b)`` past characters normalization folds away at its edges."""
        while a < b and not fold(self.text[a]).strip():
            a += 1
        while a < b and not fold(self.text[b - 1]).strip():
            b -= 1
        return a, b

    def removed_at(self, rb: int) -> dict | None:
        """The exclusion (removed boilerplate line) holding raw byte ``rb``, if any."""
        k = bisect_right(self._starts, rb) - 1
        if k >= 0 and rb < self.exclusions[k]["raw_end"]:
            return self.exclusions[k]
        return None

    def to_norm(self, a: int, b: int) -> tuple[int, int] | str:
        """Normalized ``(start, end)`` of raw characters ``[a, b)``, or why there is none."""
        a, b = self.trim(a, b)
        if a >= b:
            return "the fragment is only white space"
        ra, rb = self.byte(a), self.byte(b)
        for r in (ra, rb - 1):
            hit = self.removed_at(r)
            if hit is not None:
                return (
                    f"it lies in line {hit['line']}, which normalization removed "
                    f"({hit['rule']}: {hit['reason']})"
                )
        omap = self.norm.offset_map
        na = norm_from_raw(self.raw, omap, ra, end=False)
        nb = norm_from_raw(self.raw, omap, rb, end=True)
        if na is None or nb is None or na >= nb:
            return "its ends fall inside text that normalization rewrote"
        got = self.norm.text[na:nb]
        if _squash(got) != _squash(fold(self.text[a:b])):
            return f"it spans text that normalization removed (normalized: {got[:40]!r}…)"
        return na, nb
