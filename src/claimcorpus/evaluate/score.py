"""Score predictions against gold: per-document counts, metrics, bootstrap intervals.

:func:`evaluate_documents` is the one entry point for document records; everything else it
reports is derived from the per-document counts of :func:`document_counts`, so the point
estimate and each bootstrap resample go through the very same :func:`summarize`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimcorpus.evaluate.attribution import (
    AttributionColumns,
    attributions_from_documents,
    stance_confusion,
    tuple_counts,
)
from claimcorpus.evaluate.bootstrap import bootstrap_ci, few_documents_note
from claimcorpus.evaluate.columns import SpanColumns, spans_from_documents
from claimcorpus.evaluate.labels import OUTCOMES, SCHEMES, SPAN_LABELS, STANCES
from claimcorpus.evaluate.metrics import span_prf, stance_scores, tuple_prf
from claimcorpus.evaluate.schemes import span_counts

ATTRIBUTION_MODES = ("strict", "overlap")


@dataclass(frozen=True)
class Setup:
    """What the metrics need besides counts: which labels and stances take part in means."""

    labels: tuple[str, ...]
    used_labels: tuple[int, ...]  # labels present in gold or predictions (nervaluate's rule)
    stance_classes: tuple[int, ...]  # stances present in gold or matched predictions


@dataclass(frozen=True)
class GoldColumns:
    """Gold documents as the columns every prediction is counted against: built once and
    shared by the baselines scored on the same documents (each rebuilt them before)."""

    index: dict[str, int]
    spans: SpanColumns
    attributions: AttributionColumns
    with_stance: bool

    @classmethod
    def of(
        cls,
        gold: Sequence[Mapping[str, Any]],
        labels: Sequence[str] = SPAN_LABELS,
        with_stance: bool = True,
    ) -> GoldColumns:
        index = {d["doc_id"]: i for i, d in enumerate(gold)}
        return cls(
            index,
            spans_from_documents(gold, index, labels),
            attributions_from_documents(gold, index, with_stance),
            with_stance,
        )


def document_counts(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    labels: Sequence[str] = SPAN_LABELS,
    min_overlap_percentage: float = 1.0,
    with_stance: bool = True,
    columns: GoldColumns | None = None,
) -> dict[str, np.ndarray]:
    """All per-document counts (document axis last), keyed ``span.<scheme>``,
    ``attribution.<mode>`` and ``stance`` (left out when ``with_stance`` is false).

    Predictions for documents not in ``gold`` raise ``ValueError``; gold documents without
    predictions count as predicting nothing. Spans are put in canonical order first, so
    the order of spans in a file never changes a score. ``columns``: ``GoldColumns.of``
    the same ``gold``, ``labels`` and ``with_stance``, when the caller has them already.
    """
    if columns is None:
        columns = GoldColumns.of(gold, labels, with_stance)
    elif columns.with_stance != with_stance or len(columns.index) != len(gold):
        raise ValueError("document_counts: the gold columns are not those of this gold")
    index = columns.index
    unknown = sorted({p["doc_id"] for p in pred} - index.keys())
    if unknown:
        raise ValueError(f"predictions for documents not in the gold split: {unknown[:5]}")
    counts = span_count_arrays(
        columns.spans,
        spans_from_documents(pred, index, labels),
        len(labels),
        min_overlap_percentage,
    )
    g_att = columns.attributions
    p_att = attributions_from_documents(pred, index, with_stance)
    for mode in ATTRIBUTION_MODES:
        counts[f"attribution.{mode}"] = tuple_counts(p_att, g_att, mode)
    if with_stance:
        counts["stance"] = stance_confusion(p_att, g_att)
    return counts


def span_count_arrays(
    gold: SpanColumns, pred: SpanColumns, n_labels: int, min_overlap_percentage: float = 1.0
) -> dict[str, np.ndarray]:
    """Columnar entry point: ``{"span.<scheme>": (1 + n_labels, 5, n_docs)}``."""
    found = span_counts(pred, gold, n_labels, min_overlap_percentage)
    return {f"span.{k}": v for k, v in found.items()}


def setup_for(totals: Mapping[str, np.ndarray], labels: Sequence[str]) -> Setup:
    """Fix the label and stance sets for macro averages from the full-data totals."""
    span = totals["span.strict"]  # per label: gold = c+i+p+m, predicted = c+i+p+s
    present = span[1:].sum(axis=-1) > 0
    stance = totals.get("stance", np.zeros((0, 1)))
    k = stance.shape[0]
    stance_present = (stance.sum(axis=1) + stance[:, :k].sum(axis=0)) > 0
    return Setup(
        labels=tuple(labels),
        used_labels=tuple(int(i) for i in np.flatnonzero(present)),
        stance_classes=tuple(int(i) for i in np.flatnonzero(stance_present)),
    )


def summarize(sums: Mapping[str, np.ndarray], setup: Setup) -> dict[str, np.ndarray]:
    """Flat metric dict from summed counts (any leading batch axes)."""
    out: dict[str, np.ndarray] = {}
    used = list(setup.used_labels)
    for scheme in SCHEMES:
        key = f"span.{scheme}"
        if key not in sums:
            continue
        prf = span_prf(sums[key], scheme)  # (..., 1 + n_labels)
        for metric, values in prf.items():
            out[f"{key}.micro.{metric}"] = values[..., 0]
            for i, name in enumerate(setup.labels):
                out[f"{key}.{name}.{metric}"] = values[..., 1 + i]
            per_label = values[..., 1:][..., used]
            out[f"{key}.macro.{metric}"] = (
                per_label.mean(axis=-1) if used else np.zeros(values.shape[:-1])
            )
    for mode in ATTRIBUTION_MODES:
        key = f"attribution.{mode}"
        if key in sums:
            c = sums[key]
            for metric, values in tuple_prf(c[..., 0], c[..., 1], c[..., 2]).items():
                out[f"{key}.{metric}"] = values
    if "stance" in sums:
        scores = stance_scores(sums["stance"], np.array(setup.stance_classes, dtype=np.int64))
        out["stance.accuracy"] = scores["accuracy"]
        out["stance.macro_f1"] = scores["macro_f1"]
    return out


def evaluate_documents(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    labels: Sequence[str] = SPAN_LABELS,
    min_overlap_percentage: float = 1.0,
    with_stance: bool = True,
) -> dict[str, Any]:
    """Every metric with its bootstrap interval, as a JSON-ready dict (see ``report``).

    ``with_stance=False`` (gold without stance): tuples are (claim, source) and the stance
    block says it was skipped, with no number in it."""
    per_doc = document_counts(gold, pred, labels, min_overlap_percentage, with_stance)
    return scored_counts(
        per_doc,
        tally(gold, pred),
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
        labels=labels,
        with_stance=with_stance,
    )


@dataclass(frozen=True)
class Tally:
    """What a result reports besides the per-document counts (sums over documents, so the
    tallies of chunks of documents add up to the tally of all of them)."""

    documents: int
    documents_predicted: int
    gold_spans: int
    predicted_spans: int

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.documents + other.documents,
            self.documents_predicted + other.documents_predicted,
            self.gold_spans + other.gold_spans,
            self.predicted_spans + other.predicted_spans,
        )


def tally(gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]) -> Tally:
    return Tally(
        len(gold),
        sum(1 for p in pred if p.get("spans") or p.get("attributions")),
        sum(len(d.get("spans") or ()) for d in gold),
        sum(len(d.get("spans") or ()) for d in pred),
    )


def scored_counts(
    per_doc: Mapping[str, np.ndarray],
    counted: Tally,
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    labels: Sequence[str] = SPAN_LABELS,
    with_stance: bool = True,
) -> dict[str, Any]:
    """:func:`evaluate_documents` from per-document counts (document axis last, in the
    documents' order: the bootstrap draws by position) and the tallies of the documents.

    Why apart: counts computed a chunk of documents at a time and concatenated give the
    same result as counts of all of them at once, so a large release is scored without
    holding its documents (``report/results_stream``)."""
    totals = {k: v.sum(axis=-1) for k, v in per_doc.items()}
    setup = setup_for(totals, labels)
    point = {k: float(v) for k, v in summarize(totals, setup).items()}
    ci = bootstrap_ci(per_doc, lambda s: summarize(s, setup), n_resamples, seed, confidence)

    def metrics(prefix: str, names: Sequence[str]) -> dict[str, Any]:
        block: dict[str, Any] = {m: point[f"{prefix}.{m}"] for m in names}
        block["ci"] = {m: list(ci[f"{prefix}.{m}"]) for m in names if f"{prefix}.{m}" in ci}
        return block

    prf = ("precision", "recall", "f1")
    spans: dict[str, Any] = {}
    for scheme in SCHEMES:
        t = totals[f"span.{scheme}"]
        entry: dict[str, Any] = {}
        for g, group in enumerate(("micro", *labels)):
            entry[group] = dict(zip(OUTCOMES, map(int, t[g]), strict=True))
            entry[group].update(metrics(f"span.{scheme}.{group}", prf))
        entry["macro"] = metrics(f"span.{scheme}.macro", prf)
        entry["macro"]["labels"] = [labels[i] for i in setup.used_labels]
        spans[scheme] = entry
    attributions = {}
    for mode in ATTRIBUTION_MODES:
        t = totals[f"attribution.{mode}"]
        attributions[mode] = {"tp": int(t[0]), "predicted": int(t[1]), "gold": int(t[2])}
        attributions[mode].update(metrics(f"attribution.{mode}", prf))
    return {
        "documents": counted.documents,
        "documents_predicted": counted.documents_predicted,
        "gold_spans": counted.gold_spans,
        "predicted_spans": counted.predicted_spans,
        "bootstrap": {
            "resamples": n_resamples,
            "seed": seed,
            "confidence": confidence,
            "documents": counted.documents,
            "note": few_documents_note(counted.documents, n_resamples),
        },
        "spans": spans,
        "attributions": attributions,
        "stance": stance_block(totals, setup, metrics) if with_stance else {"skipped": NO_STANCE},
    }


NO_STANCE = "the gold has no stance field (the corpus's scheme lacks it): not scored"


def gold_has_stance(gold: Sequence[Mapping[str, Any]]) -> bool:
    """Whether gold records carry stance: a release whose scheme lacks it has no such key
    (no column), so its attributions come back without one."""
    atts = [a for d in gold for a in d.get("attributions") or ()]
    return not atts or any("stance" in a for a in atts)


def stance_block(totals: Mapping[str, np.ndarray], setup: Setup, metrics: Any) -> dict[str, Any]:
    """Stance accuracy, macro-F1, per-class scores and the confusion matrix."""
    conf = totals["stance"]
    per_class = stance_scores(conf, np.array(setup.stance_classes, dtype=np.int64))
    stance = metrics("stance", ("accuracy", "macro_f1"))
    stance["classes"] = [STANCES[i] for i in setup.stance_classes]
    stance["per_class"] = {
        name: {
            "precision": float(per_class["precision"][i]),
            "recall": float(per_class["recall"][i]),
            "f1": float(per_class["f1"][i]),
            "support": int(conf[i].sum()),
        }
        for i, name in enumerate(STANCES)
    }
    stance["confusion"] = {
        "gold": list(STANCES),
        "predicted": [*STANCES, "unmatched"],
        "matrix": conf.astype(int).tolist(),
    }
    return stance
