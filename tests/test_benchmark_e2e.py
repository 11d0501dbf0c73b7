"""The researcher's path on a real release: load test, predict, evaluate; card == results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from datasets import load_dataset

from claimcorpus.pipeline import build_release
from claimcorpus.release.load import load_documents


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e") / "project"
    for part in ("schema", "corpus", "annotations"):
        shutil.copytree(REPO / part, root / part)
    folder, _ = build_release(root, "1.0.0", root / "releases")
    return folder


def _table(text: str) -> str:
    start, end = text.index("| baseline | split"), text.rindex("|") + 1
    return text[start:end]


def test_card_results_table_is_what_the_results_command_prints(release: Path):
    r = run_cli("results", "--release", f"release={release}")
    assert r.returncode == 0, r.stderr
    card = (release / "README.md").read_text()
    block = card.split("<!-- results:start -->\n")[1].split("\n<!-- results:end -->")[0]
    assert block.strip() and block.strip() == r.stdout.strip()
    assert "| rules | folds | 5 |" in block and "| rules + stance | folds | 5 |" in block
    assert "| release | source stance | 122 | 5 | 3 |" in block


def test_the_baseline_command_still_scores_every_split(release: Path):
    r = run_cli("baseline", "--release", str(release), "--bootstrap", "0")
    assert r.returncode == 0, r.stderr
    assert "| rules | test |" in _table(r.stdout) and "| trivial | fold0_test |" in r.stdout


def _write(path: Path, docs: list[dict]) -> None:
    with path.open("w") as f:
        for d in docs:
            f.write(json.dumps({k: d[k] for k in ("doc_id", "spans", "attributions")}) + "\n")


def test_perfect_predictions_score_one_and_a_dropped_claim_scores_less(
    release: Path, tmp_path: Path
):
    test = load_dataset(str(release), "documents", split="test")
    assert len(test) >= 1
    gold = load_documents(release, "test")
    assert [d["doc_id"] for d in gold] == sorted(test["doc_id"])
    preds = tmp_path / "preds.jsonl"
    _write(preds, gold)
    out = tmp_path / "r.json"
    r = run_cli(
        "evaluate",
        "--predictions",
        str(preds),
        "--release",
        str(release),
        "--split",
        "test",
        "--json",
        str(out),
        "--bootstrap",
        "50",
    )
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert res["spans"]["strict"]["micro"]["f1"] == 1.0
    assert res["attributions"]["strict"]["f1"] == 1.0
    assert "strict" in r.stdout
    # drop one CLAIM and every attribution that used it
    claim = next(s for s in gold[0]["spans"] if s["label"] == "CLAIM")
    gold[0]["spans"] = [s for s in gold[0]["spans"] if s["id"] != claim["id"]]
    gold[0]["attributions"] = [a for a in gold[0]["attributions"] if a["claim"] != claim["id"]]
    _write(preds, gold)
    r = run_cli(
        "evaluate",
        "--predictions",
        str(preds),
        "--release",
        str(release),
        "--split",
        "test",
        "--json",
        str(out),
        "--bootstrap",
        "0",
    )
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert 0.9 < res["spans"]["strict"]["micro"]["f1"] < 1.0
    assert res["attributions"]["strict"]["f1"] < 1.0


def test_a_prediction_for_an_unknown_doc_is_an_error_naming_the_line(release: Path, tmp_path: Path):
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"doc_id": "no-such-doc", "spans": [], "attributions": []}\n')
    r = run_cli(
        "evaluate", "--predictions", str(preds), "--release", str(release), "--split", "test"
    )
    assert r.returncode == 2
    assert "p.jsonl:1" in r.stderr and "no-such-doc" in r.stderr


def test_view_splits_from_the_manifest_are_scoreable(release: Path, tmp_path: Path):
    """A view split is scored against its own documents: all of them, and only them."""
    view = json.loads((release / "splits.json").read_text())["splits"]["fold0_test"]
    gold = load_documents(release, "fold0_test")
    assert sorted(d["doc_id"] for d in gold) == sorted(view)
    n_spans = sum(len(d["spans"]) for d in gold)
    n_atts = sum(len(d["attributions"]) for d in gold)
    preds, out = tmp_path / "preds.jsonl", tmp_path / "r.json"
    results = {}
    for name, docs in (("empty", []), ("perfect", gold)):
        _write(preds, docs)
        r = run_cli(
            "evaluate",
            "--predictions",
            str(preds),
            "--release",
            str(release),
            "--split",
            "fold0_test",
            "--bootstrap",
            "0",
            "--json",
            str(out),
        )
        assert r.returncode == 0, r.stderr
        assert f"{len(view)} documents ({len(docs)} with predictions)" in r.stdout
        results[name] = json.loads(out.read_text())
    empty, perfect = results["empty"], results["perfect"]
    assert empty["documents"] == perfect["documents"] == len(view)
    assert empty["gold_spans"] == n_spans and empty["predicted_spans"] == 0
    assert empty["spans"]["strict"]["micro"]["missed"] == n_spans
    assert empty["attributions"]["strict"]["gold"] == n_atts
    assert empty["attributions"]["strict"]["tp"] == 0
    assert perfect["spans"]["strict"]["micro"]["f1"] == 1.0
    assert perfect["attributions"]["strict"]["tp"] == n_atts
