"""Atomic writes (core/io.py) and the ingest index's batched commit: whole files or none,
no temporary left behind, and a commit that fails before its renames changes no shard."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from conftest import tree_digest

from claimcorpus.core import io as cio
from claimcorpus.ingest import index as idx
from claimcorpus.ingest.run import run_ingest


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_atomic_write_makes_folders_gives_the_usual_mode_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "a" / "b" / "file.json"
    cio.atomic_write_bytes(target, b"one", fsync=False)
    cio.atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_atomic_write_skips_a_temporary_name_a_killed_process_left(tmp_path: Path):
    serial = next(cio._serial) + 1  # the name the next write would try first
    stale = tmp_path / f".f.txt.{os.getpid()}-{serial}.tmp"
    stale.write_bytes(b"left by a killed run")
    (tmp_path / "f.txt").write_bytes(b"old")  # a file replaced: through a temporary name
    cio.atomic_write_bytes(tmp_path / "f.txt", b"new")
    assert (tmp_path / "f.txt").read_bytes() == b"new"
    assert stale.read_bytes() == b"left by a killed run"  # not clobbered, not renamed


@pytest.mark.parametrize("unnamed", [True, False], ids=["o_tmpfile", "temporary"])
def test_a_new_file_appears_whole_or_not_at_all_with_or_without_unnamed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool
):
    if unnamed and not cio._TMPFILE_OK[0]:
        pytest.fail("O_TMPFILE with /proc/self/fd is expected on this Linux machine")
    monkeypatch.setattr(cio, "_TMPFILE_OK", [unnamed])
    linked = []
    real = cio._write_unnamed
    monkeypatch.setattr(cio, "_write_unnamed", lambda *a: linked.append(a[0]) or real(*a))
    target = tmp_path / "new.json"
    with pytest.raises(TypeError):
        cio.atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # no half file, no temporary
    cio.atomic_write_bytes(target, b"whole", fsync=False)
    cio.atomic_write_bytes(target, b"again")  # exists now: a temporary, renamed over it
    assert target.read_bytes() == b"again" and [p.name for p in tmp_path.iterdir()] == ["new.json"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert linked == ([str(target)] * 2 if unnamed else [])  # the second found it there


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "f.txt"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        cio.atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_staged_writes_rename_together_after_the_flush_or_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "x.json").write_bytes(b"old x")
    staged = cio.StagedWrites()
    staged.add(tmp_path / "x.json", b"new x")
    staged.add(tmp_path / "sub" / "y.json", b"new y")
    assert len(staged) == 2 and (tmp_path / "x.json").read_bytes() == b"old x"
    real = cio.fsync_path

    def broken(path: str | Path) -> None:
        if str(path).endswith(".tmp"):
            raise OSError(5, "I/O error")
        real(path)

    monkeypatch.setattr(cio, "fsync_path", broken)
    with pytest.raises(OSError):
        staged.commit()
    assert (tmp_path / "x.json").read_bytes() == b"old x" and not (tmp_path / "sub/y.json").exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["x.json"]
    monkeypatch.setattr(cio, "fsync_path", real)
    staged.add(tmp_path / "x.json", b"new x")
    staged.add(tmp_path / "sub" / "y.json", b"new y")
    staged.commit()
    assert (tmp_path / "x.json").read_bytes() == b"new x"
    assert (tmp_path / "sub/y.json").read_bytes() == b"new y" and len(staged) == 0
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["x.json", "y.json"]


def _articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"bulk_{i:03d}.txt").write_text(
            f"Article {i} of the bulk run.\nOfficials said on day {i} that talks went on.\n",
            encoding="utf-8",
        )
    return folder


def test_a_bulk_commit_that_fails_at_its_flush_changes_no_shard_and_is_recovered(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Past SYNC_EACH_MAX files the commit flushes once (os.sync) before it renames any
    shard: when that flush fails, every shard is as it was, no temporary is left, the
    journal stays, and the next open finishes the entries (index --check agrees)."""
    folder = _articles(tmp_path / "bulk", idx.SYNC_EACH_MAX + 8)
    before = tree_digest(project / "corpus" / "index")

    def failing_sync() -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(idx.os, "sync", failing_sync)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with pytest.raises(OSError):
            run_ingest(project, [folder])
    after = tree_digest(project / "corpus" / "index")
    spares = {name for name in after if name.endswith(cio.SPARE)}  # never read; reused next
    assert set(after) - spares == {*before, idx.JOURNAL}
    assert all(after[name] == data for name, data in before.items())  # no shard changed
    leftovers = [p for p in (project / "corpus").rglob("*.tmp")]
    assert leftovers == []
    monkeypatch.undo()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        index = idx.Index.open(project)
    assert f"recovered the index entries of {idx.SYNC_EACH_MAX + 8}" in err.getvalue()
    assert (
        index.entry("bulk_000") is not None
        and not (project / "corpus/index/journal.jsonl").exists()
    )
    assert idx.check(project) == []


def test_spare_writes_swap_names_so_the_old_bytes_become_the_next_spare(tmp_path: Path):
    """StagedWrites(spares=True): the new bytes are in place, the old ones in the spare
    (one exchange of names, no inode freed), and a new file is renamed in as usual."""
    target = tmp_path / "00.json"
    cio.atomic_write_bytes(target, b"first version, the longer one")
    inode = target.stat().st_ino
    for data in (b"second", b"third!"):
        staged = cio.StagedWrites(spares=True)
        staged.add(target, data)
        staged.add(tmp_path / "01.json", data)
        staged.commit()
        assert target.read_bytes() == data and (tmp_path / "01.json").read_bytes() == data
    spare = tmp_path / f".00.json{cio.SPARE}"
    assert spare.read_bytes() == b"second"  # the bytes replaced last, truncated to size
    if cio._renameat2[0] is not None:  # Linux: the two inodes take turns
        assert target.stat().st_ino == inode
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".00.json.spare", ".01.json.spare", "00.json", "01.json"]
