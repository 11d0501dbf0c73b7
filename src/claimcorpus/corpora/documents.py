"""A document of another corpus, normalized in memory and written to ``corpus/`` later.

Imports check everything before they write anything, so a document is first a
:class:`NewDocument` (bytes, normalized record, metadata) and only reaches the store, in the
same files ``claimcorpus ingest`` writes, once the whole import has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcorpus.core.io import atomic_write_bytes, sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.records import NormalizedText
from claimcorpus.ingest.index import Entry, Index
from claimcorpus.ingest.store import (
    CORPUS,
    DEFAULT_LICENCE,
    StoredDocument,
    doc_id_for,
    doc_path,
    normalized_record,
    read_stored,
    resolve_meta,
    write_stored,
)
from claimcorpus.normalize.text import normalize_bytes

# metadata an importer may give besides the release columns (kept in the document's meta as given)
EXTRA_META = ("author", "source_metadata")


@dataclass
class NewDocument:
    """One article ready to write: raw bytes, normalized record, exclusions and metadata."""

    doc_id: str
    source_file: str
    raw: bytes
    norm: NormalizedText
    exclusions: list[dict[str, Any]]
    meta: dict[str, Any]
    known: bool  # already in the corpus with these very bytes: nothing to write


def prepare(root: Path, path: Path, given: dict[str, Any] | None = None) -> NewDocument:
    """Read and normalize one ``.txt``; InputError (naming the file) when it cannot be used.

    A document already in the corpus with the same bytes is reused as stored; the same
    doc_id with other bytes is refused (an import never replaces an article)."""
    data = path.read_bytes()
    doc_id = doc_id_for(path)
    digest = sha256_bytes(data)
    if doc_path(root, doc_id).exists():
        stored = read_stored(root, doc_id)
        old = stored.meta
        if old["raw_sha256"] != digest:
            raise InputError(
                f"{path}: doc_id {doc_id!r} is already in {root / CORPUS} with other bytes "
                f"(sha256 {old['raw_sha256'][:12]}… vs {digest[:12]}…); an import never replaces "
                "an article"
            )
        norm = NormalizedText.from_json(stored.normalized)
        return NewDocument(doc_id, old["source_file"], data, norm, stored.exclusions, old, True)
    n = normalize_bytes(data, str(path))
    norm = normalized_record(doc_id, n)
    given = dict(given or {})
    extra = {k: given.pop(k) for k in EXTRA_META if k in given}
    meta = {
        "doc_id": doc_id,
        "source_file": path.name,
        "raw_sha256": digest,
        "raw_bytes": len(data),
        **resolve_meta(given, n.text, n.title, given.get("licence", DEFAULT_LICENCE)),
        "outlet_evidence": given.get("outlet_evidence"),
        "story": given.get("story"),
        **extra,
    }
    return NewDocument(doc_id, path.name, data, norm, n.exclusions, meta, False)


def write(root: Path, doc: NewDocument, index: Index) -> None:
    """Write a prepared document's files (raw bytes, then its document file) through the
    ingest index (journaled first; the caller commits the index once at the end)."""
    if doc.known:
        return
    index.begin(doc.doc_id)
    atomic_write_bytes(root / CORPUS / "raw" / doc.source_file, doc.raw)
    write_stored(root, StoredDocument(doc.meta, doc.norm.to_json(), doc.exclusions))
    index.wrote(doc.doc_id)
    index.set(doc.doc_id, Entry(sha256_bytes(doc.raw), doc.source_file))
