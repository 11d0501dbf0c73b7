"""Precision, recall and F1 from summed counts, vectorised over any leading axes.

The formulas are nervaluate's (``EvaluationResult.compute_metrics``), written with the same
float operations in the same order so the numbers agree to the last bit; a bootstrap passes
a whole stack of resampled counts through them at once.
"""

from __future__ import annotations

import numpy as np

from claimcorpus.evaluate.labels import (
    CORRECT,
    HALF_CREDIT_SCHEMES,
    INCORRECT,
    MISSED,
    PARTIAL,
    SPURIOUS,
)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, 0 where den is 0 (nervaluate's convention)."""
    den_f = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den_f).shape, dtype=np.float64)
    np.divide(num, den_f, out=out, where=den_f > 0)
    return out


def f1_score(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    """Harmonic mean, 0 when both are 0: ``2 * (p * r) / (p + r)``."""
    return _safe_div(2 * (precision * recall), precision + recall)


def span_prf(counts: np.ndarray, scheme: str) -> dict[str, np.ndarray]:
    """P/R/F1 of ``counts[..., OUTCOMES]``.

    actual = correct + incorrect + partial + spurious (what was predicted);
    possible = correct + incorrect + partial + missed (what was to find).
    strict/exact credit only correct; partial/ent_type add 0.5 per partial.
    """
    c = counts[..., CORRECT].astype(np.float64)
    p = counts[..., PARTIAL].astype(np.float64)
    actual = counts[..., CORRECT] + counts[..., INCORRECT] + counts[..., PARTIAL]
    possible = actual + counts[..., MISSED]
    actual = actual + counts[..., SPURIOUS]
    hit = c + 0.5 * p if scheme in HALF_CREDIT_SCHEMES else c
    precision = _safe_div(hit, actual)
    recall = _safe_div(hit, possible)
    return {"precision": precision, "recall": recall, "f1": f1_score(precision, recall)}


def tuple_prf(tp: np.ndarray, n_pred: np.ndarray, n_gold: np.ndarray) -> dict[str, np.ndarray]:
    """P/R/F1 of a one-to-one matching: tp / predicted, tp / gold."""
    precision = _safe_div(tp, n_pred)
    recall = _safe_div(tp, n_gold)
    return {"precision": precision, "recall": recall, "f1": f1_score(precision, recall)}


def stance_scores(confusion: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """Accuracy and macro-F1 from ``confusion[..., gold, predicted]``.

    The last predicted column is "no matching prediction": it lowers accuracy and the
    recall of the gold class but is no class of its own. Macro-F1 averages over ``classes``
    (indices of the stances present in the evaluation), so a stance absent from both gold
    and predictions does not drag the mean to zero.
    """
    k = confusion.shape[-2]
    diag = np.diagonal(confusion[..., :k], axis1=-2, axis2=-1).astype(np.float64)
    gold_n = confusion.sum(axis=-1)
    pred_n = confusion[..., :k].sum(axis=-2)
    accuracy = _safe_div(diag.sum(axis=-1), gold_n.sum(axis=-1))
    precision = _safe_div(diag, pred_n)
    recall = _safe_div(diag, gold_n)
    f1 = f1_score(precision, recall)
    macro = f1[..., classes].mean(axis=-1) if len(classes) else np.zeros(f1.shape[:-1])
    return {
        "accuracy": accuracy,
        "macro_f1": macro,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
