"""``claimcorpus results``: the results table across corpora, into the README by one command.

    claimcorpus results --release seeds=releases/1.0.0 --release polnear=PATH \\
        [--model polnear:NAME=models/NAME ...] [--transfer polnear->seeds] --readme README.md

A learned model plugs in through ``--model [CORPUS:]NAME=DIR``: the directory is loaded by
``claimcorpus.learn.model.load_model`` (the trained extractor and linker of
``claimcorpus train``), whose ``extract(doc_id, text, sentences)`` has the baselines'
contract. Every release is read and checked before anything is scored, and the README block
before that: a bad path fails at once, with exit 2, and the README is left as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from claimcorpus.baseline.run import ReleaseError
from claimcorpus.core import blocks
from claimcorpus.core.problems import InputError
from claimcorpus.learn.model import load_model
from claimcorpus.report.results import Corpus, Model, corpus_block, stance_results, transfer_block
from claimcorpus.report.results_table import render

EXIT_BAD_INPUT = 2
BLOCK = "results"


# the module of the learned extractor (claimcorpus train); imported only for --model
class UsageError(ValueError):
    """A malformed option value, or a model or corpus that cannot be used."""


def _pairs(values: list[str], option: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        name, sep, rest = v.partition("=")
        if not sep or not name or not rest:
            raise UsageError(f"{option} {v!r}: want NAME=PATH")
        out.append((name, rest))
    return out


def load_models(specs: list[str], corpora: list[str]) -> list[Model]:
    """``[CORPUS:]NAME=DIR`` -> models (corpus: the first release when not named)."""
    out = []
    for label, path in _pairs(specs, "--model"):
        corpus, sep, name = label.rpartition(":")
        corpus = corpus if sep else corpora[0]
        if corpus not in corpora:
            raise UsageError(f"--model {label}={path}: no --release named {corpus!r}")
        try:
            model = load_model(Path(path))
        except (InputError, OSError, ValueError) as exc:
            raise UsageError(f"--model {label}={path}: cannot load: {exc}") from exc
        out.append(Model(name or model.name, corpus, model.extract))
    return out


def _transfers(specs: list[str], corpora: list[str]) -> list[tuple[str, str]]:
    out = []
    for spec in specs:
        a, sep, b = spec.partition("->")
        if not sep or a not in corpora or b not in corpora or a == b:
            raise UsageError(f"--transfer {spec!r}: want A->B, two names given to --release")
        out.append((a, b))
    return out


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """Every block and the stance results; raises ReleaseError or UsageError."""
    named = _pairs(args.release, "--release")
    names = [n for n, _ in named]
    if len(set(names)) != len(names):
        raise UsageError(f"--release names repeat: {names}")
    transfers = _transfers(args.transfer, names)
    corpora = {n: Corpus.read(n, p) for n, p in named}  # all read before any scoring
    models = load_models(args.model, names)
    n, seed = args.bootstrap, args.seed
    result_blocks = [
        corpus_block(c, [m for m in models if m.corpus == c.name], n, seed)
        for c in corpora.values()
    ]
    for a, b in transfers:
        own = [m for m in models if m.corpus == a]
        result_blocks.append(transfer_block(corpora[a], corpora[b], own, n, seed))
    stance = {c.name: stance_results(c, n, seed) for c in corpora.values()}
    return {"blocks": result_blocks, "stance": stance, "resamples": n}


def run(args: argparse.Namespace) -> int:
    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return EXIT_BAD_INPUT
    try:
        found = compute(args)
    except (ReleaseError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    text = render(found["blocks"], found["stance"], found["resamples"])
    print(text)
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "blocks": [
                {
                    "title": b.title,
                    "rows": [
                        {"name": r.name, "scored_on": r.scored_on, "documents": r.documents}
                        | {"stance_applies": r.stance, "result": r.result}
                        for r in b.rows
                    ],
                }
                for b in found["blocks"]
            ],
            "stance": found["stance"],
            "table": text,
        }
        out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
    if args.readme:
        try:
            blocks.write_block(args.readme, BLOCK, text)
        except blocks.BlockError as exc:
            print(f"error: cannot update {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"updated {args.readme}")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``results`` on the main parser's subcommands."""
    parser = subparsers.add_parser(
        "results",
        help="the results table: every baseline on every corpus, with intervals",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument(
        "--release", action="append", required=True, metavar="NAME=PATH", help="a corpus block"
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="[CORPUS:]NAME=DIR",
        help="a learned model trained on CORPUS's train split (default: the first release)",
    )
    parser.add_argument(
        "--transfer", action="append", default=[], metavar="A->B", help="models of A scored on B"
    )
    parser.add_argument("--readme", metavar="FILE", help="write the table into FILE's block")
    parser.add_argument("--json", metavar="OUT", help="also write every result as JSON")
    parser.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="resamples")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    parser.set_defaults(func=run)
    return parser
