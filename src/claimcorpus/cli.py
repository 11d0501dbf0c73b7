"""The one `claimcorpus` command. Each subcommand lives in its own module with `add_parser`."""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> module that defines add_parser(subparsers) registering that subcommand.
COMMANDS: dict[str, str] = {
    "ingest": "claimcorpus.corpus",
    "normalize": "claimcorpus.normalize",
    "anchor": "claimcorpus.gold",
    "build": "claimcorpus.release",
    "validate": "claimcorpus.validate",
    "schema": "claimcorpus.scheme",
    "evaluate": "claimcorpus.evaluate.cli",
    "baseline": "claimcorpus.baseline.cli",
    "ls": "claimcorpus.labelstudio.cli",
    "agreement": "claimcorpus.agreement",
    "adjudicate": "claimcorpus.adjudicate",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimcorpus", description="Build, validate, label and benchmark the claims corpus."
    )
    parser.add_argument("--root", default=".", help="project root (default: current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # TODO(dev-session): make strict once all land
            if not exc.name or not module.startswith(exc.name):
                raise
            continue
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
