"""One writer at a time per project: a lock every command that writes corpus/ or annotations/ takes.

Why: two ingests at once on one corpus each stage their index shards over the same spare
files (ingest/index.py) and each commit what it read before the other wrote, so one run's
entries are lost or a shard is left half of each. A second writer is refused at once with
an error naming the lock file and the holder's pid (a clear error is simpler to reason
about than waiting behind a run of unknown length).

The lock is ``fcntl.flock`` on ``<root>/.claimcorpus.lock``, beside ``corpus/`` and not in
it, so it is never part of a release, of the corpus's checksums or of a listing of
``corpus/``. The kernel drops a flock when its holder exits however it exits (a killed run
leaves no stale lock: the file may stay, with a dead pid, and the next writer takes it). The
holder writes its pid and command into the file and removes it when done; a writer that
locked a file removed meanwhile (it opened the name before the holder removed it) sees that
the name no longer leads to its file and tries again. Within one process the lock is
re-entrant (a command that ingests through ``run_ingest`` takes it once). Where there is no
``fcntl`` (Windows) there is no lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from claimcorpus.core.problems import InputError

try:
    import fcntl
except ImportError:  # not on Windows: no lock there (said in the README)
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".claimcorpus.lock"
_OPEN = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
_held: dict[str, int] = {}  # real path of a lock file this process holds -> depth


class CorpusLocked(InputError):
    """Another process is writing this project."""


def lock_path(root: str | Path) -> Path:
    return Path(root) / LOCK_FILE


def _holder(path: Path) -> str:
    """What the lock file says about its holder ("pid N (command)"), or that it is unknown."""
    try:
        said = path.read_text(encoding="utf-8").strip()
    except OSError:
        said = ""
    return said or "a process that has not written its pid yet"


def _take(path: Path, command: str) -> int:
    """The locked file's descriptor, with this process's pid written in it; CorpusLocked
    when another process holds it."""
    while True:
        try:
            fd = os.open(path, _OPEN, 0o666)
        except FileNotFoundError:  # a new project's root (ingest --root makes it)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, _OPEN, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise CorpusLocked(
                f"{path}: another claimcorpus command is writing this project "
                f"(held by {_holder(path)}); wait for it to finish and run this again"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the name after we opened it: take the new one
    os.ftruncate(fd, 0)
    os.write(fd, f"pid {os.getpid()} ({command})\n".encode())
    return fd


@contextmanager
def writer_lock(root: str | Path, command: str) -> Iterator[None]:
    """Hold the project's writer lock for the ``with`` block (re-entrant in one process)."""
    path = lock_path(root)
    key = os.path.realpath(path)
    if fcntl is None or key in _held:
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
        return
    fd = _take(path, command)
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        path.unlink(missing_ok=True)  # still ours: removed before the lock is let go
        os.close(fd)
