"""The Spark engine: the same batch function through ``mapInArrow``, LSH bands by shuffle.

Why it gives the in-process results exactly: the normalization is ``batch.normalize_batches``
itself (Spark hands it real ``pa.RecordBatch`` objects); each task writes its rows to its own
Parquet part and hands Spark only band rows (band, ``banding.band_keys`` key, document
number); one shuffle on (band, key) puts every bucket whole in one partition, where
``banding.bucket_pairs`` (the code ``banding.band_pairs`` runs in-process) lists its
candidate pairs; the driver de-duplicates them, verifies them with ``banding.verified``
reading only their signatures, and takes components with ``components.story_ids`` (documents
are never collected).

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
import pyarrow.parquet as pq

from claimcorpus.core.problems import InputError
from claimcorpus.engines.output import (
    EngineError,
    check_unique,
    finish,
    staged_output,
    story_inputs,
)
from claimcorpus.ingest.batch import OUTPUT_SCHEMA, normalize_batches
from claimcorpus.ingest.sites import Repeated
from claimcorpus.stories import banding, components, rules, signatures

LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
# the claimcorpus folder (engines/ is one level down); inside a zip it is no folder
PACKAGE = Path(__file__).resolve().parents[1]
# LSH bands of the near-duplicate signature; same-event pairs come from evidence blocks
SIG_COLUMN = {"near-duplicate": "minhash_near_duplicate"}


def package_zip(dest: Path) -> Path:
    """Zip the claimcorpus package (no caches) so executors can import it."""
    stage = Path(tempfile.mkdtemp(dir=dest))
    shutil.copytree(
        PACKAGE, stage / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    zipped = shutil.make_archive(str(dest / "claimcorpus"), "zip", root_dir=stage)
    shutil.rmtree(stage)
    return Path(zipped)


def _session_class():
    """``pyspark.sql.SparkSession``, imported on first use (PySpark is an optional extra and a
    heavy import); without PySpark, a clear InputError instead of an ImportError."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(
            f"--engine spark needs PySpark ({exc}); install it with pip install 'claimcorpus[spark]'"
        ) from None
    return SparkSession


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
    SparkSession = _session_class()
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
            # a short batch job on few cores: the C1 JIT alone and a serial GC leave the
            # cores to the Python workers (20k articles, local[2], 1st job: 28 s vs 39 s)
            .config("spark.driver.extraJavaOptions", LOCAL_JVM_OPTIONS)
        )
    for k, v in (extra or {}).items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if PACKAGE.is_dir():  # else imported from --py-files' zip
        ship = Path(tempfile.mkdtemp(prefix="claimcorpus-spark-"))
        atexit.register(shutil.rmtree, ship, True)  # served to executors while the session lives
        spark.sparkContext.addPyFile(str(package_zip(ship)))
    return spark


BAND_SCHEMA = pa.schema([("band", pa.int32()), ("key", pa.int64()), ("doc", pa.int64())])
BAND_DDL = "band int, key bigint, doc bigint"
PAIR_SCHEMA = pa.schema([("kind", pa.int32()), ("a", pa.int64()), ("b", pa.int64())])
PAIR_DDL = "kind int, a bigint, b bigint"


def band_rows(out: pa.RecordBatch, first: int) -> pa.RecordBatch:
    """One row per (document, band) that Spark shuffles: band number, band key, document.

    ``doc`` is ``first`` + the row's place in its batch (the task numbers its part's rows
    from ``partition << 32``); bands are numbered as ``banding.bucket_pairs`` reads them
    (near-duplicate 0-31, same-story 32-63) and keyed by ``banding.band_keys``, so buckets
    are exactly the in-process ones. Error rows and empty sets have no bands (as
    ``banding.band_pairs``).
    """
    ok = np.flatnonzero(pc.is_null(out.column("error_kind")).to_numpy(zero_copy_only=False))
    band, key, doc = [], [], []
    for i, (kind, col) in enumerate(SIG_COLUMN.items()):
        bands, rows = rules.BANDS[kind]
        sig = signatures.from_bytes(out.column(col).take(pa.array(ok)).to_pylist())
        full = ~banding.is_empty(sig)
        keys = banding.band_keys(sig[full], bands, rows)
        band.append(np.tile(np.arange(bands) + i * rules.BAND_BLOCK, len(keys)))
        key.append(keys.ravel().view(np.int64))
        doc.append(np.repeat(ok[full] + first, bands))
    arrays = [
        pa.array(np.concatenate(band).astype(np.int32)),
        pa.array(np.concatenate(key)),
        pa.array(np.concatenate(doc).astype(np.int64)),
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=BAND_SCHEMA)


def normalize_to(documents: str, repeated: Repeated | None = None):
    """The mapInArrow body: ``batch.normalize_batches`` on one partition, its rows written
    by this task to ``documents/part-<partition>.parquet``, only ``band_rows`` returned.

    Why the task writes: the normalized rows (text, offset maps, exclusions, signatures) are
    most of the bytes, and passing them through the JVM to Parquet cost more CPU than the
    normalization itself on 2 cores. The file appears (by rename) only when the partition is
    done, under a name fixed by the partition, so a retried task replaces it whole (and
    numbers its rows the same way: the input's partitions are fixed by its files).
    """

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow.parquet as pq
        from pyspark import TaskContext

        ctx = TaskContext.get()
        part, attempt = (ctx.partitionId(), ctx.attemptNumber()) if ctx else (0, 0)
        final = Path(documents) / f"part-{part:05d}.parquet"
        tmp = final.with_name(f".{final.name}.{attempt}.tmp")
        writer = pq.ParquetWriter(tmp, OUTPUT_SCHEMA, compression="zstd")
        first = part << 32
        try:
            for out in normalize_batches(batches, repeated):
                writer.write_batch(out)
                yield band_rows(out, first)
                first += out.num_rows
        finally:
            writer.close()
        os.replace(tmp, final)

    return run


def bucket_task(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The mapInArrow body after the shuffle on (band, key): ``banding.bucket_pairs`` over
    the buckets this partition holds (each bucket whole), as (kind, a, b) document numbers."""
    table = pa.Table.from_batches(list(batches), schema=BAND_SCHEMA)
    if table.num_rows:
        cols = [table.column(c).to_numpy() for c in ("band", "key", "doc")]
        rows = banding.bucket_pairs(*cols)
        yield pa.RecordBatch.from_arrays(
            [pa.array(rows[:, 0].astype(np.int32)), pa.array(rows[:, 1]), pa.array(rows[:, 2])],
            schema=PAIR_SCHEMA,
        )


def candidates(bands) -> pa.Table:
    """LSH candidates (kind, a, b) as document numbers, each pair once per kind.

    Bands are grouped by a hash shuffle on (band, key), the exchange a ``groupBy`` makes,
    and each partition's buckets are expanded by ``banding.bucket_pairs``. Why not Spark's
    own aggregation: on 100k articles (6.3M band rows, local[2]) ``groupBy`` +
    ``collect_list`` took 65-70 s and a self-join on the key 40-50 s, against about 5 s for
    the exchange itself (ad-hoc profiles on the 100k bench_scale input, issue 7 notes).
    """
    pairs = bands.repartition("band", "key").mapInArrow(bucket_task, PAIR_DDL).toArrow()
    if pairs.num_rows == 0:
        return pairs
    rows = np.stack([pairs.column(c).to_numpy() for c in ("kind", "a", "b")], axis=1)
    rows = banding.unique_rows(rows)  # a pair found by bands in two partitions
    return pa.Table.from_arrays([pa.array(rows[:, i]) for i in range(3)], schema=PAIR_SCHEMA)


def read_index(documents: Path) -> tuple[pa.Table, np.ndarray]:
    """doc_id, story, error_kind of every row, in part order, and each part's first row.

    ``first[p]`` is where part ``p``'s rows start in the table, so document number
    ``(p << 32) + r`` is row ``first[p] + r``."""
    parts = sorted((int(f.stem.split("-")[1]), f) for f in documents.glob("part-*.parquet"))
    tables = [pq.read_table(f, columns=["doc_id", "story", "error_kind"]) for _, f in parts]
    numbers = [n for n, _ in parts]
    first = np.zeros(max(numbers, default=-1) + 1, np.int64)
    first[numbers] = np.cumsum([0] + [t.num_rows for t in tables])[:-1]
    schema = pa.schema([OUTPUT_SCHEMA.field(c) for c in ("doc_id", "story", "error_kind")])
    return pa.concat_tables([schema.empty_table(), *tables]), first


def verify(documents: Path, index: pa.Table, first: np.ndarray, pairs: pa.Table) -> list[dict]:
    """Candidate pairs whose estimated Jaccard reaches their kind's threshold.

    On the driver: candidates are few, and only their documents' signatures are read."""
    if pairs.num_rows == 0:
        return []
    ids = index.column("doc_id")

    def row(col: str) -> np.ndarray:
        doc = pairs.column(col).to_numpy()
        return first[doc >> 32] + (doc & 0xFFFFFFFF)

    a_rows, b_rows = row("a"), row("b")
    wanted = pc.unique(ids.take(pa.array(np.r_[a_rows, b_rows])))
    sigs = pads.dataset(documents, format="parquet").to_table(
        columns=["doc_id", *SIG_COLUMN.values()], filter=pc.field("doc_id").isin(wanted)
    )
    names = sigs.column("doc_id").to_pylist()
    at = {d: i for i, d in enumerate(names)}
    kind_of = pairs.column("kind").to_numpy()
    a_sig = np.array([at[d] for d in ids.take(pa.array(a_rows)).to_pylist()], np.int64)
    b_sig = np.array([at[d] for d in ids.take(pa.array(b_rows)).to_pylist()], np.int64)
    edges = []
    for k, (kind, col) in enumerate(SIG_COLUMN.items()):
        sel = kind_of == k
        if not sel.any():
            continue
        sig = signatures.from_bytes(sigs.column(col).to_pylist())
        both = np.stack([a_sig[sel], b_sig[sel]], axis=1)
        ok, scores = banding.verified(sig, both, rules.EDGE_THRESHOLD[kind])
        for (i, j), sc in zip(ok.tolist(), scores.tolist(), strict=True):
            a, b = sorted((names[i], names[j]))
            edges.append({"a": a, "b": b, "kind": kind, "score": round(sc, 4)})
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
    repeated: Repeated | None = None,
) -> dict[str, Any]:
    """Normalize and group ``input_path`` (Parquet) on Spark; write the engines' output folder.
    ``repeated``: each site's repeated lines (``batch.input_repeated``), shipped with the task.

    ``spark``: the session to use; default: the active one, else a new one on ``master``
    (default ``local[workers]``), stopped at the end. On a cluster ``out`` and the input
    must be on storage that the driver and every executor see at the same path.
    ``timings`` (optional) receives wall seconds per phase.
    """
    timings = {} if timings is None else timings
    if spark is None:  # the active session (spark-submit's, a notebook's), else a new one
        spark = _session_class().getActiveSession()
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
                # one job: normalize (tasks write their parts), shuffle the bands, bucket them
                body = normalize_to(str(tmp / "documents"), repeated)
                pairs = candidates(raw.mapInArrow(body, BAND_DDL))
                timings["spark_job_s"] = time.perf_counter() - t0
            except Exception as exc:  # py4j / captured Spark errors: the job failed as a whole
                raise EngineError(
                    f"Spark job failed ({_cause(exc)}); no output was written"
                ) from None
            for f in (tmp / "documents").glob(".*.tmp"):  # attempts that lost (none locally)
                f.unlink()
            table, first = read_index(tmp / "documents")
            ok = table.filter(pc.is_null(table.column("error_kind")))
            ids = ok.column("doc_id").to_pylist()
            check_unique(ids)
            near_edges = verify(tmp / "documents", table, first, pairs)
            near, feats = story_inputs(tmp / "documents", ids)
            edges = components.combine(near_edges, components.event_edges(ids, near, feats))
            timings["driver_group_s"] = time.perf_counter() - t0 - timings["spark_job_s"]
            hints = dict(zip(ids, ok.column("story").to_pylist(), strict=True))
            story_of, edges = components.story_ids(ids, edges, hints)
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
