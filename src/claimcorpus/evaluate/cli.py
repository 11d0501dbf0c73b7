"""``claimcorpus evaluate``: score predictions against a release split.

Predictions are a JSONL file (``--predictions``) or a pred layer of the project
(``--layer pred/<model>``); both become the same records (``core/records.LayerRecord``)
before scoring, so the same predictions score the same either way. A generative model's
answers (``--quotes``: exact quotes, not offsets) are anchored to the text first
(``evaluate/quotes``) and scored the same way; the quotes that found no place are counted
in their own ``quotes`` block.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from datasets.exceptions import DatasetsError

from claimcorpus.core.problems import InputError
from claimcorpus.core.project import resolve_root
from claimcorpus.core.records import LayerRecord
from claimcorpus.evaluate.layer import read_layer
from claimcorpus.evaluate.quotes import anchor_answers, format_quotes, read_answers
from claimcorpus.evaluate.reader import Known, PredictionError, read_predictions
from claimcorpus.evaluate.report import format_report
from claimcorpus.evaluate.score import evaluate_documents, gold_has_stance
from claimcorpus.evaluate.target import Target, load_target
from claimcorpus.release.fields import release_scheme
from claimcorpus.release.locate import find_release

EXIT_BAD_INPUT = 2


def load_gold(release: str | Path, split: str, root: str | Path | None = None) -> Target:
    """The gold side: ``release`` is a folder, or a version under ``<root>/releases``."""
    return load_target(find_release(release, root), split)


def read_scored(path: Path, target: Target) -> tuple[list[dict[str, Any]], list[str]]:
    """Checked predictions of a JSONL file for the gold documents, and warnings."""
    texts: dict[str, str | None] = dict.fromkeys(target.members)
    texts.update({d["doc_id"]: d.get("text") for d in target.docs})
    known = Known(target.split, target.split_of, target.class_names, gold_has_stance(target.docs))
    return scored(read_predictions(path, texts, known=known), target, str(path))


def scored(
    pred: list[LayerRecord], target: Target, source: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """The records to score (as the scorer reads them), and warnings for the user.

    Documents of the split that have no gold (not annotated) are accepted but not scored.
    """
    warnings = []
    if not pred:
        warnings.append(
            f"{source} holds no predictions: every gold span and attribution counts as missed"
        )
    gold_ids = {d["doc_id"] for d in target.docs}
    unscored = sorted(r.doc_id for r in pred if r.doc_id not in gold_ids)
    if unscored:
        warnings.append(
            f"{len(unscored)} predicted document(s) of split {target.split!r} have no gold "
            f"annotations and are not scored: {', '.join(unscored[:5])}"
            + (" ..." if len(unscored) > 5 else "")
        )
    return [r.to_json() for r in pred if r.doc_id in gold_ids], warnings


def read_quotes(path: Path, target: Target) -> tuple[list[dict], list[str], dict[str, Any]]:
    """A generative model's answers anchored to the gold texts: the records to score, the
    warnings, and the ``quotes`` block (how many quotes found a place, by role and reason)."""
    known = Known(target.split, target.split_of)
    answers = read_answers(path, release_scheme(target.release), known, target.members)
    texts = {d["doc_id"]: d.get("text") for d in target.docs}
    records, tally = anchor_answers(answers, texts, path.stem)
    pred, warnings = scored(records, target, str(path))
    return pred, warnings, tally.to_json()


def read_source(args: argparse.Namespace, target: Target) -> tuple[list[dict], list[str], str]:
    """Predictions from ``--predictions`` (JSONL) or ``--layer`` (a pred layer of the
    project), their warnings, and the name the report gives them."""
    if args.predictions is not None:
        pred, warnings = read_scored(args.predictions, target)
        return pred, warnings, str(args.predictions)
    root = resolve_root(getattr(args, "root", None), Path.cwd(), required=True)
    pred, warnings = scored(read_layer(root, args.layer, target), target, args.layer)
    return pred, warnings, args.layer


def run(args: argparse.Namespace) -> int:
    """Load, check, score, print; bad input is exit code 2 with the problems on stderr."""
    try:
        target = load_gold(args.release, args.split, getattr(args, "root", None))
    except (InputError, OSError, ValueError, DatasetsError) as exc:
        print(f"error: cannot load split {args.split!r} of {args.release}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    quotes = None
    try:
        if getattr(args, "quotes", None) is not None:
            pred, warnings, quotes = read_quotes(args.quotes, target)
            source = str(args.quotes)
        else:
            pred, warnings, source = read_source(args, target)
    except PredictionError as exc:
        print(f"error: bad predictions\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    result = evaluate_documents(
        target.docs,
        pred,
        n_resamples=args.bootstrap,
        seed=args.seed,
        min_overlap_percentage=args.min_overlap,
        with_stance=gold_has_stance(target.docs),
    )
    result = {"predictions": source, "split": args.split, **result}
    if quotes is not None:
        result["quotes"] = quotes
    report = format_report(result, title=f"{source} on split {args.split}")
    print(report + (f"\n\n{format_quotes(quotes)}" if quotes is not None else ""))
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``evaluate`` on the main parser's subcommands."""
    parser = subparsers.add_parser(
        "evaluate",
        help="score predictions (JSONL) against a release split",
        description=(
            "Score a predictions JSONL file (one document record per line) or a pred layer "
            "against the gold of one release split: span P/R/F1 under nervaluate's strict/exact/partial/"
            "ent_type schemes, attribution tuple F1 and stance accuracy/macro-F1, each with "
            "a document-level bootstrap confidence interval. Exit code 2 on bad input."
        ),
    )
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--predictions", type=Path, help="predictions JSONL")
    given.add_argument(
        "--layer",
        metavar="pred/MODEL",
        help="a pred layer of the project (annotations/pred/MODEL/, written by "
        "`claimcorpus predictions import`); its records of the split's documents are scored",
    )
    given.add_argument(
        "--quotes",
        type=Path,
        metavar="ANSWERS.jsonl",
        help="a generative model's answers to `claimcorpus export prompts` (doc_id + "
        "attributions as exact quotes); quotes are anchored to the text, the ones that find "
        "no place counted apart",
    )
    parser.add_argument(
        "--release",
        required=True,
        help="release folder (a datasets repo), or a version under <root>/releases (1.0.0)",
    )
    parser.add_argument("--split", default="test", help="split to score against (default: test)")
    parser.add_argument("--json", metavar="OUT", help="also write the full result as JSON here")
    parser.add_argument(
        "--bootstrap", type=int, default=1000, metavar="N", help="resamples (default: 1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    parser.add_argument(
        "--min-overlap",
        type=float,
        default=1.0,
        metavar="PCT",
        help="percent of a gold span a partial match must cover (nervaluate; default: 1)",
    )
    parser.set_defaults(func=run)
    return parser
