"""The package's own vectorised MinHash signatures for story grouping (same rule as
tests/reference_stories.py, the datasketch reference).

Why: datasketch SHA-1-hashes every shingle and applies 128 permutations to each (~1,100
docs/s). Here a batch is tokenised, hashed and signed in a few NumPy passes: code-point
lookup tables built from ``re`` and ``str.lower`` give exactly the reference's tokens
(documents with a context-dependent lower case take the ``re`` path); one-permutation
MinHash puts each splitmix64-mixed 64-bit shingle hash in one of 128 bins, and optimal
densification (Shrivastava 2017) fills empty bins, so P[sig_a[i] == sig_b[i]] =
Jaccard(a, b) at O(items) instead of O(items x 128). An empty set signs as all ``EMPTY``
(``banding.is_empty`` keeps it out of every candidate pair).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from claimcorpus.stories.rules import ENTITY, NUM_PERM, SHINGLE, WORD

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_U64 = np.uint64
_rng = np.random.default_rng(0x5EED_C1A1)
# random odd multipliers: token, shingle and band hashes
KEYS = _rng.integers(1, 2**63, size=8, dtype=np.uint64) | _U64(1)
# densification probes per bin: 16 random bins, then a random order of all 128 bins
_PROBE = np.hstack(
    [_rng.integers(0, NUM_PERM, (NUM_PERM, 16)), _rng.random((NUM_PERM, NUM_PERM)).argsort(1)]
)
_VALUE_MASK = _U64((1 << 57) - 1)
_TABLES: dict[str, np.ndarray] = {}
_WORD_F, _DIGIT_F, _HARD_F, _UPPER_F, _WH_F, _DP_F = 1, 2, 4, 8, 16, 32  # bits of _TABLES["flags"]


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijection on uint64 with full avalanche."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _U64(0xBF58476D1CE4E5B9)
        x ^= x >> _U64(27)
        x *= _U64(0x94D049BB133111EB)
        x ^= x >> _U64(31)
    return x


def _tables() -> dict[str, np.ndarray]:
    """BMP lookups from ``re`` and ``str.lower`` themselves ("hard": lower case not one
    context-free character; U+FFFF stands for the astral planes)."""
    if not _TABLES:
        bmp = "".join(map(chr, range(0x10000)))
        flags = np.zeros(0x10000, np.uint8)
        for bit, rx in ((_WORD_F, r"\w"), (_DIGIT_F, r"\d"), (_UPPER_F, r"[A-Z]")):
            flags[[m.start() for m in re.finditer(rx, bmp)]] |= bit
        lower = np.arange(0x10000, dtype=np.uint32)
        for cp in range(0x10000):
            lo = bmp[cp].lower()
            if len(lo) != 1:
                flags[cp] |= _HARD_F
            elif lo != bmp[cp]:
                lower[cp] = ord(lo)
        word = (flags & _WORD_F) != 0
        flags[word != word[lower]] |= _HARD_F
        flags[[0x03A3, 0xFFFF]] |= _HARD_F  # final sigma depends on context; astral stand-in
        flags[word | (np.arange(0x10000) == 45)] |= _WH_F
        flags[((flags & _DIGIT_F) != 0) | np.isin(np.arange(0x10000), [44, 46, 37])] |= _DP_F
        _TABLES["flags"], _TABLES["lower"] = flags, lower
        _TABLES["pos"] = _rng.integers(1, 2**63, size=1024, dtype=np.uint64) | _U64(1)
    return _TABLES


def _hash_segments(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash per segment ``cps[s:e]``: sum of code point x random odd constant per
    position (near-universal up to 1,024 code points), mixed with the length."""
    if len(starts) == 0:
        return np.zeros(0, np.uint64)
    lengths = ends - starts
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    pos = np.arange(lengths.sum()) - np.repeat(offsets, lengths)
    with np.errstate(over="ignore"):
        v = cps[pos + np.repeat(starts, lengths)].astype(np.uint64) * _tables()["pos"][pos & 1023]
        seg = np.add.reduceat(v, offsets)
        return mix(seg + lengths.astype(np.uint64) * KEYS[2])


def strings_hash(items: Sequence[str]) -> np.ndarray:
    """Token hashes for a list of Python strings (the ``re`` fallback path)."""
    if not items:
        return np.zeros(0, np.uint64)
    cps = np.frombuffer("".join(items).encode("utf-32-le"), np.uint32)
    lengths = np.fromiter(map(len, items), np.int64, len(items))
    ends = np.cumsum(lengths)
    return _hash_segments(cps, ends - lengths, ends)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the maximal True runs of ``mask``."""
    m = np.concatenate(([False], mask, [False]))
    change = np.flatnonzero(m[1:] != m[:-1])
    return change[::2], change[1::2]


def _run_end(mask: np.ndarray, at: np.ndarray) -> np.ndarray:
    starts, ends = _runs(mask)  # end of the True run holding each position in ``at``
    return ends[np.searchsorted(starts, at, side="right") - 1]


def _entity_spans(flags: np.ndarray, w_starts: np.ndarray, w_ends: np.ndarray):
    """Spans ``re.finditer(ENTITY)`` would return (non-overlapping, left to right)."""
    word = (flags & _WORD_F) != 0
    after_nonword = np.concatenate(([True], ~word[:-1]))
    # alternative 1: [A-Z][\w-]+\b ends after the last word character of its [\w-] run
    s1 = np.flatnonzero(((flags & _UPPER_F) != 0) & after_nonword)
    run_end = _run_end((flags & _WH_F) != 0, s1)
    k = np.searchsorted(w_starts, run_end - 1, side="right") - 1
    e1 = np.minimum(run_end, w_ends[k])
    ok1 = e1 >= s1 + 2
    # alternative 2: \d[\d.,%]*\b ends at the last word boundary inside its [\d.,%] run
    s2 = np.flatnonzero(((flags & _DIGIT_F) != 0) & after_nonword)
    run_end = _run_end((flags & _DP_F) != 0, s2)
    bounds = np.sort(np.concatenate((w_starts, w_ends)))
    e2 = bounds[np.searchsorted(bounds, run_end, side="right") - 1]
    ok2 = e2 >= s2 + 1
    starts = np.concatenate((s1[ok1], s2[ok2]))
    ends = np.concatenate((e1[ok1], e2[ok2]))
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    keep = _non_overlapping(starts, ends)
    return starts[keep], ends[keep]


def _non_overlapping(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Keep a match iff it starts at or after the end of the last kept one (scan order)."""
    if len(starts) == 0:
        return np.zeros(0, bool)

    def blocked_by(ends_: np.ndarray) -> np.ndarray:
        return starts >= np.concatenate(([0], np.maximum.accumulate(ends_)[:-1]))

    keep = blocked_by(ends)
    if np.array_equal(blocked_by(np.where(keep, ends, 0)), keep):
        return keep  # a fixed point is the unique greedy answer
    keep, last = np.zeros(len(starts), bool), 0
    for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        keep[i], last = (True, e) if s >= last else (False, last)
    return keep


def _shingles(words: np.ndarray, doc_of: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Word 5-shingle hashes and their document (a document of m < 5 words: one shingle)."""
    m = len(words)
    counts = np.bincount(doc_of, minlength=n_docs)
    if m >= SHINGLE:
        with np.errstate(over="ignore"):
            acc = words[: m - SHINGLE + 1] * KEYS[3]
            for j in range(1, SHINGLE):
                acc += words[j : m - SHINGLE + 1 + j] * KEYS[3 + j]
        valid = doc_of[: m - SHINGLE + 1] == doc_of[SHINGLE - 1 :]
        sh, sh_doc = mix(acc[valid]), doc_of[: m - SHINGLE + 1][valid]
    else:
        sh, sh_doc = np.zeros(0, np.uint64), np.zeros(0, np.intp)
    short = np.flatnonzero(counts < SHINGLE)  # one shingle of all m < 5 words (m may be 0)
    if len(short):
        j = np.arange(SHINGLE - 1)
        idx = np.minimum(np.searchsorted(doc_of, short)[:, None] + j, max(m - 1, 0))
        w = np.where(j < counts[short][:, None], np.r_[words, _U64(0)][idx], _U64(0))
        with np.errstate(over="ignore"):
            extra = (w * KEYS[3:7]).sum(axis=1, dtype=np.uint64) + counts[short].astype(
                np.uint64
            ) * KEYS[2]
        sh, sh_doc = np.r_[sh, mix(extra)], np.r_[sh_doc, short]
    return sh, sh_doc


def _one_permutation(items: np.ndarray, doc_of: np.ndarray, n_docs: int) -> np.ndarray:
    """OPH signatures with optimal densification; an empty set gets all EMPTY."""
    sig = np.full(n_docs * NUM_PERM, EMPTY, np.uint64)
    np.minimum.at(sig, doc_of * NUM_PERM + (items >> _U64(57)).astype(np.intp), items & _VALUE_MASK)
    sig = sig.reshape(n_docs, NUM_PERM)
    filled = sig != EMPTY
    some = filled.any(axis=1)
    rows, bins = np.nonzero(~filled & some[:, None])
    if len(rows):
        src, todo = np.full(len(rows), -1, np.intp), np.arange(len(rows))
        for lo, hi in ((0, 16), (16, 16 + NUM_PERM)):  # the tail holds every bin: always found
            probe = _PROBE[bins[todo], lo:hi]
            hit = filled[rows[todo, None], probe]
            found = hit.any(axis=1)
            src[todo[found]] = probe[found, hit[found].argmax(axis=1)]
            todo = todo[~found]
        sig[rows, bins] = sig[rows, src]
    return sig


def _replace(hashes: np.ndarray, doc: np.ndarray, docs: np.ndarray, tokens: list[list[str]]):
    """Swap the token hashes of ``docs`` for hashes of ``tokens``, keeping document order."""
    keep = ~np.isin(doc, docs)
    hashes = np.r_[hashes[keep], strings_hash([t for ts in tokens for t in ts])]
    doc = np.r_[doc[keep], np.repeat(docs, [len(ts) for ts in tokens])]
    order = np.argsort(doc, kind="stable")
    return hashes[order], doc[order]


def signatures(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Near-duplicate (word 5-shingle) and same-story (entity) signatures, ``(n, 128)`` each."""
    n = len(texts)
    if n == 0:
        return np.zeros((0, NUM_PERM), np.uint64), np.zeros((0, NUM_PERM), np.uint64)
    t = _tables()
    joined = "\x00".join(x.replace("\x00", " ") if "\x00" in x else x for x in texts)
    cps = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
    clipped = np.minimum(cps, 0xFFFF)
    flags = t["flags"][clipped]
    seps = np.flatnonzero(cps == 0)
    hard_docs = np.unique(np.searchsorted(seps, np.flatnonzero(flags & _HARD_F)))
    lower = t["lower"][clipped]
    w_starts, w_ends = _runs((flags & _WORD_F) != 0)
    e_starts, e_ends = _entity_spans(flags, w_starts, w_ends)
    w_doc = np.searchsorted(seps, w_starts)
    e_doc = np.searchsorted(seps, e_starts)
    w_hash = _hash_segments(lower, w_starts, w_ends)
    e_hash = _hash_segments(lower, e_starts, e_ends)
    if len(hard_docs):  # exact `re` + str.lower where the tables cannot decide
        words = [WORD.findall(texts[d].lower()) for d in hard_docs]
        ents = [[m.lower() for m in ENTITY.findall(texts[d])] for d in hard_docs]
        w_hash, w_doc = _replace(w_hash, w_doc, hard_docs, words)
        e_hash, e_doc = _replace(e_hash, e_doc, hard_docs, ents)
    sh, sh_doc = _shingles(w_hash, w_doc.astype(np.intp), n)
    return _one_permutation(sh, sh_doc, n), _one_permutation(e_hash, e_doc.astype(np.intp), n)


def to_bytes(sig: np.ndarray) -> list[bytes]:
    """Rows as fixed 1,024-byte little-endian values (the batch output's binary columns)."""
    raw, width = np.ascontiguousarray(sig, dtype="<u8").tobytes(), NUM_PERM * 8
    return [raw[i : i + width] for i in range(0, len(raw), width)]


def from_bytes(values: Sequence[bytes]) -> np.ndarray:
    if not values:
        return np.zeros((0, NUM_PERM), np.uint64)
    return np.frombuffer(b"".join(values), "<u8").reshape(len(values), NUM_PERM).astype(np.uint64)


# signature pairs compared at a time: two gathered (rows, 128) uint64 blocks of 8 MB each
# (65,536 rows took 134 MB, the largest temporary of a 100k grouping)
ESTIMATE_ROWS = 8192


def estimate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard per row pair: the share of equal signature positions."""
    return (a == b).sum(axis=1) / NUM_PERM
