"""The one `claimcorpus` command. Each subcommand lives in its own module with `add_parser`.

Only the chosen subcommand's module is imported, so a quick command does not pay for
Label Studio's SDK or SciPy; `claimcorpus --help` lists every command from the table below.

Every command but those in PROJECT_FREE works on one project, found by walking up from the
current folder (project.py) unless ``--root`` names it; with none found it prints one line
saying so and how to pass ``--root``, and exits 2. A command that writes corpus/ or
annotations/ (its parser sets ``writes``) runs holding the project's writer lock
(core/lock.py): a second writer, or a reader, is refused with the holder's pid. A command
that only reads them (its parser sets ``reads``: build, validate, stats, export, ls push,
campaign status, agreement) holds the shared reader lock, so it never sees a half-written
state; a writer is refused while it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from contextlib import nullcontext
from pathlib import Path

from claimcorpus.core.lock import reader_lock, writer_lock
from claimcorpus.core.problems import InputError
from claimcorpus.core.project import NoProjectError, resolve_root

# name -> (module that defines add_parser(subparsers), one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("claimcorpus.corpora.init", "create a new, empty corpus root"),
    "ingest": ("claimcorpus.ingest.command", "add articles (text, HTML, crawls) to corpus/"),
    "index": (
        "claimcorpus.ingest.index_command",
        "check or rebuild the ingest index; migrate an old-layout corpus",
    ),
    "import": ("claimcorpus.corpora.import_command", "import brat standoff or PolNeAR"),
    "export": (
        "claimcorpus.corpora.export_command",
        "export a release: gold as brat standoff, or prompts for language models",
    ),
    "normalize": (
        "claimcorpus.ingest.renormalize",
        "re-normalize the corpus, re-anchoring annotations",
    ),
    "anchor": (
        "claimcorpus.annotate.sheets",
        "anchor quote-based authoring sheets into annotation records",
    ),
    "build": ("claimcorpus.pipeline", "build an immutable release folder"),
    "validate": ("claimcorpus.report.validate", "check corpus, annotations and releases"),
    "schema": ("claimcorpus.core.scheme", "print or refresh the derived JSON Schema"),
    "evaluate": ("claimcorpus.evaluate.cli", "score predictions against a release split"),
    "baseline": ("claimcorpus.baseline.cli", "run the baselines on every split of a release"),
    "train": ("claimcorpus.learn.train_cli", "train the learned baseline on a release"),
    "predict": ("claimcorpus.learn.predict", "predict a release split with a trained model"),
    "results": (
        "claimcorpus.report.results_cli",
        "the results table across corpora (baselines, learned models, stance), with intervals",
    ),
    "predictions": ("claimcorpus.evaluate.layer", "write predictions as a layer pred/<model>"),
    "ls": ("claimcorpus.labelstudio.cli", "Label Studio: serve, config, push, pull, review"),
    "agreement": ("claimcorpus.annotate.agreement", "inter-annotator agreement over raw layers"),
    "adjudicate": ("claimcorpus.annotate.adjudicate", "merge raw layers into gold, with a log"),
    "diff": ("claimcorpus.release.diff", "what changed between two releases"),
    "textfree": ("claimcorpus.release.textfree", "write a release variant without article text"),
    "rehydrate": ("claimcorpus.release.rehydrate", "restore a text-free release from raw articles"),
    "view": ("claimcorpus.report.viewer", "write a static HTML viewer of a release"),
    "stats": ("claimcorpus.report.stats", "summary tables and figures of the corpus"),
    "scale": ("claimcorpus.engines", "normalize and group many articles in-process or on Spark"),
}
# Commands that never read a project: they work on the files they are given.
PROJECT_FREE = {
    "init",
    "export",
    "evaluate",
    "baseline",
    "results",
    "train",
    "textfree",
    "rehydrate",
    "scale",
}
# Commands that need a project only for some arguments (`validate --release R`, `diff` of two
# release folders, `stats --release R` work anywhere): ``args.root`` is None without one.
PROJECT_OPTIONAL = {"validate", "diff", "stats", "predict"}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command`` only that subcommand is fully built."""
    parser = argparse.ArgumentParser(
        prog="claimcorpus", description="Build, validate, label and benchmark the claims corpus."
    )
    parser.add_argument(
        "--root",
        default=None,
        help="project folder (default: the nearest folder at or above the current one that "
        "holds schema/scheme.yaml and corpus/)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        if name == command:
            importlib.import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=help_, add_help=False)
    return parser


def _command_in(argv: list[str]) -> str | None:
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--root":
            skip = True
        elif not a.startswith("-"):
            return a if a in COMMANDS else None
    return None


def _wants(args: argparse.Namespace, name: str) -> bool:
    """The parser's ``writes``/``reads`` default: True, or a function of the arguments."""
    value = getattr(args, name, False)
    return bool(value(args) if callable(value) else value)


def _lock_for(args: argparse.Namespace):
    """The project's lock (core/lock.py): the writer lock for a command that writes corpus/
    or annotations/, else the shared reader lock for one that reads them, else none."""
    if args.root is None:
        return nullcontext()
    if _wants(args, "writes"):
        return writer_lock(args.root, args.command)
    if _wants(args, "reads"):
        return reader_lock(args.root, args.command)
    return nullcontext()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    try:
        if args.command not in PROJECT_FREE:
            required = args.command not in PROJECT_OPTIONAL
            args.root = resolve_root(args.root, Path.cwd(), required=required)
        with _lock_for(args):
            return int(args.func(args) or 0)
    except NoProjectError as exc:
        print(f"claimcorpus: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:  # bad input a command did not catch: a message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
