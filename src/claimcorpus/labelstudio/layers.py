"""Where pulled annotations live: ``annotations/raw/<project>/<annotator>/``, a folder per project.

Why per project: the main project, its review project and a second round often have the same
annotators on the same documents. With one folder per annotator their pulls overwrote each
other, and ``ls pull --prune`` of one project deleted the records of the other. The folder
is named after the project title (``project_folder``); its ``project.yaml`` keeps the exact
title, so two titles that give one folder name are refused instead of mixed.

Layers in the old layout (``annotations/raw/<annotator>/``, also what ``claimcorpus anchor
--layer raw/NAME`` writes) stay valid layers; ``ls pull`` refuses to write a project layer
for an annotator who still has one (the annotator would vote twice in adjudication), and
``claimcorpus ls migrate`` moves them into a project's folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..annotations import ANNOTATIONS_DIR, PROJECT_FILE, list_layers
from ..io import atomic_write_bytes

UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class LayoutError(ValueError):
    """The project's folder is taken or a move would overwrite a record; nothing changed."""


def raw_dir(root: str | Path) -> Path:
    return Path(root) / ANNOTATIONS_DIR / "raw"


def project_folder(title: str) -> str:
    """The folder name of a project: its title with unsafe characters replaced by ``-``."""
    name = UNSAFE.sub("-", title).strip("-.")
    if not name:
        raise LayoutError(f"project title {title!r} gives no usable folder name")
    return name


def project_layer(folder: str, annotator: str) -> str:
    return f"raw/{folder}/{annotator}"


def old_layers(root: str | Path) -> list[str]:
    """Annotator names of the layers in the old layout, ``annotations/raw/<annotator>/``."""
    return [lay.split("/")[1] for lay in list_layers(root) if lay.count("/") == 1]


def marked_title(root: str | Path, folder: str) -> str | None:
    path = raw_dir(root) / folder / PROJECT_FILE
    if not path.exists():
        return None
    return str((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("title"))


def check_folder(root: str | Path, title: str, *, moving: set[str] | None = None) -> str:
    """The project's folder name, or ``LayoutError`` when another project or an old-layout
    layer (unless it is being ``moving`` there) already holds that folder."""
    folder = project_folder(title)
    d = raw_dir(root) / folder
    owner = marked_title(root, folder)
    if owner is not None and owner != title:
        raise LayoutError(
            f"annotations/raw/{folder}/ holds the layers of project {owner!r}; project "
            f"{title!r} would share that folder: rename one of them in Label Studio"
        )
    if folder not in (moving or set()) and any(d.glob("*.json")):
        raise LayoutError(
            f"annotations/raw/{folder}/ is an annotator layer in the old layout, not the folder "
            f"of project {title!r}: move it with `claimcorpus ls migrate --project TITLE`"
        )
    return folder


def mark_folder(root: str | Path, title: str, folder: str) -> None:
    """Write ``project.yaml`` (once), which makes the folder a project folder for list_layers."""
    path = raw_dir(root) / folder / PROJECT_FILE
    if not path.exists():
        text = yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=True)
        atomic_write_bytes(path, text.encode("utf-8"))


def refuse_old_layers(root: str | Path, title: str, annotators: set[str]) -> None:
    """An annotator with an old-layout layer and a project layer would be counted twice."""
    clash = sorted(set(old_layers(root)) & annotators)
    if clash:
        folders = ", ".join(f"annotations/raw/{a}/" for a in clash)
        raise LayoutError(
            f"{folders}: layer(s) in the old layout (no project folder) for annotator(s) this "
            f"pull writes under annotations/raw/{project_folder(title)}/; they would vote twice. "
            f"If they were pulled from {title!r}, run `claimcorpus ls migrate --project "
            f"{title!r}`, else rename them; nothing written"
        )


@dataclass(frozen=True)
class Move:
    src: Path
    dst: Path


def plan_migration(root: str | Path, title: str, names: list[str] | None = None) -> list[Move]:
    """Every record move from old-layout layers into the project's folder; refuses conflicts."""
    have = old_layers(root)
    names = sorted(set(names or have))
    unknown = [n for n in names if n not in have]
    if unknown:
        raise LayoutError(f"no layer in the old layout named {unknown}; there are {have}")
    folder = check_folder(root, title, moving=set(names))
    base = raw_dir(root)
    moves = [
        Move(p, base / folder / name / p.name)
        for name in names
        for p in sorted((base / name).glob("*.json"))
    ]
    taken = [m.dst for m in moves if m.dst.exists()]
    if taken:
        raise LayoutError(
            f"{len(taken)} record(s) already exist in the project's folder, e.g. {taken[0]}; "
            "nothing moved"
        )
    return moves


def migrate(root: str | Path, title: str, names: list[str] | None = None) -> list[Move]:
    """Move old-layout layers into ``annotations/raw/<project>/``; each move is one rename."""
    moves = plan_migration(root, title, names)
    folder = project_folder(title)
    if moves:
        mark_folder(root, title, folder)
    for m in moves:
        m.dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(m.src, m.dst)
    for src in sorted({m.src.parent for m in moves}):
        if src.name != folder and not any(src.iterdir()):
            src.rmdir()
    return moves
