"""PolNeAR through `import polnear`, `build`, `load_dataset` and `agreement` (issue 15).

Needs the shared copy of PolNeAR (../shared/polnear, never part of this repository). Under CI
(env CI set) a missing copy fails the run; elsewhere these tests are skipped and say so.
Everything is written under pytest's tmp_path: no PolNeAR text or release enters the repo.
The full train+dev build with timings is scripts/bench_polnear.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli

POLNEAR = Path(os.environ.get("CLAIMCORPUS_POLNEAR", REPO.parent / "shared" / "polnear"))


@pytest.fixture(scope="module")
def polnear_dir() -> Path:
    if not (POLNEAR / "data" / "metadata.tsv").exists():
        msg = f"{POLNEAR} is missing: the PolNeAR integration tests were NOT run"
        if os.environ.get("CI"):
            pytest.fail(msg + " (CI is set, so this is a failure)")
        pytest.skip(msg)
    return POLNEAR


def test_dev_imports_builds_and_loads_offline_with_provenance(polnear_dir, tmp_path, offline_hf):
    from datasets import load_dataset

    root = tmp_path / "polnear"
    assert run_cli("init", str(root)).returncode == 0
    r = run_cli("import", "polnear", str(polnear_dir), "--compartments", "dev,test", root=root)
    assert r.returncode == 0, r.stderr
    assert "compartment test: 84 articles in metadata.tsv, but no texts" in r.stderr
    assert "84 documents" in r.stdout
    meta = json.loads(
        (root / "corpus/docs/nyt_2016-09-12_visa-program-up-for-renewal-amid.json").read_text()
    )["meta"]
    assert meta["outlet"] == "New York Times" and meta["source_metadata"]["compartment"] == "dev"
    r = run_cli("build", "--version", "1.0.0", root=root)
    assert r.returncode == 0, r.stderr
    release = root / "releases" / "1.0.0"
    for config in ("documents", "claims", "tokens"):
        ds = load_dataset(str(release), config)
        assert list(ds) == ["validation"], config  # dev is validation; no test texts
    docs = load_dataset(str(release), "documents", split="validation")
    assert docs.num_rows == 84 and "stance" not in docs.features["attributions"].feature
    for row in docs.select(range(5)):
        for s in row["spans"]:
            assert row["text"][s["start"] : s["end"]] == s["text"]
    card = (release / "README.md").read_text()
    assert "belong to their publishers" in card and "Breitbart" in card
    assert "PolNeAR v1.0.0" in (release / "DATASHEET.md").read_text()
    assert "95% bootstrap intervals" in card.split("<!-- results:start -->")[1]
    r = run_cli("validate", root=root)
    assert r.returncode == 0, r.stdout[-2000:]
    r = run_cli("agreement", "--no-gamma", root=root)
    assert r.returncode == 0, r.stderr
    assert "| token-wise Krippendorff's alpha | 75.4% |" in r.stdout
    assert "documents with two or more raw layers" in r.stdout


def test_train_and_dev_import_lists_what_it_leaves_out(polnear_dir, tmp_path):
    root = tmp_path / "polnear"
    assert run_cli("init", str(root)).returncode == 0
    r = run_cli("import", "polnear", str(polnear_dir), "--compartments", "train,dev", root=root)
    assert r.returncode == 1 and "nothing was written" in r.stderr
    assert not (root / "corpus" / "docs").exists()
    r = run_cli(
        "import", "polnear", str(polnear_dir), "--compartments", "train,dev", "--skip-invalid",
        root=root,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    skipped = [line for line in r.stderr.splitlines() if line.startswith("skipped ")]
    refused = [s for s in skipped if s.endswith("error(s)")]
    errors = [line for line in r.stderr.splitlines() if line.startswith("[error ")]
    # PolNeAR's own data: 3 crossing spans, 2 duplicate content hulls, 3 contents linked both
    # with and without a source
    data = {"span-crossing", "span-duplicate", "claim-contradictory-flags"}
    assert sum(1 for e in errors if e.split("]")[0][7:] in data) == 8
    # no annotated text lies on a line the boilerplate detector removes (issue 16: embedded
    # posts with their own sentences, a lead-in ending in a colon, used to be removed)
    removed = sorted(e for e in errors if "normalization removed" in e)
    assert removed == [], removed[:5]
    assert len(refused) == 8
    # 924 texts: 6 whose only layer is refused for PolNeAR's own data errors are not added
    assert len(list((root / "corpus/docs").iterdir())) == 918
    splits = json.loads((root / "corpus/splits.json").read_text())["splits"]
    assert len(splits["train"]) + len(splits["validation"]) == len(
        list((root / "corpus/docs").iterdir())
    )
    assert len(splits["validation"]) == 84
    raw = {p.name for p in (root / "annotations/raw").iterdir()}
    assert len(raw) == 6  # PolNeAR's six annotators keep their layers on shared articles
    assert len(list((root / "annotations/adjudication").iterdir())) == 18


@pytest.mark.parametrize("ci, code, words", [("1", 1, "NOT run"), ("", 0, "NOT run")])
def test_a_missing_copy_fails_under_ci_and_is_skipped_with_a_reason_elsewhere(ci, code, words):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CLAIMCORPUS_POLNEAR"] = "/nonexistent/polnear"
    if ci:
        env["CI"] = ci
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", __file__, "-k", "dev_imports"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )  # fmt: skip
    assert r.returncode == code, r.stdout[-2000:]
    assert words in r.stdout
