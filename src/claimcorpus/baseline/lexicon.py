"""Cue words and source-type hints for the rule baseline.

Kept as data so the rules read as sentence patterns and the word lists can grow from the
annotated corpus without touching the matching code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Reporting verbs that introduce a claim ("X said that Y", "Y, X said").
SAY_VERBS: tuple[str, ...] = (
    "said",
    "says",
    "say",
    "stated",
    "states",
    "claimed",
    "claims",
    "claim",
    "added",
    "adds",
    "noted",
    "notes",
    "warned",
    "warns",
    "assured",
    "insisted",
    "insists",
    "argued",
    "argues",
    "believe",
    "believes",
    "believed",
    "reported",
    "reports",
    "confirmed",
    "announced",
    "alleged",
    "alleges",
    "wrote",
    "writes",
    "explained",
    "suggested",
    "suggests",
    "acknowledged",
    "estimated",
    "concluded",
    "emphasized",
    "stressed",
    "maintained",
    "maintains",
)
# Verbs whose claim the source rejects.
DENY_VERBS: tuple[str, ...] = (
    "denied",
    "denies",
    "deny",
    "rejected",
    "rejects",
    "reject",
    "dismissed",
    "dismisses",
    "refuted",
    "refutes",
    "disputed",
    "disputes",
)
ACCUSE_VERBS: tuple[str, ...] = ("accused", "accuses", "accuse")
# Words before the verb that belong to the cue ("has vehemently denied").
AUXILIARY_WORDS: tuple[str, ...] = (
    "has",
    "have",
    "had",
    "also",
    "again",
    "repeatedly",
    "vehemently",
    "strongly",
    "previously",
    "later",
)
AUXILIARIES = rf"(?:(?:{'|'.join(AUXILIARY_WORDS)})\s+)*"
# "told Newsweek", "told reporters", "told the Financial Times", "suggested to Newsweek".
RECIPIENT = (
    r"(?:the\s+)?(?:[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,3}|reporters|journalists|lawmakers)"
)
TELL_VERBS: tuple[str, ...] = ("told", "tells", r"suggested\s+to", r"said\s+to")
TELL = rf"(?:{'|'.join(TELL_VERBS)})\s+{RECIPIENT}"
# Words in a claim that make the source reject it: "X said those claims were false".
FALSE_WORDS = r"(?:false|untrue|baseless|groundless|unfounded|fabricated|nonsense|lies|a\s+lie)"


def by_length(words: tuple[str, ...]) -> list[str]:
    """Longest first (ties keep their order): an alternation's order, so "says" is tried
    before "say"."""
    return sorted(words, key=len, reverse=True)


def _alt(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(by_length(words)) + ")"


def by_first_letter(alternatives: Sequence[str]) -> str:
    """``(?:...)`` of regex alternatives that each start with a literal letter, grouped under
    that letter (their order kept inside a group). Why: ``re`` tries a flat alternation word
    by word at every position (50 words: ~16 MB/s), a group per letter ~10x faster; the
    matches are the same, as two alternatives starting with different letters never match
    at one position."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        groups.setdefault(alt[0], []).append(alt[1:])
    return "(?:" + "|".join(f"{c}(?:{'|'.join(rest)})" for c, rest in groups.items()) + ")"


SAY = _alt(SAY_VERBS)
DENY = _alt(DENY_VERBS)
ACCUSE = _alt(ACCUSE_VERBS)
# Any cue at all, for the trivial baseline and for spotting attribution sentences. The
# lookahead of the cues' first letters changes no match (every cue starts with one of them,
# under the same case folding); it lets ``re`` skip the other positions without trying the
# alternation at each (3x faster on the bench's synthetic sentences).
_CUE_WORDS = (*SAY_VERBS, *DENY_VERBS, *ACCUSE_VERBS, "told", "tells", "according")
_FIRST = "".join(sorted({w[0] for w in _CUE_WORDS}))
ANY_CUE = re.compile(
    rf"(?=[{_FIRST}])\b(?:{SAY}|{DENY}|{ACCUSE}|told|tells|according\s+to)\b", re.IGNORECASE
)
# The characters other than its two ASCII cases that ``re.IGNORECASE`` matches to an ASCII
# letter (Python 3.11; tests/test_baseline_lexicon.py scans every code point). A text
# without them keeps its length under ``str.lower`` (only U+0130 lower-cases to two
# characters) and every position keeps its word/space class, so ANY_CUE matches the text
# where the case-sensitive FOLDED_CUE matches ``text.lower()``; ``re`` runs a case-sensitive
# alternation several times faster (no case folding per character, one letter group tried).
FOLD_UNSAFE = "\u0130\u0131\u017f\u212a"
FOLDED_CUE = re.compile(
    r"\b"
    + by_first_letter(
        [*sorted(set(_CUE_WORDS) - {"according"}, key=len, reverse=True), r"according\s+to"]
    )
    + r"\b"
)


def folded(text: str) -> str | None:
    """``text.lower()``, where FOLDED_CUE finds what ANY_CUE finds in ``text`` at the same
    offsets; None when the text has a character that lower-casing would not fold so."""
    if any(c in text for c in FOLD_UNSAFE):
        return None
    return text.lower()


def has_cue(text: str, low: str | None, start: int, end: int) -> bool:
    """Whether ``ANY_CUE.search(text, start, end)`` finds a cue; ``low`` is ``folded(text)``
    (computed once per text by the caller)."""
    if low is None:
        return ANY_CUE.search(text, start, end) is not None
    return FOLDED_CUE.search(low, start, end) is not None


_TYPE_HINTS: tuple[tuple[str, str], ...] = (
    (r"\b(?:spokes(?:man|woman|person)|embassy|press secretary)\b", "spokesperson"),
    (
        r"\b(?:people|persons?|sources?|someone) (?:familiar|close|with knowledge|briefed)\b"
        r"|\bone person\b|\bsources\b",
        "anonymous_other",
    ),
    (
        r"^(?:an?|one|two|three|several|some|other|senior|the)?\s*(?:\w+\s+){0,4}"
        r"officials?\b(?!\s+[A-Z])",
        "anonymous_official",
    ),
    (
        r"\b(?:analysts?|experts?|researchers?|professor|scholars?|fellow|think tank|institute"
        r"|university|economist)\b",
        "expert",
    ),
    (
        r"\b(?:reuters|associated press|ap|bloomberg|newsweek|times|journal|post|bbc|cnn"
        r"|xinhua|tass|reports?|newspaper|media|outlet)\b",
        "media_outlet",
    ),
    (
        r"\b(?:president|minister|secretary|senator|ambassador|adviser|advisor|chancellor"
        r"|premier|governor|general|lawmaker|official)\b",
        "government_official",
    ),
    (
        r"^(?:the\s+)?(?:china|russia|ukraine|beijing|moscow|kyiv|kiev|washington|kremlin"
        r"|white house|pentagon|u\.?s\.?|united states|nato|eu|european union|britain|uk"
        r"|government|ministry|department|administration|state department)\b",
        "government",
    ),
    (r"\b(?:foundation|company|corporation|corp|inc|group|organi[sz]ation|ngo)\b", "organisation"),
)
TYPE_HINTS = tuple((re.compile(p, re.IGNORECASE), t) for p, t in _TYPE_HINTS)
# The same hints, case-sensitive, for a ``folded`` phrase (no upper case is left in it, so
# the [A-Z] that re.IGNORECASE reads as any ASCII letter is [a-z]; every other letter of the
# hints is lower case): three times faster, the same first hint.
FOLDED_HINTS = tuple((re.compile(p.replace("[A-Z]", "[a-z]")), t) for p, t in _TYPE_HINTS)
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})


def guess_source_type(source: str) -> str | None:
    """First source type whose hint matches the source phrase; None for bare pronouns."""
    phrase = source.strip()
    low = folded(phrase)
    if (phrase.lower() if low is None else low) in PRONOUNS:
        return None
    hints, subject = (TYPE_HINTS, phrase) if low is None else (FOLDED_HINTS, low)
    for pattern, kind in hints:
        if pattern.search(subject):
            return kind
    words = phrase.split()
    if 1 < len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "government_official"  # a bare personal name, the commonest named source here
    return None
