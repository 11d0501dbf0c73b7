"""Where a ``--release`` value points: the folder as given, or a version under ``releases/``.

Users type ``--release 1.0.0`` as often as ``--release releases/1.0.0``; both should work,
and a release that is in neither place should say so and list the releases there are,
instead of failing later on some file inside it.
"""

from __future__ import annotations

from pathlib import Path

from .problems import InputError

RELEASES = "releases"


def candidates(value: str | Path, root: str | Path | None) -> list[Path]:
    """Folders ``value`` may mean, in the order they are tried.

    As given; then under ``<root>/releases``; then under ``./releases`` when there is no
    root (a downloaded release next to no project).
    """
    given = Path(value)
    out = [given]
    if not given.is_absolute():
        out.append((Path(root) if root is not None else Path()) / RELEASES / given)
    return out


def locate(value: str | Path, root: str | Path | None) -> Path | None:
    """The first candidate that is a folder, or None."""
    return next((p for p in candidates(value, root) if p.is_dir()), None)


def missing_message(value: str | Path, root: str | Path | None) -> str:
    """One line: the release folder does not exist, where we looked, what there is."""
    tried = " or ".join(str(p) for p in candidates(value, root))
    msg = f"release folder {str(value)!r} does not exist (looked for {tried})"
    folder = (Path(root) if root is not None else Path()) / RELEASES
    if folder.is_dir():
        have = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name[0] != ".")
        msg += f"; releases in {folder}: {', '.join(have) or 'none'}"
    return msg


def find_release(value: str | Path, root: str | Path | None) -> Path:
    """The release folder ``value`` names; :class:`InputError` when there is none."""
    found = locate(value, root)
    if found is None:
        raise InputError(missing_message(value, root))
    return found
