"""Engine-neutral batch normalization: Arrow record batches of raw articles in, rows out.

``normalize_batches`` is an ``Iterator[RecordBatch] -> Iterator[RecordBatch]`` function, the
shape Spark's ``mapInArrow`` and a process pool both call unchanged, so every engine runs the
same code and gives the same rows. Input columns: ``doc_id`` (string), ``source_file``
(string), ``raw`` (binary) and optionally ``story`` (a curated story hint) and the sidecar
metadata ``outlet``, ``title``, ``published``, ``url``, ``language``, ``licence`` (strings;
null = not given). Output: one row per input record, ``OUTPUT_SCHEMA`` (published as
schema/batch_output.schema.json), with the metadata resolved as ingest resolves it
(``corpus.resolve_meta``), so a release built from it equals one built from ``corpus/``.

A bad record (empty, binary, invalid UTF-8, all boilerplate, over the size limit) never
raises: its row has ``error_kind`` and ``error`` set and null text, so one bad article
cannot kill a job and every exclusion is counted with its reason.

Fault injection (tests only): when ``CLAIMCORPUS_FAULT_EXIT_DOC`` names a doc_id, the
process that reaches that record exits at once with ``os._exit(86)``, as a crashed worker
would. Engines must then fail the whole run without writing output (or retry).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

import numpy as np
import pyarrow as pa

from claimcorpus.core.io import sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.metadata import validate_meta
from claimcorpus.ingest.sites import Repeated, merge_repeated, site_of
from claimcorpus.ingest.store import (
    DEFAULT_LICENCE,
    MAX_BYTES,
    META_COLUMNS,
    doc_id_for,
    read_sidecar,
    resolve_meta,
)
from claimcorpus.normalize.repetition import SiteLines
from claimcorpus.normalize.text import NORMALIZER_VERSION, Normalized, normalize_bytes
from claimcorpus.stories.signatures import signatures, to_bytes

FAULT_ENV = "CLAIMCORPUS_FAULT_EXIT_DOC"
FAULT_EXIT_CODE = 86
INPUT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_file", pa.string()),
        ("raw", pa.binary()),
        ("story", pa.string()),
        *((c, pa.string()) for c in META_COLUMNS),
    ]
)
_SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32())])
_EXCLUSION = pa.struct(
    [
        ("line", pa.int32()),
        ("raw_start", pa.int32()),
        ("raw_end", pa.int32()),
        ("text", pa.string()),
        ("rule", pa.string()),
        ("reason", pa.string()),
    ]
)
_OFFSET_MAP = pa.struct(
    [("norm", pa.list_(pa.int32())), ("raw", pa.list_(pa.int32())), ("copy", pa.list_(pa.bool_()))]
)
OUTPUT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_file", pa.string()),
        ("story", pa.string()),
        ("raw_sha256", pa.string()),
        ("normalizer_version", pa.string()),
        ("text", pa.string()),
        ("text_sha256", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.string()),
        ("url", pa.string()),
        ("language", pa.string()),
        ("licence", pa.string()),
        ("paragraphs", pa.list_(_SPAN)),
        ("sentences", pa.list_(_SPAN)),
        ("offset_map", _OFFSET_MAP),
        ("exclusions", pa.list_(_EXCLUSION)),
        ("notices", pa.list_(pa.string())),
        ("minhash_near_duplicate", pa.binary()),  # 128 x uint64 little-endian (stories/signatures)
        ("minhash_same_story", pa.binary()),
        ("error_kind", pa.string()),
        ("error", pa.string()),
    ]
)
ERROR_KINDS = {
    "empty file": "empty",
    "binary file": "binary",
    "invalid UTF-8": "invalid-utf8",
    "nothing left after removing boilerplate": "all-boilerplate",
}


def spark_type(t: pa.DataType) -> str:
    """The Spark DDL spelling of the Arrow types used here (the published schema gives it)."""
    if pa.types.is_struct(t):
        return "struct<" + ",".join(f"`{f.name}`:{spark_type(f.type)}" for f in t) + ">"
    if pa.types.is_list(t):
        return f"array<{spark_type(t.value_type)}>"
    names = {pa.string(): "string", pa.binary(): "binary", pa.int32(): "int", pa.bool_(): "boolean"}
    return names[t]


def error_kind(message: str) -> str:
    return next((k for text, k in ERROR_KINDS.items() if text in message), "invalid-input")


def _normalize_one(
    doc_id: str | None,
    name: str,
    raw: bytes | None,
    meta: dict | None = None,
    repeated: Repeated | None = None,
) -> Normalized | tuple[str, str]:
    """Normalized text, or (error_kind, message) for a bad record."""
    try:
        validate_meta(meta or {}, name, doc_id)
    except InputError as exc:
        return "bad-metadata", str(exc)
    if doc_id is None:
        return "missing-doc-id", f"{name}: record without a doc_id"
    if raw is not None and len(raw) > MAX_BYTES:
        return (
            "too-large",
            f"{name}: {len(raw):,} bytes is over the {MAX_BYTES:,}-byte limit for one article",
        )
    site = site_of(meta or {})
    try:
        return normalize_bytes(raw or b"", name, (repeated or {}).get(site or ""))
    except InputError as exc:
        return error_kind(str(exc)), str(exc)


def _list_array(values: list[list | None], value_type: pa.DataType) -> pa.Array:
    """A list column from per-row Python lists (None = null row) without per-row Arrow calls."""
    lengths = np.fromiter((len(v) if v is not None else 0 for v in values), np.int32, len(values))
    offsets = pa.array(np.concatenate(([0], np.cumsum(lengths, dtype=np.int32))))
    flat = pa.array(list(chain.from_iterable(v for v in values if v)), value_type)
    mask = pa.array([v is None for v in values])
    return pa.ListArray.from_arrays(offsets, flat, mask=mask)


def _span_array(values: list[list[tuple[int, int]] | None]) -> pa.Array:
    pairs = [np.asarray(v, np.int32).reshape(-1, 2) if v is not None else None for v in values]
    flat = np.concatenate([p for p in pairs if p is not None] or [np.zeros((0, 2), np.int32)])
    spans = pa.StructArray.from_arrays([flat[:, 0], flat[:, 1]], fields=list(_SPAN))
    lengths = np.fromiter((len(p) if p is not None else 0 for p in pairs), np.int32, len(pairs))
    offsets = pa.array(np.concatenate(([0], np.cumsum(lengths, dtype=np.int32))))
    return pa.ListArray.from_arrays(offsets, spans, mask=pa.array([p is None for p in pairs]))


def normalize_batch(
    batch: pa.RecordBatch, fault: str | None = None, repeated: Repeated | None = None
) -> pa.RecordBatch:
    """Normalize every record of one input batch; bad records become error rows.

    ``fault`` (default: the FAULT_ENV variable) is the test-only crash hook; a process pool
    passes it explicitly, since a forkserver child does not see the parent's later env.
    ``repeated``: each site's repeated lines (ingest/sites.py), for the boilerplate detector.
    """
    names = batch.schema.names
    if "doc_id" not in names or "raw" not in names:
        raise InputError(f"batch input needs columns doc_id and raw; got {names}")
    n = batch.num_rows
    ids = batch.column("doc_id").to_pylist()
    raws = batch.column("raw").to_pylist()
    files = batch.column("source_file").to_pylist() if "source_file" in names else [None] * n
    hints = batch.column("story").to_pylist() if "story" in names else [None] * n
    given = {c: batch.column(c).to_pylist() for c in META_COLUMNS if c in names}
    fault = fault if fault is not None else os.environ.get(FAULT_ENV)
    results: list[Normalized | tuple[str, str]] = []
    for doc_id, name, raw in zip(ids, files, raws, strict=True):
        if fault and doc_id == fault:
            os._exit(FAULT_EXIT_CODE)  # fault-injection hook, see the module docstring
        row = {c: v[len(results)] for c, v in given.items() if v[len(results)] is not None}
        results.append(_normalize_one(doc_id, name or doc_id or "<record>", raw, row, repeated))
    ok = [r if isinstance(r, Normalized) else None for r in results]
    meta = [
        resolve_meta(
            {c: v[i] for c, v in given.items() if v[i] is not None},
            r.text,
            r.title,
            DEFAULT_LICENCE,
        )
        if r
        else dict.fromkeys(META_COLUMNS)
        for i, r in enumerate(ok)
    ]
    texts = [r.text for r in ok if r is not None]
    near, same = signatures(texts)
    near_b, same_b = iter(to_bytes(near)), iter(to_bytes(same))
    cols = {
        "doc_id": ids,
        "source_file": files,
        "story": hints,
        "raw_sha256": [sha256_bytes(r) if r is not None else None for r in raws],
        "normalizer_version": [NORMALIZER_VERSION] * n,
        "text": [r.text if r else None for r in ok],
        "text_sha256": [sha256_bytes(r.text.encode("utf-8")) if r else None for r in ok],
        **{
            c: [m[c] for m in meta]
            for c in ("title", "outlet", "published", "url", "language", "licence")
        },
        "paragraphs": _span_array([r.paragraphs if r else None for r in ok]),
        "sentences": _span_array([r.sentences if r else None for r in ok]),
        "offset_map": pa.StructArray.from_arrays(
            [
                _list_array([r.norm if r else None for r in ok], pa.int32()),
                _list_array([r.raw if r else None for r in ok], pa.int32()),
                _list_array([r.copy if r else None for r in ok], pa.bool_()),
            ],
            fields=list(_OFFSET_MAP),
            mask=pa.array([r is None for r in ok]),
        ),
        "exclusions": pa.array([r.exclusions if r else None for r in ok], pa.list_(_EXCLUSION)),
        "notices": _list_array([r.notices if r else None for r in ok], pa.string()),
        "minhash_near_duplicate": [next(near_b) if r else None for r in ok],
        "minhash_same_story": [next(same_b) if r else None for r in ok],
        "error_kind": [None if r else results[i][0] for i, r in enumerate(ok)],
        "error": [None if r else results[i][1] for i, r in enumerate(ok)],
    }
    arrays = [
        c if isinstance(c, pa.Array) else pa.array(c, f.type)
        for c, f in zip(cols.values(), OUTPUT_SCHEMA, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=OUTPUT_SCHEMA)


def normalize_batches(
    batches: Iterable[pa.RecordBatch], repeated: Repeated | None = None
) -> Iterator[pa.RecordBatch]:
    """``Iterator[RecordBatch] -> Iterator[RecordBatch]``: one output batch per input batch."""
    for batch in batches:
        yield normalize_batch(batch, repeated=repeated)


def input_repeated(input_path: str | Path, stored: Repeated | None = None) -> Repeated:
    """Each site's repeated lines for an engine run, found as ``claimcorpus ingest`` finds
    them (ingest/run.py): one streaming pass counts every input record's lines per site
    (``normalize.repetition.SiteLines``), merged with the project's stored table
    (``corpus/repeated/``), so the engine path removes exactly the lines ingest removes.
    Only the sites of the input are kept (the table travels to every worker)."""
    import pyarrow.parquet as pq

    lines = SiteLines()
    sites: set[str] = set()
    source = pq.ParquetFile(input_path)
    cols = [c for c in ("raw", "outlet", "url") if c in source.schema_arrow.names]
    for b in source.iter_batches(columns=cols):
        d = b.to_pydict()
        for i, raw in enumerate(d["raw"]):
            site = site_of({c: d[c][i] for c in ("outlet", "url") if c in d})
            if site is None or raw is None:
                continue
            sites.add(site)
            text = raw.decode("utf-8", "replace")
            lines.add(site, (ln.strip() for ln in text.splitlines()))
    table = merge_repeated(stored or {}, lines.repeated())
    return {s: table[s] for s in sorted(sites) if table.get(s)}


def input_batches(
    paths: Iterable[str | Path], batch_size: int = 500, sidecar_dir: Path | None = None
):
    """Input batches from article files or folders of ``*.txt`` (story hint from sidecars)."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    for i in range(0, len(files), batch_size):
        chunk = files[i : i + batch_size]
        ids = [doc_id_for(f) for f in chunk]
        sides = [read_sidecar(f, sidecar_dir, d) for f, d in zip(chunk, ids, strict=True)]
        yield pa.RecordBatch.from_pydict(
            {
                "doc_id": ids,
                "source_file": [f.name for f in chunk],
                "raw": [f.read_bytes() for f in chunk],
                **{c: [s.get(c) for s in sides] for c in ("story", *META_COLUMNS)},
            },
            schema=INPUT_SCHEMA,
        )


def write_input(batches: Iterable[pa.RecordBatch], path: str | Path) -> int:
    """Write input batches to one Parquet file, a row group per batch; returns the row count."""
    import pyarrow.parquet as pq

    rows = 0
    with pq.ParquetWriter(path, INPUT_SCHEMA, compression="zstd") as w:
        for b in batches:
            for c in ("story", *META_COLUMNS):  # optional columns: null = not given
                if c not in b.schema.names:
                    b = b.append_column(c, pa.nulls(b.num_rows, pa.string()))
            w.write_batch(b.select(INPUT_SCHEMA.names).cast(INPUT_SCHEMA))
            rows += b.num_rows
    return rows
