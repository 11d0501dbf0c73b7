"""``claimcorpus evaluate``: score a predictions JSONL file against a release split."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from claimcorpus.evaluate.reader import PredictionError, read_predictions
from claimcorpus.evaluate.report import format_report
from claimcorpus.evaluate.score import evaluate_documents, gold_has_stance

EXIT_BAD_INPUT = 2


def load_gold(release: str | Path, split: str) -> list[dict[str, Any]]:
    """Gold records of one split, via the release module (imported late: optional at parse)."""
    from claimcorpus.release.load import load_documents

    return load_documents(release, split)


def run(args: argparse.Namespace) -> int:
    """Load, check, score, print; bad input is exit code 2 with the problems on stderr."""
    try:
        gold = load_gold(args.release, args.split)
    except Exception as exc:  # any failure to load means a bad --release or --split
        print(f"error: cannot load split {args.split!r} of {args.release}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    texts = {d["doc_id"]: d.get("text") for d in gold}
    with_stance = gold_has_stance(gold)
    try:
        pred = read_predictions(args.predictions, texts, with_stance=with_stance)
    except PredictionError as exc:
        print(f"error: bad predictions\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = evaluate_documents(
        gold,
        pred,
        n_resamples=args.bootstrap,
        seed=args.seed,
        min_overlap_percentage=args.min_overlap,
        with_stance=with_stance,
    )
    result = {"predictions": str(args.predictions), "split": args.split, **result}
    print(format_report(result, title=f"{args.predictions} on split {args.split}"))
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
            "Score a predictions JSONL file (one document record per line) against the gold "
            "of one release split: span P/R/F1 under nervaluate's strict/exact/partial/"
            "ent_type schemes, attribution tuple F1 and stance accuracy/macro-F1, each with "
            "a document-level bootstrap confidence interval. Exit code 2 on bad input."
        ),
    )
    parser.add_argument("--predictions", required=True, type=Path, help="predictions JSONL")
    parser.add_argument("--release", required=True, help="release folder (a datasets repo)")
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
