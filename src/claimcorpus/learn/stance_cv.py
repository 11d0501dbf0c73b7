"""Grouped cross-validation of the stance classifiers, with bootstrap intervals.

Why grouped: articles of one story quote the same people saying the same things, so a
random split would put near-copies of a test attribution in training. The folds are the
release's own grouped folds (``fold<k>_train``/``fold<k>_test`` in splits.json, dealt by
story); a release without them gets grouped folds by story here (scikit-learn's
``GroupKFold``, deterministic). Either way no document, and no story, is on both sides of a
fold: a train document whose story is in the fold's test part is dropped from its training.

Every example is predicted once, by the model of the fold that held it out; macro-F1 is
computed over the pooled predictions, and its interval by resampling documents
(``evaluate/bootstrap``), the same way every other score of the project gets one. The
majority-class floor is trained and scored on the same folds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from claimcorpus.evaluate.bootstrap import bootstrap_ci, few_documents_note
from claimcorpus.evaluate.metrics import stance_scores
from claimcorpus.learn.stance import TARGETS, Example, MajorityClass, StanceClassifier
from claimcorpus.release.splits import is_fold_test

DEFAULT_FOLDS = 3


class LeakError(ValueError):
    """A fold whose train and test parts share a document."""


@dataclass(frozen=True)
class Fold:
    name: str
    train: frozenset[str]  # doc ids
    test: frozenset[str]


def release_folds(release: str | Path) -> list[Fold]:
    """The release's grouped folds from its splits.json (empty when it has none)."""
    manifest = json.loads((Path(release) / "splits.json").read_text(encoding="utf-8"))
    parts = manifest["splits"]
    out = []
    for name in sorted(p for p in parts if is_fold_test(p)):
        base = name.removesuffix("_test")
        out.append(Fold(base, frozenset(parts.get(f"{base}_train", [])), frozenset(parts[name])))
    return out


def group_folds(items: Sequence[Example], k: int = DEFAULT_FOLDS) -> list[Fold]:
    """Folds by story when the release has none (at most one per story)."""
    docs = sorted({e.doc_id for e in items})
    group = {e.doc_id: e.group for e in items}
    k = min(k, len({group[d] for d in docs}))
    if k < 2:
        return []
    split = GroupKFold(n_splits=k).split(docs, groups=[group[d] for d in docs])
    return [
        Fold(f"fold{i}", frozenset(docs[j] for j in tr), frozenset(docs[j] for j in te))
        for i, (tr, te) in enumerate(split)
    ]


def checked(fold: Fold, items: Sequence[Example]) -> Fold:
    """The fold with train documents of a test story dropped; a shared document is an error."""
    both = fold.train & fold.test
    if both:
        raise LeakError(f"{fold.name}: documents in both train and test: {sorted(both)[:5]}")
    story = {e.doc_id: e.group for e in items}
    held = {story[d] for d in fold.test if d in story}
    train = frozenset(d for d in fold.train if story.get(d) not in held)
    return Fold(fold.name, train, fold.test)


def _confusion(gold: Sequence[str], pred: Sequence[str], docs: Sequence[str], classes) -> Any:
    """Per-document confusion ``(k, k + 1, n_docs)``; the last column (unmatched) stays 0."""
    index = {d: i for i, d in enumerate(sorted(set(docs)))}
    k = len(classes)
    out = np.zeros((k, k + 1, len(index)), dtype=np.int64)
    for g, p, d in zip(gold, pred, docs, strict=True):
        out[classes.index(g), classes.index(p), index[d]] += 1
    return out


def score(
    gold: Sequence[str], pred: Sequence[str], docs: Sequence[str], classes, n_resamples, seed
) -> dict[str, Any]:
    """Macro-F1 and accuracy over the classes in gold or predictions, with intervals."""
    conf = _confusion(gold, pred, docs, classes)
    total = conf.sum(axis=-1)
    present = np.flatnonzero(total.sum(axis=1) + total[:, : len(classes)].sum(axis=0) > 0)

    def stat(s: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        found = stance_scores(s["c"], present)
        return {"macro_f1": found["macro_f1"], "accuracy": found["accuracy"]}

    point = stat({"c": total})
    ci = bootstrap_ci({"c": conf}, stat, n_resamples, seed)
    return {
        "macro_f1": float(point["macro_f1"]),
        "accuracy": float(point["accuracy"]),
        "classes": [classes[i] for i in present],
        "ci": {m: list(v) for m, v in ci.items()},
    }


def cross_validate(
    items: Sequence[Example],
    target: str,
    folds: Sequence[Fold],
    n_resamples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """The classifier and the majority floor on the folds: pooled scores with intervals."""
    classes = list(TARGETS[target])
    gold: list[str] = []
    docs: list[str] = []
    pred: dict[str, list[str]] = {"classifier": [], "majority": []}
    used, tested = [], set()
    for fold in folds:
        fold = checked(fold, items)
        train = [e for e in items if e.doc_id in fold.train and e.label is not None]
        test = [e for e in items if e.doc_id in fold.test and e.label is not None]
        if not train or not test:
            continue
        again = tested & fold.test
        if again:
            raise LeakError(f"{fold.name}: documents already tested by an earlier fold")
        tested |= fold.test
        used.append({"fold": fold.name, "train_docs": len(fold.train), "test_docs": len(fold.test)})
        gold += [str(e.label) for e in test]
        docs += [e.doc_id for e in test]
        pred["classifier"] += StanceClassifier(target).fit(train).predict(test)
        pred["majority"] += MajorityClass(target).fit(train).predict(test)
    n_docs = len(set(docs))
    return {
        "target": target,
        "examples": len(gold),
        "documents": n_docs,
        "folds": used,
        "bootstrap": {"resamples": n_resamples, "seed": seed},
        "note": few_documents_note(n_docs, n_resamples),
        **{name: score(gold, p, docs, classes, n_resamples, seed) for name, p in pred.items()},
    }
