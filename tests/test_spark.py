"""The Spark engine gives exactly the in-process results, and fails whole (issue 7)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import LATEST, LATEST_RELEASE, REPO, previous_releases, require

require("pyspark", "pip install -e '.[spark]' (and Java 17)")

from test_engines import mixed_records, write_records  # noqa: E402

from claimcorpus.engines import EngineError, read_output  # noqa: E402
from claimcorpus.engines.local import build  # noqa: E402
from claimcorpus.engines.spark import run_spark, spark_session  # noqa: E402
from claimcorpus.ingest import batch  # noqa: E402
from claimcorpus.pipeline import build_release  # noqa: E402

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


def test_spark_on_several_partitions_matches_in_process(spark, records, tmp_path):
    """Four input files make four partitions: each numbers its own rows, and buckets (and
    the stories they join) reach across partitions exactly as in one process."""
    whole = write_records(records, tmp_path / "input.parquet")
    folder = tmp_path / "parts"
    folder.mkdir()
    for i in range(4):
        write_records(records[i::4], folder / f"part-{i}.parquet")
    got = run_spark(folder, tmp_path / "spark", 2, spark=spark, batch_size=50)
    want = build(whole, tmp_path / "local", workers=1, batch_size=50)
    assert len(list((tmp_path / "spark" / "documents").glob("part-*.parquet"))) == 4
    assert got == want
    assert read_output(tmp_path / "spark").equals(read_output(tmp_path / "local"))
    for f in ("stories.parquet", "edges.parquet", "summary.json"):
        assert (tmp_path / "spark" / f).read_bytes() == (tmp_path / "local" / f).read_bytes(), f
    file_of = {r["doc_id"]: i % 4 for i, r in enumerate(records)}
    edges = pq.read_table(tmp_path / "spark" / "edges.parquet").to_pylist()
    assert any(e["score"] is not None and file_of[e["a"]] != file_of[e["b"]] for e in edges)


def test_a_crashed_spark_worker_fails_the_run_and_writes_nothing(spark, records, tmp_path):
    rows = records[:60] + [
        {"doc_id": CRASH_DOC, "source_file": "x.txt", "raw": b"Text.", "story": None}
    ]
    path = write_records(rows, tmp_path / "input.parquet")
    with pytest.raises(EngineError, match="Spark job failed.*(crashed|exited unexpectedly)"):
        run_spark(path, tmp_path / "out", 2, spark=spark, batch_size=50)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.parquet"]


def test_spark_engine_release_is_byte_identical_to_the_committed_release(spark, tmp_path):
    """`build --engine spark` runs on the active session and writes the corpus path's bytes."""
    folder, status = build_release(
        REPO,
        LATEST,
        previous_releases(tmp_path),
        engine="spark",
        inputs=[REPO / "corpus" / "raw"],
        sidecar_dir=REPO / "corpus" / "sidecars",
        batch_size=2,
    )
    assert status == "built"
    assert (folder / "SHA256SUMS").read_bytes() == (LATEST_RELEASE / "SHA256SUMS").read_bytes()
    assert spark.range(3).count() == 3  # the caller's session was used and left running


def test_spark_submit_with_the_package_as_py_files_writes_the_same_release(tmp_path):
    """The README's cluster recipe, on a local master: spark-submit runs the CLI as the
    driver, executors import the package from the --py-files zip, the bytes are the same."""
    import shutil
    import subprocess
    import sys

    from claimcorpus.engines.spark import package_zip

    submit = Path(sys.executable).with_name("spark-submit")
    assert submit.exists(), "pyspark installs spark-submit beside the interpreter"
    zipped = package_zip(tmp_path)
    env = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "PYTHONPATH": "",  # the package must come from the zip
    }
    env.pop(batch.FAULT_ENV, None)
    cmd = [str(submit), "--master", "local[2]", "--py-files", str(zipped)]
    cmd += ["--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false"]
    cmd += [str(REPO / "src" / "claimcorpus" / "__main__.py"), "--root", str(REPO), "build"]
    rel = previous_releases(tmp_path / "rel")
    cmd += ["--version", LATEST, "--releases-dir", str(rel), "--engine", "spark"]
    cmd += ["--spark-master", "local[2]", "--input", str(REPO / "corpus" / "raw")]
    cmd += ["--sidecar-dir", str(REPO / "corpus" / "sidecars")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "built " in proc.stdout
    assert (rel / LATEST / "SHA256SUMS").read_bytes() == (
        LATEST_RELEASE / "SHA256SUMS"
    ).read_bytes()
    shutil.rmtree(tmp_path / "rel")
