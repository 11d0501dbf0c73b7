"""Stance classifiers: the source's stance toward its claim, and the claim's topic stance.

Why a classifier of its own: span extraction and linking find *which* words are a claim and
who says it; stance is a property of an attribution already found, decided mostly by the cue
("denied", "accused", "warned") and the words around the claim. So it is trained on the
release's ``claims`` config (one row per attribution: claim, cue, source, context sentence)
and can relabel the attributions of any extractor (:func:`relabel`).

The model is a multinomial logistic regression on TF-IDF word n-grams of each field
(claim, cue, source, context) and character n-grams of the cue: small, CPU-only, and
deterministic (same rows in the same order, same model; no random state is drawn). It
runs on one BLAS thread: the model is tiny, so threads only add contention on a shared
machine (a fit of the seeds took 2.4 s with them under load, 0.07 s without), and one
thread keeps floating-point sums in one order. A
training set with one class gives a constant classifier, the honest answer on tiny folds.
Topic stance is one label per claim, so its examples are one per claim, not per attribution.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from claimcorpus.evaluate.labels import STANCES, TOPIC_STANCES

# target -> its classes (the scheme's order); the claims config names the columns alike
TARGETS: dict[str, tuple[str, ...]] = {"stance": STANCES, "topic_stance": TOPIC_STANCES}
FIELDS = ("claim", "cue", "source", "context")
# L-BFGS iterations: the seeds converge in about a dozen; labels with no signal (random
# stances of a synthetic benchmark corpus) would run to any bound, so it stays small
MAX_ITER = 200


class NoStanceError(ValueError):
    """The release's rows have no such stance column (its scheme lacks the field)."""


@dataclass(frozen=True)
class Example:
    """One thing to classify: an attribution (source stance) or a claim (topic stance)."""

    doc_id: str
    group: str  # the story: no story is on both sides of a cross-validation fold
    fields: tuple[str, str, str, str]  # FIELDS, "" where absent
    label: str | None


def has_target(rows: Sequence[Mapping[str, Any]], target: str) -> bool:
    """Whether the rows carry ``target`` with a value (a release without it has no column)."""
    return any(r.get(target) is not None for r in rows)


def examples(rows: Iterable[Mapping[str, Any]], target: str) -> list[Example]:
    """Examples of ``target`` from ``claims`` rows, in row order; topic stance once per
    claim (its first attribution's row). Raise :class:`NoStanceError` without the column."""
    if target not in TARGETS:
        raise ValueError(f"unknown stance target {target!r}; have {sorted(TARGETS)}")
    out, seen = [], set()
    for r in rows:
        if target not in r:
            raise NoStanceError(f"the rows have no {target!r} column")
        if target == "topic_stance":
            key = (r["doc_id"], r["claim_id"])
            if key in seen:
                continue
            seen.add(key)
        fields = tuple(str(r.get(f) or "") for f in FIELDS)
        group = r.get("story_id") or r["doc_id"]
        out.append(Example(r["doc_id"], group, fields, r.get(target)))  # type: ignore[arg-type]
    return out


def _pipeline() -> Pipeline:
    def words() -> TfidfVectorizer:
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)

    columns = [(f, words(), i) for i, f in enumerate(FIELDS)]
    columns.append(("cue_chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)), 1))
    return Pipeline(
        [
            ("features", ColumnTransformer(columns)),
            ("model", LogisticRegression(C=4.0, class_weight="balanced", max_iter=MAX_ITER)),
        ]
    )


def _matrix(items: Sequence[Example]) -> np.ndarray:
    return np.array([e.fields for e in items], dtype=object).reshape(len(items), len(FIELDS))


class StanceClassifier:
    """Logistic regression on field n-grams; constant when training saw one class."""

    def __init__(self, target: str) -> None:
        if target not in TARGETS:
            raise ValueError(f"unknown stance target {target!r}; have {sorted(TARGETS)}")
        self.target = target
        self.constant: str | None = None
        self.pipeline: Pipeline | None = None

    def fit(self, train: Sequence[Example]) -> StanceClassifier:
        labelled = [e for e in train if e.label is not None]
        if not labelled:
            raise ValueError(f"no {self.target} labels to train on")
        classes = Counter(e.label for e in labelled)
        if len(classes) == 1:
            self.constant, self.pipeline = next(iter(classes)), None
            return self
        self.constant = None
        with threadpool_limits(limits=1):
            self.pipeline = _pipeline().fit(_matrix(labelled), [e.label for e in labelled])
        return self

    def predict(self, items: Sequence[Example]) -> list[str]:
        if self.constant is not None:
            return [self.constant] * len(items)
        if self.pipeline is None:
            raise ValueError("the classifier is not trained")
        if not items:
            return []
        with threadpool_limits(limits=1):
            return [str(y) for y in self.pipeline.predict(_matrix(items))]


class MajorityClass:
    """The floor: the training set's most frequent label (ties: the scheme's order)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.label: str | None = None

    def fit(self, train: Sequence[Example]) -> MajorityClass:
        counts = Counter(e.label for e in train if e.label is not None)
        order = TARGETS[self.target]
        self.label = max(counts, key=lambda c: (counts[c], -order.index(c)))
        return self

    def predict(self, items: Sequence[Example]) -> list[str]:
        return [str(self.label)] * len(items)


def context_of(sentences: Sequence[tuple[int, int]] | None, text: str, start: int, end: int) -> str:
    """The sentence(s) around a span, as the claims config's ``context`` (release/rows)."""
    hit = [s for s in sentences or () if s[0] < end and start < s[1]]
    return text[hit[0][0] : hit[-1][1]] if hit else text[start:end]


def prediction_examples(
    record: Mapping[str, Any], text: str, sentences: Sequence[tuple[int, int]] | None
) -> list[Example]:
    """One example per attribution of a prediction record (its label unknown)."""
    spans = {s["id"]: s for s in record.get("spans") or ()}
    items = []
    for a in record.get("attributions") or ():
        parts = [spans.get(a.get(role)) if a.get(role) else None for role in FIELDS[:3]]
        claim = parts[0]
        texts = tuple(text[s["start"] : s["end"]] if s else "" for s in parts)
        ctx = context_of(sentences, text, claim["start"], claim["end"]) if claim else ""
        items.append(Example(record["doc_id"], record["doc_id"], (*texts, ctx), None))
    return items


def relabel(
    records: Sequence[dict[str, Any]],
    docs: Sequence[tuple[str, Sequence[tuple[int, int]] | None]],
    classifier: StanceClassifier,
) -> list[dict[str, Any]]:
    """Prediction records (copies) whose attributions' stance the classifier sets; ``docs``
    gives each record's text and sentences. One ``predict`` call for all of them: a call
    per document costs the pipeline's fixed overhead ten thousand times at scale."""
    items = [prediction_examples(r, t, s) for r, (t, s) in zip(records, docs, strict=True)]
    labels = iter(classifier.predict([e for group in items for e in group]))
    out = []
    for record in records:
        atts = record.get("attributions") or ()
        out.append({**record, "attributions": [dict(a, stance=next(labels)) for a in atts]})
    return out
