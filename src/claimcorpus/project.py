"""Which folder is the claimcorpus project: found by walking up, like git finds ``.git``.

Why: every command reads or writes ``schema/``, ``corpus/``, ``annotations/`` and
``releases/`` of one project; run from a subfolder (or anywhere else) it must find that
project or say plainly that there is none, never write a stray ``corpus/`` into the current
folder or fail with a traceback about a missing file.

A project folder holds ``schema/scheme.yaml`` and a ``corpus/`` folder; the nearest such
folder at or above the current one is the project. ``--root PATH`` names it instead and
needs only ``schema/scheme.yaml`` (so a new project's first ``ingest`` can create
``corpus/``).
"""

from __future__ import annotations

import os
from pathlib import Path

# the same paths as scheme.SCHEME_PATH and corpus.CORPUS, kept literal so that finding the
# root does not import the corpus code (`claimcorpus --help` stays quick)
SCHEME_FILE = Path("schema") / "scheme.yaml"
CORPUS_DIR = Path("corpus")
MARKER = f"{SCHEME_FILE.as_posix()} and {CORPUS_DIR.as_posix()}/"


class NoProjectError(Exception):
    """No project where one is needed: one line saying where we looked and what to pass.

    Not an InputError, so that a command's own handler for bad input lets it through to
    the CLI, which prints it the same way (and exits 2) for every command."""


def is_project(folder: Path) -> bool:
    return (folder / SCHEME_FILE).is_file() and (folder / CORPUS_DIR).is_dir()


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that is a project, relative to ``start``
    (``.``, ``..``, ...: printed paths stay short and right from where the user is), or None."""
    start = start.resolve()
    found = next((d for d in (start, *start.parents) if is_project(d)), None)
    return None if found is None else Path(os.path.relpath(found, start))


def no_project(start: Path, hint: str = "") -> NoProjectError:
    return NoProjectError(
        f"no claimcorpus project found in {start} or any folder above it (a project folder "
        f"holds {MARKER}); run from inside one or pass --root PATH{hint}"
    )


def resolve_root(given: str | Path | None, start: Path, *, required: bool) -> Path | None:
    """The project root for a command: ``given`` (checked), else the one found from
    ``start``; None when there is none and the command can do without (``required`` false)."""
    if given is not None:
        root = Path(given)
        if not (root / SCHEME_FILE).is_file():
            raise NoProjectError(
                f"--root {root} is not a claimcorpus project: it has no {SCHEME_FILE.as_posix()}"
            )
        return root
    root = find_root(start)
    if root is None and required:
        raise no_project(start)
    return root


def require_root(root: str | Path | None, hint: str = "") -> Path:
    """``root``, or the no-project error for a command that turned out to need one."""
    if root is None:
        raise no_project(Path.cwd(), hint)
    return Path(root)
