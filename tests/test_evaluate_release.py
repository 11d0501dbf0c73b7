"""`claimcorpus evaluate` on a real copy of the newest committed release, fed as a researcher would feed it.

Predictions come from the real ``datasets.load_dataset`` (ClassLabel integers and all), the
gold from the release, and the command is the real entry point; nothing is stubbed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import datasets.config
import pytest
from conftest import LATEST, LATEST_RELEASE, REPO, run_cli
from datasets import load_dataset

from claimcorpus.cli import main
from claimcorpus.evaluate.cli import read_scored
from claimcorpus.evaluate.target import Target
from claimcorpus.report.validate import check_release

RELEASE = LATEST_RELEASE
TEST_DOC = "000_e24865ecb7649ad0"  # the one document of split "test" in 1.0.0


@pytest.fixture()
def root(tmp_path: Path, offline_hf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a copy of the newest committed release; the datasets cache goes under tmp_path."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(offline_hf / "datasets"))
    shutil.copytree(RELEASE, tmp_path / "releases" / LATEST)
    return tmp_path


def rows(root: Path, split: str = "test") -> list[dict]:
    return list(load_dataset(str(root / "releases" / LATEST), "documents", split=split))


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def evaluate(root: Path, preds: Path, *extra: str) -> int:
    args = ["--root", str(root), "evaluate", "--predictions", str(preds), "--release", LATEST]
    return main([*args, "--bootstrap", "20", *extra])


def readme_example() -> tuple[str, str]:
    """The README's Benchmark example: its Python block and its shell command."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- benchmark-example:start -->", 1)[1].split(
        "<!-- benchmark-example:end -->", 1
    )[0]
    python = re.search(r"```python\n(.*?)```", block, re.S)
    shell = re.search(r"```bash\n(.*?)```", block, re.S)
    assert python and shell, "the README's benchmark example lost a code block"
    return python.group(1), shell.group(1).strip()


def test_readme_example_loads_writes_and_scores_the_test_split(root: Path, offline_hf: Path):
    code, command = readme_example()
    assert len(code.strip().splitlines()) == 5  # the README promises five lines
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "HF_HOME": str(offline_hf),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
    }
    py = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert py.returncode == 0, py.stderr
    first = json.loads((root / "preds.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(first["spans"][0]["label"], int)  # ClassLabel ids, as load_dataset gives
    word, *args = command.split()
    assert word == "claimcorpus"
    done = subprocess.run(
        [sys.executable, "-m", "claimcorpus.cli", *args, "--json", "result.json"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "unknown label" not in done.stderr
    result = json.loads((root / "result.json").read_text(encoding="utf-8"))
    assert result["documents"] == 1 and result["gold_spans"] == 65
    assert result["spans"]["strict"]["micro"]["correct"] == 65
    assert result["attributions"]["strict"]["f1"] == 1.0
    assert result["stance"]["accuracy"] == 1.0


def test_classlabel_ids_score_exactly_like_names(root: Path, tmp_path: Path):
    test = rows(root)
    feats = load_dataset(str(root / "releases" / LATEST), "documents", split="test").features
    label = feats["spans"].feature["label"]
    stance = feats["attributions"].feature["stance"]
    kind = feats["attributions"].feature["source_type"]
    named = [
        {
            "doc_id": r["doc_id"],
            "spans": [{**s, "label": label.int2str(s["label"])} for s in r["spans"]],
            "attributions": [
                {
                    **a,
                    "stance": stance.int2str(a["stance"]),
                    "source_type": None
                    if a["source_type"] is None
                    else kind.int2str(a["source_type"]),
                }
                for a in r["attributions"]
            ],
        }
        for r in test
    ]
    assert any(a["source_type"] for a in named[0]["attributions"])
    # drop a few predictions so the score is not trivially perfect
    for recs in (test, named):
        recs[0]["spans"] = recs[0]["spans"][:40]
        kept = {s["id"] for s in recs[0]["spans"]}
        recs[0]["attributions"] = [
            a
            for a in recs[0]["attributions"]
            if a["claim"] in kept and a["source"] in kept | {None} and a["cue"] in kept | {None}
        ]
    out = {}
    for name, recs in (("ids", test), ("names", named)):
        assert (
            evaluate(
                root, write(tmp_path / f"{name}.jsonl", recs), "--json", f"{tmp_path}/{name}.json"
            )
            == 0
        )
        out[name] = json.loads((tmp_path / f"{name}.json").read_text())
        del out[name]["predictions"]
    assert out["ids"] == out["names"]
    assert 0 < out["ids"]["spans"]["strict"]["micro"]["f1"] < 1


def test_class_ids_are_read_through_the_release_features_not_a_fixed_list(root: Path, tmp_path):
    # Swap the stance names in the copy's card: ids now mean other names for gold and
    # predictions alike, so rows from load_dataset still score perfectly; a scorer with its
    # own fixed list would read prediction 0 as "support" against gold "refute".
    card = root / "releases" / LATEST / "README.md"
    text = card.read_text(encoding="utf-8")
    old = "'0': support\n            '1': refute"
    assert text.count(old) == 1
    card.write_text(text.replace(old, "'0': refute\n            '1': support"), encoding="utf-8")
    preds = write(tmp_path / "p.jsonl", rows(root))
    assert evaluate(root, preds, "--json", str(tmp_path / "r.json")) == 0
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["stance"]["accuracy"] == 1.0
    assert result["stance"]["per_class"]["refute"]["support"] > 0  # gold reads the swap too


def test_a_class_id_out_of_range_is_named_with_the_allowed_ids(root: Path, tmp_path, capsys):
    test = rows(root)
    test[0]["spans"][3]["label"] = 7
    assert evaluate(root, write(tmp_path / "p.jsonl", test)) == 2
    err = capsys.readouterr().err
    assert (
        f"p.jsonl:1: doc {TEST_DOC!r}: span {test[0]['spans'][3]['id']!r}: unknown label 7" in err
    )
    assert "or a ClassLabel id 0-2" in err


def test_a_document_of_another_split_says_which_split_it_is_in(root: Path, tmp_path, capsys):
    train = rows(root, "train")
    assert evaluate(root, write(tmp_path / "p.jsonl", train[:1])) == 2
    err = capsys.readouterr().err
    doc = train[0]["doc_id"]
    assert f"doc_id {doc!r} is in the release but not in split 'test': it is in train" in err


def test_a_document_in_no_split_is_unknown(root: Path, tmp_path, capsys):
    assert evaluate(root, write(tmp_path / "p.jsonl", [{"doc_id": "ghost", "spans": []}])) == 2
    assert (
        "p.jsonl:1: unknown doc_id 'ghost' (in no split of the release)" in capsys.readouterr().err
    )


def test_an_empty_predictions_file_is_scored_with_a_warning(root: Path, tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert evaluate(root, empty, "--json", str(tmp_path / "r.json")) == 0
    captured = capsys.readouterr()
    assert f"warning: {empty} holds no predictions" in captured.err
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["spans"]["strict"]["micro"]["missed"] == 65
    assert result["spans"]["strict"]["micro"]["f1"] == 0.0


def test_release_version_is_found_under_root_releases(root: Path, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the version is no folder here: only <root>/releases has it
    preds = write(tmp_path / "p.jsonl", rows(root))
    assert evaluate(root, preds) == 0
    assert "1 documents (1 with predictions), 65 gold spans" in capsys.readouterr().out


def test_a_release_that_does_not_exist_says_so(root: Path, tmp_path, capsys):
    preds = write(tmp_path / "p.jsonl", [])
    args = ["--root", str(root), "evaluate", "--predictions", str(preds), "--release", "9.9.9"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "release folder '9.9.9' does not exist" in err
    assert f"releases in {root / 'releases'}: {LATEST}" in err


def test_a_folder_without_splits_json_is_not_a_release(root: Path, tmp_path, capsys):
    preds = write(tmp_path / "p.jsonl", [])
    args = ["evaluate", "--predictions", str(preds), "--release", str(root / "releases")]
    assert main(["--root", str(root), *args]) == 2
    assert "not a release folder (no splits.json)" in capsys.readouterr().err


def test_validate_names_a_missing_release_folder(tmp_path: Path):
    problems = check_release(tmp_path / "releases" / "9.9.9", tmp_path)
    assert [p.id for p in problems] == ["release-missing"]
    assert "does not exist" in problems[0].message
    assert "SHA256SUMS" not in problems[0].message


def test_validate_release_version_is_found_under_root(project: Path):
    shutil.copytree(RELEASE, project / "releases" / LATEST)
    r = run_cli("validate", "--release", LATEST, root=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 errors" in r.stderr


def test_split_documents_without_gold_are_skipped_with_a_warning(tmp_path: Path):
    gold = {"doc_id": "d1", "text": "Officials said so.", "spans": [], "attributions": []}
    target = Target(
        release=tmp_path,
        split="test",
        docs=[gold],
        members=frozenset({"d1", "d2"}),
        split_of={"d1": ("test",), "d2": ("test",)},
        class_names={},
    )
    preds = write(tmp_path / "p.jsonl", [{"doc_id": "d1"}, {"doc_id": "d2", "spans": []}])
    scored, warnings = read_scored(preds, target)
    assert [r["doc_id"] for r in scored] == ["d1"]
    assert warnings == [
        "1 predicted document(s) of split 'test' have no gold annotations and are not scored: d2"
    ]
