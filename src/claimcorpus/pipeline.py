"""The `build` command: wires the release steps, the engines and the baseline table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from claimcorpus.core.io import dumps_json, read_json
from claimcorpus.core.problems import InputError
from claimcorpus.engines import EngineError, add_spark_master
from claimcorpus.release import build, splits
from claimcorpus.report.release_notes import update_changelog, update_datasheet
from claimcorpus.report.results_card import card_section


def build_into(root: Path, version: str, out: Path, baselines: bool = True, **kwargs: Any) -> dict:
    """``release.build.build_into`` with the baseline table in the card (``baselines``)."""
    return build.build_into(root, version, out, card_sections=_sections(baselines), **kwargs)


def build_release(
    root: str | Path,
    version: str,
    releases_dir: str | Path | None = None,
    baselines: bool = True,
    **kwargs: Any,
) -> tuple[Path, str]:
    """``release.build.build_release`` with the baseline table in the card (``baselines``):
    what ``claimcorpus build`` runs."""
    return build.build_release(
        root, version, releases_dir, card_sections=_sections(baselines), **kwargs
    )


def _sections(baselines: bool) -> tuple:
    return (card_section,) if baselines else ()


def build_command(args: argparse.Namespace) -> int:
    try:
        folder, status = build_release(
            args.root,
            args.version,
            args.releases_dir,
            baselines=not args.no_baselines,
            engine=args.engine,
            inputs=args.input,
            workers=args.workers,
            sidecar_dir=args.sidecar_dir,
            batch_size=args.batch_size,
            spark_master=args.spark_master,
        )
    except (InputError, EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = read_json(folder / "build_summary.json")
    print(f"{status} {folder}")
    print(
        f"  documents {summary['documents']} (annotated {summary['annotated_documents']}), rows {dumps_json(summary['rows']).strip()}"
    )
    for line in splits.report_lines(summary.get("split_report", {})):
        print(f"warning: {line}", file=sys.stderr)
    if summary.get("input_exclusions"):
        kinds = ", ".join(f"{k} {n}" for k, n in summary["input_exclusions"].items())
        print(f"  input records excluded ({kinds}): listed in build_summary.json")
    if status == "built" and not args.releases_dir:  # the project's own release history
        root = Path(args.root)
        if update_changelog(root / "CHANGELOG.md", root / "releases", args.version):
            print(f"  CHANGELOG.md: section [{args.version}] added (edit it to say why)")
        if update_datasheet(root / "DATASHEET.md", root):
            print("  DATASHEET.md: who annotated what regenerated")
    print("load it with:")
    print("  from datasets import load_dataset")
    print(f'  ds = load_dataset("{folder}", "documents")   # or "claims", "tokens"')
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="build releases/X.Y.Z (Hub layout, byte-reproducible, immutable)",
        description="Build an immutable release folder from corpus/ and annotations/gold/.",
    )
    p.add_argument("--version", required=True, help="release version X.Y.Z")
    p.add_argument("--releases-dir", help="where releases go (default: releases/)")
    p.add_argument(
        "--engine",
        choices=("local", "spark"),
        help="normalize and group the --input articles with this engine instead of reading "
        "corpus/ (spark needs `pip install claimcorpus[spark]`)",
    )
    p.add_argument(
        "--input",
        nargs="+",
        metavar="PARQUET_OR_DIR",
        help="articles for --engine: one Parquet file (doc_id, source_file, raw[, story, "
        "outlet, title, published, url, language, licence]) or *.txt files/folders",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="--engine local: worker processes (1 = in-process); spark: local cores",
    )
    p.add_argument("--sidecar-dir", help="*.txt input: folder of <doc_id>.meta.json sidecars")
    p.add_argument("--batch-size", type=int, default=500, help="records per Arrow batch")
    add_spark_master(p)
    p.add_argument(
        "--no-baselines",
        action="store_true",
        help="leave the baseline scores out of the card (for large unannotated builds)",
    )
    p.set_defaults(func=build_command, reads=True)
