"""The learned baseline: `claimcorpus train` and `predict` on the seed release (a tiny run),
determinism for a seed, predict -> evaluate end to end, and clear errors for bad inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets.config
import pytest
from conftest import REPO, run_cli, tree_digest

from claimcorpus.cli import main as cli_main
from claimcorpus.core.io import sha256_file
from claimcorpus.core.problems import InputError
from claimcorpus.learn.model import load_model
from claimcorpus.learn.predict import predict_documents
from claimcorpus.learn.spans import CrfConfig
from claimcorpus.learn.tokens import bio_tags, decode, sentences_of
from claimcorpus.learn.train import load_config, train_model
from claimcorpus.release.load import load_documents

TINY = CrfConfig(max_iterations=15)


@pytest.fixture()
def release(tmp_path: Path, offline_hf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(offline_hf / "datasets"))
    shutil.copytree(REPO / "releases" / "1.0.0", tmp_path / "rel")
    return tmp_path / "rel"


@pytest.fixture()
def model(release: Path, tmp_path: Path) -> Path:
    out = tmp_path / "models" / "tiny"
    train_model(release, out, TINY, seed=0, progress=False)
    return out


def config_file(tmp_path: Path, text: str = "max_iterations: 15\n") -> Path:
    path = tmp_path / "crf.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bio_tags_decode_back_to_the_spans_also_across_a_sentence_boundary():
    text = "He said the plan works. It is cheap. Nobody asked."
    sents = sentences_of(text, [(0, 23), (24, 36), (37, 50)])
    claim = (8, 35)  # "the plan works. It is cheap"
    tags = [bio_tags(s, [claim] if claim[0] < s.end and claim[1] > s.start else []) for s in sents]
    assert tags[1][0] == "I"  # carried over, not a new span
    assert decode(sents, tags) == [claim]
    assert text[8:35] == "the plan works. It is cheap"


def test_same_seed_gives_the_same_model_and_predictions(release: Path, model: Path, tmp_path: Path):
    again = tmp_path / "models" / "again"
    train_model(release, again, TINY, seed=0, progress=False)
    first, second = load_model(model), load_model(again)
    files = {k: v for k, v in first.manifest["files"].items() if k != "train_log.jsonl"}
    assert len(files) == 4  # three CRFs and the linker: byte-identical (the log has times)
    assert files.items() <= second.manifest["files"].items()
    docs = load_documents(release, "test") + load_documents(release, "validation")
    p1, p2 = predict_documents(first, docs), predict_documents(second, docs)
    assert p1 == p2
    assert any(r["spans"] for r in p1) and any(r["attributions"] for r in p1)


def test_model_folder_has_manifest_and_loss_log(model: Path, release: Path):
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["labels"] == ["CLAIM", "SOURCE", "CUE"]
    assert manifest["seed"] == 0 and manifest["config"]["max_iterations"] == 15
    assert set(manifest["library"]) == {"sklearn-crfsuite", "python-crfsuite", "scikit-learn"}
    assert manifest["release"]["documents"] == len(load_documents(release, "train"))
    assert len(manifest["scheme"]["digest"]) == 64
    log = [json.loads(line) for line in (model / "train_log.jsonl").read_text().splitlines()]
    crf = [e for e in log if e["step"] == "crf-CLAIM"]
    assert [e["iteration"] for e in crf] == list(range(1, len(crf) + 1)) and len(crf) > 1
    assert crf[-1]["loss"] < crf[0]["loss"]


def test_train_predict_evaluate_end_to_end(project: Path, release: Path, tmp_path: Path):
    out = tmp_path / "models" / "m1"
    r = run_cli(
        "train",
        "--release",
        str(release),
        "--out",
        str(out),
        "--config",
        str(config_file(tmp_path)),
    )
    assert r.returncode == 0, r.stderr
    assert "CLAIM iteration 1: loss" in r.stdout + r.stderr
    jsonl = tmp_path / "pred.jsonl"
    r = run_cli(
        "predict",
        "--model",
        str(out),
        "--release",
        str(release),
        "--split",
        "test",
        "--jsonl",
        str(jsonl),
        "--quiet",
        root=project,
    )
    assert r.returncode == 0, r.stderr
    layer = project / "annotations" / "pred" / "m1"
    assert sorted(p.stem for p in layer.glob("*.json")) == sorted(
        json.loads(line)["doc_id"] for line in jsonl.read_text().splitlines()
    )
    results = {}
    for how, value in (("--layer", "pred/m1"), ("--predictions", str(jsonl))):
        out_json = tmp_path / f"score{how}.json"
        r = run_cli(
            "evaluate",
            "--release",
            str(release),
            "--split",
            "test",
            how,
            value,
            "--bootstrap",
            "0",
            "--json",
            str(out_json),
            root=project,
        )
        assert r.returncode == 0, r.stderr
        results[how] = json.loads(out_json.read_text())
    layer_res, jsonl_res = results["--layer"], results["--predictions"]
    assert layer_res["spans"] == jsonl_res["spans"]
    assert layer_res["predicted_spans"] > 0
    assert layer_res["spans"]["partial"]["micro"]["f1"] > 0


def test_a_release_without_a_train_split_is_refused(release: Path, tmp_path: Path):
    manifest = json.loads((release / "splits.json").read_text())
    del manifest["splits"]["train"]
    (release / "splits.json").write_text(json.dumps(manifest))
    out = tmp_path / "models" / "m"
    r = run_cli("train", "--release", str(release), "--out", str(out))
    assert r.returncode == 2
    assert "no split 'train'" in r.stderr and "needs a train split" in r.stderr
    assert not out.exists() and not any((tmp_path / "models").glob(".*"))


def test_a_failed_run_leaves_an_earlier_model_as_it_was(model: Path, release: Path, tmp_path: Path):
    before = tree_digest(model)
    bad = config_file(tmp_path, "max_iterations: 15\nlearning_rate: 3\n")
    r = run_cli("train", "--release", str(release), "--out", str(model), "--config", str(bad))
    assert r.returncode == 2
    assert str(bad) in r.stderr and "'learning_rate' is not a setting" in r.stderr
    assert tree_digest(model) == before


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("c1: fast\n", "'c1' must be a number"),
        ("max_iterations: 2.5\n", "whole number"),
        ("- 1\n", "must be a mapping"),
    ],
)
def test_a_bad_config_names_file_and_field(tmp_path: Path, text: str, says: str):
    path = config_file(tmp_path, text)
    with pytest.raises(InputError, match=says) as err:
        load_config(path)
    assert str(path) in str(err.value)


def test_a_model_of_another_scheme_is_refused(
    model: Path, release: Path, project: Path, tmp_path: Path
):
    # the project's scheme: another version of it (as a corpus that moved on would have)
    scheme = project / "schema" / "scheme.yaml"
    scheme.write_text(scheme.read_text().replace("scheme_version: 1.0.0", "scheme_version: 2.0.0"))
    before = tree_digest(project / "annotations")
    r = run_cli(
        "predict",
        "--model",
        str(model),
        "--release",
        str(release),
        "--split",
        "test",
        "--quiet",
        root=project,
    )
    assert r.returncode == 2
    assert f"{model / 'manifest.json'}: field 'scheme'" in r.stderr
    assert "another annotation scheme" in r.stderr
    assert tree_digest(project / "annotations") == before
    # a release of another scheme (its build recorded another version)
    summary = release / "build_summary.json"
    data = json.loads(summary.read_text())
    summary.write_text(json.dumps({**data, "scheme_version": "2.0.0"}))
    jsonl = tmp_path / "p.jsonl"
    r = run_cli(
        "predict",
        "--model",
        str(model),
        "--release",
        str(release),
        "--split",
        "test",
        "--no-layer",
        "--jsonl",
        str(jsonl),
    )
    assert r.returncode == 2 and f"the release {release}" in r.stderr
    assert not jsonl.exists()


@pytest.mark.parametrize("damage", ["truncate", "delete", "manifest", "foreign"])
def test_a_corrupt_or_missing_model_file_is_named(
    model: Path, release: Path, tmp_path: Path, damage: str
):
    crf = model / "crf-CLAIM.crfsuite"
    named = crf
    if damage == "truncate":
        crf.write_bytes(crf.read_bytes()[:100])
    elif damage == "delete":
        crf.unlink()
    elif damage == "manifest":
        (model / "manifest.json").write_text("{not json")
        named = model / "manifest.json"
    else:
        (model / "manifest.json").write_text(json.dumps({"format": "something-else"}))
        named = model / "manifest.json"
    with pytest.raises(InputError) as err:
        load_model(model)
    assert str(named) in str(err.value)
    if damage != "truncate":
        return  # the command's exit is checked once: each run costs seconds
    jsonl = tmp_path / "p.jsonl"
    r = run_cli(
        *("predict", "--model", str(model), "--release", str(release), "--split", "test"),
        *("--no-layer", "--jsonl", str(jsonl)),
    )
    assert r.returncode == 2 and str(named) in r.stderr
    assert not jsonl.exists()


def test_a_corrupt_crf_file_behind_a_matching_checksum_is_still_named(model: Path):
    crf = model / "crf-CUE.crfsuite"
    crf.write_bytes(b"not a crfsuite model" * 10)
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["files"][crf.name] = sha256_file(crf)
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="not a readable CRF model file") as err:
        load_model(model)
    assert str(crf) in str(err.value)


def test_predicting_a_second_split_keeps_the_first_splits_records(
    model: Path, release: Path, project: Path
):
    args = ["predict", "--model", str(model), "--release", str(release), "--quiet"]
    assert cli_main(["--root", str(project), *args, "--split", "test"]) == 0
    layer = project / "annotations" / "pred" / "tiny"
    first = tree_digest(layer)
    assert cli_main(["--root", str(project), *args, "--split", "validation"]) == 0
    after = tree_digest(layer)
    tests = {d["doc_id"] for d in load_documents(release, "test")}
    vals = {d["doc_id"] for d in load_documents(release, "validation")}
    assert {Path(k).stem for k in after} == tests | vals and tests.isdisjoint(vals)
    assert all(after[k] == v for k, v in first.items())  # the test split's records untouched
