"""The `ingest` command: add articles to the corpus store, one file at a time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_bytes, atomic_write_json, read_json, sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.renormalize import reanchor_layers
from claimcorpus.ingest.store import (
    CORPUS,
    DEFAULT_LICENCE,
    MAX_BYTES,
    RawHashes,
    doc_id_for,
    normalized_record,
    paths,
    raw_hashes,
    read_sidecar,
    resolve_meta,
)
from claimcorpus.normalize.text import normalize_bytes


def ingest_file(
    root: Path,
    path: Path,
    *,
    force: bool = False,
    sidecar_dir: Path | None = None,
    licence: str = DEFAULT_LICENCE,
    max_bytes: int = MAX_BYTES,
    known_hashes: RawHashes | None = None,
) -> tuple[str, str]:
    """Ingest one article. Returns (doc_id, status) with status added/unchanged/replaced.

    Everything is checked before anything is written; each file is written to a temporary
    path and renamed, so a refused article leaves the corpus as it was.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit for one article"
        )
    data = path.read_bytes()
    doc_id = doc_id_for(path)
    digest = sha256_bytes(data)
    p = paths(root, doc_id)
    known_hashes = known_hashes if known_hashes is not None else raw_hashes(root)
    other = known_hashes.owner(digest)
    if other is not None and other != doc_id:
        raise InputError(
            f"{path}: same bytes as already-ingested document {other!r} (duplicate article)"
        )
    if p["meta"].exists():
        old = read_json(p["meta"])
        if old["raw_sha256"] == digest:
            return doc_id, "unchanged"
        if not force:
            raise InputError(
                f"{path}: doc_id {doc_id!r} exists with different bytes "
                f"(sha256 {old['raw_sha256'][:12]}… vs {digest[:12]}…); pass --force to replace it"
            )
    n = normalize_bytes(data, str(path))
    for notice in n.notices:
        print(f"notice: {notice}", file=sys.stderr)
    new_norm = normalized_record(doc_id, n)
    moved = reanchor_layers(root, doc_id, new_norm, path) if p["meta"].exists() else []
    side = read_sidecar(path, sidecar_dir, doc_id)
    meta = {
        "doc_id": doc_id,
        "source_file": path.name,
        "raw_sha256": digest,
        "raw_bytes": len(data),
        **resolve_meta(side, n.text, n.title, licence),
        "outlet_evidence": side.get("outlet_evidence"),
        "story": side.get("story"),
    }
    raw_dir = root / CORPUS / "raw"
    if p["meta"].exists():
        old_file = raw_dir / read_json(p["meta"])["source_file"]
        if old_file.name != path.name:
            old_file.unlink(missing_ok=True)
    status = "replaced" if p["meta"].exists() else "added"
    atomic_write_bytes(raw_dir / path.name, data)
    for layer, rec in moved:
        ann.write_record(root, layer, rec)
    atomic_write_json(p["normalized"], new_norm)
    atomic_write_json(p["exclusions"], n.exclusions)
    atomic_write_json(p["meta"], meta)  # last: a document exists once its meta exists
    known_hashes.set(doc_id, digest)
    return doc_id, status


# ----------------------------------------------------------------------------- commands
def ingest_command(args: argparse.Namespace) -> int:
    root = Path(args.root)
    files: list[Path] = []
    for p in map(Path, args.paths):
        files.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    known = raw_hashes(root)
    failures = 0
    counts = {"added": 0, "unchanged": 0, "replaced": 0}
    for f in files:
        try:
            doc_id, status = ingest_file(
                root,
                f,
                force=args.force,
                sidecar_dir=Path(args.sidecar_dir) if args.sidecar_dir else None,
                known_hashes=known,
            )
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failures += 1
            continue
        counts[status] += 1
        print(f"{status:9s} {doc_id}  ({f})")
    print(
        f"{counts['added']} added, {counts['unchanged']} unchanged, {counts['replaced']} replaced, "
        f"{failures} refused"
    )
    return 1 if failures else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="add plain-text articles to corpus/ (raw copy, metadata, normalized text)",
        description="Add plain-text UTF-8 articles to corpus/. Re-ingesting identical bytes is a "
        "no-op; changed bytes under an existing doc_id are refused without --force. Metadata "
        "comes from the text and from a sidecar <stem>.meta.json; unknown fields stay null.",
    )
    p.add_argument("paths", nargs="+", help="article files or folders of *.txt")
    p.add_argument("--force", action="store_true", help="replace a document whose bytes changed")
    p.add_argument("--sidecar-dir", help="folder of <doc_id>.meta.json metadata sidecars")
    p.set_defaults(func=ingest_command)
