"""`claimcorpus build --engine local|spark --input ...` writes the same release as the corpus
path: one release writer, documents sorted by doc_id, byte-reproducible (issue 7)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import LATEST, LATEST_RELEASE, REPO, SEEDS, previous_releases

from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest import batch
from claimcorpus.pipeline import build_release

SIDECARS = REPO / "corpus" / "sidecars"
RAW = REPO / "corpus" / "raw"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimcorpus", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})},
    )


def local_build(releases: Path, *extra: str, env: dict | None = None):
    """`claimcorpus build --version 1.0.0 --engine local --workers 2` into ``releases``."""
    args = ["--version", "1.0.0", "--releases-dir", str(releases), "--engine", "local"]
    return cli("build", *args, "--workers", "2", *extra, env=env)


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("workers", [1, 2])
def test_local_engine_release_is_byte_identical_to_the_committed_release(tmp_path, workers):
    folder, status = build_release(
        REPO,
        LATEST,
        previous_releases(tmp_path),
        engine="local",
        inputs=[RAW],
        workers=workers,
        sidecar_dir=SIDECARS,
        batch_size=2,  # several batches, so order across batches and workers is exercised
    )
    assert status == "built"
    assert listing(folder) == listing(LATEST_RELEASE)
    assert (folder / "SHA256SUMS").read_bytes() == (LATEST_RELEASE / "SHA256SUMS").read_bytes()
    committed = sorted(p.name for p in (REPO / "releases").iterdir() if p.name[0].isdigit())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed  # no work folders left


def test_input_order_does_not_change_the_release(tmp_path):
    """Articles given in reverse order (one per batch) still give doc_id-sorted files."""
    files = sorted(RAW.glob("*.txt"), reverse=True)
    folder, _ = build_release(
        REPO,
        LATEST,
        previous_releases(tmp_path),
        engine="local",
        inputs=files,
        sidecar_dir=SIDECARS,
        batch_size=1,
    )
    assert (folder / "SHA256SUMS").read_bytes() == (LATEST_RELEASE / "SHA256SUMS").read_bytes()


def test_bad_records_are_excluded_counted_and_the_build_completes(tmp_path):
    articles = tmp_path / "in"
    shutil.copytree(RAW, articles)
    (articles / "zz-empty.txt").write_bytes(b"")
    (articles / "zz-latin1.txt").write_bytes("Caf\xe9 owners said prices rose.".encode("latin-1"))
    proc = local_build(
        tmp_path / "rel", "--input", str(articles), "--sidecar-dir", str(SIDECARS), "--no-baselines"
    )
    assert proc.returncode == 0, proc.stderr
    assert "input records excluded (empty 1, invalid-utf8 1)" in proc.stdout
    summary = read_json(tmp_path / "rel" / "1.0.0" / "build_summary.json")
    assert summary["documents"] == 5
    assert summary["input_exclusions"] == {"empty": 1, "invalid-utf8": 1}
    got = {(r["doc_id"], r["kind"]) for r in summary["input_excluded_records"]}
    assert got == {("zz-empty", "empty"), ("zz-latin1", "invalid-utf8")}
    assert all(
        "zz-latin1.txt" in r["error"] or "zz-empty.txt" in r["error"]
        for r in summary["input_excluded_records"]
    )
    from datasets import load_dataset

    ds = load_dataset(str(tmp_path / "rel" / "1.0.0"), "documents", split="train+validation+test")
    assert sorted(ds["doc_id"]) == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_a_crashed_worker_fails_the_build_and_leaves_no_release(tmp_path):
    (tmp_path / "rel").mkdir()
    proc = local_build(
        tmp_path / "rel",
        "--batch-size",
        "1",
        "--input",
        str(RAW),
        env={batch.FAULT_ENV: "003_d71ccc6e1581c31b"},
    )
    assert proc.returncode == 1
    assert "worker process died" in proc.stderr
    assert list((tmp_path / "rel").iterdir()) == []


def test_an_existing_release_is_left_as_it_was_when_the_engine_build_differs(tmp_path):
    shutil.copytree(REPO / "releases" / "1.0.0", tmp_path / "1.0.0")
    before = {p: p.read_bytes() for p in (tmp_path / "1.0.0").rglob("*") if p.is_file()}
    files = sorted(RAW.glob("*.txt"))
    with pytest.raises(InputError, match="exists with different content"):
        # without sidecars the outlets are unknown, so the content differs
        build_release(REPO, "1.0.0", tmp_path, engine="local", inputs=files, baselines=False)
    after = {p: p.read_bytes() for p in (tmp_path / "1.0.0").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.0.0"]


def test_gold_for_documents_missing_from_the_input_is_refused(tmp_path):
    files = sorted(RAW.glob("*.txt"))[:2]
    with pytest.raises(InputError, match=r"not in the build's input \['002_"):
        build_release(REPO, "1.0.0", tmp_path, engine="local", inputs=files, sidecar_dir=SIDECARS)
    assert list(tmp_path.iterdir()) == []


def test_engine_needs_input_and_input_alone_means_local(tmp_path):
    proc = cli("build", "--version", "9.9.9", "--releases-dir", str(tmp_path), "--engine", "spark")
    assert proc.returncode == 1 and "--input" in proc.stderr
    with pytest.raises(InputError, match="no such file"):
        build_release(REPO, "1.0.0", tmp_path, inputs=[tmp_path / "missing.parquet"])
    assert list(tmp_path.iterdir()) == []


def test_an_input_with_nothing_normalizable_is_refused_and_writes_nothing(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="no record could be normalized"):
        build_release(REPO, "1.0.0", tmp_path / "rel", inputs=[tmp_path / "in"])
    assert list((tmp_path / "rel").iterdir()) == []


FOOTER = "Harbour Gazette is published by Harbour Media Group. Support our journalism today."


def _harbour_articles(folder: Path) -> Path:
    """Four articles of one outlet (a sidecar beside each) sharing a footer line."""
    folder.mkdir()
    for t in ("ferries", "cranes", "tankers", "dredging"):
        body = f"Harbour report on {t}\nThe port said on Friday that {t} were its main worry.\n"
        (folder / f"harbour_{t}.txt").write_text(f"{body}{FOOTER}\nMore on {t} next week.\n")
        (folder / f"harbour_{t}.meta.json").write_text('{"outlet": "Harbour Gazette"}')
    return folder


def test_the_engine_path_removes_a_sites_repeated_lines_as_ingest_does(project, tmp_path):
    """Same corpus, two paths: `ingest` + build from corpus/, and `build --engine local`
    from the same files; the site's footer is gone in both and the releases are identical."""
    harbour = _harbour_articles(tmp_path / "harbour")
    r = subprocess.run(
        [sys.executable, "-m", "claimcorpus", "--root", str(project), "ingest", str(harbour)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert r.returncode == 0, r.stderr
    corpus, _ = build_release(project, "1.0.0", tmp_path / "a", baselines=False)
    engine, _ = build_release(
        project,
        "1.0.0",
        tmp_path / "b",
        engine="local",
        inputs=[RAW, harbour],
        sidecar_dir=SIDECARS,
        baselines=False,
    )
    rows = pq.read_table(engine / "data" / "documents").to_pylist()
    texts = {r["doc_id"]: r["text"] for r in rows if r["doc_id"].startswith("harbour")}
    assert len(texts) == 4 and not any(FOOTER in t for t in texts.values())
    assert (engine / "SHA256SUMS").read_bytes() == (corpus / "SHA256SUMS").read_bytes()
