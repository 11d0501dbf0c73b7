"""The ingest index and the one-file-per-document layout: correctness, no-op re-ingest
without opening documents, a crash between a document and the index, migration of an
old-layout corpus, a corrupt index, and the repeated-lines table written with the documents."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import (
    LATEST,
    LATEST_RELEASE,
    REPO,
    SEEDS,
    previous_releases,
    run_cli,
    stored,
    tree_digest,
)

from claimcorpus.core.io import atomic_write_json
from claimcorpus.ingest import index as idx
from claimcorpus.ingest.store import load_documents

SIDECARS = REPO / "corpus" / "sidecars"
ARTICLE = "Officials said on Monday that the talks had failed.\nThey said more would follow.\n"


def _shards(root: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in (root / "corpus/index").glob("*.json")}


def test_a_new_and_a_changed_file_update_the_index_and_check_agrees(project: Path, tmp_path: Path):
    f = tmp_path / "fresh_one.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    index = idx.Index.open(project)
    meta = stored(project, "fresh_one", "meta")
    assert index.entry("fresh_one") == idx.Entry(meta["raw_sha256"], "fresh_one.txt")
    assert index.owner(meta["raw_sha256"]) == "fresh_one"
    old_digest = meta["raw_sha256"]
    f.write_text(ARTICLE + "A third line was added.\n", encoding="utf-8")
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 1 and "pass --force" in r.stderr
    r = run_cli("ingest", str(f), "--force", root=project)
    assert r.returncode == 0 and "1 replaced" in r.stdout, r.stderr
    index = idx.Index.open(project)
    new_digest = stored(project, "fresh_one", "meta")["raw_sha256"]
    assert index.entry("fresh_one").raw_sha256 == new_digest != old_digest
    assert index.owner(old_digest) is None and index.owner(new_digest) == "fresh_one"
    c = run_cli("index", "--check", root=project)
    assert c.returncode == 0 and "agrees" in c.stdout, c.stdout + c.stderr
    dup = tmp_path / "copy_of_it.txt"
    dup.write_bytes(f.read_bytes())
    r = run_cli("ingest", str(dup), root=project)
    assert r.returncode == 1 and "same bytes as already-ingested document 'fresh_one'" in r.stderr


_MONITOR = """
import sys
opened = []
sys.addaudithook(lambda ev, args: opened.append(str(args[0])) if ev == "open" else None)
from claimcorpus.cli import main
code = main(sys.argv[1:])
docs = [p for p in opened if "/corpus/docs/" in p]
index = [p for p in opened if "/corpus/index/" in p]
print("OPENED", len(docs), len(index), file=sys.stderr)
sys.exit(code)
"""


def test_a_no_op_reingest_reads_the_index_and_opens_no_document(project: Path):
    """Every open() of the process is seen by an audit hook (the interpreter's own monitor)."""
    before = tree_digest(project / "corpus")
    args = ["--root", str(project), "ingest", str(SEEDS), "--sidecar-dir", str(SIDECARS)]
    r = subprocess.run(
        [sys.executable, "-c", _MONITOR, *args], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert "0 added, 5 unchanged" in r.stdout
    docs, shards = map(int, r.stderr.split("OPENED")[1].split())
    assert docs == 0 and shards > 0
    assert tree_digest(project / "corpus") == before


def test_a_crash_between_a_document_and_the_index_is_recovered(project: Path, tmp_path: Path):
    files = []
    for name in ("crash_a", "crash_b"):
        f = tmp_path / "in" / f"{name}.txt"
        f.parent.mkdir(exist_ok=True)
        f.write_text(ARTICLE.replace("Monday", name), encoding="utf-8")
        files.append(f)
    env = {**os.environ, idx.FAULT_ENV: "crash_a"}
    cmd = [sys.executable, "-m", "claimcorpus.cli", "--root", str(project), "ingest"]
    r = subprocess.run([*cmd, str(files[0].parent)], env=env, capture_output=True, text=True)
    assert r.returncode == idx.FAULT_EXIT_CODE, r.stderr
    assert (project / "corpus/docs/crash_a.json").exists()  # the document was written ...
    assert idx.Index(project).entry("crash_a") is None  # ... its index entry was not
    journal = (project / "corpus/index" / idx.JOURNAL).read_text(encoding="utf-8")
    # both named ahead in one write (Index.announce); crash_b never written, never counted
    assert '{"doc": "crash_a"}\n{"doc": "crash_b"}\n' in journal
    assert not (project / "corpus/docs/crash_b.json").exists()
    c = run_cli("index", "--check", root=project)
    assert c.returncode == 1 and "index-journal" in c.stdout and "index-mismatch" in c.stdout
    r = run_cli("ingest", str(files[0].parent), root=project)
    assert r.returncode == 0, r.stderr
    assert "recovered the index entries of 1 document(s)" in r.stderr
    assert "1 added, 1 unchanged" in r.stdout
    assert not (project / "corpus/index" / idx.JOURNAL).exists()
    assert run_cli("index", "--check", root=project).returncode == 0
    v = run_cli("validate", root=project)
    assert v.returncode == 0 and "0 errors" in v.stderr, v.stdout


def _to_old_layout(root: Path) -> None:
    """The corpus as the store wrote it before corpus/docs/: three folders, indented JSON."""
    for p in sorted((root / "corpus/docs").glob("*.json")):
        rec = json.loads(p.read_text())
        for part, key in (
            ("meta", "meta"),
            ("normalized", "normalized"),
            ("exclusions", "exclusions"),
        ):
            atomic_write_json(root / "corpus" / part / p.name, rec[key])
        p.unlink()
    (root / "corpus/docs").rmdir()
    for p in (root / "corpus/index").iterdir():
        p.unlink()
    (root / "corpus/index").rmdir()


def test_an_old_layout_corpus_is_refused_by_name_then_migrated_with_the_same_release(
    project: Path, tmp_path: Path
):
    want = load_documents(project)
    _to_old_layout(project)
    for args in (("validate",), ("ingest", str(SEEDS)), ("build", "--version", "9.9.9")):
        r = run_cli(*args, root=project)
        assert r.returncode != 0 and "Traceback" not in r.stderr, (args, r.stderr)
        assert "old layout" in r.stdout + r.stderr and "index --migrate" in r.stdout + r.stderr
    r = run_cli("index", "--migrate", root=project)
    assert r.returncode == 0 and "migrated 5 document(s)" in r.stdout, r.stderr
    assert not any((project / "corpus" / d).exists() for d in ("meta", "normalized", "exclusions"))
    assert load_documents(project) == want
    assert sorted(os.listdir(project / "corpus/docs")) == sorted(os.listdir(REPO / "corpus/docs"))
    for p in (REPO / "corpus/docs").glob("*.json"):  # the committed seeds are this migration
        assert (project / "corpus/docs" / p.name).read_bytes() == p.read_bytes()
    assert _shards(project) == _shards(REPO)
    rel = previous_releases(tmp_path / "rel")
    r = run_cli("build", "--version", LATEST, "--releases-dir", str(rel), root=project)
    assert r.returncode == 0, r.stderr
    assert (rel / LATEST / "SHA256SUMS").read_bytes() == (
        LATEST_RELEASE / "SHA256SUMS"
    ).read_bytes()


def test_a_corrupt_index_is_an_error_naming_the_file_and_rebuild_repairs_it(
    project: Path, tmp_path: Path
):
    f = tmp_path / "after_corruption.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    shard = project / "corpus/index" / f"{idx._doc_shard('after_corruption')}.json"
    shard.write_text('{"docs": {"x": ', encoding="utf-8")
    before = tree_digest(project)
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{shard}: the ingest index cannot be read" in r.stderr
    assert "index --rebuild" in r.stderr
    assert tree_digest(project) == before
    v = run_cli("validate", root=project)
    assert v.returncode == 1 and "index-unreadable" in v.stdout and shard.name in v.stdout
    assert run_cli("index", "--rebuild", root=project).returncode == 0
    assert run_cli("index", "--check", root=project).returncode == 0
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr


def test_an_index_that_disagrees_with_the_documents_is_listed_and_rebuilt(project: Path):
    doc = "001_6c82bee824d52579"
    shard = project / "corpus/index" / f"{idx._doc_shard(doc)}.json"
    rec = json.loads(shard.read_text())
    rec["docs"][doc]["raw_sha256"] = "0" * 64
    shard.write_text(json.dumps(rec))
    c = run_cli("index", "--check", root=project)
    assert c.returncode == 1 and "index-mismatch" in c.stdout and doc in c.stdout
    v = run_cli("validate", root=project)
    assert v.returncode == 1 and "index-mismatch" in v.stdout
    assert run_cli("index", "--rebuild", root=project).returncode == 0
    assert _shards(project) == _shards(REPO)


def _harbour(tmp_path: Path, name: str, footer: str | None) -> Path:
    topics = ["ferries", "cranes", "tankers", "dredging"]
    rows = []
    for t in topics:
        text = f"Harbour report on {t}\nThe port said on Friday that {t} were its main worry.\n"
        rows.append(
            {
                "url": f"https://harbour.example/news/{t}",
                "outlet": "Harbour Gazette",
                "text": text + (f"{footer}\n" if footer else "") + f"More on {t} next week.\n",
            }
        )
    f = tmp_path / name
    f.write_text("\n".join(json.dumps(x) for x in rows) + "\n")
    return f


def test_a_refused_run_leaves_the_repeated_lines_table_as_it_was(project: Path, tmp_path: Path):
    assert run_cli("ingest", str(_harbour(tmp_path, "a.jsonl", None)), root=project).returncode == 0
    footer = "Harbour Gazette is published by Harbour Media Group. Support our journalism today."
    changed = _harbour(tmp_path, "b.jsonl", footer)
    before = tree_digest(project / "corpus")
    r = run_cli("ingest", str(changed), root=project)  # every record changed: all refused
    assert r.returncode == 1 and "0 added, 0 unchanged, 0 replaced, 4 refused" in r.stdout
    assert tree_digest(project / "corpus") == before  # no table grew from refused articles
    r = run_cli("ingest", str(changed), "--force", root=project)
    assert r.returncode == 0 and "4 replaced" in r.stdout, r.stderr
    assert list((project / "corpus/repeated").glob("*.json"))  # stored with the documents
    check = run_cli("normalize", "--check", root=project)
    assert check.returncode == 0 and check.stdout.startswith("0 of "), check.stdout


def test_a_missing_index_is_rebuilt_by_the_next_ingest_with_a_notice(project, tmp_path: Path):
    for p in (project / "corpus/index").iterdir():
        p.unlink()
    (project / "corpus/index").rmdir()
    f = tmp_path / "after_loss.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    assert "was missing; rebuilt from 5 documents" in r.stderr
    assert run_cli("index", "--check", root=project).returncode == 0


def test_a_rebuild_over_an_unreadable_document_names_it_and_keeps_the_index(project: Path):
    doc = project / "corpus/docs/002_9949ad823d7a49a0.json"
    doc.write_text('{"meta": ', encoding="utf-8")
    before = tree_digest(project / "corpus/index")
    r = run_cli("index", "--rebuild", root=project)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{doc}: cannot be read" in r.stderr
    assert tree_digest(project / "corpus/index") == before
    v = run_cli("validate", root=project)
    assert v.returncode == 1 and "corpus-unreadable" in v.stdout and "index-" not in v.stdout


def test_a_bulk_run_holds_few_paths_and_its_loaded_doc_id_lists_leave_the_gc(project: Path):
    """Memory and garbage-collector work of a large run do not grow with what it wrote or
    read: past SYNC_EACH_MAX written files only their count is kept (one os.sync flushes
    them), and a loaded shard is its file's lines (bytes, which the collector does not
    track), an entry parsed only when asked for."""
    index = idx.Index.open(project)
    doc = load_documents(project)[0]
    assert index.owner(doc["raw_sha256"]) == doc["doc_id"]
    gc.collect()
    part = index._shard(doc["raw_sha256"][:2]).parts["digests"]
    assert part.lines and all(type(line) is bytes for line in part.lines)
    assert not any(gc.is_tracked(line) for line in part.lines) and not part.changes
    for i in range(idx.SYNC_EACH_MAX + 20):
        index.wrote(f"bulk-{i}", project / "corpus" / "raw" / f"bulk-{i}.txt")
    assert len(index._written) == idx.SYNC_EACH_MAX and index._n_written == idx.SYNC_EACH_MAX + 20
