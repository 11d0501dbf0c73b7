"""The package's own vectorised MinHash and LSH for story grouping (same rule as stories.py).

Why: datasketch SHA-1-hashes every shingle and applies 128 permutations to each (~1,100
docs/s). Here a batch is tokenised, hashed and signed in a few NumPy passes: code-point
lookup tables built from ``re`` and ``str.lower`` give exactly stories' tokens (documents
with a context-dependent lower case take the ``re`` path); one-permutation MinHash puts each
splitmix64-mixed 64-bit shingle hash in one of 128 bins, and optimal densification
(Shrivastava 2017) fills empty bins, so P[sig_a[i] == sig_b[i]] = Jaccard(a, b) at O(items)
instead of O(items x 128). An empty set signs as all ``EMPTY`` and is never a candidate (two
empty sets would estimate 1.0 and join every entity-less article into one story). LSH buckets
are a 64-bit hash of each band (the same keys on Spark), candidates are verified on the
estimate; story_id = "story-" + a component's least doc_id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

NUM_PERM = 128
# every threshold and token rule of story grouping lives here; the datasketch reference in
# tests/reference_stories.py imports them, so the two cannot drift apart
NEAR_DUP = 0.5
SAME_STORY = 0.35
SHINGLE = 5
KINDS = ("near-duplicate", "same-story")
THRESHOLD = {"near-duplicate": NEAR_DUP, "same-story": SAME_STORY}
# (bands, rows). near-duplicate: 32x4 catches J=0.5 with p=0.87 (datasketch's 25x5: 0.55).
BANDS = {"near-duplicate": (32, 4), "same-story": (32, 4)}
BAND_BLOCK = 32  # bands numbered in one range (Spark): kind i has bands 32i .. 32i+31
assert all(b <= BAND_BLOCK for b, _ in BANDS.values())
EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
WORD = re.compile(r"\w+")
ENTITY = re.compile(r"\b(?:[A-Z][\w-]+|\d[\d.,%]*)\b")
_U64 = np.uint64
_rng = np.random.default_rng(0x5EED_C1A1)
_K = _rng.integers(1, 2**63, size=8, dtype=np.uint64) | _U64(1)
# densification probes per bin: 16 random bins, then a random order of all 128 bins
_PROBE = np.hstack(
    [_rng.integers(0, NUM_PERM, (NUM_PERM, 16)), _rng.random((NUM_PERM, NUM_PERM)).argsort(1)]
)
_VALUE_MASK = _U64((1 << 57) - 1)
_TABLES: dict[str, np.ndarray] = {}
_WORD_F, _DIGIT_F, _HARD_F, _UPPER_F, _WH_F, _DP_F = 1, 2, 4, 8, 16, 32  # bits of _TABLES["flags"]


def _mix(x: np.ndarray) -> np.ndarray:
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
        return _mix(seg + lengths.astype(np.uint64) * _K[2])


def _strings_hash(items: Sequence[str]) -> np.ndarray:
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
            acc = words[: m - SHINGLE + 1] * _K[3]
            for j in range(1, SHINGLE):
                acc += words[j : m - SHINGLE + 1 + j] * _K[3 + j]
        valid = doc_of[: m - SHINGLE + 1] == doc_of[SHINGLE - 1 :]
        sh, sh_doc = _mix(acc[valid]), doc_of[: m - SHINGLE + 1][valid]
    else:
        sh, sh_doc = np.zeros(0, np.uint64), np.zeros(0, np.intp)
    short = np.flatnonzero(counts < SHINGLE)  # one shingle of all m < 5 words (m may be 0)
    if len(short):
        j = np.arange(SHINGLE - 1)
        idx = np.minimum(np.searchsorted(doc_of, short)[:, None] + j, max(m - 1, 0))
        w = np.where(j < counts[short][:, None], np.r_[words, _U64(0)][idx], _U64(0))
        with np.errstate(over="ignore"):
            extra = (w * _K[3:7]).sum(axis=1, dtype=np.uint64) + counts[short].astype(
                np.uint64
            ) * _K[2]
        sh, sh_doc = np.r_[sh, _mix(extra)], np.r_[sh_doc, short]
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
    hashes = np.r_[hashes[keep], _strings_hash([t for ts in tokens for t in ts])]
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


def estimate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard per row pair: the share of equal signature positions."""
    return (a == b).sum(axis=1) / NUM_PERM


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64: a mixed hash of each band's rows; equal keys = same bucket."""
    out = np.empty((len(sig), bands), np.uint64)
    with np.errstate(over="ignore"):
        for b in range(bands):  # one band at a time: temporaries of n x rows, not n x 128
            part = sig[:, b * rows : (b + 1) * rows] * _K[3 : 3 + rows]
            out[:, b] = _mix(part.sum(axis=1, dtype=np.uint64) + _K[2])
    return out


def is_empty(sig: np.ndarray) -> np.ndarray:
    """Rows that sign the empty set (no shingles or no entities): never LSH candidates."""
    return (sig == EMPTY).all(axis=1)


def band_pairs(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Index pairs ``i < j`` that share the key of at least one band (the LSH candidates);
    empty-set rows take part in none."""
    full = np.flatnonzero(~is_empty(sig))
    keys = band_keys(sig if len(full) == len(sig) else sig[full], bands, rows)
    band = np.repeat(np.arange(bands, dtype=np.int16), len(full))  # band-major
    pairs = bucket_pairs(band, keys.T.ravel(), np.tile(full, bands))
    return pairs[:, 1:]


def bucket_pairs(band: np.ndarray, key: np.ndarray, member: np.ndarray) -> np.ndarray:
    """``(kind, a, b)`` rows, unique and sorted, for every two members ``a < b`` that share
    a bucket ``(band, key)``; ``kind`` is ``band // BAND_BLOCK`` (``KINDS`` order, when
    bands are numbered near-duplicate 0-31, same-story 32-63 as on Spark).

    One rule for both engines: ``band_pairs`` calls it with one kind's bands, and each Spark
    task calls it on the buckets its shuffle partition holds (a bucket is never split, so
    the union over partitions, de-duplicated, is the in-process set).
    """
    if len(band) == 0:
        return np.zeros((0, 3), np.int64)
    band = band.astype(np.int16, copy=False)  # 16-bit: numpy's stable sort is a radix sort
    order = np.argsort(band, kind="stable")
    band, key, member = band[order], key[order], member[order].astype(np.int64, copy=False)
    cuts = np.flatnonzero(np.diff(band)) + 1
    out = [np.zeros((0, 3), np.int64)]
    for lo_, hi_ in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(band)].tolist(), strict=True):
        o = np.argsort(key[lo_:hi_])  # one band at a time: a key sort, no tie-breaking
        k, m = key[lo_:hi_][o], member[lo_:hi_][o]
        head = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        size = np.diff(np.r_[head, len(k)])
        kind = int(band[lo_]) // BAND_BLOCK
        two = head[size == 2]
        pair = np.stack([np.minimum(m[two], m[two + 1]), np.maximum(m[two], m[two + 1])], 1)
        out.append(np.c_[np.full(len(two), kind), pair])
        for s, n in zip(head[size > 2].tolist(), size[size > 2].tolist(), strict=True):
            i, j = np.triu_indices(n, 1)
            mm = np.sort(m[s : s + n])
            out.append(np.stack([np.full(len(i), kind), mm[i], mm[j]], axis=1))
    return unique_rows(np.concatenate(out))


def unique_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct rows of a 2-D integer array, sorted by column 0, then 1, and so on."""
    if len(rows) == 0:
        return rows
    rows = rows[np.lexsort(rows.T[::-1])]
    return rows[np.r_[True, (rows[1:] != rows[:-1]).any(axis=1)]]


def verified(sig: np.ndarray, pairs: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs whose estimated Jaccard reaches ``threshold``, with the estimates."""
    scores = np.zeros(len(pairs))
    for i in range(0, len(pairs), 65536):  # bounded memory for many candidates
        scores[i : i + 65536] = estimate(sig[pairs[i : i + 65536, 0]], sig[pairs[i : i + 65536, 1]])
    ok = scores >= threshold
    return pairs[ok], scores[ok]


def story_ids(
    doc_ids: Sequence[str], edges: list[dict], hints: dict[str, str | None]
) -> tuple[dict[str, str], list[dict]]:
    """Components of scored edges + curated hints -> (story_of, edges in group_stories order)."""
    ids = sorted(doc_ids)
    parent = {d: d for d in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = x = parent[parent[x]]
        return x

    rank = {k: i for i, k in enumerate(KINDS)}
    edges = sorted(edges, key=lambda e: (rank[e["kind"]], e["a"], e["b"]))
    groups: dict[str, list[str]] = {}
    for d in ids:
        if hints.get(d):
            groups.setdefault(hints[d], []).append(d)
    for hint, members in sorted(groups.items()):
        edges += [
            {"a": members[0], "b": b, "kind": f"curated:{hint}", "score": None} for b in members[1:]
        ]
    for e in edges:
        lo, hi = sorted((find(e["a"]), find(e["b"])))
        parent[hi] = lo
    return {d: f"story-{find(d)}" for d in ids}, edges


def group(
    doc_ids: Sequence[str], near: np.ndarray, same: np.ndarray, hints: dict[str, str | None]
) -> tuple[dict[str, str], list[dict]]:
    """Story grouping from precomputed signatures (rows in ``doc_ids`` order)."""
    edges = []
    for kind, sig in zip(KINDS, (near, same), strict=True):
        pairs, scores = verified(sig, band_pairs(sig, *BANDS[kind]), THRESHOLD[kind])
        for (i, j), score in zip(pairs.tolist(), scores.tolist(), strict=True):
            a, b = sorted((doc_ids[i], doc_ids[j]))
            edges.append({"a": a, "b": b, "kind": kind, "score": round(score, 4)})
    return story_ids(doc_ids, edges, hints)


def near_duplicate_pairs(
    texts: dict[str, str], threshold: float = NEAR_DUP
) -> list[tuple[str, str, float]]:
    """Near-duplicate pairs (a < b) for the split-leakage check, as ``group`` finds them."""
    ids = sorted(texts)
    sig = np.concatenate(
        [np.zeros((0, NUM_PERM), np.uint64)]
        + [signatures([texts[d] for d in ids[i : i + 500]])[0] for i in range(0, len(ids), 500)]
    )
    pairs, scores = verified(sig, band_pairs(sig, *BANDS["near-duplicate"]), threshold)
    return [
        (ids[i], ids[j], round(s, 4))
        for (i, j), s in zip(pairs.tolist(), scores.tolist(), strict=True)
    ]


def group_stories(docs: Iterable[tuple[str, str, str | None]], chunk: int = 500):
    """Drop-in for stories.group_stories, streaming: (doc_id, text, hint) -> (story_of, edges)."""
    ids: list[str] = []
    hints: dict[str, str | None] = {}
    near_parts, same_parts, texts = [], [], []
    for doc_id, text, hint in docs:
        ids.append(doc_id)
        hints[doc_id] = hint
        texts.append(text)
        if len(texts) == chunk:
            near_part, same_part = signatures(texts)
            near_parts.append(near_part)
            same_parts.append(same_part)
            texts = []
    near_part, same_part = signatures(texts)
    near = np.concatenate([*near_parts, near_part])
    del near_parts  # the parts go as each kind is joined: peak is 1.5x the signatures, not 2x
    same = np.concatenate([*same_parts, same_part])
    del same_parts
    return group(ids, near, same, hints)
