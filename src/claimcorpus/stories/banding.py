"""LSH banding over MinHash signatures: the candidate pairs of story grouping.

Why 64-bit band keys: a bucket is a mixed hash of a band's rows, the same key on every
engine (Spark shuffles on it), and ``bucket_pairs`` is the one rule that lists a bucket's
pairs in-process and in each Spark task. Candidates are verified on the signature estimate.
"""

from __future__ import annotations

import numpy as np

from claimcorpus.stories.rules import BAND_BLOCK
from claimcorpus.stories.signatures import EMPTY, ESTIMATE_ROWS, KEYS, estimate, mix

BAND_STEP = 4  # bands whose buckets are listed at once (memory: 4 x n keys, not 32 x n)


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64: a mixed hash of each band's rows; equal keys = same bucket."""
    out = np.empty((len(sig), bands), np.uint64)
    with np.errstate(over="ignore"):
        for b in range(bands):  # one band at a time: temporaries of n x rows, not n x 128
            part = sig[:, b * rows : (b + 1) * rows] * KEYS[3 : 3 + rows]
            out[:, b] = mix(part.sum(axis=1, dtype=np.uint64) + KEYS[2])
    return out


def is_empty(sig: np.ndarray) -> np.ndarray:
    """Rows that sign the empty set (no shingles or no entities): never LSH candidates."""
    return (sig == EMPTY).all(axis=1)


def band_pairs(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Index pairs ``i < j`` that share the key of at least one band (the LSH candidates);
    empty-set rows take part in none."""
    full = np.flatnonzero(~is_empty(sig))
    out = [np.zeros((0, 2), np.int64)]
    for lo in range(0, bands, BAND_STEP):  # a few bands at a time: bounded temporaries
        step = min(BAND_STEP, bands - lo)
        keys = np.empty((len(full), step), np.uint64)
        for i in range(0, len(full), 65536):  # rows in slices: no copy of the signatures
            keys[i : i + 65536] = band_keys(
                sig[full[i : i + 65536], lo * rows : (lo + step) * rows], step, rows
            )
        band = np.repeat(np.arange(lo, lo + step, dtype=np.int16), len(full))  # band-major
        out.append(bucket_pairs(band, keys.T.ravel(), np.tile(full, step))[:, 1:])
    return unique_rows(np.concatenate(out))


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
    step = ESTIMATE_ROWS  # bounded memory for many candidates
    for i in range(0, len(pairs), step):
        scores[i : i + step] = estimate(sig[pairs[i : i + step, 0]], sig[pairs[i : i + step, 1]])
    ok = scores >= threshold
    return pairs[ok], scores[ok]
