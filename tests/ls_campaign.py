"""Helpers for the campaign tests: annotators made through the real CLI, tokens by login."""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import every_release
from ls_fixtures import LS_VENV, REPO, copy_project, ls_cli

LOGIN = re.compile(r"as (\S+@\S+) with password (\S+)")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    token: str
    password: str  # to log in to the web page (browser steps)


def add_person(inst: Any, root: Path, prefix: str) -> Person:
    """`ls annotators add` (a fresh name per test), then the password it printed logs in."""
    from claimcorpus.labelstudio.accounts import personal_token

    name = f"{prefix}{secrets.token_hex(3)}"
    r = ls_cli(
        inst,
        root,
        "ls",
        "annotators",
        "add",
        name,
        "--venv",
        str(LS_VENV),
        "--data-dir",
        str(inst.data_dir),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    email, password = LOGIN.search(r.stdout).groups()
    return Person(name, email, personal_token(inst.url, email, password), password)


def campaign_root(tmp_path: Path) -> Path:
    """A project copy with the committed releases, the CHANGELOG and the DATASHEET, to build
    the next (``conftest.NEXT``)."""
    root = copy_project(tmp_path / "project")
    every_release(root / "releases")
    for name in ("CHANGELOG.md", "DATASHEET.md"):
        shutil.copy(REPO / name, root / name)
    return root


def project_tasks(conn: Any, title: str) -> dict[str, int]:
    """doc_id -> the one task of that document in the project (asserting there is one)."""
    from ls_helpers import project_id, tasks_by_doc

    by_doc = tasks_by_doc(conn, project_id(conn, title))
    assert all(len(v) == 1 for v in by_doc.values()), f"duplicate tasks in {title!r}: {by_doc}"
    return {d: v[0] for d, v in by_doc.items()}
