"""Corpus statistics equal counts made directly from the files; figures are reproducible."""

from __future__ import annotations

import json
import statistics
import struct
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from datasets import load_dataset

from claimcorpus.core import layers as ann
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.pipeline import build_release
from claimcorpus.report.stats import FIGURES, compute_stats, root_documents, stats_markdown

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _files(folder: Path) -> dict[str, Any]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))
    }


def _gold_stats(project: Path) -> dict[str, Any]:
    """compute_stats over corpus documents joined with gold loaded through load_layer."""
    gold = ann.load_layer(project, "gold")
    docs = load_documents(project)
    for d in docs:
        d.update(spans=gold[d["doc_id"]]["spans"], attributions=gold[d["doc_id"]]["attributions"])
    rules = Counter(e["rule"] for d in docs for e in d["exclusions"])
    return compute_stats(docs, dict(rules), load_scheme(project))


def test_stats_equal_counts_made_from_the_json_files(project: Path):
    st = _gold_stats(project)
    gold = _files(project / "annotations" / "gold")
    stored = _files(project / "corpus" / "docs")
    norm = {d: rec["normalized"] for d, rec in stored.items()}
    excl = {d: rec["exclusions"] for d, rec in stored.items()}
    spans = [s for rec in gold.values() for s in rec["spans"]]
    atts = [a for rec in gold.values() for a in rec["attributions"]]
    claims = [s for s in spans if s["label"] == "CLAIM"]
    assert len(gold) == len(norm) == st["documents"] == st["annotated_documents"] == 5
    assert st["paragraphs"] == sum(len(n["paragraphs"]) for n in norm.values())
    assert st["sentences"] == sum(len(n["sentences"]) for n in norm.values())
    assert st["characters"] == sum(len(n["text"]) for n in norm.values())
    assert st["spans"] == len(spans) and st["attributions"] == len(atts)
    assert st["spans_per_label"] == dict(Counter(s["label"] for s in spans))
    assert list(st["spans_per_label"]) == ["CLAIM", "SOURCE", "CUE"]  # scheme order
    assert {k: v for k, v in st["attributions_per_stance"].items() if v} == Counter(
        a["stance"] for a in atts
    )
    assert {k: v for k, v in st["attributions_per_source_type"].items() if v} == Counter(
        a["source_type"] for a in atts
    )
    for t, by_stance in st["stance_by_source_type"].items():
        assert by_stance == {
            s: sum(1 for a in atts if (a["source_type"], a["stance"]) == (t, s))
            for s in ("support", "refute", "neutral")
        }
    assert {k: v for k, v in st["claims_per_topic_stance"].items() if v} == Counter(
        c["topic_stance"] for c in claims
    )
    docs_of = defaultdict(set)
    for doc_id, rec in gold.items():
        for s in rec["spans"]:
            if s.get("cluster"):
                docs_of[s["cluster"]].add(doc_id)
    assert st["clusters"]["count"] == len(docs_of) > 0
    assert st["clusters"]["documents_per_cluster"] == {c: len(v) for c, v in docs_of.items()}
    assert st["clusters"]["claims_without_cluster"] == sum(1 for c in claims if not c["cluster"])
    for label in ("CLAIM", "SOURCE", "CUE"):
        n = [len(s["text"]) for s in spans if s["label"] == label]
        got = st["span_length_chars"][label]
        assert (got["max"], got["median"]) == (max(n), statistics.median(n))
        assert got["mean"] == pytest.approx(sum(n) / len(n), abs=0.05)
        assert sum(st["span_length_histogram"]["counts"][label]) == len(n)
    assert st["boilerplate_lines_removed"] == dict(
        Counter(e["rule"] for rows in excl.values() for e in rows)
    )
    md = stats_markdown(st)
    assert f"| CLAIM | {len(claims)} |" in md and "### Boilerplate lines removed per rule" in md


def test_release_and_working_tree_agree_and_tokens_match_the_tokens_config(
    project: Path, tmp_path: Path, offline_hf: Path
):
    release, _ = build_release(project, "9.9.9", tmp_path / "releases")
    out = tmp_path / "release_stats.json"
    r = run_cli("stats", "--release", str(release), "--json", str(out), root=project)
    assert r.returncode == 0, r.stderr
    from_release = json.loads(out.read_text(encoding="utf-8"))
    docs, rules = root_documents(project)
    from_tree = json.loads(json.dumps(compute_stats(docs, rules, load_scheme(project))))
    assert from_release == from_tree
    tokens = load_dataset(str(release), "tokens")
    assert from_release["tokens"] == sum(len(t) for s in tokens for t in tokens[s]["tokens"])
    story_of = json.loads((release / "splits.json").read_text())["story_of"]
    gold = _files(project / "annotations" / "gold")
    per_story = Counter(
        story_of[d] for d, rec in gold.items() for s in rec["spans"] if s["label"] == "CLAIM"
    )
    assert from_release["claims_per_story"] == dict(per_story)
    assert from_release["documents_per_story"] == dict(Counter(story_of.values()))
    summary = json.loads((release / "build_summary.json").read_text())
    assert from_release["boilerplate_lines_removed"] == summary["exclusions_by_rule"]


def test_cli_writes_markdown_and_byte_identical_png_figures(project: Path, tmp_path: Path):
    runs = []
    for name in ("a", "b"):
        r = run_cli(
            "stats",
            "--figures",
            str(tmp_path / name),
            "--markdown",
            str(tmp_path / f"{name}.md"),
            root=project,
        )
        assert r.returncode == 0, r.stderr
        assert "Spans per label" in r.stdout and "Boilerplate lines removed per rule" in r.stdout
        runs.append({f: (tmp_path / name / f).read_bytes() for f in FIGURES})
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()
    for f, data in runs[0].items():
        assert data.startswith(PNG_MAGIC) and data[12:16] == b"IHDR", f
        width, height = struct.unpack(">II", data[16:24])
        assert width >= 300 and height >= 200, f
        assert b"Software" not in data, f
        assert data == runs[1][f], f"{f} differs between two runs"


def test_empty_corpus_gives_zeros_not_errors(tmp_path: Path):
    from claimcorpus.report.stats import write_figures

    st = compute_stats([], {})
    assert st["documents"] == st["tokens"] == st["clusters"]["count"] == 0
    assert "### Corpus" in stats_markdown(st)
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in write_figures(st, tmp_path))
