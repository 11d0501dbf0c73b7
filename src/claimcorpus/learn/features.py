"""Token features of the CRF: the word and its neighbours, shape, quotes and the cue lexicon.

These are the classic features of attribution taggers on PARC (lexical window, quotation
state, distance to a reporting verb): claims sit inside quotes or next to a cue, sources
just before or after one. The cue lexicon is the rule baseline's (``baseline/lexicon``), so
the two baselines share one word list and differ only in how they use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from claimcorpus.baseline.lexicon import ACCUSE_VERBS, DENY_VERBS, SAY_VERBS
from claimcorpus.learn.tokens import Sentence

CUE_WORDS = frozenset(SAY_VERBS + DENY_VERBS + ACCUSE_VERBS + ("told", "tells", "according"))
QUOTES = frozenset('"“”')
OFFSETS = (-2, -1, 1, 2)  # the neighbours in a token's window
EDGE = {k: f"w{k:+d}=<edge>".encode() for k in OFFSETS}
# binary feature names (b"w=said") as UTF-8 bytes: crfsuite reads them without encoding each
Features = list[bytes]


def shape(word: str) -> str:
    """A coarse word shape: Xx, X, x, d, or the punctuation itself."""
    if word.isdigit():
        return "d"
    if word.isupper():
        return "X"
    if word[:1].isupper():
        return "Xx"
    if word[:1].isalpha() or word[:1] == "_":
        return "x"
    return word


def bucket(distance: int | None) -> str:
    """Distance in tokens as a few bins (none when there is no cue on that side)."""
    if distance is None:
        return "none"
    for limit in (1, 2, 4, 8, 16):
        if distance <= limit:
            return str(limit)
    return "far"


IN_QUOTE = b"inq=1"
BUCKETS = ["1", "1", "2", "4", "4", *["8"] * 4, *["16"] * 8]  # bucket(d) for d <= 16


def _distances(flags: list[bool], prefix: bytes) -> tuple[list[bytes], list[bytes]]:
    """Per token, ``prefix`` + the :func:`bucket` of its distance to the nearest flagged
    token on its left, and on its right (as the feature strings themselves)."""
    n = len(flags)
    if not any(flags):  # most sentences: no cue either way
        return [prefix + b"left=none"] * n, [prefix + b"right=none"] * n
    names = [prefix + b"left=" + b.encode() for b in BUCKETS]
    left = [prefix + b"left=none"] * n
    last = -1
    for i in range(n):
        if last >= 0:
            d = i - last
            left[i] = names[d] if d <= 16 else prefix + b"left=far"
        if flags[i]:
            last = i
    names = [prefix + b"right=" + b.encode() for b in BUCKETS]
    right = [prefix + b"right=none"] * n
    last = -1
    for i in range(n - 1, -1, -1):
        if last >= 0:
            d = last - i
            right[i] = names[d] if d <= 16 else prefix + b"right=far"
        if flags[i]:
            last = i
    return left, right


class Word(NamedTuple):
    """The strings a word contributes to its own and to its neighbours' features."""

    lower: bytes
    head: tuple[bytes, bytes, bytes, bytes, bytes]  # bias, w=, suf3=, shape=, cue=
    is_cue: bool
    seen: tuple[tuple[bytes, ...], ...]  # per OFFSETS: w{k}=, s{k}= and cue{k} if a cue
    left: bytes  # b"w-1|w=<lower>|": the start of its right neighbour's bigram feature
    right: bytes  # b"w|w+1=<lower>|": the start of its own bigram with its right neighbour


# per OFFSETS, the prefixes of what a word shows its neighbour at that offset
SEEN_PREFIXES = tuple(
    (f"w{k:+d}=".encode(), f"s{k:+d}=".encode(), f"cue{k:+d}".encode()) for k in OFFSETS
)
EDGE_WORD = b"<edge>"
LEFT_EDGE = b"w-1|w=<edge>|"


@lru_cache(maxsize=1 << 16)
def word_features(word: str) -> Word:
    """A word's :class:`Word`, made once per distinct word (words repeat: a cache hit is far
    cheaper than the formatting, and the neighbour tuples are shared, not rebuilt)."""
    low = word.lower()
    sh = shape(word)
    cue = low in CUE_WORDS
    lb, sb = low.encode(), sh.encode()
    suffix, flag = low[-3:].encode(), b"cue=1" if cue else b"cue=0"
    head = (b"bias", b"w=" + lb, b"suf3=" + suffix, b"shape=" + sb, flag)
    if cue:
        seen = tuple((w + lb, s + sb, c) for w, s, c in SEEN_PREFIXES)
    else:
        seen = tuple((w + lb, s + sb) for w, s, _ in SEEN_PREFIXES)
    left, right = b"w-1|w=" + lb + b"|", b"w|w+1=" + lb + b"|"
    return Word(lb, head, cue, seen, left, right)


def _quote_state(words: tuple[str, ...], open_quote: bool) -> list[bytes]:
    """Per token, whether it lies inside a quotation (``"`` toggles, “ opens, ” closes)."""
    if QUOTES.isdisjoint(words):  # most sentences: the state they start with throughout
        return [IN_QUOTE if open_quote else b"inq=0"] * len(words)
    out = []
    for w in words:
        if w in QUOTES:
            open_quote = not open_quote if w == '"' else w == "“"
        out.append(IN_QUOTE if open_quote else b"inq=0")
    return out


def _windows(word: list[Word]) -> list[list[tuple[bytes, ...]]]:
    """Per OFFSETS, per token, the features of its neighbour at that offset (or the edge
    marker): the words' ``seen`` columns, transposed in one pass and shifted."""
    n = len(word)
    out = []
    for k, cols in zip(OFFSETS, zip(*[w.seen for w in word], strict=True), strict=True):
        edge = [(EDGE[k],)] * abs(k)
        out.append([*edge, *cols[: max(n + k, 0)]][:n] if k < 0 else [*cols[k:], *edge][:n])
    return out


def sentence_features(sent: Sentence, previous_open_quote: bool = False) -> list[Features]:
    """One feature list per token of a sentence, built column by column from per-word
    strings cached across sentences (this runs on every sentence at predict time; the
    reference it must equal, string for string and in order, is the per-token loop kept in
    ``tests/learn_reference.py``)."""
    word = [word_features(w) for w in sent.words]
    n = len(word)
    if not n:  # a sentence without tokens (sentences_of makes none)
        return []
    lower = [w.lower for w in word]
    cue = [w.is_cue for w in word]
    left, right = _distances(cue, b"cue_")
    has_cue = b"sent_cue=1" if any(cue) else b"sent_cue=0"
    pos = [b"pos=mid"] * n
    pos[-1] = b"pos=last"
    pos[0] = b"pos=first"
    # the bigrams w-1|w and w|w+1: a word's cached prefix and its neighbour's lower case
    before = [a + b for a, b in zip([LEFT_EDGE, *(w.left for w in word)], lower, strict=False)]
    after = [w.right + b for w, b in zip(word, [*lower[1:], EDGE_WORD], strict=True)]
    m2, m1, p1, p2 = _windows(word)
    return [
        [*w.head, q, has_cue, lf, rt, ps, bf, af, *a, *b, *c, *d]
        for w, q, lf, rt, ps, bf, af, a, b, c, d in zip(
            word,
            _quote_state(sent.words, previous_open_quote),
            left,
            right,
            pos,
            before,
            after,
            m2,
            m1,
            p1,
            p2,
            strict=True,
        )
    ]


def document_features(sentences: Sequence[Sentence]) -> list[list[Features]]:
    """Feature sequences of a document's sentences (the quote state carries over)."""
    out = []
    open_quote = False
    for sent in sentences:
        feats = sentence_features(sent, open_quote)
        open_quote = bool(feats) and IN_QUOTE in feats[-1]
        out.append(feats)
    return out
