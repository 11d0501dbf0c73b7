"""Small file helpers: every write goes to a temporary path in the same folder, then renames.

A write is four system calls (an exclusive create, the data, the close, the rename), not the
dozen that ``tempfile.mkstemp`` with a buffered file, a ``chmod`` and a ``mkdir`` per call
cost: ingest writes two files per article, and those calls were a fifth of its time.
``StagedWrites`` writes many files' temporaries first and renames them together after one
flush, so a batch costs one ``os.sync`` and one flush per folder instead of one per file.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

import orjson

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
        _write_all(fd, data, fsync)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _write_all(fd: int, data: bytes, fsync: bool) -> None:
    """All of ``data`` to ``fd`` (os.write may write less than asked), flushed if asked."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    if fsync:
        os.fsync(fd)


# Linux: a new file is written as an unnamed inode (O_TMPFILE) and linked under its name
# once whole (linkat through /proc/self/fd, as open(2) describes), one directory entry
# made instead of a temporary's made, removed and the final one made by the rename
_TMPFILE = getattr(os, "O_TMPFILE", 0) if sys.platform.startswith("linux") else 0
_ANCHOR: list[int | None] = [None]  # a descriptor of "/": makes os.link call linkat


def _write_unnamed(path: str, data: bytes, fsync: bool) -> bool:
    """``data`` as a new file at ``path`` that did not exist; False when ``path`` exists or
    unnamed files are not supported here (the caller writes a temporary and renames)."""
    folder = os.path.dirname(path) or "."
    try:
        fd = os.open(folder, _TMPFILE | os.O_WRONLY | os.O_CLOEXEC, _MODE)
    except FileNotFoundError:
        return False  # the temporary's writer makes the folders
    except OSError as exc:  # EOPNOTSUPP, EISDIR (old kernels): not on this file system
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return False
        raise
    try:
        _write_all(fd, data, fsync)
        if _ANCHOR[0] is None:
            _ANCHOR[0] = os.open("/", os.O_RDONLY | os.O_CLOEXEC)
        os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=_ANCHOR[0], follow_symlinks=True)
    except FileExistsError:
        return False
    except FileNotFoundError:  # no /proc: never try again
        _TMPFILE_OK[0] = False
        return False
    finally:
        os.close(fd)  # an unnamed file not linked is freed with its last descriptor
    return True


_TMPFILE_OK = [bool(_TMPFILE)]


def atomic_write_bytes(path: str | Path, data: bytes, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half.

    ``fsync=False`` leaves the flush to the caller, who must make the run durable before it
    records the file as written (ingest: one ``os.sync`` before its index is committed,
    ingest/index.py), since one flush per file costs most of a small file's write time. A new
    file is linked whole under its name (O_TMPFILE, above); else written beside it under a
    temporary name and renamed over it."""
    path = os.fspath(path)
    if _TMPFILE_OK[0] and not os.path.lexists(path) and _write_unnamed(path, data, fsync):
        return
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


SPARE = ".spare"  # ``.<name>.spare``: the inode a StagedWrites(spares=True) file reuses
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _load_renameat2() -> Any:
    """glibc's renameat2 (Linux), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_renameat2 = [_load_renameat2()]


def _exchange(a: str, b: str) -> bool:
    """Swap two existing names in one step (RENAME_EXCHANGE); False where unsupported."""
    fn = _renameat2[0]
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this kernel or file system
        _renameat2[0] = None
        return False
    raise OSError(err, os.strerror(err), a)


def _write_spare(path: str, data: bytes) -> str:
    """``data`` written over ``path``'s spare (created when missing); returns its name."""
    folder, name = os.path.split(path)
    spare = os.path.join(folder, f".{name}{SPARE}")
    try:
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), _MODE)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), _MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)
    return spare


class StagedWrites:
    """Files written now and renamed into place together by ``commit``, after they are
    flushed: a power cut leaves each file whole, old or new, for one ``os.sync`` (or a flush
    per file, for a few) plus one flush per folder for the whole batch.

    ``spares=True`` (files rewritten again and again: the ingest index's shards) writes each
    file's new bytes over its spare, ``.<name>.spare``, and swaps the two names in one step
    (Linux ``renameat2(RENAME_EXCHANGE)``), so the old bytes become the next spare: no inode
    is freed and none allocated, where a rename over the old file frees its blocks and a new
    temporary allocates them (on this machine's ext4, 0.4-0.7 ms of system CPU per 80 kB
    shard against 0.03 ms). Elsewhere it renames, as without spares."""

    def __init__(self, spares: bool = False) -> None:
        self._staged: list[tuple[str, str]] = []  # (temporary or spare, final path)
        self._spares = spares

    def __len__(self) -> int:
        return len(self._staged)

    def add(self, path: str | Path, data: bytes) -> None:
        path = os.fspath(path)
        tmp = _write_spare(path, data) if self._spares else _write_temp(path, data, False)
        self._staged.append((tmp, path))

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
            if not (self._spares and os.path.exists(path) and _exchange(tmp, path)):
                os.replace(tmp, path)
        for folder in sorted(folders):
            fsync_path(folder or ".")

    def discard(self) -> None:
        """Forget what is not yet in place, removing its temporaries (a spare stays: it is
        never read); nothing in place changes."""
        for tmp, _ in self._staged:
            if not self._spares:
                Path(tmp).unlink(missing_ok=True)
        self._staged.clear()


def dumps_json(obj: Any) -> str:
    """Canonical JSON for files under version control: sorted keys, 2-space indent, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_bytes(path, dumps_json(obj).encode("utf-8"))


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_record(path: str | Path) -> Any:
    """``read_json`` for the files read one per document in every pass of a build (annotation
    records): orjson parses them in about half the time. The same objects for any file
    ``dumps_json`` writes; a file that is not JSON raises ``orjson.JSONDecodeError``, a
    ``json.JSONDecodeError``, so callers catch what they caught before."""
    with open(path, "rb") as f:
        return orjson.loads(f.read())
