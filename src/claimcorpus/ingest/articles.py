"""Write one article into the corpus: the step every reader's articles go through.

Everything is checked before anything is written; the raw bytes and then the document file
(``corpus/docs/<doc_id>.json``) are each written to a temporary path and renamed, so a
refused article leaves the corpus as it was and an interrupted run leaves whole documents
only (a document exists once its file exists). Whether an article is new, unchanged or
changed is decided from the ingest index (index.py), which journals the doc_id first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Container
from pathlib import Path
from typing import Any

from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_bytes, sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.records import LayerRecord, NormalizedText
from claimcorpus.ingest.index import Entry, Index
from claimcorpus.ingest.readers.record import Article
from claimcorpus.ingest.store import (
    DEFAULT_LICENCE,
    MAX_BYTES,
    corpus_folders,
    normalized_record,
    read_normalized,
    read_stored,
    resolve_meta,
    write_document,
)
from claimcorpus.normalize.align import reanchor_by_diff
from claimcorpus.normalize.text import normalize_bytes


def _reanchor_layers(
    root: Path, doc_id: str, new_norm: NormalizedText, path: Path
) -> list[tuple[str, LayerRecord]]:
    """Re-anchor every annotation layer of a replaced document, or refuse the replacement."""
    old_text = read_normalized(root, doc_id).text
    if old_text == new_norm.text:
        return []
    out, failures = [], []
    for layer in ["gold", *ann.list_layers(root)]:
        rec = ann.load_layer(root, layer).get(doc_id)
        if rec is None:
            continue
        moved, fails = reanchor_by_diff(LayerRecord.from_json(rec), old_text, new_norm)
        failures += [f"{layer}: {f}" for f in fails]
        out.append((layer, moved))
    if failures:
        raise InputError(
            f"{path}: the new text would orphan annotations of {doc_id!r}; nothing changed:\n  "
            + "\n  ".join(failures)
        )
    return out


def _check_replacement(old: dict[str, Any], art: Article, digest: str, force: bool) -> None:
    """A changed article under its own id needs --force; another article's id never yields."""
    if art.provenance is not None:
        same = old.get("url") is not None and old.get("url") == art.meta.get("url")
        if not same:
            raise InputError(
                f"{art.origin}: doc_id {art.doc_id!r} is already taken by another article "
                f"(source {old.get('source_file')!r}, url {old.get('url')!r}); a collision is "
                "refused, also with --force"
            )
    if not force:
        raise InputError(
            f"{art.origin}: doc_id {art.doc_id!r} exists with different bytes "
            f"(sha256 {old['raw_sha256'][:12]}… vs {digest[:12]}…); pass --force to replace it"
        )


def store_article(
    root: Path,
    art: Article,
    *,
    force: bool = False,
    index: Index,
    repeated: Container[int] | None = None,
    licence: str = DEFAULT_LICENCE,
    digest: str | None = None,
) -> tuple[str, str]:
    """Add or replace one article. Returns (doc_id, status): added/unchanged/replaced.
    ``digest``: the sha256 of ``art.data`` when the caller has it already (hashed once)."""
    if len(art.data) > MAX_BYTES:
        raise InputError(
            f"{art.origin}: {len(art.data):,} bytes is over the {MAX_BYTES:,}-byte limit for one article"
        )
    digest = digest or sha256_bytes(art.data)
    other = index.owner(digest)
    if other is not None and other != art.doc_id:
        raise InputError(
            f"{art.origin}: same bytes as already-ingested document {other!r} (duplicate article)"
        )
    entry = index.entry(art.doc_id)
    if entry is not None and entry.raw_sha256 == digest:
        return art.doc_id, "unchanged"  # decided by the index: the document is not opened
    old = read_stored(root, art.doc_id).meta if entry is not None else None
    if old is not None:
        _check_replacement(old, art, digest, force)
    n = normalize_bytes(art.data, art.origin, repeated)
    for notice in n.notices:
        print(f"notice: {notice}", file=sys.stderr)
    new_norm = normalized_record(art.doc_id, n)
    moved = _reanchor_layers(root, art.doc_id, new_norm, Path(art.origin)) if old else []
    meta = {
        "doc_id": art.doc_id,
        "source_file": art.source_file,
        "raw_sha256": digest,
        "raw_bytes": len(art.data),
        **resolve_meta(art.meta, n.text, n.title, licence),
        "outlet_evidence": art.meta.get("outlet_evidence"),
        "story": art.meta.get("story"),
    }
    if art.provenance is not None:
        meta["provenance"] = art.provenance
    raw_dir, docs_dir = corpus_folders(root)
    raw_file = os.path.join(raw_dir, art.source_file)
    doc_file = os.path.join(docs_dir, f"{art.doc_id}.json")
    index.begin(art.doc_id)
    if old is not None and old["source_file"] != art.source_file:
        Path(raw_dir, old["source_file"]).unlink(missing_ok=True)
    atomic_write_bytes(raw_file, art.data, fsync=False)  # index.commit syncs
    for layer, rec in moved:
        ann.write_record(root, layer, rec.to_json())
    write_document(doc_file, meta, new_norm, n.exclusions)
    index.wrote(art.doc_id, raw_file, doc_file)
    index.set(art.doc_id, Entry(digest, art.source_file))
    return art.doc_id, "replaced" if old is not None else "added"
