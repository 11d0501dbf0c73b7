"""Token features of the CRF: the word and its neighbours, shape, quotes and the cue lexicon.

These are the classic features of attribution taggers on PARC (lexical window, quotation
state, distance to a reporting verb): claims sit inside quotes or next to a cue, sources
just before or after one. The cue lexicon is the rule baseline's (``baseline/lexicon``), so
the two baselines share one word list and differ only in how they use it.
"""

from __future__ import annotations

from claimcorpus.baseline.lexicon import ACCUSE_VERBS, DENY_VERBS, SAY_VERBS
from claimcorpus.learn.tokens import Sentence

CUE_WORDS = frozenset(SAY_VERBS + DENY_VERBS + ACCUSE_VERBS + ("told", "tells", "according"))
QUOTES = frozenset('"“”')
Features = list[str]  # binary feature names ("w=said"), as crfsuite reads them fastest


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


def _distances(flags: list[bool]) -> tuple[list[int | None], list[int | None]]:
    """Per token, tokens to the nearest flagged token on its left and on its right."""
    n = len(flags)
    left: list[int | None] = [None] * n
    right: list[int | None] = [None] * n
    last: int | None = None
    for i in range(n):
        left[i] = None if last is None else i - last
        if flags[i]:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        right[i] = None if last is None else last - i
        if flags[i]:
            last = i
    return left, right


def sentence_features(sent: Sentence, previous_open_quote: bool = False) -> list[Features]:
    """One feature list per token of a sentence (the per-token strings are made once and
    shared by the neighbours' windows: this runs on every sentence at predict time)."""
    lower = [w.lower() for w in sent.words]
    n = len(lower)
    cue = [w in CUE_WORDS for w in lower]
    left, right = _distances(cue)
    shapes = [shape(w) for w in sent.words]
    has_cue = "sent_cue=1" if any(cue) else "sent_cue=0"
    edge = {k: f"w{k:+d}=<edge>" for k in (-2, -1, 1, 2)}
    window = {k: [f"w{k:+d}={w}" for w in lower] for k in (-2, -1, 1, 2)}
    window_shape = {k: [f"s{k:+d}={x}" for x in shapes] for k in (-2, -1, 1, 2)}
    in_quote = previous_open_quote
    out: list[Features] = []
    for i, w in enumerate(sent.words):
        if w in QUOTES:
            in_quote = not in_quote if w == '"' else w == "“"
        prev = lower[i - 1] if i else "<edge>"
        nxt = lower[i + 1] if i + 1 < n else "<edge>"
        f = [
            "bias",
            "w=" + lower[i],
            "suf3=" + lower[i][-3:],
            "shape=" + shapes[i],
            "cue=1" if cue[i] else "cue=0",
            "inq=1" if in_quote else "inq=0",
            has_cue,
            "cue_left=" + bucket(left[i]),
            "cue_right=" + bucket(right[i]),
            "pos=first" if i == 0 else "pos=last" if i == n - 1 else "pos=mid",
            f"w-1|w={prev}|{lower[i]}",
            f"w|w+1={lower[i]}|{nxt}",
        ]
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < n:
                f.append(window[k][j])
                f.append(window_shape[k][j])
                if cue[j]:
                    f.append(f"cue{k:+d}")
            else:
                f.append(edge[k])
        out.append(f)
    return out


def document_features(sentences: list[Sentence]) -> list[list[Features]]:
    """Feature sequences of a document's sentences (the quote state carries over)."""
    out = []
    open_quote = False
    for sent in sentences:
        feats = sentence_features(sent, open_quote)
        open_quote = bool(feats) and "inq=1" in feats[-1]
        out.append(feats)
    return out
