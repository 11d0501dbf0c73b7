"""Predictions as a layer: ``annotations/pred/<model>/<doc_id>.json``, like gold and raw.

``claimcorpus predictions import P.jsonl --model NAME`` writes a predictions JSONL file as
layer ``pred/NAME`` (checked line by line as ``evaluate`` checks it, then as a pred record,
before anything is written; the layer is replaced as a whole). ``evaluate --layer
pred/NAME`` reads it back through :func:`read_layer`. A layer holds a model's output on
the whole corpus, so a scoring run takes the records of its split's documents and leaves
the others alone (in a JSONL file made for one split, another split's document is an error).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimcorpus.core.layers import (
    check_record,
    is_pred,
    layer_dir,
    read_layer_record,
    write_record,
)
from claimcorpus.core.records import PRED, LayerRecord
from claimcorpus.core.scheme import ID_PATTERN, Scheme, load_scheme
from claimcorpus.evaluate.reader import Known, PredictionError, read_predictions
from claimcorpus.evaluate.target import Target
from claimcorpus.ingest.store import load_documents

EXIT_BAD_INPUT = 2


def read_layer(root: str | Path, layer: str, target: Target) -> list[LayerRecord]:
    """The records of a pred layer for the documents of the target's split; raise
    :class:`PredictionError` naming file, record and field of every bad one."""
    if not is_pred(layer):
        raise PredictionError([f"--layer takes a pred layer, pred/<model>, not {layer!r}"])
    try:
        folder = layer_dir(root, layer)
    except ValueError as exc:
        raise PredictionError([str(exc)]) from exc
    if not folder.is_dir():
        hint = "write one with `claimcorpus predictions import`"
        raise PredictionError([f"{folder}: no such layer ({hint})"])
    scheme = load_scheme(root)
    gold: Mapping[str, Mapping[str, Any]] = {d["doc_id"]: d for d in target.docs}
    problems: list[str] = []
    records: list[LayerRecord] = []
    for path in sorted(folder.glob("*.json")):
        if path.stem not in target.members:
            continue  # another split's document: the split picks its share of the layer
        rec, found = read_layer_record(root, path)
        if rec is not None:
            doc = gold.get(rec["doc_id"], {})  # a member without gold: checked without text
            found = check_record(
                rec,
                doc.get("text"),
                scheme,
                file=str(path.relative_to(root)),
                text_sha256=doc.get("text_sha256"),
                prediction=True,
            )
        problems += [str(p) for p in found]
        if rec is not None and not found:
            records.append(LayerRecord.from_json(rec))
    if problems:
        raise PredictionError(problems)
    return records


def class_names(scheme: Scheme) -> dict[str, dict[str, Sequence[str]]]:
    """The ClassLabel names a release of this scheme gives its fields (rows written from
    ``load_dataset`` carry their integers)."""
    spans: dict[str, Sequence[str]] = {"label": scheme.span_labels}
    atts: dict[str, Sequence[str]] = {}
    for name, names, into in (
        ("topic_stance", scheme.topic_stances, spans),
        ("stance", scheme.stances, atts),
        ("source_type", scheme.source_types, atts),
    ):
        if scheme.has(name):
            into[name] = names
    return {"spans": spans, "attributions": atts}


def import_predictions(root: str | Path, path: Path, model: str) -> tuple[Path, int, int]:
    """Write the predictions of a JSONL file as layer ``pred/<model>``, replacing it:
    (the layer's folder, records written, stale records removed). Nothing is written
    unless every line passes."""
    layer = f"{PRED}/{model}"
    try:
        folder = layer_dir(root, layer)
    except ValueError as exc:
        raise PredictionError([f"model name {model!r}: {exc}"]) from exc
    if not re.fullmatch(ID_PATTERN, model):
        raise PredictionError([f"model name {model!r} must match {ID_PATTERN}"])
    scheme = load_scheme(root)
    docs = {d["doc_id"]: d for d in load_documents(root)}
    known = Known(
        split="corpus/",
        class_names=class_names(scheme),
        with_stance=scheme.has("stance"),
        stances=scheme.stances,
        source_types=scheme.source_types,
    )
    texts = {k: d["text"] for k, d in docs.items()}
    records = [
        replace(r, scheme_version=scheme.version)
        for r in read_predictions(path, texts, scheme.span_labels, known, model)
    ]
    problems = [
        str(p)
        for r in records
        for p in check_record(
            r.to_json(),
            docs[r.doc_id]["text"],
            scheme,
            file=str(path),
            text_sha256=docs[r.doc_id]["text_sha256"],
            prediction=True,
        )
    ]
    if problems:
        raise PredictionError(problems)
    keep = {r.doc_id for r in records}
    stale = [p for p in sorted(folder.glob("*.json")) if p.stem not in keep]
    for r in records:
        write_record(root, layer, r.to_json())
    for p in stale:
        p.unlink()
    return folder, len(records), len(stale)


def run_import(args: argparse.Namespace) -> int:
    """``predictions import``: exit 2 with every problem on stderr, nothing written."""
    try:
        folder, written, removed = import_predictions(args.root, args.file, args.model)
    except PredictionError as exc:
        print(f"error: bad predictions\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    stale = f" ({removed} stale record(s) of documents no longer predicted removed)"
    print(f"wrote {written} record(s) to {folder}" + (stale if removed else ""))
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``predictions`` (action ``import``) on the main parser's subcommands."""
    parser = subparsers.add_parser(
        "predictions",
        help="write predictions as a layer annotations/pred/<model>/",
        description=(
            "Keep a model's predictions as an annotation layer, in the record format of gold "
            "and raw layers, joined to the corpus by doc_id: `evaluate --layer pred/<model>` "
            "scores it, `ls push --predictions pred/<model>` shows it in Label Studio."
        ),
    )
    actions = parser.add_subparsers(dest="action", required=True)
    imp = actions.add_parser(
        "import",
        help="write a predictions JSONL file (the `evaluate --predictions` format) as a layer",
        description=(
            "Check every line of a predictions JSONL file against the corpus (as `evaluate` "
            "does; ClassLabel ids read as the scheme's names, a missing span text taken from "
            "the document) and write one record per document to annotations/pred/<model>/, "
            "replacing that layer. Exit code 2 on bad input, with nothing written."
        ),
    )
    imp.add_argument("file", type=Path, help="predictions JSONL, one document per line")
    imp.add_argument("--model", required=True, help="model name: the layer is pred/<model>")
    imp.set_defaults(func=run_import, writes=True)
    return parser
