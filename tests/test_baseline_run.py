"""Baselines over every split: table, JSON, card block; the release loader is stubbed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from claimcorpus.baseline import cli, run

TEXT = "Officials said China helps Russia. The sky is blue. Beijing denied that it sends arms."
GOLD = {
    "doc_id": "d1",
    "text": TEXT,
    "spans": [
        {"id": "s1", "label": "SOURCE", "start": 0, "end": 9},
        {"id": "q1", "label": "CUE", "start": 10, "end": 14},
        {"id": "c1", "label": "CLAIM", "start": 15, "end": 33},
        {"id": "s2", "label": "SOURCE", "start": 52, "end": 59},
        {"id": "q2", "label": "CUE", "start": 60, "end": 66},
        {"id": "c2", "label": "CLAIM", "start": 72, "end": 85},
    ],
    "attributions": [
        {"id": "a1", "claim": "c1", "source": "s1", "cue": "q1", "stance": "support"},
        {"id": "a2", "claim": "c2", "source": "s2", "cue": "q2", "stance": "refute"},
    ],
}
OTHER = {**GOLD, "doc_id": "d2"}
LOADED: list[str] = []  # splits the stubbed loader was asked for


@pytest.fixture()
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    splits = {"fold0_test": ["d2"], "test": ["d1"], "train": ["d1", "d2"]}
    (folder / "splits.json").write_text(json.dumps({"splits": splits}))
    docs = {"d1": GOLD, "d2": OTHER}
    LOADED.clear()

    def load(path, split):
        LOADED.append(split)
        return [docs[d] for d in splits[split]]

    monkeypatch.setattr(run, "load_split", load)
    return folder


def test_gold_sanity_offsets():
    assert [TEXT[s["start"] : s["end"]] for s in GOLD["spans"]] == [
        "Officials",
        "said",
        "China helps Russia",
        "Beijing",
        "denied",
        "it sends arms",
    ]


def test_standard_splits_come_first_then_views(release):
    assert run.split_names(release) == ["train", "test", "fold0_test"]


def test_every_baseline_runs_on_every_split(release):
    result = run.run_baselines(release)
    assert set(result["results"]) == {"rules", "trivial"}
    assert sorted(LOADED) == ["fold0_test", "test", "train"]
    rules_test = result["results"]["rules"]["test"]
    assert rules_test["spans"]["strict"]["micro"]["f1"] == 1.0
    assert rules_test["attributions"]["strict"]["f1"] == 1.0
    trivial_test = result["results"]["trivial"]["test"]
    assert trivial_test["attributions"]["strict"]["f1"] == 0.0  # no sources: never a tuple match


def test_baseline_table_is_markdown_with_a_row_per_baseline_and_split(release):
    table = run.baseline_table(release)
    lines = table.splitlines()
    assert lines[0].startswith("| baseline | split | docs | span strict F1")
    assert len(lines) == 2 + 2 * 3
    assert "| rules | test | 1 | 1.000 | 1.000 | 1.000 |" in table


def parse(argv: list[str]) -> argparse.Namespace:
    main = argparse.ArgumentParser()
    main.add_argument("--root", default=".")
    cli.add_parser(main.add_subparsers(dest="command", required=True))
    return main.parse_args(argv)


def test_cli_prints_table_and_writes_json(release, tmp_path, capsys):
    out = tmp_path / "b.json"
    args = parse(["baseline", "--release", str(release), "--json", str(out), "--bootstrap", "20"])
    assert args.func(args) == 0
    assert "| rules | train |" in capsys.readouterr().out
    data = json.loads(out.read_text())
    assert data["table"].startswith("| baseline")
    assert "ci" in data["results"]["rules"]["test"]["spans"]["strict"]["micro"]


def test_cli_writes_json_only_when_asked(release, tmp_path):
    args = parse(
        ["--root", str(tmp_path), "baseline", "--release", str(release), "--bootstrap", "0"]
    )
    assert args.func(args) == 0
    assert not (tmp_path / "results").exists()
    args = parse(
        [
            "baseline",
            "--release",
            str(release),
            "--bootstrap",
            "0",
            "--json",
            str(tmp_path / "b.json"),
        ]
    )
    assert args.func(args) == 0
    assert "table" in json.loads((tmp_path / "b.json").read_text())


def test_readme_block_is_replaced_and_nothing_else(release, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Project\n{cli.CARD_START}\nSTALE TABLE\n{cli.CARD_END}\nafter\n")
    args = parse(
        ["baseline", "--release", str(release), "--bootstrap", "0", "--readme", str(readme)]
    )
    assert args.func(args) == 0
    text = readme.read_text()
    assert "STALE TABLE" not in text
    assert text.startswith("# Project\n") and text.endswith("after\n")
    assert "| rules | test |" in text


def test_readme_without_markers_exits_2_and_is_untouched(release, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# Project without markers\n")
    args = parse(
        ["baseline", "--release", str(release), "--bootstrap", "0", "--readme", str(readme)]
    )
    assert args.func(args) == 2
    assert "baselines:start" in capsys.readouterr().err
    assert readme.read_text() == "# Project without markers\n"


def test_missing_splits_json_exits_2(tmp_path, capsys):
    args = parse(
        ["baseline", "--release", str(tmp_path / "nowhere"), "--json", str(tmp_path / "b")]
    )
    assert args.func(args) == 2
    assert "cannot run baselines" in capsys.readouterr().err


def test_a_failing_split_loader_is_a_release_error(tmp_path, monkeypatch):
    import claimcorpus.release.build

    def broken(path, split):
        raise RuntimeError("parquet missing")

    monkeypatch.setattr(claimcorpus.release, "load_documents", broken, raising=False)
    with pytest.raises(run.ReleaseError, match="split 'test': parquet missing"):
        run.load_split(tmp_path, "test")
