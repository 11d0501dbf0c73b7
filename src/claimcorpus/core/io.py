"""Small file helpers: every write goes to a temporary path in the same folder, then renames.

A write is four system calls (an exclusive create, the data, the close, the rename), not the
dozen that ``tempfile.mkstemp`` with a buffered file, a ``chmod`` and a ``mkdir`` per call
cost: ingest writes two files per article, and those calls were a fifth of its time.
``StagedWrites`` writes many files' temporaries first and renames them together after one
flush, so a batch costs one ``os.sync`` and one flush per folder instead of one per file.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path
from typing import Any

_CREATE = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)
# created 0o666 less the umask, as ``open`` makes a file (mkstemp would make it owner-only)
_MODE = 0o666
_serial = itertools.count()
_pid = [os.getpid()]
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _pid.__setitem__(0, os.getpid()))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_temp(path: str, data: bytes, fsync: bool) -> str:
    """``data`` in a new temporary file beside ``path`` (its folders made when missing);
    returns the temporary's name. Nothing is left behind when it fails."""
    folder, name = os.path.split(path)
    while True:
        tmp = os.path.join(folder, f".{name}.{_pid[0]}-{next(_serial)}.tmp")
        try:
            fd = os.open(tmp, _CREATE, _MODE)
            break
        except FileExistsError:  # left by a killed process that had this pid: next name
            continue
        except FileNotFoundError:
            if not folder or os.path.isdir(folder):
                raise
            os.makedirs(folder, exist_ok=True)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def atomic_write_bytes(path: str | Path, data: bytes, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half.

    ``fsync=False`` leaves the flush to the caller, who must make the run durable before it
    records the file as written (ingest: one ``os.sync`` before its index is committed,
    ingest/index.py), since one flush per file costs most of a small file's write time."""
    path = os.fspath(path)
    tmp = _write_temp(path, data, fsync)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def fsync_path(path: str | Path) -> None:
    """Flush one file or folder (a folder: the names renamed into it) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedWrites:
    """Files written now and renamed into place together by ``commit``, after they are
    flushed: a power cut leaves each file whole, old or new, for one ``os.sync`` (or a flush
    per file, for a few) plus one flush per folder for the whole batch."""

    def __init__(self) -> None:
        self._staged: list[tuple[str, str]] = []  # (temporary, final path)

    def __len__(self) -> int:
        return len(self._staged)

    def add(self, path: str | Path, data: bytes) -> None:
        path = os.fspath(path)
        self._staged.append((_write_temp(path, data, False), path))

    def commit(self, synced: bool = False) -> None:
        """Flush the temporaries (one by one; ``synced``: the caller ran ``os.sync`` after
        they were written), rename each into place, then flush their folders (the renames).
        On an error before the renames, the temporaries are removed and nothing changed."""
        try:
            if not synced:
                for tmp, _ in self._staged:
                    fsync_path(tmp)
        except BaseException:
            self.discard()
            raise
        folders = {os.path.dirname(path) for _, path in self._staged}
        while self._staged:
            tmp, path = self._staged.pop(0)
            os.replace(tmp, path)
        for folder in sorted(folders):
            fsync_path(folder or ".")

    def discard(self) -> None:
        """Remove the temporaries not yet renamed (nothing in place changes)."""
        for tmp, _ in self._staged:
            Path(tmp).unlink(missing_ok=True)
        self._staged.clear()


def dumps_json(obj: Any) -> str:
    """Canonical JSON for files under version control: sorted keys, 2-space indent, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_bytes(path, dumps_json(obj).encode("utf-8"))


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))
