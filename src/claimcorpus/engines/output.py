"""What every engine writes, written whole or not at all (see the package docstring)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from claimcorpus.core.io import atomic_write_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.batch import OUTPUT_SCHEMA

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
