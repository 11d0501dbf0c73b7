"""Markdown of the results table: one table per block, one for the stance classifiers.

Why separate from ``results``: the numbers are computed once and rendered for the README,
the release cards and the terminal alike. Every score carries its 95% bootstrap interval
over documents; a metric a corpus has no gold for (a label it never marks, stance in
PolNeAR) or a row that predicts none is ``n/a``, never 0.000, which would read as a
baseline that failed on real gold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from claimcorpus.evaluate.labels import SPAN_LABELS
from claimcorpus.report.results import Block, Row

NOT_APPLICABLE = "n/a"
# (header, path into an evaluate_documents result); span columns per label
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *((f"{label} strict F1", ("spans", "strict", label, "f1")) for label in SPAN_LABELS),
    *((f"{label} partial F1", ("spans", "partial", label, "f1")) for label in SPAN_LABELS),
    ("attribution strict F1", ("attributions", "strict", "f1")),
    ("attribution overlap F1", ("attributions", "overlap", "f1")),
    ("stance macro-F1", ("stance", "macro_f1")),
)


def _node(result: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = result
    for key in path:
        node = node[key]
    return node


def _applies(row: Row, path: Sequence[str]) -> bool:
    """False where the corpus has no gold for the metric or the row predicts none."""
    result = row.result
    if result is None:
        return False
    if path[0] == "stance":
        return row.stance and "skipped" not in result["stance"]
    if path[0] == "spans":
        counts = _node(result, path[:-1])
        return counts["correct"] + counts["incorrect"] + counts["partial"] + counts["missed"] > 0
    return True


def cell(row: Row, path: Sequence[str]) -> str:
    """``0.480 [0.410, 0.550]``: the score and its interval, or n/a."""
    if row.result is None or not _applies(row, path):
        return NOT_APPLICABLE
    value = float(_node(row.result, path))
    ci = _node(row.result, path[:-1]).get("ci", {}).get(path[-1])
    return f"{value:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def block_table(block: Block) -> str:
    header = ["baseline", "scored on", "docs", *(name for name, _ in COLUMNS)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|",
    ]
    for row in block.rows:
        cells = [row.name, row.scored_on, str(row.documents)]
        cells += [cell(row, path) for _, path in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _stance_cell(found: Mapping[str, Any] | None) -> str:
    if not found:
        return NOT_APPLICABLE
    ci = found["ci"].get("macro_f1")
    return f"{found['macro_f1']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def stance_table(by_corpus: Mapping[str, Mapping[str, Any]]) -> str:
    """Grouped cross-validation of the stance classifier against the majority floor."""
    header = ["corpus", "target", "examples", "docs", "folds", "classifier macro-F1"]
    header.append("majority-class macro-F1")
    lines = ["| " + " | ".join(header) + " |", "|---|---|---:|---:|---:|---:|---:|"]
    names = {"stance": "source stance", "topic_stance": "topic stance"}
    for corpus, targets in by_corpus.items():
        for target, found in targets.items():
            if not found or not found["examples"]:
                cells = [corpus, names[target], *[NOT_APPLICABLE] * 5]
            else:
                cells = [corpus, names[target], str(found["examples"]), str(found["documents"])]
                cells.append(str(len(found["folds"])))
                cells += [_stance_cell(found["classifier"]), _stance_cell(found["majority"])]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render(blocks: Sequence[Block], stance: Mapping[str, Mapping[str, Any]], resamples: int) -> str:
    """The whole results text: each block under its title, then the stance table."""
    parts = []
    for block in blocks:
        parts += [f"**{block.title}**", "", block_table(block), ""]
    if stance:
        parts += [
            "**Stance classifier, grouped cross-validation** (folds by story; pooled "
            "out-of-fold predictions)",
            "",
            stance_table(stance),
            "",
        ]
    parts += [
        f"95% bootstrap intervals over documents (percentile, {resamples} resamples); `n/a`: "
        "the corpus has no gold for the field, or the row predicts none. Attribution tuples "
        "are (claim, source, stance), or (claim, source) where stance is n/a.",
    ]
    return "\n".join(parts)
