"""nervaluate's sequential greedy matching, reproduced on arrays.

nervaluate walks the predictions of a document in list order; each takes the still unmatched
gold span it prefers most (a per-pair preference key: lower wins) and that gold is gone for
later predictions. The result is order dependent, so it cannot be a plain vectorised argmin.
It splits, though:

* a prediction none of whose candidate golds is a candidate of another prediction decides
  alone: it takes its best key (one vectorised ``minimum.at``);
* the rest (predictions competing for a gold, usually a few per document) are replayed in
  rounds: round k handles the k-th competing prediction of every document at once, so the
  Python loop runs max-competitors-per-document times, not once per span.
"""

from __future__ import annotations

import numpy as np


def first_of_runs(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values."""
    mask = np.ones(len(values), dtype=bool)
    if len(values) > 1:
        np.not_equal(values[1:], values[:-1], out=mask[1:])
    return mask


def rank_in_group(group: np.ndarray) -> np.ndarray:
    """Position of each row inside its run of equal ``group`` values (rows grouped)."""
    n = len(group)
    if not n:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(first_of_runs(group))
    run_len = np.diff(np.append(starts, n))
    return np.arange(n, dtype=np.int64) - np.repeat(starts, run_len)


def greedy_match(p: np.ndarray, g: np.ndarray, key: np.ndarray, pred_doc: np.ndarray) -> np.ndarray:
    """Replay nervaluate's matching over candidate pairs; return the positions of pairs taken.

    ``p``/``g`` index predictions/golds; prediction indices must follow document order and,
    inside a document, list order (``pred_doc`` gives each prediction's document). ``key``
    must be unique among the pairs of one prediction (end it with the gold's list position).
    """
    if not len(p):
        return np.zeros(0, dtype=np.int64)
    n_pred = int(p.max()) + 1
    degree = np.bincount(g)
    competing = np.zeros(n_pred, dtype=bool)
    competing[p[degree[g] > 1]] = True
    alone = ~competing[p]

    # Predictions that decide alone: the best key wins.
    a_pos = np.flatnonzero(alone)
    best = np.full(n_pred, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, p[a_pos], key[a_pos])
    taken = [a_pos[key[a_pos] == best[p[a_pos]]]]

    # Competing predictions: replay in list order, one round per rank within a document.
    # Each prediction plays in exactly one round, so its ``best`` slot is still fresh there.
    rest = np.flatnonzero(~alone)
    if len(rest):
        players = np.flatnonzero(competing)
        rank = np.zeros(n_pred, dtype=np.int64)
        rank[players] = rank_in_group(pred_doc[players])
        r_rank = rank[p[rest]]
        # Stable sort by round; int16 keys sort by radix, in linear time.
        small = r_rank.astype(np.int16) if r_rank.max() < 2**15 else r_rank
        rest = rest[np.argsort(small, kind="stable")]
        bounds = np.concatenate(([0], np.cumsum(np.bincount(r_rank))))
        matched = np.zeros(len(degree), dtype=bool)
        for k in range(len(bounds) - 1):
            pos = rest[bounds[k] : bounds[k + 1]]
            free = pos[~matched[g[pos]]]
            fp, fkey = p[free], key[free]
            np.minimum.at(best, fp, fkey)
            pick = free[fkey == best[fp]]
            matched[g[pick]] = True
            taken.append(pick)
    return np.concatenate(taken)
