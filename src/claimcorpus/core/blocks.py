"""Marked blocks in Markdown files: generated text between ``<!-- NAME:start -->`` and
``<!-- NAME:end -->``.

Why: a number in the README is written by the command or script that measures it
(``claimcorpus baseline --readme``, ``scripts/bench_*.py --readme``), never typed by hand.
A writer replaces its own block whole and leaves every other byte of the file as it was;
a file without exactly one such block is refused and left untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .io import atomic_write_bytes


class BlockError(ValueError):
    """The file has no (or more than one) block of that name, or cannot be written."""


def markers(name: str) -> tuple[str, str]:
    """The start and end lines of block ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def _parts(text: str, name: str) -> tuple[str, str, str]:
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1 or text.index(end) < text.index(start):
        raise BlockError(f"needs exactly one {start} ... {end} block (in that order)")
    head, rest = text.split(start)
    body, tail = rest.split(end)
    return head, body, tail


def read_block(text: str, name: str) -> str:
    """The text inside block ``name``, without the newlines next to its markers."""
    return _parts(text, name)[1].strip("\n")


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with block ``name`` holding ``body``; everything outside it unchanged."""
    head, _, tail = _parts(text, name)
    start, end = markers(name)
    inner = body.strip("\n")
    return f"{head}{start}\n{inner}\n{end}{tail}"


def write_block(path: str | Path, name: str, body: str) -> None:
    """Rewrite block ``name`` of the file at ``path`` (atomically: a failed write leaves it)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        atomic_write_bytes(path, replace_block(text, name, body).encode("utf-8"))
    except (OSError, UnicodeDecodeError, BlockError) as exc:
        raise BlockError(f"{path}: {exc}") from exc


def check_block(path: str | Path, name: str) -> None:
    """Fail now if ``path`` cannot take block ``name`` (before an hour of measuring)."""
    path = Path(path)
    try:
        _parts(path.read_text(encoding="utf-8"), name)
    except (OSError, UnicodeDecodeError, BlockError) as exc:
        raise BlockError(f"{path}: {exc}") from exc


def readme_ready(path: str | Path, name: str) -> bool:
    """For a script's ``--readme``: :func:`check_block`, saying why on stderr when not."""
    try:
        check_block(path, name)
    except BlockError as exc:
        print(f"error: cannot update {exc}", file=sys.stderr)
        return False
    return True


def update_readme(path: str | Path, name: str, body: str) -> bool:
    """For a script's ``--readme``: :func:`write_block`, saying what happened."""
    try:
        write_block(path, name, body)
    except BlockError as exc:
        print(f"error: cannot update {exc}", file=sys.stderr)
        return False
    print(f"updated {path}")
    return True


def measurement(script: str, argv: Sequence[str], skip: Sequence[str] = ()) -> dict[str, Any]:
    """When, how and where a benchmark ran, to label its block (options in ``skip``, such
    as ``--readme FILE``, take a value and do not change what is measured)."""
    kept: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg.split("=", 1)[0] in skip:
            if "=" not in arg and args:
                args.pop(0)
            continue
        kept.append(arg)
    return {
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "command": shlex.join(["python", script, *kept]),
        "cpus": os.cpu_count(),
    }


def measured_note(meta: dict[str, Any] | None, script: str) -> str:
    """The line that opens a benchmark block: the date, command and CPUs it came from."""
    if not meta:
        return f"_Measured by `{script}` (date and command not recorded with the results)._"
    return (
        f"_Measured {meta['date']} with `{meta['command']}` on {meta['cpus']} CPUs; "
        f"`{script} --readme README.md` rewrites this block._"
    )
