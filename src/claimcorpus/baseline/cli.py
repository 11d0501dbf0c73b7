"""``claimcorpus baseline``: score the rule and trivial baselines on every release split."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from claimcorpus.baseline.run import ReleaseError, markdown_table, run_baselines
from claimcorpus.core.io import atomic_write_bytes

EXIT_BAD_INPUT = 2
# The baseline table lives between these lines in the project README (--readme replaces it).
CARD_START = "<!-- baselines:start -->"
CARD_END = "<!-- baselines:end -->"


def replace_block(card: str, table: str) -> str:
    """The card with the text between the baseline markers replaced by ``table``."""
    head, sep, rest = card.partition(CARD_START)
    _, sep2, tail = rest.partition(CARD_END)
    if not sep or not sep2:
        raise ValueError(f"no {CARD_START} ... {CARD_END} block")
    return f"{head}{CARD_START}\n{table}\n{CARD_END}{tail}"


def run(args: argparse.Namespace) -> int:
    release = Path(args.release)
    try:
        result = run_baselines(release, n_resamples=args.bootstrap, seed=args.seed)
    except ReleaseError as exc:
        print(f"error: cannot run baselines on {release}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    table = markdown_table(result)
    print(table)
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({**result, "table": table}, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
    if args.readme:
        # The release card got the same table at build time (releases are immutable);
        # this refreshes the project README's copy of it.
        readme = Path(args.readme)
        try:
            atomic_write_bytes(
                readme, replace_block(readme.read_text(encoding="utf-8"), table).encode()
            )
        except (OSError, ValueError) as exc:
            print(f"error: cannot update {readme}: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"updated {readme}")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``baseline`` on the main parser's subcommands."""
    parser = subparsers.add_parser(
        "baseline",
        help="score the rule-based and trivial baselines on every split of a release",
        description=(
            "Run the rule-based attribution extractor and the trivial cue-sentence baseline "
            "on every split listed in the release's splits.json, score them, print a markdown "
            "table (baseline x split) and write all results as JSON."
        ),
    )
    parser.add_argument("--release", required=True, help="release folder (a datasets repo)")
    parser.add_argument("--json", metavar="OUT", help="also write all results (with CIs) as JSON")
    parser.add_argument(
        "--readme",
        metavar="FILE",
        help=f"put the table into FILE (the project README) between {CARD_START} and {CARD_END}",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=1000, metavar="N", help="resamples for the JSON CIs"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    parser.set_defaults(func=run)
    return parser
