"""The Spark engine: the same batch function through ``mapInArrow``, LSH bands via groupBy.

Why it gives the in-process results exactly: the normalization is ``batch.normalize_batches``
itself (Spark hands it real ``pa.RecordBatch`` objects), signatures come from that batch
output, bands are grouped on the exact bytes of their rows (as ``minhash.band_pairs``),
candidates are verified with ``minhash.estimate``, and components are taken with
``minhash.story_ids`` on the driver (verified edges are few; documents are not collected).

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

from .. import minhash
from ..batch import SPARK_SCHEMA, normalize_batches
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


def verify_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: (kind, a, b, sig_a, sig_b) -> verified (a, b, kind, score) rows."""
    schema = pa.schema(
        [("a", pa.string()), ("b", pa.string()), ("kind", pa.string()), ("score", pa.float64())]
    )
    for batch in batches:
        cols = batch.to_pydict()
        scores = minhash.estimate(
            minhash.from_bytes(cols["sig_a"]), minhash.from_bytes(cols["sig_b"])
        )
        limit = np.array([minhash.THRESHOLD[k] for k in cols["kind"]])
        ok = np.flatnonzero(scores >= limit).tolist()
        rows = {k: [cols[k][i] for i in ok] for k in ("a", "b", "kind")}
        yield pa.RecordBatch.from_pydict(
            {**rows, "score": [round(float(scores[i]), 4) for i in ok]}, schema=schema
        )


def key_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: (doc_id, signatures) -> a (kind_band, key, doc_id) row per LSH band.

    The keys are minhash.band_keys, so Spark buckets exactly as the in-process engine does;
    ``kind_band`` = kind index x 1,000 + band keeps the shuffled rows narrow.
    """
    schema = pa.schema([("kind_band", pa.int32()), ("key", pa.int64()), ("doc_id", pa.string())])
    for batch in batches:
        ids = batch.column("doc_id")
        for k, (kind, col) in enumerate(SIG_COLUMN.items()):
            bands, rows = minhash.BANDS[kind]
            sig = minhash.from_bytes(batch.column(col).to_pylist())
            full = np.flatnonzero(~minhash.is_empty(sig))  # as band_pairs: no empty sets
            keys = minhash.band_keys(sig[full], bands, rows)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(np.tile(np.arange(bands, dtype=np.int32) + 1000 * k, len(full))),
                    pa.array(keys.ravel().view(np.int64)),
                    ids.take(pa.array(np.repeat(full, bands))),
                ],
                schema=schema,
            )


def _edges(docs) -> list[dict]:
    """Band keys grouped with groupBy; each bucket's pairs; verified on the estimate.

    Both kinds go through one pipeline, because each Spark stage has a fixed cost. Most band
    keys are unique: a cheap count finds the repeated ones, so collect_list sees few rows.
    """
    from pyspark.sql import functions as F

    keyed = (
        docs.select("doc_id", *SIG_COLUMN.values()).mapInArrow(key_batches, KEY_SCHEMA).persist()
    )
    repeated = keyed.groupBy("kind_band", "key").count().where(F.col("count") > 1).drop("count")
    kinds = F.array(*[F.lit(k) for k in SIG_COLUMN])
    buckets = (
        keyed.join(repeated, ["kind_band", "key"])  # small: AQE broadcasts it
        .groupBy("kind_band", "key")
        .agg(F.array_sort(F.collect_list("doc_id")).alias("ids"))
        .select(kinds[F.floor(F.col("kind_band") / 1000).cast("int")].alias("kind"), "ids")
    )
    pairs = buckets.select(
        "kind",
        F.explode(
            F.expr(
                "flatten(transform(sequence(0, size(ids) - 2), i -> "
                "transform(slice(ids, i + 2, size(ids) - i - 1), j -> named_struct('a', ids[i], 'b', j))))"
            )
        ).alias("p"),
    ).select("kind", F.col("p.a").alias("p_a"), F.col("p.b").alias("p_b"))
    sigs = None  # (kind, doc_id, sig): each pair is joined with its own kind's signature only
    for kind, col in SIG_COLUMN.items():
        part = docs.select(F.lit(kind).alias("kind"), "doc_id", F.col(col).alias("sig"))
        sigs = part if sigs is None else sigs.unionByName(part)

    def side(name: str):
        return sigs.select(
            F.col("kind").alias(f"k_{name}"),
            F.col("doc_id").alias(name),
            F.col("sig").alias(f"sig_{name}"),
        )

    cand = (
        pairs.distinct()
        .join(side("a"), (F.col("kind") == F.col("k_a")) & (F.col("p_a") == F.col("a")))
        .join(side("b"), (F.col("kind") == F.col("k_b")) & (F.col("p_b") == F.col("b")))
        .select("kind", "a", "b", "sig_a", "sig_b")
    )
    found = cand.mapInArrow(verify_batches, EDGE_SCHEMA)
    try:
        return [r.asDict() for r in found.collect()]
    finally:
        keyed.unpersist()


def _cause(exc: BaseException) -> str:
    """The telling line of a Spark failure (py4j puts a generic line first)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
    telling = [
        ln for ln in lines if any(k in ln for k in ("crashed", "exited unexpectedly", "Exception:"))
    ]
    return (telling or lines)[0][:300]


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
    from pyspark.sql import functions as F

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
                raw = spark.read.parquet(str(input_path))
                normalized = raw.mapInArrow(normalize_batches, SPARK_SCHEMA)
                normalized.write.option("compression", "zstd").parquet(str(tmp / "documents"))
                timings["normalize_s"] = time.perf_counter() - t0
                docs = spark.read.parquet(str(tmp / "documents"))
                edges = _edges(docs.where(F.col("error_kind").isNull()))
                index = docs.select("doc_id", "story", "error_kind").toArrow()
                timings["group_s"] = time.perf_counter() - t0 - timings["normalize_s"]
            except Exception as exc:  # py4j / captured Spark errors: the job failed as a whole
                raise EngineError(
                    f"Spark job failed ({_cause(exc)}); no output was written"
                ) from None
            for f in (tmp / "documents").glob("*.crc"):
                f.unlink()
            (tmp / "documents" / "_SUCCESS").unlink(missing_ok=True)
            ok = index.filter(pc.is_null(index.column("error_kind")))
            ids = ok.column("doc_id").to_pylist()
            check_unique(ids)
            hints = dict(zip(ids, ok.column("story").to_pylist(), strict=True))
            story_of, edges = minhash.story_ids(ids, edges, hints)
            kinds = Counter(k for k in index.column("error_kind").to_pylist() if k is not None)
            counts = {
                "records": index.num_rows,
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
