"""``claimcorpus validate``: check the corpus, every annotation layer and every release.

UD validate.py style: every check yields ``Problem``s with a stable id and a level; all are
collected, printed, summarized by id, and the exit status is 1 when any is an error.

Corpus: the layout, the ingest index against the documents, raw checksums, normalized-text checksums, paragraph/sentence offsets, the offset map
(every paragraph maps back to raw bytes that fold to exactly its text), exclusion records.
Annotations: ``annotations.check_record`` on gold and every raw layer. Releases: SHA256SUMS,
every span's text against ``text[start:end]`` in the Parquet data, split manifest leakage
(stories and near-duplicates never cross the parts of a view).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow.parquet as pq

from claimcorpus.core import layers as ann
from claimcorpus.core.io import read_json, sha256_bytes, sha256_file
from claimcorpus.core.problems import Problem, has_errors, summary
from claimcorpus.core.project import require_root
from claimcorpus.core.scheme import JSON_SCHEMA_PATH, annotation_json_schema, load_scheme
from claimcorpus.ingest.index import check as check_index
from claimcorpus.ingest.store import CORPUS, OldLayoutError, check_layout, doc_ids, load_document
from claimcorpus.normalize.text import fold, raw_span
from claimcorpus.release import splits as splits_mod
from claimcorpus.release.locate import locate, missing_message
from claimcorpus.report.release_card import check_card
from claimcorpus.stories import components
from claimcorpus.stories.rules import NUM_PERM
from claimcorpus.stories.signatures import signatures


class Texts(NamedTuple):
    """A release's doc ids (sorted) and their texts' near-duplicate signatures (same rows):
    what the leakage check needs, 1 KB a document instead of its text."""

    ids: list[str]
    signatures: np.ndarray


META_FIELDS = (
    "doc_id",
    "source_file",
    "raw_sha256",
    "outlet",
    "title",
    "published",
    "url",
    "language",
    "licence",
)


def check_corpus(root: Path) -> tuple[list[Problem], dict[str, dict]]:
    """Every document of the store against its raw bytes; returns the problems and the
    documents that could be read (the layer checks need their texts)."""
    out: list[Problem] = []
    docs: dict[str, dict] = {}
    for d in doc_ids(root):
        loaded = _load_checked(root, d)
        if isinstance(loaded, Problem):
            out.append(loaded)
            continue
        doc, raw = loaded
        out += _check_checksums(root, d, doc, raw)
        out += _check_offsets(d, doc)
        out += _check_offset_map(d, doc, raw)
        out += _check_exclusions(d, doc, raw)
        docs[d] = doc
    return out, docs


def _load_checked(root: Path, d: str) -> tuple[dict, bytes] | Problem:
    """A document and its raw bytes, or the one problem that stops every other check."""
    f = f"corpus/docs/{d}.json"
    try:
        doc = load_document(root, d)
    except (OSError, ValueError) as exc:
        return Problem("corpus-unreadable", "error", f, str(exc), d)
    missing = [k for k in META_FIELDS if k not in doc]
    if missing:
        return Problem("meta-field-missing", "error", f, f"missing {missing}", d, field=missing[0])
    raw_path = root / CORPUS / "raw" / doc["source_file"]
    if not raw_path.exists():
        return Problem("raw-missing", "error", f, f"{raw_path} not found", d, field="source_file")
    return doc, raw_path.read_bytes()


def _check_checksums(root: Path, d: str, doc: dict, raw: bytes) -> list[Problem]:
    """The raw bytes and the normalized text against the digests the store recorded."""
    out: list[Problem] = []
    if sha256_bytes(raw) != doc["raw_sha256"]:
        raw_path = root / CORPUS / "raw" / doc["source_file"]
        out.append(
            Problem(
                "raw-checksum",
                "error",
                str(raw_path.relative_to(root)),
                "sha256 differs from meta",
                d,
                field="raw_sha256",
            )
        )
    if sha256_bytes(doc["text"].encode()) != doc["text_sha256"]:
        out.append(
            Problem(
                "text-checksum",
                "error",
                f"corpus/docs/{d}.json",
                "text_sha256 does not match text",
                d,
                field="text_sha256",
            )
        )
    return out


def _check_offsets(d: str, doc: dict) -> list[Problem]:
    """Every paragraph and sentence lies inside the normalized text."""
    out: list[Problem] = []
    text = doc["text"]
    for kind in ("paragraphs", "sentences"):
        for i, p in enumerate(doc[kind]):
            if not (0 <= p["start"] < p["end"] <= len(text)):
                out.append(
                    Problem(
                        "offset-out-of-range",
                        "error",
                        f"corpus/docs/{d}.json",
                        f"[{p['start']}, {p['end']}) outside text",
                        d,
                        f"{kind}[{i}]",
                        "start",
                    )
                )
    return out


def _check_offset_map(d: str, doc: dict, raw: bytes) -> list[Problem]:
    """Every paragraph maps back to raw bytes that fold to exactly its text."""
    out: list[Problem] = []
    text, om = doc["text"], doc["offset_map"]
    for i, p in enumerate(doc["paragraphs"]):
        try:
            rs, re_ = raw_span(text, om["norm"], om["raw"], om["copy"], p["start"], p["end"])
            ok = fold(raw[rs:re_].decode("utf-8")) == text[p["start"] : p["end"]]
        except (ValueError, IndexError, UnicodeDecodeError):
            ok = False
        if not ok:
            out.append(
                Problem(
                    "offset-map",
                    "error",
                    f"corpus/docs/{d}.json",
                    "paragraph does not map back to its raw bytes",
                    d,
                    f"paragraphs[{i}]",
                    "offset_map",
                )
            )
    return out


def _check_exclusions(d: str, doc: dict, raw: bytes) -> list[Problem]:
    """Every exclusion record quotes the raw bytes it cut out."""
    out: list[Problem] = []
    for i, e in enumerate(doc["exclusions"]):
        if raw[e["raw_start"] : e["raw_end"]].decode("utf-8", "replace") != e["text"]:
            out.append(
                Problem(
                    "exclusion-mismatch",
                    "error",
                    f"corpus/docs/{d}.json",
                    "excluded text differs from raw bytes",
                    d,
                    f"[{i}]",
                    "text",
                )
            )
    return out


def check_schema_file(root: Path) -> list[Problem]:
    want = (
        json.dumps(annotation_json_schema(load_scheme(root)), indent=2, ensure_ascii=False) + "\n"
    )
    path = root / JSON_SCHEMA_PATH
    if not path.exists() or path.read_text(encoding="utf-8") != want:
        return [
            Problem(
                "schema-stale",
                "error",
                str(JSON_SCHEMA_PATH),
                "derived JSON Schema is stale: run `claimcorpus schema --write`",
            )
        ]
    return []


def check_release(folder: Path, root: Path) -> list[Problem]:
    """A release folder: its checksums, its spans against its texts, its card and its split
    manifest."""
    rel = str(folder)
    if not folder.is_dir():
        return [Problem("release-missing", "error", rel, missing_message(folder, root))]
    sums = folder / "SHA256SUMS"
    if not sums.exists():
        return [Problem("release-checksum", "error", rel, "SHA256SUMS missing")]
    out = _check_sums(folder, sums)
    texts, span_problems = _check_release_spans(folder)
    out += span_problems
    out.extend(check_card(folder))
    out += _check_manifest(folder, texts)
    return out


def _check_sums(folder: Path, sums: Path) -> list[Problem]:
    """Every file listed in SHA256SUMS is there with its digest, and no file is unlisted."""
    out: list[Problem] = []
    rel = str(folder)
    listed = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
        p = folder / name
        if not p.exists():
            out.append(
                Problem(
                    "release-file-missing",
                    "error",
                    f"{rel}/{name}",
                    "listed in SHA256SUMS but missing",
                )
            )
        elif sha256_file(p) != digest:
            out.append(
                Problem(
                    "release-checksum", "error", f"{rel}/{name}", "sha256 differs from SHA256SUMS"
                )
            )
    for p in sorted(folder.rglob("*")):
        name = p.relative_to(folder).as_posix()
        if p.is_file() and name != "SHA256SUMS" and name not in listed:
            out.append(
                Problem("release-unlisted-file", "error", f"{rel}/{name}", "file not in SHA256SUMS")
            )
    return out


RELEASE_BATCH = 256  # rows read at a time: memory is bounded by a batch and the signatures


def _check_release_spans(folder: Path) -> tuple[Texts, list[Problem]]:
    """Every span of the release's documents against ``text[start:end]``, read a batch of
    rows at a time; returns the doc ids with the near-duplicate signature of each text (the
    leakage check needs no more), and the problems.

    The doc ids are read first (one small column), so each batch's signatures go straight
    into their sorted row of one array: at 100,000 documents the signatures are 100 MB, and
    collecting them, concatenating and reordering held three copies at once."""
    out: list[Problem] = []
    paths = sorted((folder / "data" / "documents").glob("*.parquet"))
    columns = [pq.read_table(p, columns=["doc_id"]).column("doc_id").to_pylist() for p in paths]
    ids = sorted({d for column in columns for d in column})
    row_of = {d: i for i, d in enumerate(ids)}  # a repeated id: its last row is kept
    every = np.zeros((len(ids), NUM_PERM), np.uint64)
    for pq_path in paths:
        file = pq.ParquetFile(pq_path)
        for batch in file.iter_batches(RELEASE_BATCH, columns=["doc_id", "text", "spans"]):
            rows = batch.to_pylist()
            for row in rows:
                out += _span_problems(pq_path, row)
            every[[row_of[r["doc_id"]] for r in rows]] = signatures([r["text"] for r in rows])[0]
    return Texts(ids, every), out


def _span_problems(pq_path: Path, row: dict[str, Any]) -> list[Problem]:
    """One document row's spans against its text."""
    out = []
    text = row["text"]
    for s in row["spans"]:
        if not (0 <= s["start"] < s["end"] <= len(text)):
            out.append(
                Problem(
                    "release-span-range",
                    "error",
                    str(pq_path),
                    f"[{s['start']}, {s['end']}) outside text",
                    row["doc_id"],
                    s["id"],
                    "start",
                )
            )
        elif text[s["start"] : s["end"]] != s["text"]:
            out.append(
                Problem(
                    "release-span-text",
                    "error",
                    str(pq_path),
                    f"{s['text']!r} != text[start:end]",
                    row["doc_id"],
                    s["id"],
                    "text",
                )
            )
    return out


def _check_manifest(folder: Path, texts: Texts) -> list[Problem]:
    """splits.json, if the release has one: no story or near-duplicate crosses the parts of
    a view, pinned crossings are noted, and every listed doc_id is in the release."""
    manifest_path = folder / "splits.json"
    if not manifest_path.exists():
        return []
    out: list[Problem] = []
    manifest = read_json(manifest_path)
    dups = components.near_duplicates_of(texts.ids, texts.signatures)
    for leak in splits_mod.leaks(manifest, manifest["story_of"], dups):
        out.append(Problem("split-leak", "error", str(manifest_path), leak))
    for note in splits_mod.pinned_notes(manifest):
        out.append(Problem("split-pinned-crossing", "warning", str(manifest_path), note))
    unknown = sorted({d for ids in manifest["splits"].values() for d in ids} - set(texts.ids))
    if unknown:
        out.append(
            Problem(
                "split-unknown-doc",
                "error",
                str(manifest_path),
                f"doc ids not in the release: {unknown[:5]}",
            )
        )
    return out


def validate(root: Path, releases: list[Path] | None = None) -> list[Problem]:
    try:
        check_layout(root)
    except OldLayoutError as exc:
        return [Problem("corpus-old-layout", "error", str(CORPUS), str(exc))]
    problems, docs = check_corpus(root)
    problems += check_index(root)  # repaired by `claimcorpus index --rebuild`
    problems += check_schema_file(root)
    for layer in ["gold", *ann.list_layers(root), *ann.list_pred_layers(root)]:
        problems += ann.check_layer(root, layer, docs)
    if releases is None:
        rdir = root / "releases"
        releases = (
            sorted(p for p in rdir.iterdir() if p.is_dir() and not p.name.startswith("."))
            if rdir.exists()
            else []
        )
    for folder in releases:
        problems += check_release(folder, root)
    return problems


def validate_command(args: argparse.Namespace) -> int:
    releases = [locate(r, args.root) or Path(r) for r in args.release] if args.release else None
    if args.root is None and releases:  # outside a project: the named releases alone
        problems = [p for folder in releases for p in check_release(folder, Path.cwd())]
    else:
        problems = validate(
            require_root(args.root, " (or check releases with --release R)"), releases
        )
    for p in problems:
        print(p)
    if args.json:
        Path(args.json).write_text(
            json.dumps([p.to_dict() for p in problems], indent=2) + "\n", encoding="utf-8"
        )
    print(summary(problems), file=sys.stderr)
    return 1 if has_errors(problems) else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check corpus, annotation layers and releases; list every problem",
        description="Check corpus/, annotations/ and releases/. Every problem has a stable id "
        "and a level; all are listed, then summarized; exit 1 if any is an error.",
    )
    p.add_argument(
        "--release", action="append", help="release folder(s) to check (default: all in releases/)"
    )
    p.add_argument("--json", help="also write the problems as JSON to this file")
    p.set_defaults(func=validate_command, reads=lambda a: not a.release)
