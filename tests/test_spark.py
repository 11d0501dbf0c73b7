"""The Spark engine gives exactly the in-process results, and fails whole (issue 7)."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")

from test_engines import mixed_records, write_records  # noqa: E402

from claimcorpus import batch  # noqa: E402
from claimcorpus.engines import EngineError, read_output  # noqa: E402
from claimcorpus.engines.local import build  # noqa: E402
from claimcorpus.engines.spark import run_spark, spark_session  # noqa: E402

CRASH_DOC = "zz-crash-this-worker"


@pytest.fixture(scope="module")
def spark():
    """One local[2] session for the module. The fault hook is armed before the JVM starts
    (its Python workers inherit the environment); only CRASH_DOC triggers it."""
    old = os.environ.get(batch.FAULT_ENV)
    os.environ[batch.FAULT_ENV] = CRASH_DOC
    session = spark_session(2, batch_size=50)
    yield session
    session.stop()
    if old is None:
        os.environ.pop(batch.FAULT_ENV, None)
    else:
        os.environ[batch.FAULT_ENV] = old


@pytest.fixture(scope="module")
def records():
    return mixed_records(200)[0]


def test_spark_local2_matches_in_process(spark, records, tmp_path):
    path = write_records(records, tmp_path / "input.parquet")
    got = run_spark(path, tmp_path / "spark", 2, spark=spark, batch_size=50)
    want = build(path, tmp_path / "local", workers=1, batch_size=50)
    assert got == want
    assert got["excluded"]["empty"] >= 1 and got["normalized"] < got["records"]
    assert read_output(tmp_path / "spark").equals(read_output(tmp_path / "local"))
    for f in ("stories.parquet", "edges.parquet", "summary.json"):
        assert (tmp_path / "spark" / f).read_bytes() == (tmp_path / "local" / f).read_bytes(), f


def test_a_crashed_spark_worker_fails_the_run_and_writes_nothing(spark, records, tmp_path):
    rows = records[:60] + [
        {"doc_id": CRASH_DOC, "source_file": "x.txt", "raw": b"Text.", "story": None}
    ]
    path = write_records(rows, tmp_path / "input.parquet")
    with pytest.raises(EngineError, match="Spark job failed.*(crashed|exited unexpectedly)"):
        run_spark(path, tmp_path / "out", 2, spark=spark, batch_size=50)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.parquet"]
