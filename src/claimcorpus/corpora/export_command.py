"""``claimcorpus export brat --release R --out DIR``: a release's gold as brat standoff.

Each annotated document becomes ``<doc_id>.txt`` (its normalized text, UTF-8) and
``<doc_id>.ann`` (``corpora/brat_records.to_standoff``: one T per span, discontinuous ones
with their fragments; one E per attribution with a trigger T of the ``--relation`` type on
the cue, or on the claim when there is no cue; the scheme's optional fields as attributes
and the ``Antecedent`` relation). Importing the folder with the same ``--map`` into a new
root gives the same annotations back. The release alone is enough: its card says which
fields it has. ``DIR`` is written whole in a temporary folder and renamed into place.

``claimcorpus export prompts --release R --split S --out DIR`` writes one prompt per
annotated document of the split for a generative model (``release/prompts``):
``DIR/prompts.jsonl`` (``doc_id``, ``prompt``) and ``DIR/answer.schema.json``. The
definitions and the guideline excerpt come from the corpus root (``--root``, or the one
found from the current folder); score the answers with ``claimcorpus evaluate --quotes``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.project import resolve_root
from claimcorpus.corpora.brat import format_ann
from claimcorpus.corpora.brat_records import BratMap, to_standoff
from claimcorpus.release.fields import release_scheme
from claimcorpus.release.load import load_documents
from claimcorpus.release.prompts import PROMPTS_FILE, SCHEMA_FILE, export_prompts

DEFAULT_MAP = "Source=SOURCE,Cue=CUE,Content=CLAIM"


def export_brat(
    release: Path, out: Path, spec: str = DEFAULT_MAP, relation: str = "Attribution"
) -> int:
    """Write the release's annotated documents to the new folder ``out``; return how many."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"--out {out}: exists and is not empty")
    scheme = release_scheme(release)
    bmap = BratMap.parse(spec, relation, None, scheme)
    docs = [d for split in ("train", "validation", "test") for d in load_documents(release, split)]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for doc in sorted(docs, key=lambda d: d["doc_id"]):
            ann = format_ann(to_standoff(doc, doc["text"], bmap, scheme))
            atomic_write_bytes(tmp / f"{doc['doc_id']}.txt", doc["text"].encode("utf-8"))
            atomic_write_bytes(tmp / f"{doc['doc_id']}.ann", ann.encode("utf-8"))
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return len(docs)


def _run(args: argparse.Namespace) -> int:
    try:
        n = export_brat(Path(args.release), Path(args.out), args.map, args.relation)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {n} annotated documents to {args.out} (.txt + .ann)")
    print(f"  import them with: claimcorpus import brat {args.out} --map {args.map}")
    return 0


def _run_prompts(args: argparse.Namespace) -> int:
    root = resolve_root(args.root, Path.cwd(), required=True)
    try:
        n = export_prompts(Path(args.release), args.split, root, Path(args.out))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {n} prompts to {Path(args.out) / PROMPTS_FILE} (answer schema: {SCHEMA_FILE})")
    print(
        "  score the answers with: claimcorpus evaluate --quotes ANSWERS.jsonl "
        f"--release {args.release} --split {args.split}"
    )
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export a release's gold as brat standoff, or prompts for generative models",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    b = kinds.add_parser("brat", help="brat standoff: <doc_id>.txt + <doc_id>.ann")
    b.add_argument("--release", required=True, help="release folder")
    b.add_argument("--out", required=True, help="new folder for the .txt and .ann files")
    b.add_argument(
        "--map", default=DEFAULT_MAP, help=f"brat types for labels (default {DEFAULT_MAP})"
    )
    b.add_argument("--relation", default="Attribution", help="event type of attributions")
    b.set_defaults(func=_run, reads=True)
    pr = kinds.add_parser(
        "prompts",
        help="one prompt per annotated document of a split, asking for quotes (JSONL)",
    )
    pr.add_argument("--release", required=True, help="release folder")
    pr.add_argument("--split", required=True, help="split whose documents get a prompt")
    pr.add_argument("--out", required=True, help="new folder for prompts.jsonl and its schema")
    pr.set_defaults(func=_run_prompts, reads=True)
