"""Attribution tuples (claim span, source span, stance): matching and per-document counts.

An attribution is scored as the tuple of its CLAIM offsets, its SOURCE offsets (or "no
source" for unattributed claims) and its stance; the cue and the flags are not part of it.
Each gold tuple can be matched by at most one predicted tuple and vice versa.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimcorpus.evaluate.columns import SpanColumns
from claimcorpus.evaluate.labels import STANCES
from claimcorpus.evaluate.overlap import overlap_pairs

NONE = -1  # source offsets of an attribution without a SOURCE span


@dataclass(frozen=True)
class AttributionColumns:
    """Attributions of many documents as parallel int64 arrays (offsets resolved from ids)."""

    doc: np.ndarray
    claim_start: np.ndarray
    claim_end: np.ndarray
    source_start: np.ndarray  # NONE when there is no source
    source_end: np.ndarray
    stance: np.ndarray  # index into STANCES
    n_docs: int

    def __len__(self) -> int:
        return len(self.doc)

    def claims(self) -> SpanColumns:
        z = np.zeros(len(self.doc), dtype=np.int64)
        return SpanColumns.build(self.doc, self.claim_start, self.claim_end, z, self.n_docs)


def attributions_from_documents(
    docs: Sequence[Mapping[str, Any]], doc_index: Mapping[str, int], with_stance: bool = True
) -> AttributionColumns:
    """Resolve each attribution's span ids to offsets (records must be validated already).

    Without stance (a corpus that lacks it) every tuple gets stance 0, so tuples match on
    claim and source alone."""
    code = {name: i for i, name in enumerate(STANCES)}
    rows: list[tuple[int, int, int, int, int, int]] = []
    for record in docs:
        i = doc_index[record["doc_id"]]
        spans = {s["id"]: s for s in record.get("spans") or ()}
        for a in record.get("attributions") or ():
            claim = spans[a["claim"]]
            src = spans[a["source"]] if a.get("source") is not None else None
            rows.append(
                (
                    i,
                    claim["start"],
                    claim["end"],
                    NONE if src is None else src["start"],
                    NONE if src is None else src["end"],
                    code[a["stance"]] if with_stance else 0,
                )
            )
    cols = np.array(rows, dtype=np.int64).reshape(-1, 6).T
    order = np.argsort(cols[0], kind="stable")
    cols = cols[:, order]
    return AttributionColumns(*cols, n_docs=len(doc_index))


def _iou(a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    inter = np.maximum(np.minimum(a1, b1) - np.maximum(a0, b0), 0)
    union = np.maximum(a1, b1) - np.minimum(a0, b0)
    return inter / np.maximum(union, 1)


def candidate_pairs(
    pred: AttributionColumns, gold: AttributionColumns, mode: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pred_idx, gold_idx, score) of tuples that may match, stance not yet considered.

    ``strict``: identical claim offsets and identical source offsets (or both without source).
    ``overlap``: overlapping claims and overlapping sources (or both without source).
    The score (claim IoU + source IoU, a missing pair of sources counting 1) ranks rivals.
    """
    if mode not in ("strict", "overlap"):
        raise ValueError(f"unknown attribution matching mode {mode!r}")
    p, g = overlap_pairs(pred.claims(), gold.claims())
    ps0, ps1 = pred.source_start[p], pred.source_end[p]
    gs0, gs1 = gold.source_start[g], gold.source_end[g]
    both_none = (ps0 == NONE) & (gs0 == NONE)
    if mode == "strict":
        ok = (pred.claim_start[p] == gold.claim_start[g]) & (pred.claim_end[p] == gold.claim_end[g])
        ok &= (ps0 == gs0) & (ps1 == gs1)
    else:
        both = (ps0 != NONE) & (gs0 != NONE)
        ok = both_none | (both & (ps0 < gs1) & (gs0 < ps1))
    p, g = p[ok], g[ok]
    claim = _iou(pred.claim_start[p], pred.claim_end[p], gold.claim_start[g], gold.claim_end[g])
    source = np.where(
        both_none[ok],
        1.0,
        _iou(pred.source_start[p], pred.source_end[p], gold.source_start[g], gold.source_end[g]),
    )
    return p, g, claim + source


def match_by_score(p: np.ndarray, g: np.ndarray, score: np.ndarray) -> np.ndarray:
    """One-to-one matching: best score first, ties to the earlier gold, then prediction.

    Returns positions of the pairs kept. Pairs whose prediction and gold have no other
    candidate are kept outright; only the rest go through the sequential greedy loop.
    """
    if not len(p):
        return np.zeros(0, dtype=np.int64)
    lonely = (np.bincount(p)[p] == 1) & (np.bincount(g)[g] == 1)
    kept = [np.flatnonzero(lonely)]
    rest = np.flatnonzero(~lonely)
    if len(rest):
        rest = rest[np.lexsort((p[rest], g[rest], -score[rest]))]
        used_p: set[int] = set()
        used_g: set[int] = set()
        chosen: list[int] = []
        for pos, pi, gi in zip(rest.tolist(), p[rest].tolist(), g[rest].tolist(), strict=True):
            if pi not in used_p and gi not in used_g:
                used_p.add(pi)
                used_g.add(gi)
                chosen.append(pos)
        kept.append(np.array(chosen, dtype=np.int64))
    return np.sort(np.concatenate(kept))


def tuple_counts(pred: AttributionColumns, gold: AttributionColumns, mode: str) -> np.ndarray:
    """Per-document ``(3, n_docs)``: matched tuples, predicted tuples, gold tuples.

    A predicted tuple is a true positive when it is matched (see :func:`candidate_pairs`) to
    a gold tuple with the same stance.
    """
    p, g, score = candidate_pairs(pred, gold, mode)
    keep = pred.stance[p] == gold.stance[g]
    p, g, score = p[keep], g[keep], score[keep]
    taken = g[match_by_score(p, g, score)]
    n = gold.n_docs
    return np.stack(
        (
            np.bincount(gold.doc[taken], minlength=n),
            np.bincount(pred.doc, minlength=n),
            np.bincount(gold.doc, minlength=n),
        )
    )


def stance_confusion(pred: AttributionColumns, gold: AttributionColumns) -> np.ndarray:
    """Per-document confusion ``(k, k + 1, n_docs)``: gold stance x predicted stance.

    Classification view on gold attributions: each gold tuple is paired (overlap mode,
    stance ignored) with at most one predicted tuple; its prediction is that tuple's stance,
    or the last column ("unmatched") when nothing matched, which always counts as wrong.
    """
    k, n = len(STANCES), gold.n_docs
    p, g, score = candidate_pairs(pred, gold, "overlap")
    kept = match_by_score(p, g, score)
    predicted = np.full(len(gold), k, dtype=np.int64)
    predicted[g[kept]] = pred.stance[p[kept]]
    code = (gold.stance * (k + 1) + predicted) * n + gold.doc
    return np.bincount(code, minlength=k * (k + 1) * n).reshape(k, k + 1, n)
