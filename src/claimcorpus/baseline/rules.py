"""Rule-based attribution extractor: a cue lexicon plus a handful of sentence patterns.

It is the benchmark's honest non-learned baseline and a source of Label Studio
pre-annotations, so :func:`extract` is a pure function of (doc_id, text[, sentences]) that
returns a prediction record with exact offsets. Sentences are the release's own (the
document's ``sentences``); given only a text, ``segment.text_sentences`` finds the same ones.
Patterns, tried in this order per sentence:

* "X accused Y of Z"                      -> SOURCE X, CUE accused, CLAIM Z
* "According to X, Y" / "Y, according to X"
* "“Y,” X said" / "Y, X said" / "Y, said X" (the cue closes the sentence)
* "X said (that) Y" / "X told Newsweek Y" / "X denied (that) Y"

Stance is ``refute`` for deny/reject cues and for "X said Y was false" (then the CLAIM is
Y), else ``support``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claimcorpus.baseline.lexicon import (
    ACCUSE,
    ACCUSE_VERBS,
    AUXILIARIES,
    AUXILIARY_WORDS,
    DENY_VERBS,
    FALSE_WORDS,
    RECIPIENT,
    SAY_VERBS,
    TELL_VERBS,
    by_first_letter,
    by_length,
    folded,
    guess_source_type,
)
from claimcorpus.normalize.segment import text_sentences

Span = tuple[int, int]  # sentence-local, half-open


# The cue "{AUXILIARIES}(?:{TELL}|{DENY}|{SAY})" with each alternation grouped by first letter
# (``lexicon.by_first_letter``: the same alternatives in the same order within a letter, so
# the same matches; TELL's verbs each take its recipient, as "(x|y)z" tries "xz" then "yz").
# Why: CLAIM_FIRST and SOURCE_FIRST try the cue after every word of the sentence, and a flat
# alternation of some 60 verbs is tried verb by verb. tests/test_baseline_reference.py
# compares the two.
_AUXILIARIES = rf"(?:{by_first_letter(AUXILIARY_WORDS)}\s+)*"
_CUE_WORDS = by_first_letter(
    [rf"{verb}\s+{RECIPIENT}" for verb in TELL_VERBS] + by_length(DENY_VERBS) + by_length(SAY_VERBS)
)
_CUE = rf"(?P<cue>{_AUXILIARIES}{_CUE_WORDS})"
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
# Every cue of CLAIM_FIRST, CLAIM_FIRST_INVERTED and SOURCE_FIRST contains one of these
# verbs as written (those patterns are case-sensitive, and an auxiliary comes before its
# verb), so a sentence without one (after its last comma, for the claim-first two) cannot
# match them; one case-sensitive pass grouped by first letter finds them at ~150 MB/s, where
# the patterns backtrack through every word.
_CUE_VERBS = re.compile(
    by_first_letter(sorted({*SAY_VERBS, *DENY_VERBS, "told", "tells"}, key=len, reverse=True))
)
# "those claims were false": the claim is the subject, the source rejects it. (No "^":
# these two are matched from a position, where re.match already anchors.)
CALLED_FALSE = re.compile(
    rf"(?P<claim>.+?)\s+(?:were|was|are|is|to be)\s+(?:\w+ly\s+)?{FALSE_WORDS}\b", re.IGNORECASE
)
# Every match of CALLED_FALSE holds one of these (its FALSE_WORDS; "a lie" holds "lie"):
# looked for case-sensitively in the lower-cased sentence (``lexicon.folded``), a claim
# without one is not matched against the pattern, whose case-folded backtracking through
# each word of the claim cost a third of ``_found``.
_FALSE_FOLDED = re.compile(
    by_first_letter(
        ["false", "untrue", "baseless", "groundless", "unfounded", "fabricated", "nonsense", "lie"]
    )
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
    if refute:  # a refuting cue already decides the stance and keeps the whole claim
        return Found(claim, source, cue, refute)
    low = folded(s)
    if low is not None and not _FALSE_FOLDED.search(low, claim[0], claim[1]):
        return Found(claim, source, cue, refute)
    called_false = CALLED_FALSE.match(s, claim[0], claim[1])
    if called_false:
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


def _claim_first(s: str, cue: re.Match[str] | None = None) -> Found | None:
    """``cue``: the sentence's first cue verb, when the caller has searched for it. Both
    claim-first patterns put the cue after their last separator and no comma after it, so
    without a cue verb past the sentence's last comma neither can match; the test spares
    their backtracking through each comma of the other sentences."""
    after = s.rfind(",") + 1
    if cue is None or cue.start() < after:
        if not _CUE_VERBS.search(s, after):
            return None
    if not after and '"' not in s and "”" not in s:  # no [,”"] for the claim to end at
        return None
    m = CLAIM_FIRST.match(s)
    if m is None and any(c in s for c in _INVERTED_CUES):  # else the inverted form cannot fit
        m = CLAIM_FIRST_INVERTED.match(s)
    return _found(s, m) if m else None


def _source_first(s: str) -> Found | None:
    """Only called on a sentence with a cue verb (``find_attribution``): the pattern's cue
    holds one."""
    m = SOURCE_FIRST.match(s)
    return _found(s, m) if m else None


def find_attribution(sentence: str) -> Found | None:
    """The first pattern that fits the sentence, or None: "accused", "according to", then
    claim-first and source-first, which both need a cue verb (one search finds the first,
    for both)."""
    found = _accused(sentence)
    if found is None:
        found = _according(sentence)
    if found is None:
        cue = _CUE_VERBS.search(sentence)
        if cue is None:
            return None
        found = _claim_first(sentence, cue)
        if found is None:
            found = _source_first(sentence)
    return found


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
