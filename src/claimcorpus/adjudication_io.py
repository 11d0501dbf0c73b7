"""Files ``claimcorpus adjudicate`` keeps beside gold: the per-document log and the backups.

The log (``annotations/adjudication/<doc_id>.json``) only ever grows: its top level is the
latest run (what ``ls review`` reads), ``history`` every earlier run, oldest first, so a
later run (an adjudicator's, say) never erases the disputes an earlier vote found. Replaced
gold is copied to ``annotations/backups/<UTC time>/gold/`` before it is overwritten; that
folder is no layer (``list_layers`` reads only ``annotations/raw/*``, gold is
``annotations/gold/*.json``), so ``validate`` and ``build`` never read a backup.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from .annotations import ANNOTATIONS_DIR
from .io import atomic_write_json, read_json

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
