"""The rule baseline as it was before its prefilters of issue 14 (``claimcorpus.baseline.rules``
and the regex half of ``lexicon`` at a498585): the reference its decisions are compared
with (``tests/test_baseline_reference.py``). The word lists are the package's (data the
rules read, not the matching code).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from claimcorpus.baseline.lexicon import (
    ACCUSE_VERBS,
    AUXILIARIES,
    DENY_VERBS,
    FALSE_WORDS,
    SAY_VERBS,
    TELL,
)
from claimcorpus.normalize.segment import text_sentences


# ---- lexicon (regexes and source-type hints)
def _alt(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


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
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})


def guess_source_type(source: str) -> str | None:
    """First source type whose hint matches the source phrase; None for bare pronouns."""
    phrase = source.strip()
    if phrase.lower() in PRONOUNS:
        return None
    for pattern, kind in TYPE_HINTS:
        if pattern.search(phrase):
            return kind
    words = phrase.split()
    if 1 < len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "government_official"  # a bare personal name, the commonest named source here
    return None


# ---- rules
Span = tuple[int, int]  # sentence-local, half-open

_CUE = rf"(?P<cue>{AUXILIARIES}(?:{TELL}|{DENY}|{SAY}))"
_TAIL = r"(?:\s+(?:on|in|at|last|this|earlier|late|during|after|before|while)\b[^,]{0,60})?"
_END = r"[\s.!?\"”’]*$"

ACCUSED = re.compile(
    rf"^(?P<src>.{{2,150}}?)\s+(?P<cue>{AUXILIARIES}{ACCUSE})\s+(?P<target>.+?)\s+of\s+"
    rf"(?P<claim>.+?){_END}"
)
ACCORDING_FRONT = re.compile(
    r"^(?P<cue>[Aa]ccording to)\s+(?P<src>[^,]{2,120}?),\s*(?P<claim>.+?)" + _END
)
ACCORDING_BACK = re.compile(r"^(?P<claim>.+?),\s*(?P<cue>according to)\s+(?P<src>.+?)" + _END)
CLAIM_FIRST = re.compile(
    rf"^(?P<claim>.{{8,}}?)\s*[,”\"]+\s*(?P<src>[^,“”\"]{{2,100}}?)\s+{_CUE}{_TAIL}{_END}"
)
_INVERTED_CUES = ("said", "says", "added", "wrote")
CLAIM_FIRST_INVERTED = re.compile(
    r"^(?P<claim>.{8,}?)\s*[,”\"]+\s*(?P<cue>"
    + "|".join(_INVERTED_CUES)
    + r")\s+(?!that\b)(?P<src>[^,]{2,60}?)"
    + _END
)
# What every match of ACCUSED contains: a substring test (no regex) rules most sentences
# out before the pattern backtracks through each of them (on the bench's synthetic sentences
# the test and the few matches cost a seventh of the pattern tried on every sentence).
_ACCUSE_STEM = os.path.commonprefix(list(ACCUSE_VERBS))
SOURCE_FIRST = re.compile(rf"^(?P<src>.{{2,200}}?)\s+{_CUE}(?:\s+that)?[\s,:]+(?P<claim>.+?){_END}")
# "those claims were false": the claim is the subject, the source rejects it. (No "^":
# these two are matched from a position, where re.match already anchors.)
CALLED_FALSE = re.compile(
    rf"(?P<claim>.+?)\s+(?:were|was|are|is|to be)\s+(?:\w+ly\s+)?{FALSE_WORDS}\b", re.IGNORECASE
)
# Openers that are not part of a sentence-initial source ("In a statement, the ministry").
OPENER = re.compile(
    r"(?:(?:but|and|however|meanwhile|separately|still|yet|now|also)\b,?\s+"
    r"|(?:in|on|at|speaking|last|earlier|during|after|asked)\b[^,]{0,60},\s+)+",
    re.IGNORECASE,
)
MAX_SOURCE_WORDS = 20
_QUOTES = "\"'“”‘’"
_DENY_WORDS = frozenset(DENY_VERBS)


@dataclass(frozen=True)
class Found:
    """One attribution inside a sentence (sentence-local offsets)."""

    claim: Span
    source: Span | None
    cue: Span | None
    refute: bool


def _trim(s: str, span: Span, *, claim: bool = False) -> Span | None:
    """Shrink a span past whitespace, quotes, edge punctuation and (claims) a leading 'that'."""
    a, b = span
    while True:
        before = (a, b)
        while a < b and (s[a].isspace() or s[a] in _QUOTES):
            a += 1
        while a < b and (s[b - 1].isspace() or s[b - 1] in _QUOTES + ".,;:!?"):
            b -= 1
        if claim and s[a : a + 5].lower() == "that ":
            a += 5
        if (a, b) == before:
            break
    return (a, b) if a < b else None


def _source(s: str, span: Span) -> Span | None:
    """Source span without sentence openers and trailing commas; None if implausible."""
    a, b = span
    opener = OPENER.match(s, a, b)
    if opener:
        a = opener.end()
    out = _trim(s, (a, b))
    if out is None or len(s[out[0] : out[1]].split()) > MAX_SOURCE_WORDS:
        return None
    return out


def _found(s: str, m: re.Match[str], refute: bool = False) -> Found | None:
    claim = _trim(s, m.span("claim"), claim=True)
    source = _source(s, m.span("src"))
    cue = _trim(s, m.span("cue"))
    if claim is None or source is None or cue is None:
        return None
    refute = refute or s[cue[0] : cue[1]].split()[-1].lower() in _DENY_WORDS
    called_false = CALLED_FALSE.match(s, claim[0], claim[1])
    if called_false and not refute:
        inner = _trim(s, called_false.span("claim"), claim=True)
        if inner is not None:
            claim, refute = inner, True
    return Found(claim, source, cue, refute)


def _accused(s: str) -> Found | None:
    m = ACCUSED.match(s) if _ACCUSE_STEM in s else None
    return _found(s, m) if m else None


def _according(s: str) -> Found | None:
    if "ccording to" not in s:  # in every match of both; spares ACCORDING_BACK's comma scan
        return None
    m = ACCORDING_FRONT.match(s) or ACCORDING_BACK.match(s)
    return _found(s, m) if m else None


def _claim_first(s: str) -> Found | None:
    # Both claim-first patterns put the cue after their last separator and no comma after
    # it, so without a cue word past the sentence's last comma neither can match (ANY_CUE
    # finds every cue they do, case-folded); the test spares their backtracking through
    # each comma of the other sentences (a quarter of this function on the bench's text).
    if not ANY_CUE.search(s, s.rfind(",") + 1):
        return None
    m = CLAIM_FIRST.match(s)
    if m is None and any(c in s for c in _INVERTED_CUES):  # else the inverted form cannot fit
        m = CLAIM_FIRST_INVERTED.match(s)
    return _found(s, m) if m else None


def _source_first(s: str) -> Found | None:
    m = SOURCE_FIRST.match(s)
    return _found(s, m) if m else None


PATTERNS: tuple[Callable[[str], Found | None], ...] = (
    _accused,
    _according,
    _claim_first,
    _source_first,
)


def find_attribution(sentence: str) -> Found | None:
    """The first pattern that fits the sentence, or None."""
    for pattern in PATTERNS:
        found = pattern(sentence)
        if found is not None:
            return found
    return None


def extract(
    doc_id: str, text: str, sentences: Sequence[tuple[int, int]] | None = None
) -> dict[str, Any]:
    """Prediction record (spans with offsets and text, linked attributions) for one text."""
    spans: list[dict[str, Any]] = []
    attributions: list[dict[str, Any]] = []

    def add(label: str, prefix: str, base: int, span: Span) -> str:
        sid = f"{prefix}{len(attributions) + 1}"
        start, end = base + span[0], base + span[1]
        spans.append(
            {"id": sid, "label": label, "start": start, "end": end, "text": text[start:end]}
        )
        return sid

    for s0, s1 in sentences if sentences is not None else text_sentences(text):
        found = find_attribution(text[s0:s1])
        if found is None:
            continue
        claim = add("CLAIM", "c", s0, found.claim)
        source = add("SOURCE", "s", s0, found.source) if found.source else None
        cue = add("CUE", "q", s0, found.cue) if found.cue else None
        kind = (
            guess_source_type(text[s0 + found.source[0] : s0 + found.source[1]])
            if found.source
            else None
        )
        attributions.append(
            {
                "id": f"a{len(attributions) + 1}",
                "claim": claim,
                "source": source,
                "cue": cue,
                "stance": "refute" if found.refute else "support",
                "source_type": kind,
                "anonymous_source": kind in ("anonymous_official", "anonymous_other"),
                "unattributed": False,
            }
        )
    return {"doc_id": doc_id, "spans": spans, "attributions": attributions}


# ---- the trivial baseline (its cue test is ANY_CUE's)
_EDGE = " \t\"'“”‘’.,;:!?"


def trivial_extract(
    doc_id: str, text: str, sentences: Sequence[tuple[int, int]] | None = None
) -> dict[str, Any]:
    """``baseline.trivial.extract`` as it was: one CLAIM per cue sentence."""
    spans: list[dict[str, Any]] = []
    attributions: list[dict[str, Any]] = []
    for s0, s1 in sentences if sentences is not None else text_sentences(text):
        if not ANY_CUE.search(text, s0, s1):
            continue
        a, b = s0, s1
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE:
            b -= 1
        if a == b:
            continue
        n = len(spans) + 1
        spans.append({"id": f"c{n}", "label": "CLAIM", "start": a, "end": b, "text": text[a:b]})
        attributions.append(
            {
                "id": f"a{n}",
                "claim": f"c{n}",
                "source": None,
                "cue": None,
                "stance": "support",
                "source_type": None,
                "anonymous_source": False,
                "unattributed": False,
            }
        )
    return {"doc_id": doc_id, "spans": spans, "attributions": attributions}
