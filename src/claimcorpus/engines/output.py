"""What every engine writes, whole or not at all (the layout is in the package docstring)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from claimcorpus.core.io import atomic_write_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.batch import OUTPUT_SCHEMA
from claimcorpus.stories.features import Features, features
from claimcorpus.stories.signatures import from_bytes

STORIES_SCHEMA = pa.schema([("doc_id", pa.string()), ("story_id", pa.string())])
SIGNALS = pa.struct(
    [
        ("near", pa.float64()),
        ("quotes", pa.int64()),
        ("names", pa.int64()),
        ("numbers", pa.int64()),
        ("terms", pa.int64()),
        ("days", pa.int64()),
    ]
)
EDGES_SCHEMA = pa.schema(
    [
        ("a", pa.string()),
        ("b", pa.string()),
        ("kind", pa.string()),
        ("score", pa.float64()),
        ("signals", SIGNALS),  # null for a curated hint
        ("merged", pa.bool_()),  # false: a pair inside a story that joined nothing; else null
    ]
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
    cols = {k: [e.get(k) for e in edges] for k in EDGES_SCHEMA.names}
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


def read_edges(out: Path) -> list[dict[str, Any]]:
    """edges.parquet as ``stories.components`` gave them (no ``signals`` key on a hint, no
    ``merged`` key on a joining pair)."""
    rows = pq.read_table(Path(out) / "edges.parquet").to_pylist()
    optional = ("signals", "merged")
    return [{k: v for k, v in e.items() if k not in optional or v is not None} for e in rows]


def story_inputs(documents: Path, ids: list[str], chunk: int = 1000) -> tuple[np.ndarray, Features]:
    """Near-duplicate signatures and same-event features of ``ids`` (rows in ``ids`` order),
    read from the engine's documents/*.parquet a batch at a time (texts are never all held)."""
    at = {d: i for i, d in enumerate(ids)}
    rows, near, parts = [], [], []
    ok = pc.field("error_kind").is_null()
    columns = ["doc_id", "text", "published", "minhash_near_duplicate"]
    dataset = pads.dataset(documents, format="parquet")
    for batch in dataset.to_batches(columns=columns, filter=ok, batch_size=chunk):
        d = batch.to_pydict()
        rows.append(np.array([at[x] for x in d["doc_id"]], np.int64))
        near.append(from_bytes(d["minhash_near_duplicate"]))
        parts.append(features(d["text"], d["published"]))
    if not parts:
        return from_bytes([]), features([], [])
    order = np.concatenate(rows)
    feats = Features.concat(parts)
    sig = np.empty_like(np.concatenate(near))
    sig[order] = np.concatenate(near)
    day = np.empty_like(feats.day)
    day[order] = feats.day
    return sig, Features(order[feats.doc].astype(np.int32), feats.kind, feats.key, day)
