"""`claimcorpus validate`: stable error ids, file/doc/record named, all listed, exit 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import REPO, rewrite_stored, run_cli, stored

from claimcorpus.pipeline import build_release
from claimcorpus.report import validate as validate_mod
from claimcorpus.report.validate import check_corpus, check_release
from claimcorpus.stories import components

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
    broken: dict[str, str] = {}  # problem id -> the record id it must name

    def break_it(rec):
        claims = [s for s in rec["spans"] if s["label"] == "CLAIM"]
        claims[0]["end"] = 10**6
        claims[1]["text"] = "not the text"
        a0, a1 = rec["attributions"][0], rec["attributions"][1]
        a0["source"] = "no-such-span"
        a1["unattributed"] = True  # has a source: contradictory
        # a span that crosses another CLAIM
        c = claims[2]
        doc_text = stored(project, "000_e24865ecb7649ad0", "normalized")["text"]
        rec["spans"].append(
            {
                "id": "cross",
                "label": "CLAIM",
                "start": c["start"] + 1,
                "end": c["end"] + 5,
                "text": doc_text[c["start"] + 1 : c["end"] + 5],
                "topic_stance": "none",
                "cluster": None,
                "antecedent": None,
            }
        )
        broken.update(
            {
                "span-out-of-range": claims[0]["id"],
                "span-text-mismatch": claims[1]["id"],
                "attribution-missing-span": a0["id"],
                "attribution-flags-contradict": a1["id"],
                "span-crossing": "cross",
            }
        )

    _edit(project, break_it)
    code, problems = _validate(project)
    assert code == 1
    named = {(p["id"], p["record"]) for p in problems}
    assert set(broken.items()) <= named
    by_id = {p["id"]: p for p in problems if (p["id"], p["record"]) in broken.items()}
    assert by_id["span-out-of-range"]["field"] == "start"
    assert by_id["span-text-mismatch"]["field"] == "text"
    assert by_id["attribution-missing-span"]["field"] == "source"
    assert "no-such-span" in by_id["attribution-missing-span"]["message"]
    assert by_id["attribution-flags-contradict"]["field"] == "unattributed"
    for p in problems:
        if p["level"] == "error":
            assert p["file"] == GOLD and p["doc_id"] == "000_e24865ecb7649ad0" and p["record"]


def test_a_changed_normalized_text_is_reported_not_shifted(project: Path):
    rewrite_stored(project, "001_6c82bee824d52579", "normalized", _prepend_x)
    code, problems = _validate(project)
    assert code == 1
    assert {"text-checksum", "offset-map"} <= {p["id"] for p in problems}


def _prepend_x(rec: dict) -> None:
    rec["text"] = "X" + rec["text"]


def test_a_tampered_release_fails_its_checksum(project: Path, tmp_path: Path):
    folder, _ = build_release(project, "1.0.0", tmp_path / "rel", baselines=False)
    (folder / "splits.json").write_text(
        (folder / "splits.json").read_text().replace("fold0", "foldX")
    )
    r = run_cli("validate", "--release", str(folder), root=project)
    assert r.returncode == 1
    assert "release-checksum" in r.stdout and "splits.json" in r.stdout


def test_a_leaking_split_manifest_is_caught(project: Path, tmp_path: Path):
    folder, _ = build_release(project, "1.0.0", tmp_path / "rel", baselines=False)
    m = json.loads((folder / "splits.json").read_text())
    moved = m["splits"]["train"].pop()
    m["splits"]["test"].append(moved)
    (folder / "splits.json").write_text(json.dumps(m))
    ids = {p.id for p in check_release(folder, project)}
    assert "split-leak" in ids


def _keys(problems) -> list[tuple]:
    return [(p.id, p.level, p.file, p.doc_id, p.record, p.field) for p in problems]


def _rewrite(path: Path, fn) -> None:
    rec = json.loads(path.read_text(encoding="utf-8"))
    fn(rec)
    path.write_text(json.dumps(rec), encoding="utf-8")


def test_every_corpus_problem_is_listed_in_order_with_its_place(project: Path):
    """Each document check names its own id, file, record and field, in the order
    check_corpus runs them; a document that cannot be read (or lacks its raw file or a
    metadata field) gets that one problem and no other."""
    ids = sorted(p.stem for p in (project / "corpus/docs").glob("*.json"))
    raw = project / "corpus/raw" / f"{ids[0]}.txt"
    tampered = bytearray(raw.read_bytes())
    tampered[0] = tampered[3210] = ord("#")  # a paragraph's first byte, an exclusion's
    raw.write_bytes(bytes(tampered))
    rewrite_stored(project, ids[1], "normalized", lambda r: r.update(text_sha256="0"))

    def out_of_range(r):
        r["paragraphs"][1]["end"] = 10**6
        r["sentences"][0]["start"] = -1

    rewrite_stored(project, ids[2], "normalized", out_of_range)
    rewrite_stored(project, ids[3], "meta", lambda r: r.pop("outlet"))
    (project / "corpus/raw" / f"{ids[4]}.txt").unlink()
    problems, docs = check_corpus(project)
    n = f"corpus/docs/{ids[2]}.json"
    assert _keys(problems) == [
        ("raw-checksum", "error", f"corpus/raw/{ids[0]}.txt", ids[0], None, "raw_sha256"),
        (
            "offset-map",
            "error",
            f"corpus/docs/{ids[0]}.json",
            ids[0],
            "paragraphs[0]",
            "offset_map",
        ),
        ("exclusion-mismatch", "error", f"corpus/docs/{ids[0]}.json", ids[0], "[0]", "text"),
        ("text-checksum", "error", f"corpus/docs/{ids[1]}.json", ids[1], None, "text_sha256"),
        ("offset-out-of-range", "error", n, ids[2], "paragraphs[1]", "start"),
        ("offset-out-of-range", "error", n, ids[2], "sentences[0]", "start"),
        ("offset-map", "error", n, ids[2], "paragraphs[1]", "offset_map"),
        ("meta-field-missing", "error", f"corpus/docs/{ids[3]}.json", ids[3], None, "outlet"),
        ("raw-missing", "error", f"corpus/docs/{ids[4]}.json", ids[4], None, "source_file"),
    ]
    assert sorted(docs) == ids[:3]


def test_every_release_problem_is_listed_in_order_with_its_place(tmp_path: Path):
    """Checksums (changed, missing, unlisted files), span offsets and texts in the Parquet
    data, and doc ids the split manifest names but the release lacks."""
    folder = tmp_path / "1.0.0"
    shutil.copytree(REPO / "releases" / "1.0.0", folder)
    data = sorted((folder / "data" / "documents").glob("*.parquet"))[0]
    rows = pq.read_table(data).to_pylist()
    rows[0]["spans"][0]["end"] = 10**6
    rows[0]["spans"][1]["text"] += "x"
    pq.write_table(pa.Table.from_pylist(rows, schema=pq.read_schema(data)), data)
    (folder / "README.md").unlink()
    (folder / "stray.txt").write_text("not listed\n", encoding="utf-8")
    _rewrite(folder / "splits.json", lambda m: m["splits"]["test"].append("no-such-doc"))
    problems = check_release(folder, REPO)
    rel, doc = str(folder), rows[0]["doc_id"]
    spans = rows[0]["spans"]
    keys = _keys(problems)
    assert keys[:5] == [
        ("release-file-missing", "error", f"{rel}/README.md", None, None, None),
        (
            "release-checksum",
            "error",
            f"{rel}/{data.relative_to(folder).as_posix()}",
            None,
            None,
            None,
        ),
        ("release-checksum", "error", f"{rel}/splits.json", None, None, None),
        ("release-unlisted-file", "error", f"{rel}/stray.txt", None, None, None),
        ("release-span-range", "error", str(data), doc, spans[0]["id"], "start"),
    ]
    assert keys[5] == ("release-span-text", "error", str(data), doc, spans[1]["id"], "text")
    assert keys[-1] == ("split-unknown-doc", "error", str(folder / "splits.json"), None, None, None)
    assert "['no-such-doc']" in problems[-1].message


def test_release_checks_stream_in_batches_and_find_the_same_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """One row at a time or a batch at a time: the same problems, in the same order, and the
    streamed signatures find the near-duplicates whole texts do (a copied text leaks)."""
    folder = tmp_path / "1.0.0"
    shutil.copytree(REPO / "releases" / "1.0.0", folder)
    files = sorted((folder / "data" / "documents").glob("*.parquet"))
    first = pq.read_table(files[0]).to_pylist()
    first[0]["spans"][0]["end"] = 10**6
    pq.write_table(pa.Table.from_pylist(first, schema=pq.read_schema(files[0])), files[0])
    other = pq.read_table(files[1]).to_pylist()
    other[0]["text"] = first[0]["text"]  # a near-duplicate across two parts
    pq.write_table(pa.Table.from_pylist(other, schema=pq.read_schema(files[1])), files[1])
    whole = check_release(folder, REPO)
    monkeypatch.setattr(validate_mod, "RELEASE_BATCH", 1)
    assert _keys(check_release(folder, REPO)) == _keys(whole)
    assert [p.message for p in check_release(folder, REPO)] == [p.message for p in whole]
    assert "split-leak" in {p.id for p in whole}
    assert "release-span-range" in {p.id for p in whole}
    texts = {
        r["doc_id"]: r["text"]
        for f in files
        for r in pq.read_table(f, columns=["doc_id", "text"]).to_pylist()
    }
    streamed, _ = validate_mod._check_release_spans(folder)
    assert streamed.ids == sorted(texts)
    pairs = components.near_duplicates_of(streamed.ids, streamed.signatures)
    assert pairs == components.near_duplicate_pairs(texts)
    assert (
        min(first[0]["doc_id"], other[0]["doc_id"]),
        max(first[0]["doc_id"], other[0]["doc_id"]),
    ) in {(a, b) for a, b, _ in pairs}
