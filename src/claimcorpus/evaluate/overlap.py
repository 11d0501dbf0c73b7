"""Interval overlap join by sort + searchsorted: every (pred, gold) pair sharing a code point.

Two half-open spans in one document overlap iff exactly one of these holds:

* A: the gold starts at or before the prediction and the prediction starts inside it
  (``g.start <= p.start < g.end``);
* B: the gold starts after the prediction, before the prediction ends
  (``p.start < g.start < p.end``).

Both are a contiguous range once the other side is sorted by (doc, start), so the join is
four vectorised binary searches and its cost is proportional to its output, not to the
square of the spans per document.
"""

from __future__ import annotations

import numpy as np

from claimcorpus.evaluate.columns import SpanColumns


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For row i and each j in [lo[i], hi[i]), yield (i, j): the flat form of many ranges."""
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    ends = np.cumsum(counts)
    step = np.ones(total, dtype=np.int64)
    if total:
        # Start each range at its own lo: a running sum with a jump at every range start.
        starts = ends - counts
        nonempty = counts > 0
        first = starts[nonempty]
        step[first] = lo[nonempty]
        step[first[1:]] -= hi[nonempty][:-1] - 1
        np.cumsum(step, out=step)
    return owner, step


def _sorted_keys(cols: SpanColumns, width: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Keys doc*width+start in ascending order, and the permutation (None if already so)."""
    key = cols.doc * width + cols.start
    if len(key) < 2 or not np.any(key[1:] < key[:-1]):
        return key, None
    order = np.argsort(key, kind="stable")
    return key[order], order


def overlap_pairs(pred: SpanColumns, gold: SpanColumns) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (pred_idx, gold_idx) of all same-document pairs that share a code point."""
    if not len(pred) or not len(gold):
        z = np.zeros(0, dtype=np.int64)
        return z, z
    width = int(max(pred.end.max(), gold.end.max())) + 1
    kp, p_order = _sorted_keys(pred, width)
    kg, g_order = _sorted_keys(gold, width)
    p_base = (pred.doc * width) if p_order is None else (pred.doc * width)[p_order]
    g_base = (gold.doc * width) if g_order is None else (gold.doc * width)[g_order]
    p_end = pred.end if p_order is None else pred.end[p_order]
    g_end = gold.end if g_order is None else gold.end[g_order]

    # A: for each gold, the preds starting in [g.start, g.end).
    lo_a = np.searchsorted(kp, kg, side="left")
    hi_a = np.searchsorted(kp, g_base + g_end, side="left")
    g_a, p_a = expand_ranges(lo_a, hi_a)
    # B: for each pred, the golds starting in (p.start, p.end).
    lo_b = np.searchsorted(kg, kp, side="right")
    hi_b = np.searchsorted(kg, p_base + p_end, side="left")
    p_b, g_b = expand_ranges(lo_b, hi_b)

    p_idx = np.concatenate((p_a, p_b))
    g_idx = np.concatenate((g_a, g_b))
    if p_order is not None:
        p_idx = p_order[p_idx]
    if g_order is not None:
        g_idx = g_order[g_idx]
    return p_idx, g_idx


def overlap_length(
    pred: SpanColumns, gold: SpanColumns, p_idx: np.ndarray, g_idx: np.ndarray
) -> np.ndarray:
    """Shared code points of each pair."""
    return np.minimum(pred.end[p_idx], gold.end[g_idx]) - np.maximum(
        pred.start[p_idx], gold.start[g_idx]
    )
