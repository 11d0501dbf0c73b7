"""The `normalize` command: re-normalize the store and re-anchor its layers (normalize/align)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_json, read_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.sites import load_repeated, site_of
from claimcorpus.ingest.store import CORPUS, doc_ids, normalized_record, paths
from claimcorpus.normalize.align import reanchor_by_diff, reanchor_record
from claimcorpus.normalize.text import normalize_bytes


def reanchor_layers(root: Path, doc_id: str, new_norm: dict, path: Path) -> list[tuple[str, dict]]:
    """Re-anchor every annotation layer of a replaced document, or refuse the replacement."""
    old_text = read_json(paths(root, doc_id)["normalized"])["text"]
    if old_text == new_norm["text"]:
        return []
    out, failures = [], []
    for layer in ["gold", *ann.list_layers(root)]:
        rec = ann.load_layer(root, layer).get(doc_id)
        if rec is None:
            continue
        moved, fails = reanchor_by_diff(rec, old_text, new_norm["text"], new_norm["text_sha256"])
        failures += [f"{layer}: {f}" for f in fails]
        out.append((layer, moved))
    if failures:
        raise InputError(
            f"{path}: the new text would orphan annotations of {doc_id!r}; nothing changed:\n  "
            + "\n  ".join(failures)
        )
    return out


def normalize_command(args: argparse.Namespace) -> int:
    return renormalize(Path(args.root), check_only=args.check)


def renormalize(root: Path, check_only: bool = False) -> int:
    layers = ["gold", *ann.list_layers(root)]
    repeated = load_repeated(root)  # each site's repeated lines, as ingest found them
    changed = failed = 0
    for doc_id in doc_ids(root):
        p = paths(root, doc_id)
        meta = read_json(p["meta"])
        raw_bytes = (root / CORPUS / "raw" / meta["source_file"]).read_bytes()
        old = read_json(p["normalized"])
        n = normalize_bytes(raw_bytes, meta["source_file"], repeated.get(site_of(meta) or ""))
        new = normalized_record(doc_id, n)
        if new == old:
            continue
        changed += 1
        print(f"changed   {doc_id}: text {'differs' if new['text'] != old['text'] else 'same'}")
        updates: list[tuple[str, dict]] = []
        problems: list[str] = []
        for layer in layers:
            rec = ann.load_layer(root, layer).get(doc_id)
            if rec is None:
                continue
            moved, fails = reanchor_record(rec, old, new, raw_bytes)
            problems += [f"{layer}: {f}" for f in fails]
            updates.append((layer, moved))
        if problems:
            failed += 1
            for f in problems:
                print(f"  cannot re-anchor {doc_id} {f}", file=sys.stderr)
            continue
        if check_only:
            continue
        for layer, moved in updates:
            ann.write_record(root, layer, moved)
        atomic_write_json(p["normalized"], new)
        atomic_write_json(p["exclusions"], n.exclusions)
    print(
        f"{changed} documents changed, {failed} left as they were because spans could not be re-anchored"
    )
    return 1 if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "normalize",
        help="re-normalize every ingested article (after a normalizer change)",
        description="Re-run normalization over corpus/raw and rewrite corpus/normalized. "
        "Annotations whose text changed are re-anchored through the offset maps or reported.",
    )
    p.add_argument(
        "--check", action="store_true", help="only report documents whose text would change"
    )
    p.set_defaults(func=normalize_command)
