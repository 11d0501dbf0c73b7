"""The results table: every baseline on every corpus, and across corpora, with intervals.

Why one module: the README and every release card show the same numbers, so both come
from here (``claimcorpus results`` and :func:`card_section`). A block is one corpus scored
on one set of documents:

- a release with grouped folds (``fold<k>_test`` in splits.json, as the seeds have) is
  scored on the union of its fold test parts, each document once; anything trained (the
  stance classifier) is trained per fold on that fold's train part;
- otherwise on its validation split when annotated (PolNeAR), else its test split.

Rows are the untrained baselines (``trivial``, ``rules``), the rule baseline with the stance
classifier setting its stances (``rules + stance``, for a corpus with stance), and each
learned model (``--model``). A learned model was trained on the release's train split, so
it is scored only on the block's documents outside it (the row says on how many). A
transfer block scores the models of one corpus on every annotated document of another.
A corpus without a field (PolNeAR has no stance) or a row that predicts none shows ``n/a``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcorpus.baseline.run import (
    BASELINES,
    LOADER_ERRORS,
    Extractor,
    ReleaseError,
    split_names,
)
from claimcorpus.evaluate.score import evaluate_documents, gold_has_stance
from claimcorpus.learn.stance import NoStanceError, StanceClassifier, examples, has_target
from claimcorpus.learn.stance import relabel as relabel_stance
from claimcorpus.learn.stance_cv import Fold, cross_validate, group_folds, release_folds
from claimcorpus.release.load import annotated_documents, load_rows
from claimcorpus.release.splits import STANDARD

STANCE_SUFFIX = " + stance"  # the row of an extractor whose stances the classifier sets
STANCE_TARGETS = ("stance", "topic_stance")


@dataclass(frozen=True)
class Model:
    """A learned extractor and the corpus whose train split it was trained on."""

    name: str
    corpus: str
    extract: Extractor


@dataclass(frozen=True)
class Row:
    name: str
    scored_on: str  # "folds", "validation", "test", or "<split> outside train", "all"
    documents: int
    result: Mapping[str, Any] | None  # an evaluate_documents result; None: nothing to score
    stance: bool  # whether the stance column applies (gold has it and the row predicts it)


@dataclass(frozen=True)
class Block:
    title: str
    rows: tuple[Row, ...]


@dataclass
class Corpus:
    """A release read once: its annotated documents by standard split, claims rows, folds."""

    name: str
    path: Path
    docs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)
    folds: list[Fold] = field(default_factory=list)

    @classmethod
    def read(cls, name: str, path: str | Path) -> Corpus:
        path = Path(path)
        split_names(path)  # a ReleaseError naming splits.json when it is unreadable
        folds = release_folds(path)
        docs: dict[str, list[dict[str, Any]]] = {s: [] for s in STANDARD}
        try:
            for row in annotated_documents(path):
                docs[row["split"]].append(row)
            claims = load_rows(path, "claims")
        except LOADER_ERRORS as exc:  # a missing or unreadable Parquet file
            raise ReleaseError(f"{path}: cannot read the release: {exc}") from exc
        return cls(name, path, docs, claims, folds)

    def annotated(self) -> dict[str, dict[str, Any]]:
        return {d["doc_id"]: d for s in STANDARD for d in self.docs[s]}

    def has_stance(self) -> bool:
        return has_target(self.claims, "stance")


def evaluation(corpus: Corpus) -> tuple[str, list[Fold]]:
    """What a corpus block scores: its folds, else validation, else test (see above)."""
    annotated = corpus.annotated()
    folds = [f for f in corpus.folds if f.test & annotated.keys()]
    if folds:
        return "folds", folds
    train = frozenset(d["doc_id"] for d in corpus.docs["train"])
    for split in ("validation", "test"):
        if corpus.docs[split]:
            return split, [Fold(split, train, frozenset(d["doc_id"] for d in corpus.docs[split]))]
    return "test", []


def predict(docs: Sequence[Mapping[str, Any]], extract: Extractor) -> list[dict[str, Any]]:
    """Each document predicted once, on its own sentences when the release gives them."""
    out = []
    for d in docs:
        given = d.get("sentences")
        sents = None if given is None else [(s["start"], s["end"]) for s in given]
        out.append(extract(d["doc_id"], d["text"], sents))
    return out


def _sentences(doc: Mapping[str, Any]) -> list[tuple[int, int]] | None:
    given = doc.get("sentences")
    return None if given is None else [(s["start"], s["end"]) for s in given]


def score_row(
    name: str, scored_on: str, gold: list, pred: list, n_resamples: int, seed: int
) -> Row:
    """A row; a row that predicts no stance (a model trained on a corpus without it) is
    scored as gold without stance is: tuples of (claim, source), stance n/a."""
    if not gold:
        return Row(name, scored_on, 0, None, False)
    atts = [a for p in pred for a in p.get("attributions") or ()]
    predicts = not atts or all(a.get("stance") is not None for a in atts)
    with_stance = gold_has_stance(gold) and predicts
    result = evaluate_documents(
        gold, pred, n_resamples=n_resamples, seed=seed, with_stance=with_stance
    )
    return Row(name, scored_on, len(gold), result, with_stance)


def corpus_block(
    corpus: Corpus,
    models: Sequence[Model] = (),
    n_resamples: int = 1000,
    seed: int = 0,
    baselines: Mapping[str, Extractor] = BASELINES,
    train_stance: bool = True,
) -> Block:
    """The block of one corpus: baselines, ``rules + stance`` (unless ``train_stance`` is
    false), its own learned models."""
    how, folds = evaluation(corpus)
    annotated = corpus.annotated()
    ids = sorted({d for f in folds for d in f.test} & annotated.keys())
    gold = [annotated[d] for d in ids]
    rows = []
    preds: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(baselines, key=lambda b: (b != "trivial", b)):
        preds[name] = predict(gold, baselines[name])
        rows.append(score_row(name, how, gold, preds[name], n_resamples, seed))
    with_stance = train_stance and corpus.has_stance() and gold_has_stance(gold)
    if with_stance and "rules" in preds:
        pred = relabel_by_fold(corpus, folds, gold, preds["rules"])
        rows.append(score_row(f"rules{STANCE_SUFFIX}", how, gold, pred, n_resamples, seed))
    train = {d["doc_id"] for d in corpus.docs["train"]}
    unseen = [d for d in gold if d["doc_id"] not in train]
    label = how if how != "folds" else "folds outside train"
    for m in models:
        pred = predict(unseen, m.extract)
        rows.append(score_row(m.name, label, unseen, pred, n_resamples, seed))
        if with_stance:
            pred = relabel_by_fold(
                corpus, [Fold("train", frozenset(train), frozenset())], unseen, pred
            )
            rows.append(
                score_row(f"{m.name}{STANCE_SUFFIX}", label, unseen, pred, n_resamples, seed)
            )
    return Block(f"{corpus.name} ({described(how, len(gold))})", tuple(rows))


def relabel_by_fold(
    corpus: Corpus, folds: Sequence[Fold], gold: Sequence[Mapping[str, Any]], pred: list
) -> list[dict[str, Any]]:
    """Predictions with stances set by a classifier trained on each fold's train part and
    applied to its test part (a fold with no test part: to every document of ``gold``)."""
    items = examples(corpus.claims, "stance")
    out = list(pred)
    index = {d["doc_id"]: i for i, d in enumerate(gold)}
    for fold in folds:
        train = [e for e in items if e.doc_id in fold.train and e.label is not None]
        if not train:
            continue
        clf = StanceClassifier("stance").fit(train)
        chosen = [index[d] for d in sorted((fold.test or frozenset(index)) & index.keys())]
        docs = [(gold[i]["text"], _sentences(gold[i])) for i in chosen]
        done = relabel_stance([pred[i] for i in chosen], docs, clf)
        for i, record in zip(chosen, done, strict=True):
            out[i] = record
    return out


def transfer_block(
    source: Corpus,
    target: Corpus,
    models: Sequence[Model],
    n_resamples: int = 1000,
    seed: int = 0,
    baselines: Mapping[str, Extractor] = BASELINES,
) -> Block:
    """Models trained on ``source`` scored on every annotated document of ``target``, next
    to the untrained baselines on the same documents."""
    annotated = target.annotated()
    gold = [annotated[d] for d in sorted(annotated)]
    rows = []
    for name in sorted(baselines, key=lambda b: (b != "trivial", b)):
        rows.append(score_row(name, "all", gold, predict(gold, baselines[name]), n_resamples, seed))
    for m in models:
        rows.append(score_row(m.name, "all", gold, predict(gold, m.extract), n_resamples, seed))
    title = f"transfer: trained on {source.name} train, scored on {target.name} ({len(gold)} docs)"
    if not models:
        title += f"; no learned model of {source.name} given (--model {source.name}:NAME=DIR)"
    return Block(title, tuple(rows))


def described(how: str, n: int) -> str:
    where = "the union of its grouped fold test parts" if how == "folds" else f"its {how} split"
    return f"{where}, {n} annotated documents"


def stance_results(corpus: Corpus, n_resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Grouped cross-validation of both stance targets (``None`` for a target it lacks)."""
    out: dict[str, Any] = {}
    for target in STANCE_TARGETS:
        try:
            items = examples(corpus.claims, target)
        except NoStanceError:  # the scheme has no such field: no column
            items = []
        if not has_target(corpus.claims, target):
            out[target] = None
            continue
        folds = corpus.folds or group_folds(items)
        out[target] = cross_validate(items, target, folds, n_resamples, seed)
    return out
