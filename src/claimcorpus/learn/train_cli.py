"""``claimcorpus train``: fit the learned baseline on a release's train split."""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path
from typing import Any

from claimcorpus.core.problems import InputError
from claimcorpus.learn.train import load_config, train_model
from claimcorpus.release.locate import find_release

EXIT_BAD_INPUT = 2


def run(args: argparse.Namespace) -> int:
    """Train and report; bad input (no train split, a bad config) exits 2, nothing written."""
    try:
        config = load_config(args.config)
        release = find_release(args.release, getattr(args, "root", None))
        result = train_model(release, Path(args.out), config, args.seed, not args.quiet)
    except InputError as exc:
        print(f"error: cannot train: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    m = result.manifest
    print(
        f"trained {m['name']} on {m['release']['documents']} document(s) of {release} in "
        f"{m['training_seconds']} s (peak RSS {rss:.0f} MB); loss log in "
        f"{result.folder / 'train_log.jsonl'}"
    )
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``train`` on the main parser's subcommands."""
    parser = subparsers.add_parser(
        "train",
        help="train the learned baseline (CRF spans + attribution linker) on a release",
        description=(
            "Train one BIO CRF per span label (sklearn-crfsuite) and a pairwise attribution "
            "linker on the train split of a release, on CPU, and write the model folder "
            "(manifest, model files, loss log). Deterministic for a seed. Exit code 2 on bad "
            "input, with an earlier model of the same name left as it was."
        ),
    )
    parser.add_argument(
        "--release", required=True, help="release folder, or a version under <root>/releases"
    )
    parser.add_argument("--out", required=True, help="model folder to write (models/NAME)")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="YAML/JSON CRF settings: c1, c2, max_iterations, min_freq (default: built in)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the linker's solver")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
    return parser
