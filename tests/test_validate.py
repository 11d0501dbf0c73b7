"""`claimcorpus validate`: stable error ids, file/doc/record named, all listed, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from claimcorpus.release.build import build_release

GOLD = "annotations/gold/000_e24865ecb7649ad0.json"


def _edit(project: Path, fn) -> None:
    path = project / GOLD
    rec = json.loads(path.read_text())
    fn(rec)
    path.write_text(json.dumps(rec))


def _validate(project: Path) -> tuple[int, list[dict]]:
    out = project / "problems.json"
    r = run_cli("validate", "--json", str(out), root=project)
    return r.returncode, json.loads(out.read_text())


def test_the_committed_corpus_and_gold_validate_clean(project: Path):
    code, problems = _validate(project)
    assert code == 0, problems
    assert [p for p in problems if p["level"] == "error"] == []


def test_every_kind_of_annotation_error_is_reported_at_once(project: Path):
    def break_it(rec):
        spans = rec["spans"]
        spans[0]["end"] = 10**6  # out of range
        spans[1]["text"] = spans[1]["text"] + "x"  # text mismatch
        spans[2]["label"] = "OPINION"  # unknown label -> schema error (reported alone)

    _edit(project, break_it)
    code, problems = _validate(project)
    assert code == 1
    ids = {p["id"] for p in problems}
    assert "annotation-schema" in ids
    p = next(p for p in problems if p["id"] == "annotation-schema")
    assert p["file"] == GOLD and p["doc_id"] == "000_e24865ecb7649ad0" and "OPINION" in p["message"]


def test_offsets_text_links_flags_and_crossing_each_have_a_stable_id(project: Path):
    def break_it(rec):
        by = {s["id"]: s for s in rec["spans"]}
        claims = [s for s in rec["spans"] if s["label"] == "CLAIM"]
        claims[0]["end"] = 10**6
        claims[1]["text"] = "not the text"
        a0, a1 = rec["attributions"][0], rec["attributions"][1]
        a0["source"] = "no-such-span"
        a1["unattributed"] = True  # has a source: contradictory
        # a span that crosses another CLAIM
        c = claims[2]
        rec["spans"].append(
            {
                "id": "cross",
                "label": "CLAIM",
                "start": c["start"] + 1,
                "end": c["end"] + 5,
                "text": "",
                "topic_stance": "none",
                "cluster": None,
                "antecedent": None,
            }
        )
        doc_text = json.loads(
            (project / "corpus/normalized/000_e24865ecb7649ad0.json").read_text()
        )["text"]
        rec["spans"][-1]["text"] = doc_text[c["start"] + 1 : c["end"] + 5]
        assert by  # keep linter quiet about unused

    _edit(project, break_it)
    code, problems = _validate(project)
    assert code == 1
    ids = {p["id"] for p in problems}
    assert {
        "span-out-of-range",
        "span-text-mismatch",
        "attribution-missing-span",
        "attribution-flags-contradict",
        "span-crossing",
    } <= ids
    for p in problems:
        if p["level"] == "error":
            assert p["file"] == GOLD and p["doc_id"] == "000_e24865ecb7649ad0" and p["record"]


def test_a_changed_normalized_text_is_reported_not_shifted(project: Path):
    path = project / "corpus/normalized/001_6c82bee824d52579.json"
    rec = json.loads(path.read_text())
    rec["text"] = "X" + rec["text"]
    path.write_text(json.dumps(rec))
    code, problems = _validate(project)
    assert code == 1
    assert {"text-checksum", "offset-map"} <= {p["id"] for p in problems}


def test_a_tampered_release_fails_its_checksum(project: Path, tmp_path: Path):
    folder, _ = build_release(project, "1.0.0", tmp_path / "rel", baselines=False)
    (folder / "splits.json").write_text(
        (folder / "splits.json").read_text().replace("fold0", "foldX")
    )
    r = run_cli("validate", "--release", str(folder), root=project)
    assert r.returncode == 1
    assert "release-checksum" in r.stdout and "splits.json" in r.stdout


def test_a_leaking_split_manifest_is_caught(project: Path, tmp_path: Path):
    from claimcorpus.report.validate import check_release

    folder, _ = build_release(project, "1.0.0", tmp_path / "rel", baselines=False)
    m = json.loads((folder / "splits.json").read_text())
    moved = m["splits"]["train"].pop()
    m["splits"]["test"].append(moved)
    (folder / "splits.json").write_text(json.dumps(m))
    ids = {p.id for p in check_release(folder, project)}
    assert "split-leak" in ids
