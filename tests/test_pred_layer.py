"""Predictions are a layer: annotations/pred/<model>/, written by `predictions import`, listed,
scored by `evaluate --layer` exactly as the same predictions given as JSONL, read by
`ls push --predictions`, and a bad record is named by file, record and field."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import datasets.config
import pytest
from conftest import REPO, run_cli, tree_digest

from claimcorpus.annotate.agreement import agreement, resolve_layers
from claimcorpus.baseline.rules import extract
from claimcorpus.cli import main as cli_main
from claimcorpus.core.layers import (
    check_layer,
    layer_dir,
    list_layers,
    list_pred_layers,
    load_layer,
    resolve_layer,
)
from claimcorpus.core.records import LayerRecord
from claimcorpus.evaluate import cli, layer
from claimcorpus.evaluate.reader import PredictionError
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.push import prediction_records, prediction_source
from claimcorpus.release.load import load_documents as release_documents

SPLITS = ("train", "validation", "test")


@pytest.fixture()
def release(tmp_path: Path, offline_hf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(offline_hf / "datasets"))
    shutil.copytree(REPO / "releases" / "1.0.0", tmp_path / "rel")
    return tmp_path / "rel"


def rule_predictions(release: Path) -> list[dict]:
    """The rule baseline on every annotated document, some span texts left out (a prediction
    may omit them; the layer takes them from the document)."""
    out = []
    for split in SPLITS:
        for d in release_documents(release, split):
            rec = extract(d["doc_id"], d["text"])
            for s in rec["spans"][::2]:
                del s["text"]
            out.append(rec)
    return sorted(out, key=lambda r: r["doc_id"])


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="claimcorpus")
    main.add_argument("--root", default=None)
    sub = main.add_subparsers(dest="command", required=True)
    cli.add_parser(sub)
    layer.add_parser(sub)
    return main


def run(*argv: str) -> int:
    args = parser().parse_args(list(argv))
    return args.func(args)


def scores(root: Path, release: Path, split: str, source: list[str], out: Path) -> dict:
    argv = ["--root", str(root), "evaluate", *source, "--release", str(release)]
    assert run(*argv, "--split", split, "--bootstrap", "50", "--json", str(out)) == 0
    return json.loads(out.read_text())


def test_layer_names_and_listing(project: Path):
    assert layer_dir(project, "pred/rules") == project / "annotations" / "pred" / "rules"
    for bad in ("pred", "pred/", "pred/a/b", "pred/..", "model/rules"):
        with pytest.raises(ValueError, match="pred/<model>"):
            layer_dir(project, bad)
    assert list_pred_layers(project) == []
    for model in ("rules", "big-model"):
        (layer_dir(project, f"pred/{model}")).mkdir(parents=True)
    assert list_pred_layers(project) == ["pred/big-model", "pred/rules"]
    assert all(not lay.startswith("pred/") for lay in list_layers(project))
    assert resolve_layer(project, "pred/rules") == "pred/rules"


def test_import_writes_a_layer_that_scores_as_the_jsonl_does(
    project: Path, release: Path, tmp_path: Path
):
    preds = rule_predictions(release)
    assert any(p["attributions"] for p in preds)  # something worth scoring
    path = write_jsonl(tmp_path / "rules.jsonl", preds)
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "rules") == 0

    written = load_layer(project, "pred/rules")
    assert sorted(written) == [p["doc_id"] for p in preds]
    docs = {d["doc_id"]: d for d in load_documents(project)}
    for doc_id, rec in written.items():
        assert (rec["layer"], rec["annotator"]) == ("pred", "rules")
        assert rec["text_sha256"] == docs[doc_id]["text_sha256"]
        text = docs[doc_id]["text"]
        assert all(s["text"] == text[s["start"] : s["end"]] for s in rec["spans"])
        assert LayerRecord.from_json(rec).to_json() == rec
    assert check_layer(project, "pred/rules", docs) == []

    for split in ("test", "fold0_test"):
        members = set(json.loads((release / "splits.json").read_text())["splits"][split])
        one_split = write_jsonl(
            tmp_path / f"{split}.jsonl", [p for p in preds if p["doc_id"] in members]
        )
        from_jsonl = scores(
            project, release, split, ["--predictions", str(one_split)], tmp_path / "a.json"
        )
        from_layer = scores(project, release, split, ["--layer", "pred/rules"], tmp_path / "b.json")
        assert from_layer.pop("predictions") == "pred/rules"
        assert from_jsonl.pop("predictions") == str(one_split)
        assert from_layer == from_jsonl
        assert 0 < from_layer["spans"]["strict"]["micro"]["f1"] < 1


def test_a_bad_pred_record_is_named_by_file_record_and_field(
    project: Path, release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write_jsonl(tmp_path / "rules.jsonl", rule_predictions(release))
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "rules") == 0
    test_doc = release_documents(release, "test")[0]["doc_id"]
    file = layer_dir(project, "pred/rules") / f"{test_doc}.json"
    rec = json.loads(file.read_text())
    rec["spans"][0]["end"] = 10**6
    rec["attributions"][0]["stance"] = "agree"
    file.write_text(json.dumps(rec))
    capsys.readouterr()
    argv = ["--root", str(project), "evaluate", "--layer", "pred/rules", "--release", str(release)]
    assert run(*argv) == 2
    err = capsys.readouterr().err
    rel = f"annotations/pred/rules/{test_doc}.json"
    span, att = rec["spans"][0]["id"], rec["attributions"][0]["id"]
    assert f"[error span-out-of-range] {rel} doc={test_doc} record={span} field=start:" in err
    assert f"[error annotation-schema] {rel} doc={test_doc} record={att} field=stance:" in err
    assert "unknown stance 'agree'" in err
    docs = {d["doc_id"]: d for d in load_documents(project)}
    found = {(p.id, p.file, p.record, p.field) for p in check_layer(project, "pred/rules", docs)}
    assert ("span-out-of-range", rel, span, "start") in found


def test_a_pred_record_of_another_text_is_refused(project: Path, release: Path, tmp_path: Path):
    path = write_jsonl(tmp_path / "p.jsonl", rule_predictions(release))
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "m") == 0
    test_doc = release_documents(release, "test")[0]["doc_id"]
    file = layer_dir(project, "pred/m") / f"{test_doc}.json"
    rec = json.loads(file.read_text())
    rec["text_sha256"] = "0" * 64
    file.write_text(json.dumps(rec))
    with pytest.raises(PredictionError, match="annotation-text-changed"):
        layer.read_layer(project, "pred/m", cli.load_gold(release, "test"))


def test_other_splits_records_are_left_alone_and_other_layers_refused(
    project: Path, release: Path, tmp_path: Path
):
    preds = rule_predictions(release)
    path = write_jsonl(tmp_path / "p.jsonl", preds)
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "m") == 0
    target = cli.load_gold(release, "test")
    assert [r.doc_id for r in layer.read_layer(project, "pred/m", target)] == sorted(target.members)
    for bad in ("gold", "raw/someone"):
        with pytest.raises(PredictionError, match="pred/<model>"):
            layer.read_layer(project, bad, target)
    with pytest.raises(PredictionError, match="no such layer"):
        layer.read_layer(project, "pred/absent", target)


def test_a_bad_line_writes_nothing_and_is_named(project: Path, release: Path, tmp_path: Path):
    preds = rule_predictions(release)
    preds[1]["spans"][0]["label"] = "OPINION"
    path = write_jsonl(tmp_path / "p.jsonl", preds)
    before = tree_digest(project / "annotations")
    r = run_cli("predictions", "import", str(path), "--model", "m", root=project)
    assert r.returncode == 2
    assert f"{path}:2: doc {preds[1]['doc_id']!r}: span" in r.stderr
    assert "unknown label 'OPINION'" in r.stderr
    assert tree_digest(project / "annotations") == before
    for bad in ("no good", "..", "a/b"):
        r = run_cli("predictions", "import", str(path), "--model", bad, root=project)
        assert r.returncode == 2 and f"model name {bad!r}" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert tree_digest(project / "annotations") == before


def test_import_replaces_the_layer_and_reads_classlabel_ids(
    project: Path, release: Path, tmp_path: Path
):
    preds = rule_predictions(release)
    first = write_jsonl(tmp_path / "all.jsonl", preds)
    assert run("--root", str(project), "predictions", "import", str(first), "--model", "m") == 0
    kept = json.loads(json.dumps(preds[0]))
    for s in kept["spans"]:
        s["label"] = ["CLAIM", "SOURCE", "CUE"].index(s["label"])  # as load_dataset gives them
    second = write_jsonl(tmp_path / "one.jsonl", [kept])
    r = run_cli("predictions", "import", str(second), "--model", "m", root=project)
    assert r.returncode == 0, r.stderr
    assert f"({len(preds) - 1} stale record(s)" in r.stdout
    layer_now = load_layer(project, "pred/m")
    assert list(layer_now) == [kept["doc_id"]]
    labels = sorted(s["label"] for s in layer_now[kept["doc_id"]]["spans"])
    assert labels == sorted(s["label"] for s in preds[0]["spans"])


def test_ls_push_reads_a_pred_layer_like_gold(project: Path, release: Path, tmp_path: Path):
    path = write_jsonl(tmp_path / "p.jsonl", rule_predictions(release))
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "m") == 0
    docs = load_documents(project)
    shown = prediction_records(project, docs, "pred/m")
    assert shown == load_layer(project, "pred/m") and shown
    assert prediction_records(project, docs, "gold") == load_layer(project, "gold")
    assert prediction_source("pred/m") == "pred/m"
    with pytest.raises(ValueError, match="gold, baseline or a layer such as pred/<model>"):
        prediction_source("nonsense")


def test_agreement_reads_a_pred_layer_by_its_name(project: Path, release: Path, tmp_path: Path):
    path = write_jsonl(tmp_path / "p.jsonl", rule_predictions(release))
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "m") == 0
    assert resolve_layers(project, ["gold", "pred/m"]) == ["gold", "pred/m"]
    (pair,) = agreement(project, ["gold", "pred/m"], with_gamma=False)["pairs"]
    assert pair["docs"] == len(load_layer(project, "gold"))
    assert 0 < pair["spans"]["CLAIM"]["overlap_f1"] < 1


def test_evaluate_layer_finds_its_project_from_the_working_folder(
    project: Path, release: Path, tmp_path: Path
):
    path = write_jsonl(tmp_path / "p.jsonl", rule_predictions(release))
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "m") == 0
    argv = ["evaluate", "--layer", "pred/m", "--release", str(release), "--bootstrap", "10"]
    done = subprocess.run(
        [sys.executable, "-m", "claimcorpus.cli", *argv],
        cwd=project / "annotations",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "pred/m on split test" in done.stdout
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "claimcorpus.cli", *argv],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2 and "no claimcorpus project found" in done.stderr


def test_validate_checks_pred_layers_too(
    project: Path, release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write_jsonl(tmp_path / "rules.jsonl", rule_predictions(release))
    assert run("--root", str(project), "predictions", "import", str(path), "--model", "rules") == 0
    assert cli_main(["--root", str(project), "validate"]) == 0
    doc = release_documents(release, "test")[0]["doc_id"]
    file = layer_dir(project, "pred/rules") / f"{doc}.json"
    rec = json.loads(file.read_text())
    rec["spans"][0]["end"] = 10**6
    file.write_text(json.dumps(rec))
    capsys.readouterr()
    assert cli_main(["--root", str(project), "validate"]) == 1
    out = capsys.readouterr().out
    assert f"[error span-out-of-range] annotations/pred/rules/{doc}.json doc={doc}" in out
