"""Typographic variants of a quote: the second and third try of the aligner (``anchor``).

Why: a person typing a sheet, or a language model copying a passage, often writes straight
quotes where the text has curly ones (or the reverse), a hyphen for an en or em dash, two
spaces or a line break where the text has one space, or ends a quoted clause with the
sentence's period. None of that changes which words are meant, so after the exact search
fails both the text and the quote are *folded* (every quote mark to its straight form, every
dash to ``-``, every run of white space to one space, Unicode NFC) and searched again; the
hit is mapped back to offsets of the original text, so the span's text is always the text's
own ``text[start:end]``. Only when that fails too is trailing punctuation (``.,;:``) and a
pair of enclosing quote marks trimmed from the quote. Nothing else is relaxed: a paraphrase
or an invented quote still finds no place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# one code point for one code point, so the fold keeps offsets until white space collapses
_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4"  # ‘ ’ ‚ ‛ ′ ʼ ` ´
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"  # “ ” „ ‟ ″ « »
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # ‐ ‑ ‒ – — ― −
_TABLE = str.maketrans(
    {**dict.fromkeys(_SINGLE, "'"), **dict.fromkeys(_DOUBLE, '"'), **dict.fromkeys(_DASHES, "-")}
)
_WS = re.compile(r"\s+")
_TRAILING = ".,;:"
_QUOTES = "'\""


@dataclass(frozen=True)
class Folded:
    """A folded text and, per folded code point, the ``[start, end)`` it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the folded ``[start, end)`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


def fold_quote(quote: str) -> str:
    """A quote in the folded form (the text is folded by :func:`fold_text`)."""
    return _WS.sub(" ", unicodedata.normalize("NFC", quote).translate(_TABLE)).strip()


@lru_cache(maxsize=16)
def fold_text(text: str) -> Folded:
    """Fold a normalized text (already NFC), remembering where each folded character was.

    Cached: all quotes of one answer or sheet are looked up in the same text."""
    mapped = text.translate(_TABLE)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _WS.finditer(mapped):
        out.append(mapped[pos : m.start()])
        starts.extend(range(pos, m.start()))
        ends.extend(range(pos + 1, m.start() + 1))
        out.append(" ")
        starts.append(m.start())
        ends.append(m.end())
        pos = m.end()
    out.append(mapped[pos:])
    starts.extend(range(pos, len(mapped)))
    ends.extend(range(pos + 1, len(mapped) + 1))
    return Folded("".join(out), tuple(starts), tuple(ends))


def trimmed(quote: str) -> str:
    """The folded quote without trailing ``.,;:`` and one pair of enclosing quote marks."""
    q = fold_quote(quote).rstrip(_TRAILING).strip()
    if len(q) >= 2 and q[0] == q[-1] and q[0] in _QUOTES:
        q = q[1:-1].strip().rstrip(_TRAILING).strip()
    return q
