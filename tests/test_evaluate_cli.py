"""`claimcorpus evaluate`: help text, exit codes, JSON output (on a copy of releases/1.0.0)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import datasets.config
import pytest

from claimcorpus.evaluate import cli

REPO = Path(__file__).resolve().parents[1]
TEST_DOC = "000_e24865ecb7649ad0"  # the one document of split "test" in 1.0.0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="claimcorpus")
    main.add_argument("--root", default=".")
    cli.add_parser(main.add_subparsers(dest="command", required=True))
    return main


@pytest.fixture()
def release(tmp_path: Path, offline_hf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of releases/1.0.0 (the datasets cache under tmp_path too)."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(offline_hf / "datasets"))
    shutil.copytree(REPO / "releases" / "1.0.0", tmp_path / "rel")
    return tmp_path / "rel"


def test_add_parser_registers_evaluate_with_defaults():
    args = parser().parse_args(["evaluate", "--predictions", "p.jsonl", "--release", "r"])
    assert args.func is cli.run
    assert (args.split, args.bootstrap, args.seed, args.json) == ("test", 1000, 0, None)


def test_evaluate_help_runs_through_the_real_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "claimcorpus.cli", "evaluate", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": ""},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "--predictions" in done.stdout and "--json" in done.stdout
    assert "nervaluate" in done.stdout


def test_good_predictions_print_a_table_and_write_json(tmp_path, release, capsys):
    gold = cli.load_gold(release, "test").docs
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({k: gold[0][k] for k in ("doc_id", "spans", "attributions")}))
    out = tmp_path / "out" / "result.json"
    args = parser().parse_args(
        ["evaluate", "--predictions", str(preds), "--release", str(release), "--json", str(out)]
    )
    assert args.func(args) == 0
    assert "strict" in capsys.readouterr().out
    result = json.loads(out.read_text())
    assert result["split"] == "test"
    assert result["spans"]["strict"]["micro"]["f1"] == 1.0
    assert result["attributions"]["strict"]["f1"] == 1.0


def test_bad_predictions_exit_2_naming_the_line(tmp_path, release, capsys):
    preds = tmp_path / "p.jsonl"
    preds.write_text(f'{{"doc_id": "{TEST_DOC}", "spans": []}}\n{{"doc_id": "ghost"}}\n')
    args = parser().parse_args(["evaluate", "--predictions", str(preds), "--release", str(release)])
    assert args.func(args) == 2
    assert f"{preds}:2: unknown doc_id 'ghost'" in capsys.readouterr().err


def test_unloadable_release_exits_2(tmp_path, capsys):
    args = parser().parse_args(
        ["--root", str(tmp_path), "evaluate", "--predictions", str(tmp_path / "p.jsonl")]
        + ["--release", str(tmp_path / "nowhere")]
    )
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert "cannot load split 'test'" in err
    assert f"release folder '{tmp_path / 'nowhere'}' does not exist" in err
