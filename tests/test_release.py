"""Releases: Hub layout that load_dataset reads offline, byte-reproducible, immutable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, tree_digest
from datasets import ClassLabel, load_dataset

from claimcorpus.pipeline import build_release
from claimcorpus.release.load import load_documents


@pytest.fixture()
def release(project: Path, tmp_path: Path) -> Path:
    folder, status = build_release(project, "9.9.9", tmp_path / "releases", baselines=False)
    assert status == "built"
    return folder


def test_build_prints_how_to_load(project: Path):
    r = run_cli("build", "--version", "1.2.3", root=project)
    assert r.returncode == 0, r.stderr
    assert "load_dataset(" in r.stdout and "releases/1.2.3" in r.stdout


def test_all_configs_load_offline_with_declared_features(release: Path, offline_hf: Path):
    docs = load_dataset(str(release), "documents")
    assert sorted(docs) == ["test", "train", "validation"]
    assert sum(len(docs[s]) for s in docs) == 5
    spans = docs["train"].features["spans"].feature
    assert isinstance(spans["label"], ClassLabel) and spans["label"].names == [
        "CLAIM",
        "SOURCE",
        "CUE",
    ]
    row = docs["train"][0]
    assert row["story_id"].startswith("story-") and row["sentences"] and row["raw_sha256"]
    for s in row["spans"]:
        assert row["text"][s["start"] : s["end"]] == s["text"]
    claims = load_dataset(str(release), "claims", split="train")
    assert isinstance(claims.features["stance"], ClassLabel)
    tokens = load_dataset(str(release), "tokens", split="train")
    assert tokens.features["claim_tags"].feature.names == ["O", "B-CLAIM", "I-CLAIM"]


def test_documents_carry_all_gold_annotations(release: Path, project: Path, offline_hf: Path):
    gold = {
        p.stem: json.loads(p.read_text()) for p in (project / "annotations/gold").glob("*.json")
    }
    loaded = {
        d["doc_id"]: d for s in ("train", "validation", "test") for d in load_documents(release, s)
    }
    assert set(loaded) == set(gold)
    for doc_id, rec in gold.items():
        assert len(loaded[doc_id]["spans"]) == len(rec["spans"])
        assert {a["stance"] for a in loaded[doc_id]["attributions"]} == {
            a["stance"] for a in rec["attributions"]
        }


def test_tokens_bio_tags_are_derived_from_span_offsets(release: Path, offline_hf: Path):
    docs = {d["doc_id"]: d for d in load_documents(release, "train")}
    tokens = load_dataset(str(release), "tokens", split="train")
    names = tokens.features["source_tags"].feature.names
    for row in tokens:
        doc = docs[row["doc_id"]]
        sources = [s for s in doc["spans"] if s["label"] == "SOURCE"]
        for i, tag in enumerate(row["source_tags"]):
            a, z = row["token_starts"][i], row["token_ends"][i]
            inside = any(s["start"] < z and a < s["end"] for s in sources)
            assert (names[tag] != "O") == inside


def test_same_inputs_give_byte_identical_data_files(project: Path, tmp_path: Path):
    a, _ = build_release(project, "1.0.0", tmp_path / "a", baselines=False)
    b, _ = build_release(project, "1.0.0", tmp_path / "b", baselines=False)
    assert (a / "SHA256SUMS").read_text() == (b / "SHA256SUMS").read_text()
    assert len((a / "SHA256SUMS").read_text().splitlines()) >= 12


def test_an_existing_version_is_never_overwritten(project: Path, release: Path):
    before = tree_digest(release)
    again, status = build_release(project, "9.9.9", release.parent, baselines=False)
    assert status == "identical"
    gold = project / "annotations/gold/003_d71ccc6e1581c31b.json"
    rec = json.loads(gold.read_text())
    rec["attributions"][0]["stance"] = (
        "neutral" if rec["attributions"][0]["stance"] != "neutral" else "support"
    )
    gold.write_text(json.dumps(rec))
    r = run_cli("build", "--version", "9.9.9", "--releases-dir", str(release.parent), root=project)
    assert r.returncode == 1 and "immutable" in r.stderr
    assert tree_digest(release) == before
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".")]


def test_split_manifest_is_leakage_free_and_deterministic(
    project: Path, release: Path, tmp_path: Path
):
    m = json.loads((release / "splits.json").read_text())
    story = m["story_of"]
    for view, parts in [("standard", ["train", "validation", "test"])] + [
        (f, [f"{f}_train", f"{f}_test"]) for f in m["views"]["folds"] + m["views"]["outlets"]
    ]:
        seen = {}
        for part in parts:
            for d in m["splits"][part]:
                assert seen.setdefault(story[d], part) == part, (view, d)
    assert m["splits"]["train"] and m["splits"]["validation"] and m["splits"]["test"]
    other, _ = build_release(project, "9.9.9", tmp_path / "other", baselines=False)
    assert json.loads((other / "splits.json").read_text()) == m


def test_curated_story_keeps_the_april_disclosure_articles_together(release: Path):
    story = json.loads((release / "splits.json").read_text())["story_of"]
    assert (
        story["001_6c82bee824d52579"]
        == story["003_d71ccc6e1581c31b"]
        == story["004_1ff1f6d6f0abe8ba"]
    )
    assert (
        story["000_e24865ecb7649ad0"]
        != story["002_9949ad823d7a49a0"]
        != story["001_6c82bee824d52579"]
    )


def test_bad_version_string_is_refused(project: Path):
    r = run_cli("build", "--version", "latest", root=project)
    assert r.returncode == 1 and "X.Y.Z" in r.stderr


def test_a_gold_file_that_is_not_json_is_named_and_nothing_is_released(project: Path):
    gold = sorted((project / "annotations" / "gold").glob("*.json"))[0]
    gold.write_text('{"doc_id": "' + gold.stem + '", "spans": [', encoding="utf-8")
    before = tree_digest(project)
    r = run_cli("build", "--version", "1.2.3", root=project)
    assert r.returncode == 1
    assert f"{gold.name}: not valid JSON" in r.stderr and "Traceback" not in r.stderr
    after = tree_digest(project)
    after.pop(".claimcorpus.lock", None)  # the reader lock's file, left for the next reader
    assert after == before and not (project / "releases" / "1.2.3").exists()


def test_a_new_document_does_not_move_released_stories(project: Path, tmp_path: Path):
    rels = tmp_path / "rels"
    first, _ = build_release(project, "1.0.0", rels, baselines=False)
    f = tmp_path / "brand_new.txt"
    f.write_text("Officials said Hungary bought turbines from a new supplier in Spain.\n")
    assert run_cli("ingest", str(f), root=project).returncode == 0
    second, _ = build_release(project, "1.1.0", rels, baselines=False)
    a = json.loads((first / "splits.json").read_text())["splits"]
    b = json.loads((second / "splits.json").read_text())["splits"]
    for part in ("train", "validation", "test"):
        assert set(a[part]) <= set(b[part]), part
    assert "brand_new" in b["train"] + b["validation"] + b["test"]
