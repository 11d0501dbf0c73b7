"""CLAIM, SOURCE and CUE spans by a BIO CRF per label (sklearn-crfsuite, L-BFGS).

One CRF per label, not one over all labels, because spans of different labels overlap in
the gold (a claim holds a nested attribution's source and cue); BIO per label keeps them.
Each label's model is crfsuite's own binary file, read back by ``sklearn_crfsuite.CRF``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pycrfsuite import ItemSequence, Tagger
from sklearn_crfsuite import CRF
from sklearn_crfsuite.trainer import LinePerIterationTrainer

from claimcorpus.core.problems import InputError
from claimcorpus.learn.features import document_features
from claimcorpus.learn.tokens import OUTSIDE, Sentence, bio_tags, decode, sentences_of

BOUND_MARGIN = 1e-9  # see weak_tokens
IterationHook = Callable[[str, Mapping[str, Any]], None]  # (label, crfsuite's iteration info)


@dataclass(frozen=True)
class CrfConfig:
    """The CRF's training settings (``train --config`` may set each)."""

    c1: float = 0.05
    c2: float = 0.01
    max_iterations: int = 200  # 100 left the CLAIM model undertrained (loss still falling)
    min_freq: int = 1


def model_file(folder: Path, label: str) -> Path:
    return folder / f"crf-{label}.crfsuite"


def _trainer_class(label: str, hook: IterationHook) -> type:
    """crfsuite's trainer reporting each L-BFGS iteration to ``hook`` instead of stdout."""

    class Trainer(LinePerIterationTrainer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # crfsuite calls on_iteration only when verbose; CRF.fit's own verbose would
            # also need len() of the features, which are a generator here
            kwargs["verbose"] = True
            super().__init__(*args, **kwargs)

        def on_iteration(self, log: Any, info: Mapping[str, Any]) -> None:
            hook(label, info)

        # crfsuite's own chatter (feature generation, model writing) stays off stdout
        def on_start(self, log: Any) -> None:
            return None

        def on_featgen_progress(self, log: Any, percent: Any) -> None:
            return None

        def on_featgen_end(self, log: Any) -> None:
            return None

        def on_prepared(self, log: Any) -> None:
            return None

        def on_optimization_end(self, log: Any) -> None:
            return None

        def on_end(self, log: Any) -> None:
            return None

    return Trainer


def gold_tags(docs: Iterable[Mapping[str, Any]], label: str) -> list[list[str]]:
    """BIO tags of ``label`` per sentence of every gold document (small: kept whole)."""
    out = []
    for doc in docs:
        spans = [(s["start"], s["end"]) for s in doc["spans"] if s["label"] == label]
        for sent in doc_sentences(doc):
            inside = [(a, b) for a, b in spans if a < sent.end and b > sent.start]
            out.append(bio_tags(sent, inside))
    return out


def gold_items(docs: Iterable[Mapping[str, Any]]) -> list[ItemSequence]:
    """crfsuite's item sequences of every sentence, made once for the three labels' CRFs
    (as Python lists of feature strings they would take gigabytes on PolNeAR train)."""
    return [ItemSequence(feats) for doc in docs for feats in document_features(doc_sentences(doc))]


def doc_sentences(doc: Mapping[str, Any]) -> list[Sentence]:
    """A release row's tokenized sentences (its own ``sentences`` when it has them)."""
    given = doc.get("sentences")
    bounds = None if given is None else [(s["start"], s["end"]) for s in given]
    return sentences_of(doc["text"], bounds)


def train_label(
    docs: Sequence[Mapping[str, Any]],
    items: Sequence[ItemSequence],
    label: str,
    folder: Path,
    config: CrfConfig,
    hook: IterationHook,
) -> None:
    """Fit one label's CRF on the documents (``items``: their :func:`gold_items`) and
    write its model file into ``folder``."""
    crf = CRF(
        algorithm="lbfgs",
        c1=config.c1,
        c2=config.c2,
        max_iterations=config.max_iterations,
        min_freq=config.min_freq,
        all_possible_transitions=True,
        model_filename=str(model_file(folder, label)),
        trainer_cls=_trainer_class(label, hook),
    )
    crf.fit(items, gold_tags(docs, label))


class SpanTagger:
    """The per-label CRFs of a model folder, opened once."""

    def __init__(self, folder: Path, labels: Sequence[str]) -> None:
        self.labels = tuple(labels)
        self.crfs: dict[str, CRF] = {}
        for label in self.labels:
            path = model_file(folder, label)
            if not path.is_file():
                raise InputError(f"{path}: missing model file (train the model again)")
            crf = CRF(model_filename=str(path))
            try:
                crf.tagger_  # noqa: B018 - opens (and so checks) the model file now
            except (OSError, ValueError) as exc:
                raise InputError(f"{path}: not a readable CRF model file: {exc}") from exc
            self.crfs[label] = crf

    def tag(
        self, sentences: Sequence[Sentence], weak: Mapping[str, float] | None = None
    ) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
        """(label -> best-path spans, label -> weak spans) of a document.

        Each sentence's features become one crfsuite ``ItemSequence``, handed to the three
        labels' taggers as it is: ``CRF.predict`` would convert the Python lists anew for
        every label (that conversion cost as much as the tagging). ``weak`` (label -> a
        threshold below 1) also asks for the runs of tokens whose marginal probability of
        lying inside a span of that label is at least the threshold (``learn/assemble``)."""
        items = [ItemSequence(f) for f in document_features(sentences)]
        out, below = {}, {}
        for label in self.labels:
            tagger = self.crfs[label].tagger_
            tags = []
            limit = (weak or {}).get(label, 1.0)
            runs: list[tuple[int, int]] = []
            for sent, item in zip(sentences, items, strict=True):
                seq = tagger.tag(item)
                tags.append(seq)
                if limit < 1.0:  # marginals of the sequence just tagged
                    inside = weak_tokens(tagger, seq, limit)
                    if inside is not None:
                        runs += token_runs(sent, inside)
            out[label] = decode(sentences, tags)
            if limit < 1.0:
                below[label] = runs
        return out, below


def weak_tokens(tagger: Tagger, seq: Sequence[str], limit: float) -> list[bool] | None:
    """Per token of the sequence ``tagger`` has just tagged as ``seq``, whether its marginal
    probability of lying inside a span is at least ``limit`` (None: no token's is).

    A token the best path leaves outside has P(O) >= P(best path), so when the best path is
    likelier than 1 - ``limit`` (by a margin far above crfsuite's rounding) only the tokens
    it puts inside a span need their marginal: one ``probability`` call instead of one
    ``marginal`` call per token for most sentences (a call costs as much as a token's
    tagging)."""
    if 1.0 - tagger.probability(seq) < limit - BOUND_MARGIN:
        if seq.count(OUTSIDE) == len(seq):
            return None
        return [
            t != OUTSIDE and 1.0 - tagger.marginal(OUTSIDE, i) >= limit for i, t in enumerate(seq)
        ]
    return [1.0 - tagger.marginal(OUTSIDE, i) >= limit for i in range(len(seq))]


def token_runs(sent: Sentence, inside: Sequence[bool]) -> list[tuple[int, int]]:
    """Document spans of the maximal runs of flagged tokens of one sentence."""
    out: list[tuple[int, int]] = []
    start, end = None, 0
    for (t0, t1), flag in zip(sent.offsets, inside, strict=True):
        if flag and start is None:
            start = t0
        elif not flag and start is not None:
            out.append((start, end))
            start = None
        end = t1
    if start is not None:
        out.append((start, end))
    return out
