"""``claimcorpus normalize``: re-run the normalizer over corpus/raw after a normalizer change.

Every document whose normalized record (text, offsets, exclusions) would change is planned
first, with every annotation layer re-anchored through the offset maps (reanchor.py). Why
all or nothing: if any span of any layer has no exact place in its new text, a partial run
would leave some documents on the new normalizer and some on the old one, with gold that
matches neither the code nor the last release; so one failure means nothing is written.
Each document is normalized with its site's repeated lines (corpus/repeated/, ingest/sites.py),
as ingest normalized it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcorpus.core import layers as ann
from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.core.records import LayerRecord, NormalizedText
from claimcorpus.ingest.sites import Repeated, load_repeated, site_of
from claimcorpus.ingest.store import (
    CORPUS,
    StoredDocument,
    doc_ids,
    normalized_record,
    read_stored,
    write_stored,
)
from claimcorpus.normalize.align import reanchor_record
from claimcorpus.normalize.text import normalize_bytes


@dataclass
class Update:
    """The new files of one document: its normalized record, exclusions and moved records."""

    doc_id: str
    meta: dict[str, Any]
    normalized: NormalizedText
    exclusions: list[dict[str, Any]]
    text_changed: bool
    records: list[tuple[str, LayerRecord]] = field(default_factory=list)


def _read_layer_record(root: Path, layer: str, doc_id: str) -> LayerRecord | None:
    path = ann.layer_dir(root, layer) / f"{doc_id}.json"
    return LayerRecord.from_json(read_json(path)) if path.exists() else None


def plan_document(
    root: Path, doc_id: str, layers: list[str], repeated: Repeated | None = None
) -> tuple[Update | None, list[str]]:
    """What re-normalizing one document would write (None: nothing changes), and every
    reason it cannot be written. ``repeated``: each site's repeated lines (ingest/sites.py),
    so the document loses exactly the lines its ingest removed."""
    try:
        stored = read_stored(root, doc_id)
        meta = stored.meta
        raw_path = root / CORPUS / "raw" / meta["source_file"]
        raw_bytes = raw_path.read_bytes()
        old = NormalizedText.from_json(stored.normalized)
        old_exclusions = stored.exclusions
        site_lines = (repeated or {}).get(site_of(meta) or "")
        n = normalize_bytes(raw_bytes, str(raw_path.relative_to(root)), site_lines)
    except InputError as exc:
        return None, [str(exc)]
    except (OSError, ValueError, KeyError) as exc:
        return None, [f"cannot read its corpus files ({type(exc).__name__}: {exc})"]
    new = normalized_record(doc_id, n)
    if new == old and n.exclusions == old_exclusions:
        return None, []
    update = Update(doc_id, meta, new, n.exclusions, new.text != old.text)
    if not update.text_changed:  # same text: every offset into it stays right
        return update, []
    problems = []
    for layer in layers:
        rec = _read_layer_record(root, layer, doc_id)
        if rec is None:
            continue
        if rec.text_sha256 != old.text_sha256:
            problems.append(f"{layer}: record was made on another text than corpus/docs")
            continue
        moved, fails = reanchor_record(rec, old, new, raw_bytes)
        problems += [f"{layer}: {f}" for f in fails]
        update.records.append((layer, moved))
    return update, problems


def write_update(root: Path, update: Update) -> None:
    """Annotations first, then the text they now point into (each file atomically). The raw
    bytes do not change, so neither does the ingest index."""
    for layer, rec in update.records:
        ann.write_record(root, layer, rec.to_json())
    write_stored(root, StoredDocument(update.meta, update.normalized.to_json(), update.exclusions))


def renormalize(root: Path, check_only: bool = False) -> int:
    """Re-normalize every document, or none of them; 0 when done, 1 when refused."""
    layers = ["gold", *ann.list_layers(root)]
    try:
        repeated = load_repeated(root)  # each site's repeated lines, as ingest found them
    except InputError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    ids = doc_ids(root)
    updates, refused = [], 0
    for doc_id in ids:
        update, problems = plan_document(root, doc_id, layers, repeated)
        if update is not None:
            print(f"changed   {doc_id}: text {'differs' if update.text_changed else 'same'}")
            updates.append(update)
        if problems:
            refused += 1
            for f in problems:
                print(f"  cannot re-anchor {doc_id} {f}", file=sys.stderr)
    if refused:
        print(
            f"error: {refused} document(s) cannot be re-normalized without losing annotations; "
            "nothing was written",
            file=sys.stderr,
        )
        return 1
    if check_only:
        print(f"{len(updates)} of {len(ids)} documents would change (--check: nothing written)")
        return 0
    for update in updates:
        write_update(root, update)
    moved = sum(len(u.records) for u in updates)
    print(
        f"re-normalized {len(updates)} of {len(ids)} documents; "
        f"{moved} annotation record(s) re-anchored"
    )
    return 0


def normalize_command(args: argparse.Namespace) -> int:
    return renormalize(Path(args.root), check_only=args.check)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "normalize",
        help="re-normalize every ingested article (after a normalizer change)",
        description="Re-run normalization over corpus/raw and rewrite the normalized text and "
        "exclusions in corpus/docs. Annotations of every layer whose text changed are re-anchored "
        "through the offset maps; if any span cannot be, nothing is written and each such "
        "span is named.",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="only report which documents would change and whether they can (writes nothing)",
    )
    p.set_defaults(func=normalize_command, writes=True)
