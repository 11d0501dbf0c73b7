"""Text-free releases carry no article text, load offline, and rehydrate to the original."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import REPO, run_cli
from datasets import ClassLabel, load_dataset

from claimcorpus.core.problems import InputError
from claimcorpus.release.build import build_release
from claimcorpus.release.checksums import write_checksums
from claimcorpus.release.rehydrate import rehydrate
from claimcorpus.release.textfree import make_textfree, sha

RAW = REPO / "corpus" / "raw"
# A sentence of 000_e24865ecb7649ad0 (Newsweek), checked below to be in the full release.
SENTENCE = "A Chinese embassy official suggested to Newsweek"
CONFIGS = ("documents", "claims", "tokens")
SPLITS = ("train", "validation", "test")


@pytest.fixture()
def full(project: Path, tmp_path: Path) -> Path:
    folder, _ = build_release(project, "9.9.9", tmp_path / "releases")
    return folder


@pytest.fixture()
def textfree(full: Path, tmp_path: Path) -> Path:
    return make_textfree(full, tmp_path / "textfree")


def _file(folder: Path, config: str, split: str) -> Path:
    return folder / "data" / config / f"{split}-00000-of-00001.parquet"


def _decoded(folder: Path) -> str:
    """Every Parquet cell under ``folder``, decompressed, as one string."""
    rows = [pq.read_table(p).to_pylist() for p in sorted(folder.rglob("*.parquet"))]
    return json.dumps(rows, ensure_ascii=False)


def _texts(folder: Path) -> list[tuple[str, str]]:
    rows = [r for s in SPLITS for r in pq.read_table(_file(folder, "documents", s)).to_pylist()]
    return [(r["doc_id"], r["text"]) for r in rows]


def test_textfree_contains_no_article_text(full: Path, textfree: Path):
    assert SENTENCE in _decoded(full)
    decoded = _decoded(textfree)
    assert SENTENCE not in decoded
    files = [p for p in textfree.rglob("*") if p.is_file()]
    assert all(SENTENCE.encode() not in p.read_bytes() for p in files)
    sentences = [m.group(0) for _, t in _texts(full) for m in re.finditer(r"[^.!?\n]{60,}", t)]
    assert len(sentences) > 50
    # titles are kept on purpose (bibliographic data: how a user finds the article)
    titles = {
        r["title"] for s in SPLITS for r in pq.read_table(_file(full, "documents", s)).to_pylist()
    }
    leaked = [s for s in sentences if s in decoded and not any(s in t for t in titles if t)]
    assert leaked == []
    docs = pq.read_table(_file(textfree, "documents", "train")).to_pylist()
    assert "text" not in docs[0] and docs[0]["text_sha256"] and docs[0]["raw_sha256"]
    claims = pq.read_table(_file(textfree, "claims", "train")).column_names
    assert not {"claim", "context", "source", "source_resolved", "cue"} & set(claims)
    assert {"claim_sha256", "context_start", "cue_sha256"} <= set(claims)
    assert "tokens" not in pq.read_table(_file(textfree, "tokens", "train")).column_names


def test_span_hashes_are_the_released_span_texts(full: Path, textfree: Path):
    for split in SPLITS:
        a = pq.read_table(_file(full, "documents", split)).to_pylist()
        b = pq.read_table(_file(textfree, "documents", split)).to_pylist()
        for da, db in zip(a, b, strict=True):
            assert [(s["start"], s["end"], sha(s["text"])) for s in da["spans"]] == [
                (s["start"], s["end"], s["text_sha256"]) for s in db["spans"]
            ]
        ca = pq.read_table(_file(full, "claims", split)).to_pylist()
        cb = pq.read_table(_file(textfree, "claims", split)).to_pylist()
        assert [sha(r["context"]) for r in ca] == [r["context_sha256"] for r in cb]


def test_textfree_loads_offline(textfree: Path, offline_hf: Path):
    docs = load_dataset(str(textfree), "documents")
    assert sorted(docs) == sorted(SPLITS) and sum(len(docs[s]) for s in docs) == 5
    spans = docs["train"].features["spans"].feature
    assert isinstance(spans["label"], ClassLabel) and "text" not in spans
    assert "text" not in docs["train"].features
    claims = load_dataset(str(textfree), "claims", split="test")
    assert isinstance(claims.features["stance"], ClassLabel) and len(claims) > 0
    tokens = load_dataset(str(textfree), "tokens", split="train")
    assert tokens[0]["token_starts"] and "tokens" not in tokens.features
    assert (textfree / "SHA256SUMS").exists() and "rehydrate" in (
        textfree / "README.md"
    ).read_text()


def test_rehydrate_restores_the_original_release(full: Path, textfree: Path, tmp_path: Path):
    folder, differ = rehydrate(textfree, RAW, tmp_path / "full-again")
    for config in CONFIGS:
        for split in SPLITS:
            a, b = (
                pq.read_table(_file(full, config, split)),
                pq.read_table(_file(folder, config, split)),
            )
            assert a.schema == b.schema and a.equals(b), (config, split)
    assert differ == []  # same pyarrow: byte-identical, SHA256SUMS included
    assert (folder / "SHA256SUMS").read_text() == (full / "SHA256SUMS").read_text()


def test_a_tampered_raw_file_names_the_doc_and_writes_nothing(textfree: Path, tmp_path: Path):
    raw = tmp_path / "my_raw"
    shutil.copytree(RAW, raw)
    f = raw / "002_9949ad823d7a49a0.txt"
    f.write_bytes(f.read_bytes().replace(b"China", b"Chin a", 1))
    out = tmp_path / "out"
    r = run_cli("rehydrate", "--release", str(textfree), "--raw", str(raw), "--out", str(out))
    assert r.returncode == 1
    assert "002_9949ad823d7a49a0" in r.stderr and "002_9949ad823d7a49a0.txt" in r.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_span_hash_mismatch_names_doc_and_span(textfree: Path, tmp_path: Path):
    f = _file(textfree, "documents", "train")
    table = pq.read_table(f)
    rows = table.to_pylist()
    span = rows[0]["spans"][1]
    span["start"] += 1  # offsets now cut a different string than the hash was made from
    pq.write_table(type(table).from_pylist(rows, schema=table.schema), f)
    write_checksums(textfree)  # a consistent folder, so the span check is what fails
    out = tmp_path / "out"
    with pytest.raises(InputError, match=f"doc {rows[0]['doc_id']} span {span['id']}"):
        rehydrate(textfree, RAW, out)
    assert not out.exists()


def test_damaged_or_existing_folders_are_refused(full: Path, textfree: Path, tmp_path: Path):
    with pytest.raises(InputError, match="already exists"):
        make_textfree(full, textfree)
    (full / "splits.json").write_text("{}")
    with pytest.raises(InputError, match="SHA256SUMS"):
        make_textfree(full, tmp_path / "other")
    assert not (tmp_path / "other").exists()
