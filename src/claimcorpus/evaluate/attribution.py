"""Attribution tuples (claim span, source span, stance): matching and per-document counts.

An attribution is scored as the tuple of its CLAIM offsets, its SOURCE offsets (or "no
source" for unattributed claims) and its stance; the cue and the flags are not part of it.
Each gold tuple can be matched by at most one predicted tuple and vice versa, and the
matching is optimal (:func:`match_one_to_one`): the most matched pairs, then the best fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

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

    Rows are sorted by document, claim, source and stance, so the order of attributions in
    a file never changes a score. Without stance (a corpus that lacks it) every tuple gets
    stance 0, so tuples match on claim and source alone.
    """
    code = {name: i for i, name in enumerate(STANCES)}
    rows: list[tuple[int, int, int, int, int, int]] = []
    for record in docs:
        i = doc_index[record["doc_id"]]
        spans = {s["id"]: s for s in record.get("spans") or ()}
        for n, a in enumerate(record.get("attributions") or ()):
            if with_stance and a.get("stance") not in code:
                raise ValueError(_stance_problem(record["doc_id"], n, a))
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
    # canonical order (doc, claim, source, stance): ties never depend on file order
    order = np.lexsort(cols[::-1])
    cols = cols[:, order]
    return AttributionColumns(*cols, n_docs=len(doc_index))


def _stance_problem(doc_id: str, n: int, att: Mapping[str, Any]) -> str:
    """Why an attribution cannot be scored with stance: the value and what to do instead."""
    rid = att.get("id")
    where = f"attribution {rid!r}" if isinstance(rid, str) and rid else f"attribution #{n}"
    return (
        f"doc {doc_id!r}: {where}: field 'stance' is {att.get('stance')!r}, not one of "
        f"{', '.join(STANCES)}; score with with_stance=False to match (claim, source) "
        "tuples alone"
    )


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


def match_one_to_one(p: np.ndarray, g: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Optimal one-to-one matching of candidate pairs; returns the positions of pairs kept.

    The rule: as many pairs as possible, and among matchings of that size the highest total
    ``score`` (scores must be >= 0). A greedy "best score first" can lose a pair (gold
    [0,10) and [10,30), predictions [0,12) and [2,9): taking the best pair first leaves
    [2,9) nothing), so this is a maximum-weight assignment with weight ``big + score``,
    ``big`` above any total of scores, solved exactly by ``linear_sum_assignment``.

    Pairs only compete inside a connected group of rival pairs (always within one
    document), so each group is solved on its own; a pair with no rival on either side is
    kept outright.
    """
    if not len(p):
        return np.zeros(0, dtype=np.int64)
    lonely = (np.bincount(p)[p] == 1) & (np.bincount(g)[g] == 1)
    kept = [np.flatnonzero(lonely)]
    rest = np.flatnonzero(~lonely)
    if len(rest):
        group = _rival_groups(p[rest], g[rest])
        rest = rest[np.argsort(group, kind="stable")]
        cuts = np.flatnonzero(np.diff(np.sort(group))) + 1
        for block in np.split(rest, cuts):
            kept.append(block[_assign(p[block], g[block], score[block])])
    return np.sort(np.concatenate(kept))


def _rival_groups(p: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Connected-component label of every pair in the bipartite graph pred -- gold."""
    n_p, n_g = int(p.max()) + 1, int(g.max()) + 1
    edges = coo_matrix((np.ones(len(p)), (p, n_p + g)), shape=(n_p + n_g, n_p + n_g))
    _, label = connected_components(edges, directed=False)
    return label[p]


def _assign(p: np.ndarray, g: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Positions (into ``p``) of a maximum-cardinality, then maximum-score, matching."""
    rows, r = np.unique(p, return_inverse=True)
    cols, c = np.unique(g, return_inverse=True)
    big = 1.0 + 2.0 * float(np.abs(score).sum())  # one more pair beats any score gain
    weight = np.zeros((len(rows), len(cols)))
    weight[r, c] = big + score
    position = np.full((len(rows), len(cols)), -1, dtype=np.int64)
    position[r, c] = np.arange(len(p))
    ri, ci = linear_sum_assignment(weight, maximize=True)
    chosen = position[ri, ci]
    return chosen[chosen >= 0]  # cells without a candidate pair carry weight 0: no match


def tuple_counts(pred: AttributionColumns, gold: AttributionColumns, mode: str) -> np.ndarray:
    """Per-document ``(3, n_docs)``: matched tuples, predicted tuples, gold tuples.

    A predicted tuple is a true positive when it is matched to a gold tuple with the same
    stance: candidates as :func:`candidate_pairs` says, paired by :func:`match_one_to_one`
    (the most true positives; among equally many, the highest total IoU score).
    """
    p, g, score = candidate_pairs(pred, gold, mode)
    keep = pred.stance[p] == gold.stance[g]
    p, g, score = p[keep], g[keep], score[keep]
    taken = g[match_one_to_one(p, g, score)]
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
    stance ignored, :func:`match_one_to_one`: the most gold tuples paired, then the best
    fit) with at most one predicted tuple; its prediction is that tuple's stance, or the
    last column ("unmatched") when nothing matched, which always counts as wrong.
    """
    k, n = len(STANCES), gold.n_docs
    p, g, score = candidate_pairs(pred, gold, "overlap")
    kept = match_one_to_one(p, g, score)
    predicted = np.full(len(gold), k, dtype=np.int64)
    predicted[g[kept]] = pred.stance[p[kept]]
    code = (gold.stance * (k + 1) + predicted) * n + gold.doc
    return np.bincount(code, minlength=k * (k + 1) * n).reshape(k, k + 1, n)
