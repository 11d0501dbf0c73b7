"""What ``claimcorpus adjudicate`` leaves beside gold (the log, the backups) and what it says.

The log (``annotations/adjudication/<doc_id>.json``) only ever grows: its top level is the
latest run (what ``ls review`` reads), ``history`` every earlier run, oldest first, so a
later run (an adjudicator's, say) never erases the disputes an earlier vote found. Replaced
gold is copied to ``annotations/backups/<UTC time>/gold/`` before it is overwritten; that
folder is no layer (``list_layers`` reads only ``annotations/raw/*``, gold is
``annotations/gold/*.json``), so ``validate`` and ``build`` never read a backup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .annotations import ANNOTATIONS_DIR
from .io import atomic_write_json, read_json
from .problems import InputError, Problem

LOG_DIR = ANNOTATIONS_DIR / "adjudication"
BACKUP_DIR = ANNOTATIONS_DIR / "backups"


def _without_time(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("time", "doc_id", "history")}


def append_log(root: str | Path, doc_id: str, entry: dict[str, Any]) -> bool:
    """Make ``entry`` the latest run of the document's log; False if it repeats the latest."""
    path = Path(root) / LOG_DIR / f"{doc_id}.json"
    history: list[dict[str, Any]] = []
    if path.exists():
        old = read_json(path)
        history = list(old.get("history") or [])
        if _without_time(old) == _without_time(entry):
            return False
        history.append({k: v for k, v in old.items() if k not in ("doc_id", "history")})
    atomic_write_json(path, {"doc_id": doc_id, **entry, "history": history})
    return True


def load_logs(root: str | Path) -> dict[str, dict[str, Any]]:
    """doc_id -> log; its top-level fields are the latest run."""
    d = Path(root) / LOG_DIR
    return {p.stem: read_json(p) for p in sorted(d.glob("*.json"))} if d.exists() else {}


def backup_folder(root: str | Path, now: datetime) -> Path:
    """A new, empty ``annotations/backups/<UTC time>`` folder (suffixed if that second is taken)."""
    base = Path(root) / BACKUP_DIR / now.strftime("%Y%m%dT%H%M%SZ")
    folder, n = base, 1
    while True:
        try:
            folder.mkdir(parents=True)
            return folder
        except FileExistsError:
            n += 1
            folder = base.with_name(f"{base.name}-{n}")


@dataclass(frozen=True)
class Shrink:
    """Hand-made gold that a merge with fewer spans or attributions would replace."""

    doc_id: str
    before: tuple[int, int]  # spans, attributions
    after: tuple[int, int]

    def __str__(self) -> str:
        (s0, a0), (s1, a1) = self.before, self.after
        return (
            f"annotations/gold/{self.doc_id}.json doc={self.doc_id}: hand-made gold would shrink: "
            f"spans {s0} -> {s1}, attributions {a0} -> {a1}"
        )


class AdjudicationRefused(InputError):
    """Nothing was written: a record adjudicate would write has errors, or would shrink gold."""

    def __init__(self, problems: list[Problem], shrinks: list[Shrink]) -> None:
        self.problems, self.shrinks = problems, shrinks
        lines = [str(p) for p in problems] + [str(s) for s in shrinks]
        why = []
        if problems:
            why.append(f"{len(problems)} error(s) in the gold it would write")
        if shrinks:
            why.append(
                f"{len(shrinks)} document(s) would lose hand-made spans or attributions "
                "(pass --allow-shrink to replace them; the old files are backed up)"
            )
        lines.append(f"adjudicate: nothing written: {'; '.join(why)}")
        super().__init__("\n".join(lines))


def summary_line(s: dict[str, Any]) -> str:
    """One line per document: who decided, what gold got, and how it compares to before."""
    if "gold" not in s:
        return f"{s['doc_id']}: {s['status']}"
    voters = ", ".join(s["annotators"]) or "none"
    if s["adjudicator"]:
        who = f"layer raw/{s['adjudicator']} wins; voters not counted: {voters}"
    else:
        who = f"voters {voters}; k={s['threshold']}"
    line = f"{s['doc_id']}: {s['status']} ({who}); "
    line += f"{s['spans']} spans, {s['attributions']} attributions, "
    if s["gold"] == "kept":
        line += "gold not changed"
    else:
        line += f"gold {s['gold']}"
        if s["gold"] == "written" and s["before"]:
            line += (
                f" (was {s['before']['spans']} spans, {s['before']['attributions']} attributions)"
            )
    line += f", {s['disputes']} dispute(s), {s['minority']} outvoted variant(s)"
    if s["problems"]:
        line += f", {s['problems']} check problem(s) in the log"
    if s["backup"]:
        line += f"; old gold in {s['backup']}"
    return line
