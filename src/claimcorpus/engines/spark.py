"""The Spark engine: the same batch function through ``mapInArrow``, LSH bands by shuffle.

Why it gives the in-process results exactly: the normalization is ``batch.normalize_batches``
itself (Spark hands it real ``pa.RecordBatch`` objects), each task writes its rows to its own
Parquet part and hands Spark only ids and ``minhash.band_keys`` (as ``minhash.band_pairs``
computes them); bands are grouped by a shuffle join on their keys, the candidate pairs are
collected and verified with ``minhash.verified`` on the driver, reading only their
signatures, and components are taken with ``minhash.story_ids`` (documents are never
collected).

The session runs ``local[N]`` bound to 127.0.0.1 with the UI off; workers run this Python
(``PYSPARK_PYTHON = sys.executable``) and get the package as a zip through ``addPyFile``,
as they would on a cluster. A failed job (a crashed worker, ``batch.FAULT_ENV``) raises
EngineError and writes nothing; Spark's own task retries (``spark.task.maxFailures``, 1 in
local mode) are the only retries.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from .. import minhash
from ..batch import OUTPUT_SCHEMA, normalize_batches
from . import EngineError, check_unique, finish, staged_output

SIG_COLUMN = {"near-duplicate": "minhash_near_duplicate", "same-story": "minhash_same_story"}
EDGE_SCHEMA = "a string, b string, kind string, score double"
KEY_SCHEMA = "kind_band int, key bigint, doc_id string"


def package_zip(dest: Path) -> Path:
    """Zip the claimcorpus package (no caches) so executors can import it."""
    pkg = Path(minhash.__file__).resolve().parent
    stage = Path(tempfile.mkdtemp(dir=dest))
    shutil.copytree(pkg, stage / pkg.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    zipped = shutil.make_archive(str(dest / "claimcorpus"), "zip", root_dir=stage)
    shutil.rmtree(stage)
    return Path(zipped)


def spark_session(
    workers: int = 2,
    batch_size: int = 500,
    extra: dict[str, str] | None = None,
    master: str | None = None,
):
    """A session for the engine. Default: a loopback-only ``local[workers]`` one, UI off,
    whose workers run this interpreter's Python. ``master`` (e.g. ``yarn``,
    ``spark://host:7077``): a cluster, whose executors bring their own Python
    (``PYSPARK_PYTHON``, a packed environment); nothing is bound to 127.0.0.1 then."""
    from pyspark.sql import SparkSession

    local = master is None or master.startswith("local")
    builder = (
        SparkSession.builder.master(master or f"local[{workers}]")
        .appName("claimcorpus")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(4, 4 * workers)))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_size))
    )
    if local:
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
        builder = (
            builder.config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.pyspark.python", sys.executable)
        )
    for k, v in (extra or {}).items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if Path(minhash.__file__).resolve().parent.is_dir():  # else imported from --py-files' zip
        ship = Path(tempfile.mkdtemp(prefix="claimcorpus-spark-"))
        atexit.register(shutil.rmtree, ship, True)  # served to executors while the session lives
        spark.sparkContext.addPyFile(str(package_zip(ship)))
    return spark


INDEX_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("story", pa.string()),
        ("error_kind", pa.string()),
        ("keys", pa.list_(pa.int64())),  # band keys, both kinds; null where a set is empty
    ]
)
INDEX_DDL = "doc_id string, story string, error_kind string, keys array<bigint>"


def index_batch(out: pa.RecordBatch) -> pa.RecordBatch:
    """What Spark carries of a normalized batch: ids, hints, errors and LSH band keys.

    The keys are ``minhash.band_keys`` of both signatures (near-duplicate bands first), so
    Spark buckets exactly as the in-process engine does; an empty set's bands are null and
    never bucketed (as ``minhash.band_pairs``). Error rows have no keys.
    """
    n = out.num_rows
    ok = np.flatnonzero(pc.is_null(out.column("error_kind")).to_numpy(zero_copy_only=False))
    width = sum(b for b, _ in minhash.BANDS.values())
    keys = np.zeros((n, width), np.uint64)
    null = np.ones((n, width), bool)
    at = 0
    for kind, col in SIG_COLUMN.items():
        bands, rows = minhash.BANDS[kind]
        sig = minhash.from_bytes(out.column(col).take(pa.array(ok)).to_pylist())
        keys[ok, at : at + bands] = minhash.band_keys(sig, bands, rows)
        null[ok, at : at + bands] = minhash.is_empty(sig)[:, None]
        at += bands
    flat = pa.array(keys.ravel().view(np.int64), mask=null.ravel())
    offsets = pa.array(np.arange(n + 1, dtype=np.int32) * width)
    has = np.zeros(n, bool)
    has[ok] = True
    lists = pa.ListArray.from_arrays(offsets, flat, mask=pa.array(~has))
    return pa.RecordBatch.from_arrays(
        [out.column("doc_id"), out.column("story"), out.column("error_kind"), lists],
        schema=INDEX_SCHEMA,
    )


def normalize_to(documents: str):
    """The mapInArrow body: ``batch.normalize_batches`` on one partition, its rows written
    by this task to ``documents/part-<partition>.parquet``, only ``index_batch`` returned.

    Why the task writes: the normalized rows (text, offset maps, exclusions, signatures) are
    most of the bytes, and passing them through the JVM to Parquet cost more CPU than the
    normalization itself on 2 cores. The file appears (by rename) only when the partition is
    done, under a name fixed by the partition, so a retried task replaces it whole.
    """

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow.parquet as pq
        from pyspark import TaskContext

        ctx = TaskContext.get()
        part, attempt = (ctx.partitionId(), ctx.attemptNumber()) if ctx else (0, 0)
        final = Path(documents) / f"part-{part:05d}.parquet"
        tmp = final.with_name(f".{final.name}.{attempt}.tmp")
        writer = pq.ParquetWriter(tmp, OUTPUT_SCHEMA, compression="zstd")
        try:
            for out in normalize_batches(batches):
                writer.write_batch(out)
                yield index_batch(out)
        finally:
            writer.close()
        os.replace(tmp, final)

    return run


def _edges(index) -> pa.Table:
    """LSH candidates: (kind, a, b) for every two documents that share a band key.

    Bands are grouped by a shuffle on (band, key): the band table joined with itself on
    that key, keeping a < b, then de-duplicated across bands. On 20k articles this took
    3.6-4.2 s against 7.9-16 s for ``groupBy`` + ``collect_list`` + pair expansion and
    6.2-10 s for a ``groupBy`` count of repeated keys first (scripts/bench_scale.py).
    """
    from pyspark.sql import functions as F

    kinds = [k for k, (b, _) in minhash.BANDS.items() for _ in range(b)]
    kind_of = F.array(*[F.lit(k) for k in kinds])
    keyed = (
        index.where(F.col("keys").isNotNull())
        .select("doc_id", F.posexplode("keys").alias("band", "key"))
        .where(F.col("key").isNotNull())  # an empty set's bands
    )
    x, y = keyed.alias("x"), keyed.alias("y")
    pairs = (
        x.join(y, ["band", "key"])
        .where(F.col("x.doc_id") < F.col("y.doc_id"))
        .select(
            kind_of[F.col("band")].alias("kind"),
            F.col("x.doc_id").alias("a"),
            F.col("y.doc_id").alias("b"),
        )
    )
    return pairs.distinct().toArrow()


def verify(documents: Path, pairs: pa.Table) -> list[dict]:
    """Candidate pairs whose estimated Jaccard reaches their kind's threshold.

    On the driver: candidates are few, and only their documents' signatures are read."""
    if pairs.num_rows == 0:
        return []
    ids = pc.unique(
        pa.concat_arrays([pairs.column("a").combine_chunks(), pairs.column("b").combine_chunks()])
    )
    sigs = pads.dataset(documents, format="parquet").to_table(
        columns=["doc_id", *SIG_COLUMN.values()], filter=pc.field("doc_id").isin(ids)
    )
    row = {d: i for i, d in enumerate(sigs.column("doc_id").to_pylist())}
    edges = []
    for kind, col in SIG_COLUMN.items():
        sel = pairs.filter(pc.equal(pairs.column("kind"), kind))
        if sel.num_rows == 0:
            continue
        sig = minhash.from_bytes(sigs.column(col).to_pylist())
        a = np.array([row[d] for d in sel.column("a").to_pylist()], np.int64)
        b = np.array([row[d] for d in sel.column("b").to_pylist()], np.int64)
        ok, scores = minhash.verified(sig, np.stack([a, b], axis=1), minhash.THRESHOLD[kind])
        names = sigs.column("doc_id").to_pylist()
        edges += [
            {"a": names[i], "b": names[j], "kind": kind, "score": round(sc, 4)}
            for (i, j), sc in zip(ok.tolist(), scores.tolist(), strict=True)
        ]
    return edges


def _cause(exc: BaseException) -> str:
    """The telling line of a Spark failure (py4j puts a generic line first)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
    for keys in (("crashed", "exited unexpectedly"), ("Error:", "Exception:")):
        telling = [ln for ln in lines if any(k in ln for k in keys)]
        if telling:
            return telling[0][:300]
    return lines[0][:300]


def run_spark(
    input_path: str | Path,
    out: str | Path,
    workers: int = 2,
    spark=None,
    batch_size: int = 500,
    timings: dict[str, float] | None = None,
    master: str | None = None,
) -> dict[str, Any]:
    """Normalize and group ``input_path`` (Parquet) on Spark; write the engines' output folder.

    ``spark``: the session to use; default: the active one, else a new one on ``master``
    (default ``local[workers]``), stopped at the end. On a cluster ``out`` and the input
    must be on storage that the driver and every executor see at the same path.
    ``timings`` (optional) receives wall seconds per phase.
    """
    timings = {} if timings is None else timings
    from pyspark import StorageLevel

    if spark is None:  # the active session (spark-submit's, a notebook's), else a new one
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession()
    own = spark is None
    if own:
        spark = spark_session(workers, batch_size, master=master)
    size = Path(input_path).stat().st_size  # >= 4 partitions per core, for balance
    conf = {
        "spark.sql.files.maxPartitionBytes": str(max(1 << 20, size // (4 * workers))),
        "spark.sql.execution.arrow.maxRecordsPerBatch": str(batch_size),
    }
    saved = {k: spark.conf.get(k, None) for k in conf}  # a caller's session is left as it was
    try:
        for k, v in conf.items():
            spark.conf.set(k, v)
        with staged_output(Path(out)) as tmp:
            try:
                t0 = time.perf_counter()
                (tmp / "documents").mkdir()
                raw = spark.read.parquet(str(input_path))
                index = raw.mapInArrow(normalize_to(str(tmp / "documents")), INDEX_DDL)
                index = index.persist(StorageLevel.MEMORY_AND_DISK)
                # runs the map once: the cached index feeds both this and the banding
                table = index.select("doc_id", "story", "error_kind").toArrow()
                timings["normalize_s"] = time.perf_counter() - t0
                pairs = _edges(index)
                index.unpersist()
            except Exception as exc:  # py4j / captured Spark errors: the job failed as a whole
                raise EngineError(
                    f"Spark job failed ({_cause(exc)}); no output was written"
                ) from None
            for f in (tmp / "documents").glob(".*.tmp"):  # attempts that lost (none locally)
                f.unlink()
            edges = verify(tmp / "documents", pairs)
            timings["group_s"] = time.perf_counter() - t0 - timings["normalize_s"]
            ok = table.filter(pc.is_null(table.column("error_kind")))
            ids = ok.column("doc_id").to_pylist()
            check_unique(ids)
            hints = dict(zip(ids, ok.column("story").to_pylist(), strict=True))
            story_of, edges = minhash.story_ids(ids, edges, hints)
            kinds = Counter(k for k in table.column("error_kind").to_pylist() if k is not None)
            counts = {
                "records": table.num_rows,
                "normalized": len(ids),
                "excluded": dict(sorted(kinds.items())),
            }
            return finish(tmp, story_of, edges, counts)
    finally:
        if own:
            spark.stop()
        else:
            for k, v in saved.items():
                if v is None:
                    spark.conf.unset(k)
                else:
                    spark.conf.set(k, v)
