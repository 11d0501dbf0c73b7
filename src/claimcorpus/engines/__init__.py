"""Scale-out engines: the same batch normalization and story grouping, in-process or on Spark.

Both engines write the same output folder, and write it whole or not at all: everything goes
to a hidden sibling folder that is renamed into place only after the last file is written,
so a crashed worker or a failed job never leaves partial output::

    documents/part-*.parquet  one row per input record (batch.OUTPUT_SCHEMA); local: a part
                              per input batch, in input order; Spark: a part per partition
    stories.parquet           doc_id, story_id for every record normalized without error
    edges.parquet             a, b, kind, score, signals, merged: the evidence of each join
                              (merged false: a pair inside a story that joined nothing)
    summary.json              records, normalized, excluded by kind, stories, edges

``read_output`` gives the documents sorted by doc_id with their story_id, which is what the
tests compare across engines.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from claimcorpus.core.problems import InputError
from claimcorpus.engines import local, spark
from claimcorpus.engines.output import ENGINES, EngineError, read_output
from claimcorpus.ingest.batch import input_batches, input_repeated, write_input
from claimcorpus.ingest.sites import Repeated

__all__ = ["EngineError", "add_parser", "prepare_input", "read_output", "run"]


def run(
    engine: str,
    input_path: Path,
    out: Path,
    workers: int,
    batch_size: int = 500,
    spark_master: str | None = None,
    stored: Repeated | None = None,
) -> dict[str, Any]:
    """Run one engine over an input Parquet file (doc_id, source_file, raw[, story, meta]).

    Each site's repeated lines are counted over the input first and merged with ``stored``
    (a project's ``corpus/repeated/``), as ``claimcorpus ingest`` does, so both paths
    remove the same boilerplate and give the same text."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine!r}: expected one of {ENGINES}")
    repeated = input_repeated(input_path, stored)
    if engine == "local":
        return local.build(input_path, out, workers, batch_size, repeated=repeated)
    if engine == "spark":
        return spark.run_spark(
            input_path, out, workers, batch_size=batch_size, master=spark_master, repeated=repeated
        )
    raise InputError(f"--engine {engine!r}: expected one of {ENGINES}")


def prepare_input(
    paths: list[Path], workdir: Path, batch_size: int = 500, sidecar_dir: Path | None = None
) -> Path:
    """The engines' input: one Parquet file as given, or article files/folders packed into
    ``workdir/input.parquet`` (story hints and metadata from sidecars)."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and paths[0].suffix == ".parquet":
        if not paths[0].is_file():
            raise InputError(f"{paths[0]}: no such file")
        return paths[0]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"input not found: {', '.join(missing)}")
    input_path = Path(workdir) / "input.parquet"
    if write_input(input_batches(paths, batch_size, sidecar_dir), input_path) == 0:
        raise InputError(f"no *.txt articles in {', '.join(map(str, paths))}")
    return input_path


def scale_command(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.inputs]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sidecars = Path(args.sidecar_dir) if args.sidecar_dir else None
            input_path = prepare_input(paths, Path(tmp), args.batch_size, sidecars)
            t0 = time.perf_counter()
            summary = run(
                args.engine,
                input_path,
                Path(args.out),
                args.workers,
                args.batch_size,
                args.spark_master,
            )
    except (InputError, EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - t0
    print(
        f"wrote {args.out}: {summary['records']} records in {seconds:.1f} s ({args.engine}, {args.workers} workers)"
    )
    print(
        f"  normalized {summary['normalized']}, excluded {summary['excluded']}, stories {summary['stories']}"
    )
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scale",
        help="normalize and group many articles in-process, on worker processes or on Spark",
        description="Normalize articles in Arrow batches and group them into stories with the "
        "package's MinHash. INPUT is one Parquet file (doc_id, source_file, raw[, story]) or "
        "article files/folders of *.txt. The output folder is written whole or not at all.",
    )
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a Parquet file, or *.txt files/folders"
    )
    p.add_argument("--out", required=True, help="output folder (must not exist or be empty)")
    p.add_argument("--engine", choices=ENGINES, default="local", help="default: local")
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes or Spark cores (default: all)",
    )
    p.add_argument("--batch-size", type=int, default=500, help="records per Arrow batch")
    p.add_argument("--sidecar-dir", help="folder of <doc_id>.meta.json sidecars (story hints)")
    add_spark_master(p)
    p.set_defaults(func=scale_command)


def add_spark_master(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--spark-master",
        metavar="URL",
        help="--engine spark: the cluster (yarn, spark://HOST:7077, ...); default local[WORKERS] "
        "on 127.0.0.1. On a cluster, the input and output must be on shared storage.",
    )
