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

NO_MATCH = -1


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


def greedy_match(
    p_idx: np.ndarray,
    g_idx: np.ndarray,
    key: np.ndarray,
    cls: np.ndarray,
    pred_doc: np.ndarray,
    n_gold: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Replay nervaluate's matching over candidate pairs.

    ``key`` must be unique among the pairs of one prediction (include the gold's list
    position as its last component). Returns ``(outcome, matched)``: for each prediction the
    ``cls`` of the pair it took, or ``NO_MATCH``; for each gold whether some prediction took it.
    """
    n_pred = len(pred_doc)
    outcome = np.full(n_pred, NO_MATCH, dtype=np.int8)
    matched = np.zeros(n_gold, dtype=bool)
    if not len(p_idx):
        return outcome, matched

    degree = np.bincount(g_idx, minlength=n_gold)
    competing = np.zeros(n_pred, dtype=bool)
    competing[p_idx[degree[g_idx] > 1]] = True
    alone = ~competing[p_idx]

    # Predictions that decide alone: best key wins.
    a_p, a_g, a_key = p_idx[alone], g_idx[alone], key[alone]
    best = np.full(n_pred, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, a_p, a_key)
    take = a_key == best[a_p]
    outcome[a_p[take]] = cls[alone][take]
    matched[a_g[take]] = True

    # Competing predictions: replay in list order, one round per rank within a document.
    rest = np.flatnonzero(~alone)
    if not len(rest):
        return outcome, matched
    players = np.flatnonzero(competing)
    rank = np.zeros(n_pred, dtype=np.int64)
    rank[players] = rank_in_group(pred_doc[players])
    r_p, r_g, r_key, r_cls = p_idx[rest], g_idx[rest], key[rest], cls[rest]
    r_rank = rank[r_p]
    order = np.lexsort((r_key, r_p, r_rank))
    r_p, r_g, r_cls, r_rank = r_p[order], r_g[order], r_cls[order], r_rank[order]
    bounds = np.searchsorted(r_rank, np.arange(int(r_rank[-1]) + 2))
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        free = ~matched[r_g[lo:hi]]
        fp = r_p[lo:hi][free]
        first = first_of_runs(fp)
        outcome[fp[first]] = r_cls[lo:hi][free][first]
        matched[r_g[lo:hi][free][first]] = True
    return outcome, matched
