"""Same-event evidence: blocks of shared keys give candidate pairs and their signals.

Why blocking: every pair of articles that share a quotation shingle, a rare name or a rare
number is a candidate, and the number of keys they share is that signal's score, exactly
(no sampling), in a few NumPy sorts. A key held by more than a block's limit of articles
(a stock phrase, a country's name in a big crawl) says nothing about one event and is left
out, which also bounds the pairs: at most ``block_max`` squared per key. Each candidate
gets its near-duplicate Jaccard estimate and its date gap, and ``decide`` applies
``rules.EVENT_RULES``; the signals go into the build summary as the join's evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from claimcorpus.stories.features import KEY_KINDS, UNKNOWN_DAY, Features
from claimcorpus.stories.rules import EVENT_RULES, NEAR_DUP, SameEvent
from claimcorpus.stories.signatures import estimate


@dataclass
class Signals:
    """Candidate pairs ``a < b`` (row numbers) and each pair's signals."""

    pairs: np.ndarray  # (n, 2) int64
    shared: np.ndarray  # (n, 3) int64: shared quotation shingles, rare names, rare numbers
    near: np.ndarray  # (n,) float: near-duplicate Jaccard estimate
    days: np.ndarray  # (n,) int64 date gap, -1 when a date is unknown


def rare_limit(n_docs: int, rules: SameEvent = EVENT_RULES) -> int:
    """The most articles a rare name or number may appear in."""
    return min(rules.block_max, max(rules.rare_min, math.ceil(rules.rare_share * n_docs)))


def _block_pairs(key: np.ndarray, doc: np.ndarray, limit: int) -> np.ndarray:
    """(a, b) once per key two members share, for keys held by 2..limit documents."""
    order = np.lexsort((doc, key))
    key, doc = key[order], doc[order]
    head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    size = np.diff(np.r_[head, len(key)])
    out = [np.zeros((0, 2), np.int64)]
    for s in np.unique(size[(size >= 2) & (size <= limit)]).tolist():
        members = doc[head[size == s][:, None] + np.arange(s)]  # (buckets, s), sorted rows
        i, j = np.triu_indices(s, 1)
        out.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    pairs = np.concatenate(out)
    return pairs[pairs[:, 0] != pairs[:, 1]]  # a 64-bit key collision inside one article


def signals(feats: Features, near_sig: np.ndarray, rules: SameEvent = EVENT_RULES) -> Signals:
    """Every candidate pair of ``feats`` with its signals (pairs sorted)."""
    n = len(feats.day)
    limits = (rules.block_max, rare_limit(n, rules), rare_limit(n, rules))
    codes, kinds = [], []
    for k in range(len(KEY_KINDS)):
        sel = feats.kind == k
        p = _block_pairs(feats.key[sel], feats.doc[sel], limits[k])
        codes.append(p[:, 0] * n + p[:, 1])
        kinds.append(np.full(len(p), k, np.int64))
    code, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    shared = np.zeros((len(code), len(KEY_KINDS)), np.int64)
    np.add.at(shared, (inverse, np.concatenate(kinds)), 1)
    pairs = np.stack([code // max(n, 1), code % max(n, 1)], axis=1)
    near = np.zeros(len(pairs))
    for i in range(0, len(pairs), 65536):  # bounded memory for many candidates
        chunk = pairs[i : i + 65536]
        near[i : i + 65536] = estimate(near_sig[chunk[:, 0]], near_sig[chunk[:, 1]])
    da, db = feats.day[pairs[:, 0]], feats.day[pairs[:, 1]]
    known = (da != UNKNOWN_DAY) & (db != UNKNOWN_DAY)
    days = np.where(known, np.abs(np.where(known, da - db, 0)), -1)
    return Signals(pairs, shared, near, days)


def supports(s: Signals, rules: SameEvent = EVENT_RULES) -> np.ndarray:
    """(n, 4) bool: text, quotation, names, numbers support each pair."""
    return np.stack(
        [
            s.near >= rules.near_support,
            s.shared[:, 0] >= rules.quote_min_shared,
            s.shared[:, 1] >= rules.names_min_shared,
            s.shared[:, 2] >= rules.numbers_min_shared,
        ],
        axis=1,
    )


def decide(s: Signals, rules: SameEvent = EVENT_RULES) -> np.ndarray:
    """Which candidate pairs report the same event (the rule of ``rules.SameEvent``)."""
    sup = supports(s, rules)
    close = (s.days >= 0) & (s.days <= rules.close_days)
    far = s.days > rules.far_days
    strong = sup[:, [0, 1, 3]].any(axis=1) | (s.shared[:, 1] >= rules.names_with_date)
    joined = (sup.sum(axis=1) >= rules.min_signals) | (close & strong)
    return (s.near >= NEAR_DUP) | (joined & ~far)


def evidence(s: Signals, i: int) -> dict:
    """The build summary's record of pair ``i``'s signals."""
    q, names, numbers = s.shared[i].tolist()
    days = int(s.days[i])
    return {
        "near": round(float(s.near[i]), 4),
        "quotes": q,
        "names": names,
        "numbers": numbers,
        "days": None if days < 0 else days,
    }
