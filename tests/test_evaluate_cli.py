"""`claimcorpus evaluate`: help text, exit codes, JSON output (gold loading stubbed)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimcorpus.evaluate import cli

REPO = Path(__file__).resolve().parents[1]
TEXT = "Officials said China helps Russia."
GOLD = [
    {
        "doc_id": "d1",
        "text": TEXT,
        "spans": [
            {"id": "s1", "label": "SOURCE", "start": 0, "end": 9, "text": "Officials"},
            {"id": "q1", "label": "CUE", "start": 10, "end": 14, "text": "said"},
            {"id": "c1", "label": "CLAIM", "start": 15, "end": 33, "text": "China helps Russia"},
        ],
        "attributions": [
            {"id": "a1", "claim": "c1", "source": "s1", "cue": "q1", "stance": "support"}
        ],
    }
]


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="claimcorpus")
    main.add_argument("--root", default=".")
    cli.add_parser(main.add_subparsers(dest="command", required=True))
    return main


@pytest.fixture()
def stub_gold(monkeypatch):
    monkeypatch.setattr(cli, "load_gold", lambda release, split: GOLD)


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


def test_good_predictions_print_a_table_and_write_json(tmp_path, stub_gold, capsys):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({k: GOLD[0][k] for k in ("doc_id", "spans", "attributions")}))
    out = tmp_path / "out" / "result.json"
    args = parser().parse_args(
        ["evaluate", "--predictions", str(preds), "--release", "r", "--json", str(out)]
    )
    assert args.func(args) == 0
    assert "strict" in capsys.readouterr().out
    result = json.loads(out.read_text())
    assert result["split"] == "test"
    assert result["spans"]["strict"]["micro"]["f1"] == 1.0
    assert result["attributions"]["strict"]["f1"] == 1.0


def test_bad_predictions_exit_2_naming_the_line(tmp_path, stub_gold, capsys):
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"doc_id": "d1", "spans": []}\n{"doc_id": "ghost"}\n')
    args = parser().parse_args(["evaluate", "--predictions", str(preds), "--release", "r"])
    assert args.func(args) == 2
    assert f"{preds}:2: unknown doc_id 'ghost'" in capsys.readouterr().err


def test_unloadable_release_exits_2(tmp_path, capsys, monkeypatch):
    def boom(release, split):
        raise FileNotFoundError("no splits.json")

    monkeypatch.setattr(cli, "load_gold", boom)
    args = parser().parse_args(
        ["evaluate", "--predictions", str(tmp_path / "p.jsonl"), "--release", "nowhere"]
    )
    assert args.func(args) == 2
    assert "cannot load split 'test'" in capsys.readouterr().err
