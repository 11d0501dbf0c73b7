"""``claimcorpus predict``: a trained model's predictions on a release split.

It writes them as the JSONL ``claimcorpus evaluate --predictions`` reads and/or as the
project's layer ``annotations/pred/<model>/`` (``evaluate --layer pred/<model>``), each
record checked as ``predictions import`` checks one before anything is written. Unlike
``predictions import``, which replaces a layer, predicting one split adds or replaces only
that split's records, so a layer can hold a model's output on several splits.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.layers import check_record, write_record
from claimcorpus.core.problems import InputError
from claimcorpus.core.project import require_root
from claimcorpus.core.records import PRED
from claimcorpus.core.scheme import ID_PATTERN, load_scheme
from claimcorpus.evaluate.reader import PredictionError
from claimcorpus.ingest.store import load_documents as corpus_documents
from claimcorpus.learn.model import LearnedModel, check_scheme, load_model
from claimcorpus.learn.scheme_id import project_digest, release_scheme
from claimcorpus.release.load import load_documents
from claimcorpus.release.locate import find_release

EXIT_BAD_INPUT = 2


def predict_documents(
    model: LearnedModel, docs: Sequence[Mapping[str, Any]], progress: bool = False
) -> list[dict[str, Any]]:
    """One prediction record per document, at the release's own sentence boundaries."""
    out = []
    for d in tqdm(docs, desc="predict", disable=not progress, unit="doc"):
        given = d.get("sentences")
        sents = None if given is None else [(s["start"], s["end"]) for s in given]
        out.append(model.extract(d["doc_id"], d["text"], sents))
    return out


def write_jsonl(path: Path, records: Sequence[Mapping[str, Any]]) -> None:
    """The records as JSONL, written to a temporary file and renamed into place."""
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data.encode("utf-8"))


def write_layer(
    root: Path, name: str, model: LearnedModel, records: Sequence[Mapping[str, Any]]
) -> Path:
    """Check every record against the project's corpus, then write them as ``pred/<name>``."""
    if not re.fullmatch(ID_PATTERN, name):
        raise InputError(f"model name {name!r} must match {ID_PATTERN} to name a layer")
    scheme = load_scheme(root)
    check_scheme(model, project_digest(scheme), f"the project {root} (schema/scheme.yaml)")
    docs = {d["doc_id"]: d for d in corpus_documents(root)}
    layer = f"{PRED}/{name}"
    problems: list[str] = []
    full = []
    for r in records:
        doc = docs.get(r["doc_id"])
        if doc is None:
            problems.append(f"{r['doc_id']}: no such document in {root}/corpus/")
            continue
        rec = {
            **r,
            "layer": PRED,
            "annotator": name,
            "scheme_version": scheme.version,
            "text_sha256": doc["text_sha256"],
        }
        found = check_record(
            rec, doc["text"], scheme, file=f"{layer}/{r['doc_id']}.json", prediction=True
        )
        problems += [str(p) for p in found]
        full.append(rec)
    if problems:
        raise PredictionError(problems)
    for rec in full:
        write_record(root, layer, rec)
    return root / "annotations" / layer


def run(args: argparse.Namespace) -> int:
    """Load the model, predict the split, write the outputs; bad input exits 2."""
    if not args.no_layer:  # the layer needs a project: say so first, as other commands do
        require_root(args.root, " (or write only a JSONL file: --no-layer --jsonl OUT)")
    try:
        if args.no_layer and args.jsonl is None:
            raise InputError("--no-layer without --jsonl writes nothing: give --jsonl OUT")
        model = load_model(args.model)
        release = find_release(args.release, args.root)
        check_scheme(model, release_scheme(release)["digest"], f"the release {release}")
        docs = load_documents(release, args.split)
        started = time.perf_counter()
        records = predict_documents(model, docs, progress=not args.quiet)
        seconds = time.perf_counter() - started
        if args.jsonl is not None:
            write_jsonl(Path(args.jsonl), records)
            print(f"wrote {len(records)} prediction(s) to {args.jsonl}")
        if not args.no_layer:
            folder = write_layer(Path(args.root), args.name or model.name, model, records)
            print(f"wrote {len(records)} record(s) to {folder}")
    except (InputError, PredictionError) as exc:
        print(f"error: cannot predict: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rate = len(records) / seconds if seconds > 0 else float("inf")
    print(f"predicted {len(records)} document(s) in {seconds:.2f} s ({rate:.1f} docs/s)")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``predict`` on the main parser's subcommands."""
    parser = subparsers.add_parser(
        "predict",
        help="predict a release split with a model trained by `claimcorpus train`",
        description=(
            "Run a trained model (models/NAME) on the annotated documents of one release "
            "split and write its predictions as the project's layer annotations/pred/NAME/ "
            "(scored by `claimcorpus evaluate --layer pred/NAME`) and/or as a JSONL file "
            "(`claimcorpus evaluate --predictions OUT`). Exit code 2 on bad input (a model "
            "of another scheme, a missing or corrupt model file), with nothing written."
        ),
    )
    parser.add_argument("--model", required=True, help="model folder (from `claimcorpus train`)")
    parser.add_argument(
        "--release",
        required=True,
        help="release folder, or a version under <root>/releases (1.0.0)",
    )
    parser.add_argument("--split", default="test", help="split to predict (default: test)")
    parser.add_argument("--jsonl", metavar="OUT", help="also write the predictions as JSONL")
    parser.add_argument(
        "--no-layer", action="store_true", help="do not write annotations/pred/<model>/"
    )
    parser.add_argument("--name", help="layer name (default: the model's name)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run, writes=lambda a: not a.no_layer)
    return parser
