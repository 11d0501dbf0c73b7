"""The `index` command: check, rebuild or migrate the corpus's ingest index and layout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimcorpus.core.problems import has_errors
from claimcorpus.ingest import index as idx
from claimcorpus.ingest.migrate import migrate


def index_command(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if args.migrate:
        n = migrate(root)
        print(f"migrated {n} document(s) to corpus/docs/; index rebuilt")
        return 0
    if args.rebuild:
        print(f"index rebuilt from {idx.rebuild(root)} document(s)")
        return 0
    problems = idx.check(root)
    for p in problems:
        print(p)
    if has_errors(problems):
        print(
            f"{len(problems)} problem(s): the index disagrees with the documents; "
            "`claimcorpus index --rebuild` repairs it",
            file=sys.stderr,
        )
        return 1
    print("index agrees with the documents")
    return 0


def _writes(args: argparse.Namespace) -> bool:
    """--rebuild and --migrate write the corpus (core/lock.py); --check only reads it."""
    return bool(args.rebuild or args.migrate)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index",
        help="check or rebuild the ingest index; migrate an old-layout corpus",
        description="The ingest index (corpus/index/) maps raw sha256 to doc_id and doc_id to "
        "its raw sha256 and source file, so ingest decides new/unchanged/changed without "
        "opening documents. Default (--check): compare it with corpus/docs/ and list every "
        "difference (exit 1). --rebuild writes it anew from the documents. --migrate moves a "
        "corpus from the old layout (meta/, normalized/, exclusions/) to corpus/docs/.",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--check", action="store_true", help="compare with the documents (default)")
    g.add_argument("--rebuild", action="store_true", help="rebuild it from the documents")
    g.add_argument("--migrate", action="store_true", help="move an old-layout corpus to docs/")
    p.set_defaults(func=index_command, writes=_writes)
