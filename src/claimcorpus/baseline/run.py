"""Run every baseline on every split of a release and tabulate the scores.

:func:`baseline_table` is what ``claimcorpus baseline`` prints and the README's baselines
block holds (the release card embeds ``report/results_card`` instead); :func:`run_baselines`
gives the same numbers (and, with resamples, their intervals) as a JSON-ready dict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from datasets.exceptions import DatasetsError
from pyarrow import ArrowException

from claimcorpus.baseline import rules, trivial
from claimcorpus.core.problems import InputError
from claimcorpus.evaluate.score import evaluate_documents, gold_has_stance
from claimcorpus.release.load import load_documents

# what reading a release can raise: our own checks, a missing or unreadable file, a card or
# Parquet file that datasets or pyarrow cannot read
LOADER_ERRORS = (InputError, OSError, ValueError, KeyError, ArrowException, DatasetsError)

# (doc_id, text, sentences) -> prediction record; sentences are the release's own offsets.
Extractor = Callable[[str, str, Sequence[tuple[int, int]] | None], dict[str, Any]]
BASELINES: dict[str, Extractor] = {"rules": rules.extract, "trivial": trivial.extract}
# Columns of the table: (header, path into an evaluate_documents result).
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("span strict F1", ("spans", "strict", "micro", "f1")),
    ("span partial F1", ("spans", "partial", "micro", "f1")),
    ("attribution strict F1", ("attributions", "strict", "f1")),
    ("stance macro-F1", ("stance", "macro_f1")),
)


STANDARD_SPLITS = ("train", "validation", "test")
NOT_APPLICABLE = "n/a"  # the cell of a split with no annotated document


class ReleaseError(Exception):
    """The release (splits.json or a split) could not be read."""


def split_names(release_path: str | Path) -> list[str]:
    """Split names of ``splits.json`` ("splits" mapping): train, validation, test, then views."""
    path = Path(release_path) / "splits.json"
    try:
        names = list(json.loads(path.read_text(encoding="utf-8"))["splits"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReleaseError(f"{path}: {exc}") from exc
    return [s for s in STANDARD_SPLITS if s in names] + [
        s for s in names if s not in STANDARD_SPLITS
    ]


def load_split(release_path: str | Path, split: str) -> list[dict[str, Any]]:
    """Gold records of a split through the release module; any failure is a ReleaseError."""
    try:
        return load_documents(release_path, split)
    except LOADER_ERRORS as exc:  # each means a broken or foreign release folder
        raise ReleaseError(f"{release_path}: split {split!r}: {exc}") from exc


def predict(docs: Sequence[Mapping[str, Any]], extract: Extractor, cache: dict) -> list[dict]:
    """Baseline predictions for documents; ``cache`` (doc_id -> record) spares view splits.

    Each document is split at its own ``sentences`` (a release row's, from ``segment``), so
    the baseline never sees boundaries the corpus does not have; a record without them is
    split by ``segment.text_sentences``, which finds the same ones in a normalized text.
    """
    out = []
    for d in docs:
        if d["doc_id"] not in cache:
            given = d.get("sentences")
            sents = None if given is None else [(s["start"], s["end"]) for s in given]
            cache[d["doc_id"]] = extract(d["doc_id"], d["text"], sents)
        out.append(cache[d["doc_id"]])
    return out


def run_baselines(
    release_path: str | Path,
    n_resamples: int = 0,
    seed: int = 0,
    baselines: Mapping[str, Extractor] = BASELINES,
) -> dict[str, Any]:
    """``{"splits": [...], "results": {baseline: {split: evaluate_documents result}}}``.

    A split without annotated documents is still listed (its tables show n/a, never zeros)
    and named under ``"unscored"``."""
    names, unscored = split_names(release_path), []
    caches: dict[str, dict] = {b: {} for b in baselines}
    results: dict[str, dict[str, Any]] = {b: {} for b in baselines}
    for split in names:
        gold = load_split(release_path, split)
        if not gold:
            unscored.append(split)
        with_stance = gold_has_stance(gold)
        for b, extract in baselines.items():
            pred = predict(gold, extract, caches[b])
            results[b][split] = evaluate_documents(
                gold, pred, n_resamples=n_resamples, seed=seed, with_stance=with_stance
            )
    return {"release": str(release_path), "splits": names, "unscored": unscored, "results": results}


def _cell(result: Mapping[str, Any], path: tuple[str, ...]) -> str:
    """A table cell: the score, or "n/a" for a metric the corpus cannot be scored on."""
    if path[0] == "stance" and "skipped" in result["stance"]:
        return NOT_APPLICABLE
    return f"{_get(result, path):.3f}"


def _get(result: Mapping[str, Any], path: tuple[str, ...]) -> float:
    node: Any = result
    for key in path:
        node = node[key]
    return float(node)


def markdown_table(run: Mapping[str, Any]) -> str:
    """Markdown table, one row per (baseline, split), scores with three decimals.

    A split or view with no annotated document has nothing to score: its cells say ``n/a``,
    because 0.000 would read as a baseline that failed on real gold.
    """
    header = ["baseline", "split", "docs", *(c for c, _ in COLUMNS)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|",
    ]
    for baseline, by_split in run["results"].items():
        for split in run["splits"]:
            r = by_split[split]
            cells = [baseline, split, str(r["documents"])]
            if r["documents"]:
                cells += [_cell(r, path) for _, path in COLUMNS]
            else:
                cells += [NOT_APPLICABLE] * len(COLUMNS)
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def interval_table(release_path: str | Path, split: str, n_resamples: int = 1000) -> str:
    """Markdown table of both baselines on one split, each score with its 95% interval."""
    gold = load_split(release_path, split)
    with_stance = gold_has_stance(gold)
    header = ["baseline", "split", "docs", *(name for name, _ in COLUMNS)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|",
    ]
    for b, extract in BASELINES.items():
        r = evaluate_documents(
            gold, predict(gold, extract, {}), n_resamples=n_resamples, with_stance=with_stance
        )
        cells = [b, split, str(r["documents"])]
        for _, path in COLUMNS:
            lo_hi = _ci(r, path)
            cell = _cell(r, path)
            cells.append(cell if lo_hi is None else f"{cell} [{lo_hi[0]:.3f}, {lo_hi[1]:.3f}]")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ci(result: Mapping[str, Any], path: tuple[str, ...]) -> tuple[float, float] | None:
    """The bootstrap interval of the metric at ``path`` (None when not scored)."""
    node: Any = result
    for key in path[:-1]:
        node = node[key]
    found = node.get("ci", {}).get(path[-1]) if isinstance(node, Mapping) else None
    return tuple(found) if found else None


def baseline_table(release_path: str | Path) -> str:
    """Markdown table of both baselines on every split of the release (no resampling)."""
    return markdown_table(run_baselines(release_path, n_resamples=0))
