"""One writer or many readers per project: the lock every command that writes, or reads,
corpus/ or annotations/ takes.

Why: two ingests at once on one corpus each stage their index shards over the same spare
files (ingest/index.py) and each commit what it read before the other wrote, so one run's
entries are lost or a shard is left half of each; and a build or validate reading while an
ingest writes sees a half-written state. A writer takes the lock exclusively, a reader
shared: a second writer, a reader while a writer holds it, or a writer while readers hold
it is refused at once with an error naming the lock file (and a writer's pid) — a clear
error is simpler to reason about than waiting behind a run of unknown length.

The lock is ``fcntl.flock`` on ``<root>/.claimcorpus.lock``, beside ``corpus/`` and not in
it, so it is never part of a release, of the corpus's checksums or of a listing of
``corpus/``. The kernel drops a flock when its holder exits however it exits (a killed run
leaves no stale lock: the file may stay, with a dead pid, and the next command takes it). The
writer writes its pid and command into the file and removes it when done; readers write
nothing and never remove it (other readers may hold it). Whoever locked a file removed
meanwhile (it opened the name before a writer removed it) sees that the name no longer
leads to its file and tries again. Within one process the lock is re-entrant, and holding
the writer lock satisfies a reader request (a writer command that builds inside); asking for
the writer lock while this process holds only the reader lock is refused rather than
upgraded, since a failed flock upgrade drops the shared lock. Where there is no ``fcntl``
(Windows) there is no lock.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from claimcorpus.core.problems import InputError

try:
    import fcntl
except ImportError:  # not on Windows: no lock there (said in the README)
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".claimcorpus.lock"
# a reader that cannot create or open the lock file for writing (a read-only checkout or
# another user's project) opens it read-only instead, or reads unlocked when it is absent
_CANNOT_CREATE = (errno.EACCES, errno.EPERM, errno.EROFS)
_OPEN = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


@dataclass
class _Hold:
    """A lock this process holds: how (``write`` or ``read``) and how many times nested."""

    mode: str
    depth: int


_held: dict[str, _Hold] = {}  # real path of a lock file this process holds -> its hold


class CorpusLocked(InputError):
    """Another process is writing (or, for a writer, reading) this project."""


def lock_path(root: str | Path) -> Path:
    return Path(root) / LOCK_FILE


def _holder(path: Path) -> str:
    """What the lock file says about its holder ("pid N (command)"), or that it is unknown."""
    try:
        said = path.read_text(encoding="utf-8").strip()
    except OSError:
        said = ""
    return said or "a process that has not written its pid yet"


def _refusal(path: Path, fd: int, exclusive: bool) -> CorpusLocked:
    """Why ``fd``'s lock was refused: a writer holds it, or (for a writer) only readers do."""
    if exclusive:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:  # a shared lock was free: the holders are readers
            fcntl.flock(fd, fcntl.LOCK_UN)
            return CorpusLocked(
                f"{path}: this project is being read by another claimcorpus command "
                "(build, validate, ...); wait for it to finish and run this again"
            )
    return CorpusLocked(
        f"{path}: another claimcorpus command is writing this project "
        f"(held by {_holder(path)}); wait for it to finish and run this again"
    )


def _lock_or_refuse(path: Path, fd: int, exclusive: bool) -> None:
    """Lock ``fd`` (exclusive or shared) at once, or close it and raise CorpusLocked."""
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        refused = _refusal(path, fd, exclusive)
        os.close(fd)
        raise refused from None


def _take(path: Path, command: str, exclusive: bool = True) -> int:
    """The locked file's descriptor (exclusive with this process's pid written in it, or
    shared); CorpusLocked when another process holds it in a conflicting way."""
    while True:
        try:
            fd = os.open(path, _OPEN, 0o666)
        except FileNotFoundError:  # a new project's root (ingest --root makes it)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, _OPEN, 0o666)
        _lock_or_refuse(path, fd, exclusive)
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # a writer removed the name after we opened it: take the new one
    if exclusive:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} ({command})\n".encode())
    return fd


@contextmanager
def _nested(key: str) -> Iterator[None]:
    """One more level of a lock this process already holds."""
    _held[key].depth += 1
    try:
        yield
    finally:
        _held[key].depth -= 1
        if not _held[key].depth:
            del _held[key]


@contextmanager
def writer_lock(root: str | Path, command: str) -> Iterator[None]:
    """Hold the project's writer lock for the ``with`` block (re-entrant in one process)."""
    path = lock_path(root)
    key = os.path.realpath(path)
    if key in _held and _held[key].mode == "read":
        raise CorpusLocked(
            f"{path}: this command holds the project's reader lock and cannot also write "
            f"({command}); take the writer lock first"
        )
    if fcntl is None or key in _held:
        _held.setdefault(key, _Hold("write", 0))
        with _nested(key):
            yield
        return
    fd = _take(path, command)
    _held[key] = _Hold("write", 1)
    try:
        yield
    finally:
        del _held[key]
        path.unlink(missing_ok=True)  # still ours: removed before the lock is let go
        os.close(fd)


def _open_read_only(path: Path) -> int | None:
    """The lock file opened read-only and shared-locked (a reader of a project it may not
    write: flock needs no write access), or None when there is no lock file to take."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    _lock_or_refuse(path, fd, exclusive=False)
    return fd


@contextmanager
def reader_lock(root: str | Path, command: str) -> Iterator[None]:
    """Hold the project's reader lock (shared) for the ``with`` block; the writer lock held
    by this process already satisfies it."""
    path = lock_path(root)
    key = os.path.realpath(path)
    if fcntl is None or key in _held:
        _held.setdefault(key, _Hold("read", 0))
        with _nested(key):
            yield
        return
    try:
        fd: int | None = _take(path, command, exclusive=False)
    except OSError as exc:
        if exc.errno not in _CANNOT_CREATE:
            raise
        fd = None
    if fd is None:
        fd = _open_read_only(path)
    if fd is None:  # a project this user cannot write, with no lock file: no writer
        yield
        return
    _held[key] = _Hold("read", 1)
    try:
        yield
    finally:
        del _held[key]
        os.close(fd)  # never unlinked: other readers may hold the same file
