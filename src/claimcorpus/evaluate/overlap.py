"""Interval overlap join by sort + searchsorted: every (pred, gold) pair sharing a code point.

Two half-open spans of one document overlap iff exactly one of these holds:

* A: the gold starts at or before the prediction, which starts inside it
  (``g.start <= p.start < g.end``);
* B: the gold starts after the prediction, before the prediction ends
  (``p.start < g.start < p.end``).

With both sides sorted by (document, start) each is a contiguous run beginning at a merge
rank, so the join is one binary search of sorted keys plus short forward scans; its cost
follows the number of pairs found, not the square of the spans per document.
"""

from __future__ import annotations

import numpy as np

from claimcorpus.evaluate.columns import SpanColumns


def scan_runs(keys: np.ndarray, lo: np.ndarray, limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with j >= lo[i] and keys[j] < limit[i], for ascending ``keys``.

    Steps forward once per round for all rows at once; a row drops out when its run ends,
    so the work is the pairs found plus one failed probe per row. ``keys`` must end with a
    sentinel no limit exceeds, so probes never run off the end.
    """
    owners: list[np.ndarray] = []
    found: list[np.ndarray] = []
    row = np.flatnonzero(keys[lo] < limit)
    pos, lim = lo[row], limit[row]
    while len(row):
        owners.append(row)
        found.append(pos)
        pos = pos + 1
        hit = np.flatnonzero(keys[pos] < lim)
        row, pos, lim = row[hit], pos[hit], lim[hit]
    if not owners:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    return np.concatenate(owners), np.concatenate(found)


def _by_start(cols: SpanColumns, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Start keys doc*width+start ascending, matching end keys, and the sort (None if sorted)."""
    base = cols.doc * width
    key = base + cols.start
    if len(key) > 1 and np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        return key[order], (base + cols.end)[order], order
    return key, base + cols.end, None


def overlap_pairs(pred: SpanColumns, gold: SpanColumns) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (pred_idx, gold_idx) of all same-document pairs that share a code point."""
    if not len(pred) or not len(gold):
        z = np.zeros(0, dtype=np.int64)
        return z, z
    width = int(max(pred.end.max(), gold.end.max())) + 1
    kp, kp_end, p_order = _by_start(pred, width)
    kg, kg_end, g_order = _by_start(gold, width)

    # lo_a[i]: preds with key < kg[i]; lo_b[j]: golds with key <= kp[j] (the dual rank).
    lo_a = np.searchsorted(kp, kg, side="left")
    lo_b = np.cumsum(np.bincount(lo_a, minlength=len(kp) + 1))[: len(kp)]
    stop = np.iinfo(np.int64).max
    g_a, p_a = scan_runs(np.append(kp, stop), lo_a, kg_end)  # A: preds in [g.start, g.end)
    p_b, g_b = scan_runs(np.append(kg, stop), lo_b, kp_end)  # B: golds in (p.start, p.end)

    p_idx = np.concatenate((p_a, p_b))
    g_idx = np.concatenate((g_a, g_b))
    if p_order is not None:
        p_idx = p_order[p_idx]
    if g_order is not None:
        g_idx = g_order[g_idx]
    return p_idx, g_idx
