"""Span matching under the four SemEval-2013 schemes, count for count as nervaluate 1.2.1.

Every scheme returns per-document counts shaped ``(1 + n_labels, 5, n_docs)``: group 0 is
nervaluate's "overall" (all labels matched together), group 1+i its per-label result for
label i (gold and predictions filtered to that label first); axis 1 is ``OUTCOMES`` =
correct, incorrect, partial, missed, spurious. Per-document counts let the bootstrap
resample documents without rescoring; documents come last so each count row is contiguous.

Common ground (nervaluate's strategies): predictions are visited in list order; each takes
at most one still unmatched gold span, so every gold is used at most once; a gold nobody
took is *missed*, a prediction that took nothing is *spurious*. "Overlap" means the shared
code points are at least ``min_overlap_percentage`` percent of the gold span's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from claimcorpus.evaluate.columns import SpanColumns
from claimcorpus.evaluate.greedy import greedy_match
from claimcorpus.evaluate.labels import CORRECT, INCORRECT, MISSED, PARTIAL, SPURIOUS
from claimcorpus.evaluate.overlap import overlap_pairs


@dataclass
class _Subset:
    """Pairs one matching run may use, split once into trivial and contested ones."""

    simple: np.ndarray  # mask over all pairs: 1-to-1 (no rival on either side), always taken
    contested: np.ndarray  # positions of the other usable pairs: they need the greedy replay
    code: np.ndarray  # group of every prediction: doc, or label * n_docs + doc
    simple_total: np.ndarray  # simple pairs per group


@dataclass
class Pairs:
    """Candidate (pred, gold) pairs of one scoring job and the facts every scheme needs."""

    pred: SpanColumns
    gold: SpanColumns
    n_labels: int
    p: np.ndarray
    g: np.ndarray
    exact: np.ndarray  # same start and end
    same: np.ndarray  # same label
    distance: np.ndarray  # |start difference| + |end difference|
    _subsets: dict[bool, _Subset] = field(default_factory=dict, repr=False)
    _hits: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _sizes: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def groups(self, per_label: bool) -> int:
        return self.pred.n_docs * (self.n_labels if per_label else 1)

    def subset(self, per_label: bool) -> _Subset:
        """All pairs (overall runs) or the same-label pairs grouped by label (per-label runs)."""
        if per_label not in self._subsets:
            pred, n = self.pred, len(self.p)
            usable = self.same if per_label else np.ones(n, dtype=bool)
            p, g = (self.p[usable], self.g[usable]) if per_label else (self.p, self.g)
            one = (np.bincount(p, minlength=len(pred))[p] == 1) & (
                np.bincount(g, minlength=len(self.gold))[g] == 1
            )
            simple = np.zeros(n, dtype=bool)
            simple[usable] = one
            code = pred.label * pred.n_docs + pred.doc if per_label else pred.doc
            total = np.bincount(code[p[one]], minlength=self.groups(per_label))
            contested = np.flatnonzero(usable & ~simple)
            self._subsets[per_label] = _Subset(simple, contested, code, total)
        return self._subsets[per_label]

    def hits(
        self, name: str, per_label: bool, cls: np.ndarray, sec: np.ndarray | None
    ) -> np.ndarray:
        """Matches per group, split by class: ``(2, groups)``.

        ``cls``/``sec`` are given for every pair; a prediction prefers class 0 (False), then
        lower ``sec``, then the gold earliest in list order (lowest row index).
        """
        if name in self._hits:
            return self._hits[name]
        sub = self.subset(per_label)
        n = self.groups(per_label)
        hits1 = np.bincount(sub.code[self.p[np.flatnonzero(cls & sub.simple)]], minlength=n)
        hits0 = sub.simple_total - hits1
        con = sub.contested
        if len(con):
            n_gold = len(self.gold)
            key = cls[con].astype(np.int64)
            if sec is not None:
                span = int(sec[con].max()) + 1
                if 2 * span * n_gold >= 2**62:
                    raise ValueError("too many or too long documents for the matching key")
                key = key * span + sec[con]
            key = key * n_gold + self.g[con]
            taken = con[greedy_match(self.p[con], self.g[con], key, self.pred.doc)]
            code = sub.code[self.p[taken]]
            is1 = cls[taken]
            hits0 = hits0 + np.bincount(code[~is1], minlength=n)
            hits1 = hits1 + np.bincount(code[is1], minlength=n)
        self._hits[name] = np.stack((hits0, hits1))
        return self._hits[name]

    def counts(self, overall: np.ndarray, labels: np.ndarray, second: int) -> np.ndarray:
        """OUTCOMES counts from overall and per-label hits; class-1 matches go to ``second``."""
        docs, k = self.pred.n_docs, self.n_labels
        if self._sizes is None:
            n_pred = np.bincount(self.pred.label * docs + self.pred.doc, minlength=docs * k)
            n_gold = np.bincount(self.gold.label * docs + self.gold.doc, minlength=docs * k)
            self._sizes = (n_pred.reshape(k, docs), n_gold.reshape(k, docs))
        n_pred, n_gold = self._sizes
        out = np.zeros((1 + k, 5, docs), dtype=np.int64)
        for row, hits, n_p, n_g in (
            (slice(0, 1), overall.reshape(2, 1, docs), n_pred.sum(axis=0), n_gold.sum(axis=0)),
            (slice(1, None), labels.reshape(2, k, docs), n_pred, n_gold),
        ):
            took = hits[0] + hits[1]
            out[row, CORRECT] = hits[0]
            out[row, second] = hits[1]
            out[row, SPURIOUS] = n_p - took
            out[row, MISSED] = n_g - took
        return out


def candidate_pairs(
    pred: SpanColumns, gold: SpanColumns, n_labels: int, min_overlap_percentage: float = 1.0
) -> Pairs:
    """All same-document pairs that overlap enough to be matched by some scheme."""
    if not 1.0 <= min_overlap_percentage <= 100.0:
        raise ValueError("min_overlap_percentage must be between 1 and 100 (as in nervaluate)")
    if pred.n_docs != gold.n_docs:
        raise ValueError("predictions and gold must index the same documents")
    for cols in (pred, gold):
        if len(cols) and (cols.label.min() < 0 or cols.label.max() >= n_labels):
            raise ValueError(f"label codes must lie in [0, {n_labels})")
    p, g = overlap_pairs(pred, gold)
    ps, pe, gs, ge = pred.start[p], pred.end[p], gold.start[g], gold.end[g]
    shared = np.minimum(pe, ge) - np.maximum(ps, gs)
    # Same float expression as nervaluate, so threshold ties break identically.
    enough = (shared / (ge - gs)) * 100.0 >= min_overlap_percentage
    if not enough.all():
        p, g, ps, pe, gs, ge = (a[enough] for a in (p, g, ps, pe, gs, ge))
    ds = np.abs(ps - gs)
    de = np.abs(pe - ge)
    return Pairs(
        pred=pred,
        gold=gold,
        n_labels=n_labels,
        p=p,
        g=g,
        exact=(ps == gs) & (pe == ge),
        same=pred.label[p] == gold.label[g],
        distance=ds + de,
    )


def _boundary_per_label(pairs: Pairs) -> np.ndarray:
    """Per-label matches shared by strict, exact and partial.

    With gold and predictions filtered to one label, strict's "same label" test always
    holds, so strict, exact and partial match alike there: exact boundaries first, otherwise
    the first overlapping gold.
    """
    return pairs.hits("boundary_per_label", True, ~pairs.exact, None)


def _boundary_overall(pairs: Pairs) -> np.ndarray:
    return pairs.hits("exact", False, ~pairs.exact, None)


def strict(pairs: Pairs) -> np.ndarray:
    """Strict: exact boundaries *and* the same label.

    A prediction first takes an unmatched gold with its exact boundaries and label
    (correct). Failing that it takes the first unmatched gold it overlaps, whatever the label
    or boundaries (incorrect). Otherwise it is spurious.
    """
    overall = pairs.hits("strict", False, ~(pairs.exact & pairs.same), None)
    return pairs.counts(overall, _boundary_per_label(pairs), INCORRECT)


def exact(pairs: Pairs) -> np.ndarray:
    """Exact: exact boundaries, label ignored.

    A prediction takes an unmatched gold with its exact boundaries, any label (correct);
    failing that the first unmatched gold it overlaps (incorrect); otherwise it is spurious.
    """
    return pairs.counts(_boundary_overall(pairs), _boundary_per_label(pairs), INCORRECT)


def partial(pairs: Pairs) -> np.ndarray:
    """Partial: any overlap earns half credit, label ignored.

    The same matches as exact; an overlapping but not exact match is *partial* instead of
    incorrect, and precision/recall count it as 0.5 (``HALF_CREDIT_SCHEMES``).
    """
    return pairs.counts(_boundary_overall(pairs), _boundary_per_label(pairs), PARTIAL)


def ent_type(pairs: Pairs) -> np.ndarray:
    """Entity type: the right label on an overlapping span, boundaries ignored.

    Among unmatched overlapping golds with the prediction's label, the one with the closest
    boundaries (least |start difference| + |end difference|, first in list order on ties) is
    correct. Failing that, the first unmatched overlapping gold of another label makes it
    incorrect; otherwise it is spurious. Per label there is no other label: never incorrect.
    """
    sec = np.where(pairs.same, pairs.distance, 0)
    overall = pairs.hits("ent_type", False, ~pairs.same, sec)
    zero = np.zeros(len(pairs.p), dtype=bool)
    labels = pairs.hits("ent_type_per_label", True, zero, pairs.distance)
    return pairs.counts(overall, labels, INCORRECT)


SCHEME_FUNCTIONS = {"strict": strict, "exact": exact, "partial": partial, "ent_type": ent_type}


def span_counts(
    pred: SpanColumns,
    gold: SpanColumns,
    n_labels: int,
    min_overlap_percentage: float = 1.0,
) -> dict[str, np.ndarray]:
    """Per-document counts for every scheme: ``{scheme: (1 + n_labels, 5, n_docs)}``."""
    pairs = candidate_pairs(pred, gold, n_labels, min_overlap_percentage)
    return {name: fn(pairs) for name, fn in SCHEME_FUNCTIONS.items()}
