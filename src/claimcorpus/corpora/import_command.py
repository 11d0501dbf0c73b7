"""``claimcorpus import brat|polnear``: bring another corpus's articles and annotations in.

``import brat DIR --map Source=SOURCE,Cue=CUE,Content=CLAIM [--relation Attribution]`` reads
``.txt`` + ``.ann`` pairs (see ``corpora/brat_import.py`` for how files become layers and
``corpora/brat_records.py`` for how lines become spans and attributions). ``import polnear
POLNEAR_DIR`` does the same for PolNeAR's compartments, with its metadata and fixed splits
(``corpora/polnear.py``). Both check everything first and write nothing when anything is
wrong, unless ``--skip-invalid``, which writes the valid files and lists every one left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimcorpus.core.problems import InputError, summary
from claimcorpus.core.scheme import load_scheme
from claimcorpus.corpora import polnear
from claimcorpus.corpora.brat_import import Options, Plan, commit, plan_import
from claimcorpus.corpora.brat_records import BratMap

MAX_SHOWN = 200  # problems printed; the rest are counted


def report(plan: Plan, skip_invalid: bool) -> bool:
    """Print the errors and a summary of every problem; True when the plan may be written.

    Warnings are counted here and listed in full in the import log."""
    errors = plan.errors
    for p in errors[:MAX_SHOWN]:
        print(p, file=sys.stderr)
    if len(errors) > MAX_SHOWN:
        print(f"... and {len(errors) - MAX_SHOWN} more errors", file=sys.stderr)
    if plan.problems:
        print(summary(plan.problems), file=sys.stderr)
    if plan.errors and not skip_invalid:
        print(
            f"error: {len(plan.errors)} error(s); nothing was written "
            "(fix them, or pass --skip-invalid to import the rest and list what is left out)",
            file=sys.stderr,
        )
        return False
    for s in plan.skipped:
        print(f"skipped {s}", file=sys.stderr)
    return True


def print_counts(plan: Plan) -> None:
    layers: dict[str, int] = {}
    for layer, _ in plan.layers:
        layers[layer.split("/")[0]] = layers.get(layer.split("/")[0], 0) + 1
    print(
        f"{len(plan.documents)} documents, {layers.get('gold', 0)} gold records, "
        f"{layers.get('raw', 0)} raw layer records, {len(plan.skipped)} skipped"
    )
    for k, v in sorted(plan.counts.items()):
        print(f"  {v:7d}  {k}")


def brat_command(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        scheme = load_scheme(root)
        bmap = BratMap.parse(args.map, args.relation, args.ignore, scheme)
        folder = Path(args.dir)
        ann_dir = Path(args.ann_dir) if args.ann_dir else folder
        for d in (folder, ann_dir):
            if not d.is_dir():
                raise InputError(f"{d}: no such folder")
        opts = Options(
            annotator=args.annotator,
            single_as_gold=args.single_as_gold,
            adjudicate=args.adjudicate,
            replace=args.replace,
        )
        plan = plan_import(root, folder, ann_dir, bmap, scheme, opts)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not report(plan, args.skip_invalid):
        return 1
    log = commit(root, plan, "brat", str(folder))
    print_counts(plan)
    print(f"import log: {log}")
    return 0


def polnear_command(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        result = polnear.plan(root, Path(args.dir), args.compartments.split(","))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if not report(result.plan, args.skip_invalid):
        return 1
    log = polnear.write(root, result, str(Path(args.dir)))
    print_counts(result.plan)
    print(f"import log: {log}")
    print(f"next: claimcorpus --root {root} build --version 1.0.0")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import brat standoff or PolNeAR into this corpus root",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    b = kinds.add_parser("brat", help="a folder of .txt + .ann pairs")
    b.add_argument("dir", help="folder of <doc>.txt (and .ann, unless --ann-dir)")
    b.add_argument("--map", required=True, help="brat types to labels: Source=SOURCE,Cue=CUE,...")
    b.add_argument("--relation", default="Attribution", help="E/R types that are attributions")
    b.add_argument("--ignore", default="", help="brat types to leave out (comma list), counted")
    b.add_argument("--ann-dir", help="folder of the .ann files (default: DIR)")
    b.add_argument("--annotator", default="brat", help="annotator named in gold from <doc>.ann")
    b.add_argument(
        "--single-as-gold",
        action="store_true",
        help="a document with one <doc>_<annotator>.ann gets it as gold",
    )
    b.add_argument(
        "--adjudicate",
        action="store_true",
        help="documents with several annotator files get gold by the majority policy",
    )
    b.add_argument("--replace", action="store_true", help="replace layer records that differ")
    b.add_argument(
        "--skip-invalid", action="store_true", help="import the valid files, list the rest"
    )
    b.set_defaults(func=brat_command, writes=True)
    q = kinds.add_parser("polnear", help="PolNeAR v1.0.0 (brat, metadata.tsv, compartments)")
    q.add_argument("dir", help="the PolNeAR folder (holding data/metadata.tsv)")
    q.add_argument(
        "--compartments",
        default="train,dev,test",
        help="compartments to import (default train,dev,test; dev is the validation split)",
    )
    q.add_argument(
        "--skip-invalid", action="store_true", help="import the valid files, list the rest"
    )
    q.set_defaults(func=polnear_command, writes=True)
