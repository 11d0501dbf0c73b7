"""Move a corpus from the layout of one folder per kind of file to ``corpus/docs/``.

Before: ``corpus/meta/<id>.json``, ``corpus/normalized/<id>.json`` and
``corpus/exclusions/<id>.json`` per document. After: one ``corpus/docs/<id>.json`` holding
the three (store.py says why), and the ingest index built from them. ``corpus/raw/``,
``corpus/repeated/`` and ``corpus/sidecars/`` stay as they are. The content is carried over
unchanged (``load_document`` gives the same dict before and after), so releases built from
the corpus do not change by a byte.

Order, so that a crash can be finished by running it again: every document file is written
first (the old files are still the source), then the old files are removed, each
document's meta last (a meta file is what marks a document as not yet migrated), then the
index is built and the empty old folders go.
"""

from __future__ import annotations

from pathlib import Path

from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest import index as idx
from claimcorpus.ingest.store import CORPUS, OLD_META, StoredDocument, doc_path, write_stored

OLD_FOLDERS = (OLD_META, "normalized", "exclusions")


def _old_files(root: Path, doc_id: str) -> dict[str, Path]:
    return {k: root / CORPUS / k / f"{doc_id}.json" for k in OLD_FOLDERS}


def _read_old(root: Path, doc_id: str) -> StoredDocument:
    files = _old_files(root, doc_id)
    try:
        meta, norm = read_json(files[OLD_META]), read_json(files["normalized"])
        excl = read_json(files["exclusions"]) if files["exclusions"].exists() else []
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{root / CORPUS}: document {doc_id!r} cannot be migrated "
            f"({type(exc).__name__}: {exc}); nothing of it was changed"
        ) from None
    if not isinstance(meta, dict) or meta.get("doc_id") != doc_id:
        raise InputError(f"{files[OLD_META]}: field doc_id: not {doc_id!r}")
    return StoredDocument(meta, norm, excl)


def migrate(root: str | Path) -> int:
    """Migrate every document still in the old layout; returns how many were moved."""
    root = Path(root)
    ids = sorted(p.stem for p in (root / CORPUS / OLD_META).glob("*.json"))
    pending = [d for d in ids if _old_files(root, d)["normalized"].exists()]
    docs = [_read_old(root, d) for d in pending]  # every one readable before any is written
    for doc in docs:
        write_stored(root, doc)
    for d in ids:
        if not doc_path(root, d).exists():
            raise InputError(f"{_old_files(root, d)[OLD_META]}: no normalized text to migrate")
        files = _old_files(root, d)
        for k in ("normalized", "exclusions", OLD_META):
            files[k].unlink(missing_ok=True)
    idx.rebuild(root)
    for k in OLD_FOLDERS:
        folder = root / CORPUS / k
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
    return len(docs)
