"""Turn quote-based authoring sheets into annotation records anchored to the corpus.

An annotator who reads an article can write a YAML sheet that quotes each span (see
anchor.py); ``claimcorpus anchor`` places every quote in the document's normalized text,
merges the sheet's new clusters into annotations/clusters.yaml, checks the record against
the scheme, and only then writes it (atomically) to the chosen layer. Nothing here decides
what to annotate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from claimcorpus.annotate.anchor import EXACT, AnchorError, anchor_sheet
from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.problems import has_errors
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_document


def merge_clusters(existing: dict[str, str], new: dict[str, str], where: str) -> list[str]:
    """Add ``new`` clusters; an id already defined with another statement is an error."""
    errors = []
    for cid, statement in (new or {}).items():
        if cid in existing and existing[cid].strip() != str(statement).strip():
            errors.append(
                f"{where}: cluster {cid!r} already means {existing[cid]!r}, sheet says {statement!r}"
            )
        existing.setdefault(cid, str(statement).strip())
    return errors


def anchor_command(args: argparse.Namespace) -> int:
    root = Path(args.root)
    scheme = load_scheme(root)
    clusters = ann.load_clusters(root)
    records, errors = [], []
    for sheet_path in map(Path, args.sheets):
        sheet = yaml.safe_load(sheet_path.read_text(encoding="utf-8"))
        try:
            doc = load_document(root, sheet["doc_id"])
        except FileNotFoundError:
            errors.append(f"{sheet_path}: doc_id {sheet.get('doc_id')!r} is not in corpus/")
            continue
        errors += merge_clusters(clusters, sheet.get("new_clusters") or {}, str(sheet_path))
        rules: dict[str, str] = {}
        try:
            rec = anchor_sheet(sheet, doc["text"], where=str(sheet_path), rules=rules)
        except AnchorError as exc:
            errors.append(str(exc))
            continue
        layer = args.layer
        rec.update(
            layer="gold" if layer == "gold" else "raw",
            annotator=str(sheet.get("annotator") or "unknown"),
            scheme_version=scheme.version,
            text_sha256=doc["text_sha256"],
        )
        problems = ann.check_record(
            rec,
            doc["text"],
            scheme,
            file=str(sheet_path),
            paragraphs=[(p["start"], p["end"]) for p in doc["paragraphs"]],
            clusters=clusters,
            text_sha256=doc["text_sha256"],
        )
        for p in problems:
            print(p, file=sys.stderr)
        if has_errors(problems):
            errors.append(f"{sheet_path}: {sum(p.level == 'error' for p in problems)} errors")
            continue
        records.append(rec)
        inexact = {i: r for i, r in rules.items() if r != EXACT}
        if inexact:
            shown = ", ".join(f"{i} ({r})" for i, r in sorted(inexact.items()))
            print(f"{sheet_path}: {len(inexact)} quotes placed by a rule other than exact: {shown}")
    if errors:
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    body = "".join(f"{k}: {v}\n" for k, v in sorted(clusters.items()))
    header = (
        "# Cross-document claim clusters: id -> one-line normalized statement (guidelines §3.8).\n"
    )
    atomic_write_bytes(root / ann.CLUSTERS_PATH, (header + body).encode("utf-8"))
    for rec in records:
        path = ann.write_record(root, args.layer, rec)
        print(f"wrote {path} ({len(rec['spans'])} spans, {len(rec['attributions'])} attributions)")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "anchor",
        help="anchor quote-based authoring sheets (YAML) into annotation records",
        description="Place every quoted span of each sheet in its document's normalized text, "
        "check the records, and write them to a layer. All-or-nothing.",
    )
    p.add_argument("sheets", nargs="+", help="authoring sheets (see claimcorpus.anchor)")
    p.add_argument("--layer", default="gold", help="gold (default) or raw/<annotator>")
    p.set_defaults(func=anchor_command, writes=True)
