"""Validation problems in the style of UD's validate.py: a stable id, a level, a place.

Checks collect every problem first; the caller prints them all, a summary by id, and exits
non-zero if any is an error. Ids never change meaning, so scripts and docs can cite them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    id: str  # stable id, e.g. "span-text-mismatch"
    level: str  # "error" or "warning"
    file: str
    message: str
    doc_id: str | None = None
    record: str | None = None  # span / attribution / row id
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.doc_id:
            where += f" doc={self.doc_id}"
        if self.record:
            where += f" record={self.record}"
        if self.field:
            where += f" field={self.field}"
        return f"[{self.level} {self.id}] {where}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == "error" for p in problems)


def summary(problems: list[Problem]) -> str:
    if not problems:
        return "0 errors, 0 warnings"
    by = Counter((p.level, p.id) for p in problems)
    lines = [f"  {n:5d}  {lvl:7s} {pid}" for (lvl, pid), n in sorted(by.items())]
    errors = sum(1 for p in problems if p.level == "error")
    return f"{errors} errors, {len(problems) - errors} warnings\n" + "\n".join(lines)


class InputError(Exception):
    """Bad input: the message names the file, the record and the field."""
