"""A small, dependency-free sentence splitter that returns code-point offsets.

The rule baseline only needs sentences good enough to anchor its patterns; callers with
better boundaries (a release's own sentence offsets) pass them in instead.
"""

from __future__ import annotations

import re

# Tokens ending in "." that rarely end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen sen rep gov lt col maj capt sgt st jr sr inc corp ltd co vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec no approx dept est fig".split()
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` closes an abbreviation or an initial (U.S., J. Smith)."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    token = text[start:dot].lower()
    if token.replace(".", "") in ABBREVIATIONS:
        return True
    # Single letters and dotted acronyms: "J." or "U.S." (the last dot of "U.S." included).
    return len(token.replace(".", "")) <= 1 or "." in token


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open (start, end) of each sentence, trimmed of surrounding whitespace.

    Paragraph breaks (newlines) always end a sentence; inside a paragraph a sentence ends
    at . ! or ? (plus closing quotes) followed by whitespace and a capital, digit or
    opening quote, unless the period closes a known abbreviation or an initial.
    """
    out: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p0, p1 = para.span()
        start = p0
        for m in _BOUNDARY.finditer(text, p0, p1):
            end = m.end()
            if not _NEXT_START.match(text, end, p1):
                continue
            last = m.group().rstrip("\"'”’)]")
            if last.endswith(".") and len(last) == 1 and _is_abbreviation(text, m.start()):
                continue
            out.append((start, end))
            start = end
        out.append((start, p1))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed
