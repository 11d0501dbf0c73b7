"""Same-event features of an article: quotation shingles, rare-name and number keys, day.

Why keys and not models: rewrites of one event by different outlets share little wording
but quote the same sentences, name the same people and firms and repeat the same figures.
Each such item becomes a 64-bit key (``signatures.strings_hash``, the same on every engine
and process); ``evidence`` blocks articles on shared keys. A quotation of at least
``EVENT_RULES.quote_words`` words gives its word shingles of that length (so a quote cut short by
one outlet still matches); names are capitalized words outside ``COMMON_CAPS``; numbers
keep their digits (a percent sign dropped), bare years are left out (every article of a year has
them). The day is the ``published`` date's ordinal, or unknown (never guessed).
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
    WORD,
    YEAR,
)
from claimcorpus.stories.signatures import strings_hash

QUOTE_KEY, NAME_KEY, NUMBER_KEY = 0, 1, 2  # the kinds of key, in evidence's column order
KEY_KINDS = ("quotes", "names", "numbers")
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


def items(text: str) -> tuple[list[str], list[str], list[str]]:
    """(quotation shingles, names, numbers) of one text, each list distinct and sorted."""
    k = EVENT_RULES.quote_words
    quotes: set[str] = set()
    for m in QUOTE.finditer(text):
        words = WORD.findall(m.group(1).lower())
        quotes.update(" ".join(words[i : i + k]) for i in range(len(words) - k + 1))
    names = {
        (m[:-2] if m.endswith(("'s", "\u2019s")) else m).lower()  # "Calderia's" = "Calderia"
        for m in PROPER_NAME.findall(text)
        if len(m) > 1 and m not in COMMON_CAPS
    }
    numbers = {n.replace(",", "").rstrip("%") for n in NUMBER.findall(text)}  # 4.75% = 4.75
    numbers = {n for n in numbers if len(n) > 1 and not YEAR.fullmatch(n)}
    return sorted(quotes), sorted(names), sorted(numbers)


def features(texts: Sequence[str], published: Sequence[str | None]) -> Features:
    """The keys and days of ``texts`` (rows in order)."""
    doc, kind, tokens = [], [], []
    for row, text in enumerate(texts):
        for k, values in enumerate(items(text)):
            doc += [row] * len(values)
            kind += [k] * len(values)
            tokens += [f"{k}\x00{v}" for v in values]  # the kind inside the key: no collisions
    return Features(
        np.array(doc, np.int32),
        np.array(kind, np.int8),
        strings_hash(tokens),
        np.array([day_of(p) for p in published], np.int64),
    )
