"""The baseline rows of a large release's results block, scored without holding the release.

Why: the card of a 100,000-article annotated release read every annotated document (text,
sentences, spans) and every claims row into Python objects at once to score two rule
baselines: about 27 KB a document, gigabytes in all, more than the rest of the build. Here
the documents are read a batch at a time (``release/load.annotated_documents``), each chunk
is predicted by every baseline and reduced to its per-document counts
(``evaluate/score.document_counts``), and the chunk is dropped; the counts, put back in the
documents' sorted order, are scored once (``evaluate/score.scored_counts``). The counts of a
document depend on that document alone, so the rows are the ones ``results.corpus_block``
gives on the same release (``tests/test_results_stream.py`` compares them); only the
baseline rows are made here, which is all a card above ``results_card.STANCE_LIMIT``
attributions shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from claimcorpus.baseline.run import BASELINES, LOADER_ERRORS, Extractor, ReleaseError, split_names
from claimcorpus.evaluate.score import GoldColumns, Tally, document_counts, scored_counts, tally
from claimcorpus.learn.stance_cv import release_folds
from claimcorpus.release.load import annotated_documents, data_files
from claimcorpus.release.splits import STANDARD
from claimcorpus.report.results import Block, Corpus, Row, described, evaluation, predict

CHUNK = 500  # documents predicted and counted at a time (2,000 held ~120 MB more at once)


def claim_rows(release: Path) -> int:
    """Rows of the ``claims`` config over the standard splits, from the Parquet footers."""
    try:
        return sum(pq.ParquetFile(p).metadata.num_rows for _, p in data_files(release, "claims"))
    except LOADER_ERRORS as exc:
        raise ReleaseError(f"{release}: cannot read the release: {exc}") from exc


def gold_stance(release: Path) -> bool:
    """Whether the release's attributions carry a stance field (a scheme without it has no
    such struct field, and its gold is scored on (claim, source) tuples)."""
    for _, path in data_files(release, "documents"):
        item = pq.ParquetFile(path).schema_arrow.field("attributions").type.value_type
        return item.get_field_index("stance") >= 0
    return False


def id_corpus(name: str, release: Path) -> Corpus:
    """A corpus whose documents are only their ids and splits: enough for ``evaluation``
    to choose the documents a block is scored on."""
    split_names(release)  # a ReleaseError naming splits.json when it is unreadable
    docs: dict[str, list[dict[str, Any]]] = {s: [] for s in STANDARD}
    try:
        for row in annotated_documents(release, columns=("doc_id",)):
            docs[row["split"]].append({"doc_id": row["doc_id"], "split": row["split"]})
    except LOADER_ERRORS as exc:
        raise ReleaseError(f"{release}: cannot read the release: {exc}") from exc
    return Corpus(name, release, docs, [], release_folds(release))


def _chunks(release: Path, wanted: frozenset[str]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in annotated_documents(release):
        if row["doc_id"] in wanted:
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _narrow(counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-document counts kept as int32 (half the memory of int64; the bootstrap makes them
    float64 and sums of int32 are taken in int64, so no score changes); a count too large for
    int32 stays int64."""
    top = np.iinfo(np.int32).max
    return {
        k: v.astype(np.int32) if v.size == 0 or v.max() <= top else v for k, v in counts.items()
    }


def _has_stance(pred: Sequence[Mapping[str, Any]]) -> bool:
    atts = [a for p in pred for a in p.get("attributions") or ()]
    return not atts or all(a.get("stance") is not None for a in atts)


def streamed_block(
    corpus: Corpus,
    n_resamples: int = 1000,
    seed: int = 0,
    baselines: Mapping[str, Extractor] = BASELINES,
) -> Block:
    """``results.corpus_block(corpus, (), n_resamples, seed, baselines, train_stance=False)``
    of ``corpus`` (an :func:`id_corpus`), reading its documents a chunk at a time."""
    how, folds = evaluation(corpus)
    annotated = corpus.annotated()
    ids = sorted({d for f in folds for d in f.test} & annotated.keys())
    names = sorted(baselines, key=lambda b: (b != "trivial", b))
    if not ids:
        rows = tuple(Row(name, how, 0, None, False) for name in names)
        return Block(f"{corpus.name} ({described(how, 0)})", rows)
    with_stance = gold_stance(corpus.path)
    # where each document read comes in ``ids``, as numbers (no list of its doc_id strings)
    position = {d: i for i, d in enumerate(ids)}
    seen: list[np.ndarray] = []
    counts: dict[str, list[dict[str, np.ndarray]]] = {name: [] for name in names}
    tallies = dict.fromkeys(names, Tally(0, 0, 0, 0))
    for chunk in _chunks(corpus.path, frozenset(ids)):
        seen.append(np.fromiter((position[d["doc_id"]] for d in chunk), np.int64, len(chunk)))
        gold = GoldColumns.of(chunk, with_stance=with_stance)
        for name in names:
            pred = predict(chunk, baselines[name])
            if with_stance and not _has_stance(pred):
                raise RuntimeError(f"baseline {name} predicts an attribution without stance")
            per_doc = document_counts(chunk, pred, with_stance=with_stance, columns=gold)
            counts[name].append(_narrow(per_doc))
            tallies[name] += tally(chunk, pred)
    order = np.argsort(np.concatenate(seen), kind="stable")  # the documents' sorted order
    rows_: list[Row] = []
    for name in names:
        keys = counts[name][0].keys()
        per_doc = {
            k: np.concatenate([c[k] for c in counts[name]], axis=-1)[..., order] for k in keys
        }
        counts[name] = []  # the chunks' arrays go before the next baseline is scored
        result = scored_counts(
            per_doc, tallies[name], n_resamples=n_resamples, seed=seed, with_stance=with_stance
        )
        rows_.append(Row(name, how, len(ids), result, with_stance))
    return Block(f"{corpus.name} ({described(how, len(ids))})", tuple(rows_))
