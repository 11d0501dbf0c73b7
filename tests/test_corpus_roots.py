"""Corpus roots (issue 15): `init`, per-scheme optional fields, a release checked alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SEEDS, run_cli

FIX = Path(__file__).parent / "fixtures" / "brat"
MAP = ["--map", "Source=SOURCE,Cue=CUE,Content=CLAIM"]


def cli_in(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI run from ``cwd`` (no --root), as a user inside a folder would."""
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(REPO / "src"))}
    return subprocess.run(
        [sys.executable, "-m", "claimcorpus", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_init_makes_a_root_that_every_command_works_on(tmp_path):
    root = tmp_path / "new"
    r = run_cli("init", str(root))
    assert r.returncode == 0, r.stderr
    for part in ("corpus", "annotations/gold", "releases", "schema/scheme.yaml", "README.md"):
        assert (root / part).exists(), part
    assert "TODO" in (root / "annotations/GUIDELINES.md").read_text()
    assert cli_in(root, "validate").returncode == 0
    assert cli_in(root, "schema", "--check").returncode == 0
    r = cli_in(root, "build", "--version", "1.0.0")
    assert r.returncode == 1 and "no documents" in r.stderr
    seeds = sorted(SEEDS.glob("*.txt"))[:3]  # three stories: a build fills train/validation/test
    assert cli_in(root, "ingest", *map(str, seeds)).returncode == 0
    r = cli_in(root, "build", "--version", "1.0.0")
    assert r.returncode == 0, r.stderr
    assert cli_in(root, "validate").returncode == 0


def test_init_refuses_a_used_folder_and_a_bad_scheme_leaving_nothing(tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    r = run_cli("init", str(used))
    assert r.returncode == 1 and "not an empty folder" in r.stderr
    assert sorted(p.name for p in used.iterdir()) == ["notes.txt"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscheme_version: 1\nspan_labels: [{name: CLAIM}]\nfields: [mood]\n")
    r = run_cli("init", str(tmp_path / "fresh"), "--scheme", str(bad))
    assert r.returncode == 1 and "fields: unknown ['mood']" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "used"]


def test_a_folder_that_is_no_root_gets_a_message_not_a_traceback(tmp_path):
    for args in (["schema"], ["validate"], ["build", "--version", "1.0.0"]):
        r = cli_in(tmp_path, *args)
        assert r.returncode == 2, args
        assert "no claimcorpus project found" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr, r.stderr


def built_fixture_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    assert run_cli("init", str(root), "--scheme", str(FIX / "scheme.yaml")).returncode == 0
    r = run_cli(
        "import",
        "brat",
        str(FIX / "good"),
        *MAP,
        "--relation",
        "Attribution,Attribution-no-source",
        "--ignore",
        "Discuss",
        "--adjudicate",
        root=root,
    )
    assert r.returncode == 0, r.stderr
    r = run_cli("build", "--version", "1.0.0", root=root)
    assert r.returncode == 0, r.stderr
    return root / "releases" / "1.0.0"


def test_a_corpus_without_stance_has_no_such_column_and_is_never_scored_on_it(tmp_path, offline_hf):
    from datasets import load_dataset

    from claimcorpus.release.load import load_documents

    release = built_fixture_root(tmp_path)
    docs = load_dataset(str(release), "documents")
    assert sorted(docs) == ["test", "train", "validation"]
    atts = docs["train"].features["attributions"].feature
    spans = docs["train"].features["spans"].feature
    assert "stance" not in atts and "source_type" not in atts and "topic_stance" not in spans
    assert "fragments" in spans
    claims = load_dataset(str(release), "claims")["train"]
    assert "stance" not in claims.features and "cluster_id" not in claims.features
    card = (release / "README.md").read_text()
    assert "This corpus has no `stance`, `source_type`, `topic_stance`" in card
    preds = tmp_path / "preds.jsonl"
    rows = [
        {k: d[k] for k in ("doc_id", "spans", "attributions")}
        for d in load_documents(release, "validation")
    ]
    preds.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "result.json"
    r = run_cli(
        "evaluate", "--predictions", str(preds), "--release", str(release), "--split",
        "validation", "--json", str(out),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Stance: skipped" in r.stdout and "claim+source " in r.stdout
    result = json.loads(out.read_text())
    assert set(result["stance"]) == {"skipped"}
    assert result["attributions"]["strict"]["f1"] == 1.0  # gold scored against itself
    table = card.split("<!-- results:start -->")[1].split("<!-- results:end -->")[0]
    rules = next(line for line in table.splitlines() if line.startswith("| rules | "))
    assert rules.endswith("| n/a |")  # stance, which the corpus lacks, is never scored as 0
    assert "rules + stance" not in table  # no stance to classify
    assert "| release | source stance | n/a |" in table


def test_a_release_validates_alone_outside_any_root(tmp_path):
    elsewhere = tmp_path / "downloads"
    shutil.copytree(REPO / "releases" / "1.0.0", elsewhere / "1.0.0")
    r = cli_in(tmp_path, "validate", "--release", str(elsewhere / "1.0.0"))
    assert r.returncode == 0, r.stderr
    assert "0 errors, 0 warnings" in r.stderr, r.stderr
    card = elsewhere / "1.0.0" / "README.md"
    card.write_text(card.read_text().replace("num_examples: 3\n", "num_examples: 4\n", 1))
    r = cli_in(tmp_path, "validate", "--release", str(elsewhere / "1.0.0"))
    assert r.returncode == 1
    assert "release-card-rows" in r.stdout and "release-checksum" in r.stdout


def test_adjudicate_writes_valid_gold_in_a_corpus_without_source_types(tmp_path):
    root = tmp_path / "root"
    assert run_cli("init", str(root), "--scheme", str(FIX / "scheme.yaml")).returncode == 0
    rel = ["--relation", "Attribution,Attribution-no-source", "--ignore", "Discuss"]
    assert run_cli("import", "brat", str(FIX / "good"), *MAP, *rel, root=root).returncode == 0
    r = run_cli("adjudicate", root=root)
    assert r.returncode == 0 and "cafe: merged" in r.stdout, r.stderr
    assert "check problem" not in r.stdout and "gold written" in r.stdout
    r = run_cli("validate", root=root)
    assert r.returncode == 0, r.stdout
