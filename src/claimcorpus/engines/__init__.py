"""Scale-out engines: the same batch normalization and story grouping, in-process or on Spark.

Both engines write the same output folder, and write it whole or not at all: everything goes
to a hidden sibling folder that is renamed into place only after the last file is written,
so a crashed worker or a failed job never leaves partial output::

    documents/part-*.parquet  one row per input record (batch.OUTPUT_SCHEMA); local: a part
                              per input batch, in input order; Spark: a part per partition
    stories.parquet           doc_id, story_id for every record normalized without error
    edges.parquet             a, b, kind, score: the evidence that joined two documents
    summary.json              records, normalized, excluded by kind, stories, edges

``read_output`` gives the documents sorted by doc_id with their story_id, which is what the
tests compare across engines.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from claimcorpus.core.io import atomic_write_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.batch import OUTPUT_SCHEMA, input_batches, write_input

STORIES_SCHEMA = pa.schema([("doc_id", pa.string()), ("story_id", pa.string())])
EDGES_SCHEMA = pa.schema(
    [("a", pa.string()), ("b", pa.string()), ("kind", pa.string()), ("score", pa.float64())]
)
ENGINES = ("local", "spark")


class EngineError(RuntimeError):
    """The run failed as a whole (a worker died, the Spark job failed); nothing was written."""


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A hidden sibling folder renamed to ``out`` on success and removed on any failure."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out}: output folder exists and is not empty; choose another")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def finish(
    tmp: Path,
    story_of: dict[str, str],
    edges: list[dict],
    counts: dict[str, Any],
) -> dict[str, Any]:
    """Write stories, edges and the summary into the staged folder; return the summary."""
    ids = sorted(story_of)
    pq.write_table(
        pa.table({"doc_id": ids, "story_id": [story_of[d] for d in ids]}, schema=STORIES_SCHEMA),
        tmp / "stories.parquet",
        compression="zstd",
    )
    cols = {k: [e[k] for e in edges] for k in EDGES_SCHEMA.names}
    pq.write_table(pa.table(cols, schema=EDGES_SCHEMA), tmp / "edges.parquet", compression="zstd")
    summary = {
        **counts,
        "stories": len(set(story_of.values())),
        "edges": dict(sorted(_count(e["kind"].split(":")[0] for e in edges).items())),
    }
    atomic_write_json(tmp / "summary.json", summary)
    return summary


def check_unique(doc_ids: list[str]) -> None:
    """Story ids are keyed by doc_id: a duplicated doc_id fails the run."""
    if len(set(doc_ids)) != len(doc_ids):
        dup = sorted(d for d, n in _count(doc_ids).items() if n > 1)
        raise InputError(
            f"duplicate doc_id(s) in the input: {dup[:5]}{' …' if len(dup) > 5 else ''}"
        )


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return out


def read_output(out: str | Path) -> pa.Table:
    """Documents sorted by doc_id with a ``story_id`` column (null for error rows)."""
    out = Path(out)
    docs = pq.read_table(out / "documents").cast(OUTPUT_SCHEMA)
    docs = docs.sort_by("doc_id")
    stories = dict(zip(*pq.read_table(out / "stories.parquet").to_pydict().values(), strict=True))
    sid = pa.array([stories.get(d) for d in docs.column("doc_id").to_pylist()], pa.string())
    return docs.append_column("story_id", sid)


def run(
    engine: str,
    input_path: Path,
    out: Path,
    workers: int,
    batch_size: int = 500,
    spark_master: str | None = None,
) -> dict[str, Any]:
    """Run one engine over an input Parquet file (doc_id, source_file, raw[, story, meta])."""
    if engine == "local":
        from claimcorpus.engines.local import build

        return build(input_path, out, workers, batch_size)
    if engine == "spark":
        try:
            from claimcorpus.engines.spark import run_spark
        except ImportError as exc:
            raise InputError(
                f"--engine spark needs PySpark ({exc}); install it with pip install 'claimcorpus[spark]'"
            ) from None

        return run_spark(input_path, out, workers, batch_size=batch_size, master=spark_master)
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
