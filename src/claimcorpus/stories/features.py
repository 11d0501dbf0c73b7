"""Same-event features of an article: quotation shingles, rare-name and number keys, day.

Why keys and not models: rewrites of one event by different outlets share little wording
but quote the same sentences, name the same people and firms and repeat the same figures.
Each such item becomes a 64-bit key (``signatures.strings_hash``, the same on every engine
and process); ``evidence`` blocks articles on shared keys. A quotation of at least
``EVENT_RULES.quote_words`` words gives its word shingles of that length (so a quote cut short by
one outlet still matches), and so does a sentence reporting it after a speech verb ("Osei said
those who ..."); names are capitalized words outside ``COMMON_CAPS``; numbers keep their
digits (a percent sign dropped), bare years are left out (every article of a year has them);
terms are long lowercase words, the event's own vocabulary (a final plural "s" dropped). The day is the ``published`` date's ordinal, or unknown (never guessed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from claimcorpus.stories.rules import (
    COMMON_CAPS,
    EVENT_RULES,
    NUMBER,
    PROPER_NAME,
    QUOTE,
    SPEECH,
    TERM,
    WORD,
    YEAR,
)
from claimcorpus.stories.signatures import strings_hash

QUOTE_KEY, NAME_KEY, NUMBER_KEY, TERM_KEY = 0, 1, 2, 3  # kinds of key, evidence's columns
KEY_KINDS = ("quotes", "names", "numbers", "terms")
# reported-speech shingles: the quotation key (the same hash), a kind of their own, since
# they count against a quotation only (two unquoted sentences alike are shared text)
SPEECH_KEY = 4
UNKNOWN_DAY = np.iinfo(np.int64).min


@dataclass
class Features:
    """Keys of a run of articles (row numbers from 0), one row per distinct (doc, kind, key)."""

    doc: np.ndarray  # int32 (row numbers)
    kind: np.ndarray  # int8
    key: np.ndarray  # uint64
    day: np.ndarray  # int64 per document, UNKNOWN_DAY when not known

    @staticmethod
    def concat(parts: Sequence[Features]) -> Features:
        """Parts in row order, each numbered from 0, as one run."""
        offsets = np.cumsum([0] + [len(p.day) for p in parts])
        return Features(
            np.concatenate(
                [np.zeros(0, np.int32)]
                + [p.doc + np.int32(o) for p, o in zip(parts, offsets[:-1], strict=True)]
            ),
            np.concatenate([np.zeros(0, np.int8)] + [p.kind for p in parts]),
            np.concatenate([np.zeros(0, np.uint64)] + [p.key for p in parts]),
            np.concatenate([np.zeros(0, np.int64)] + [p.day for p in parts]),
        )


def day_of(published: str | None) -> int:
    """The ordinal of a ``published`` value's date (ISO 8601, already validated)."""
    if not published:
        return int(UNKNOWN_DAY)
    return dt.date.fromisoformat(published[:10]).toordinal()


def shingles(spans: list[str]) -> set[str]:
    """The word shingles of ``EVENT_RULES.quote_words`` words of each span."""
    k, out = EVENT_RULES.quote_words, set()
    for span in spans:
        words = WORD.findall(span.lower())
        out.update(" ".join(words[i : i + k]) for i in range(len(words) - k + 1))
    return out


def items(text: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(quotation shingles, names, numbers, terms, reported-speech shingles not quoted in
    the text) of one text, each distinct and sorted."""
    quotes = shingles([m.group(1) for m in QUOTE.finditer(text)])
    speech = shingles([m.group(1) for m in SPEECH.finditer(text)]) - quotes
    names = {
        (m[:-2] if m.endswith(("'s", "\u2019s")) else m).lower()  # "Calderia's" = "Calderia"
        for m in PROPER_NAME.findall(text)
        if len(m) > 1 and m not in COMMON_CAPS
    }
    numbers = {n.replace(",", "").rstrip("%") for n in NUMBER.findall(text)}  # 4.75% = 4.75
    numbers = {n for n in numbers if len(n) > 1 and not YEAR.fullmatch(n)}
    letters = EVENT_RULES.term_letters
    terms = {  # "propellants" = "propellant"
        t[:-1] if t.endswith("s") and not t.endswith("ss") else t
        for t in TERM.findall(text)
        if len(t) >= letters
    }
    return sorted(quotes), sorted(names), sorted(numbers), sorted(terms), sorted(speech)


def features(texts: Sequence[str], published: Sequence[str | None]) -> Features:
    """The keys and days of ``texts`` (rows in order)."""
    doc, kind, tokens = [], [], []
    for row, text in enumerate(texts):
        for k, values in enumerate(items(text)):
            doc += [row] * len(values)
            kind += [k] * len(values)
            key = QUOTE_KEY if k == SPEECH_KEY else k  # speech: a quotation's key
            tokens += [f"{key}\x00{v}" for v in values]  # the kind inside: no collisions
    return Features(
        np.array(doc, np.int32),
        np.array(kind, np.int8),
        strings_hash(tokens),
        np.array([day_of(p) for p in published], np.int64),
    )
