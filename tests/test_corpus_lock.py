"""The project's lock (core/lock.py): a second writer is refused while another process
holds it, naming the lock file and the holder's pid; commands that take no lock are not; a
killed holder leaves no stale lock; and the lock file is never left in the project by a
writer. Readers share it: many at once, none while a writer holds it, no writer while one
holds it, and a reader never removes the file."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, tree_digest

from claimcorpus.core.lock import LOCK_FILE, CorpusLocked, reader_lock, writer_lock
from claimcorpus.ingest.run import run_ingest

ARTICLE = "Officials said on Monday that the talks had failed.\nThey said more would follow.\n"
HOLD = (
    "import sys\n"
    "from claimcorpus.core.lock import writer_lock\n"
    "with writer_lock(sys.argv[1], 'holder'):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.readline()\n"
)
READ = HOLD.replace("writer_lock", "reader_lock")


def _start(script: str, project: Path) -> subprocess.Popen:
    """Another process holding the project's lock (as ``script`` takes it) until told."""
    p = subprocess.Popen(
        [sys.executable, "-c", script, str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = p.stdout.readline().strip()
    assert line == "held", p.stderr.read()
    return p


def _release(p: subprocess.Popen) -> None:
    if p.poll() is None:
        p.communicate("\n", timeout=30)


@pytest.fixture()
def holder(project: Path):
    """Another process holding the project's writer lock until the test lets it go."""
    p = _start(HOLD, project)
    yield p
    _release(p)


@pytest.fixture()
def reader(project: Path):
    """Another process holding the project's reader lock until the test lets it go."""
    p = _start(READ, project)
    yield p
    _release(p)


def _article(tmp_path: Path, name: str = "locked_one.txt") -> Path:
    f = tmp_path / name
    f.write_text(ARTICLE, encoding="utf-8")
    return f


def test_a_second_ingest_is_refused_while_another_process_writes(
    project: Path, tmp_path: Path, holder: subprocess.Popen
):
    before = {k: v for k, v in tree_digest(project).items() if k != LOCK_FILE}
    r = run_cli("ingest", str(_article(tmp_path)), root=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert str(project / LOCK_FILE) in r.stderr and f"pid {holder.pid} (holder)" in r.stderr
    after = {k: v for k, v in tree_digest(project).items() if k != LOCK_FILE}
    assert after == before  # nothing read into the corpus, nothing half-written
    holder.communicate("\n", timeout=30)
    assert holder.returncode == 0 and not (project / LOCK_FILE).exists()
    r = run_cli("ingest", str(_article(tmp_path)), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    assert not (project / LOCK_FILE).exists()


def test_every_writing_command_is_refused_and_readers_are_not(
    project: Path, tmp_path: Path, holder: subprocess.Popen
):
    brat = tmp_path / "brat"
    brat.mkdir()
    for args in (
        ("index", "--rebuild"),
        ("normalize",),
        ("import", "brat", str(brat), "--map", "Attribution=attribution"),
        ("adjudicate",),
        ("predictions", "import", str(tmp_path / "p.jsonl"), "--model", "m"),
    ):
        r = run_cli(*args, root=project)
        assert r.returncode != 0 and f"pid {holder.pid}" in r.stderr, (args, r.stderr)
    r = run_cli("index", "--check", root=project)
    assert r.returncode == 0 and "agrees" in r.stdout, r.stderr


def test_a_killed_holder_leaves_no_stale_lock(project: Path, tmp_path: Path):
    p = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(project)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert p.stdout.readline().strip() == b"held"
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert (project / LOCK_FILE).exists()  # the file stays, with a dead pid in it
    r = run_cli("ingest", str(_article(tmp_path)), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    assert not (project / LOCK_FILE).exists()


def test_the_api_takes_the_lock_and_it_is_reentrant_in_one_process(
    project: Path, tmp_path: Path, holder: subprocess.Popen, capsys: pytest.CaptureFixture
):
    with pytest.raises(CorpusLocked, match=f"pid {holder.pid}"):
        run_ingest(project, [_article(tmp_path)])
    holder.communicate("\n", timeout=30)
    with writer_lock(project, "outer"):
        assert f"pid {os.getpid()} (outer)" in (project / LOCK_FILE).read_text()
        assert run_ingest(project, [_article(tmp_path)]) == 0  # taken once, not twice
        assert (project / LOCK_FILE).exists()  # the inner run did not let it go
    assert "1 added" in capsys.readouterr().out
    assert not (project / LOCK_FILE).exists()


def _outside(project: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree_digest(project).items() if k != LOCK_FILE}


def test_a_writer_is_refused_while_a_reader_holds_and_told_it_is_being_read(
    project: Path, tmp_path: Path, reader: subprocess.Popen
):
    before = _outside(project)
    r = run_cli("ingest", str(_article(tmp_path)), root=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert str(project / LOCK_FILE) in r.stderr and "is being read" in r.stderr, r.stderr
    assert "is writing" not in r.stderr
    assert _outside(project) == before  # the corpus is unchanged
    assert (project / LOCK_FILE).read_text() == ""  # a reader writes no pid
    with pytest.raises(CorpusLocked, match="being read"):
        with writer_lock(project, "api"):
            pass
    _release(reader)
    r = run_cli("ingest", str(_article(tmp_path)), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr


def test_a_reader_is_refused_while_a_writer_holds_naming_its_pid(
    project: Path, holder: subprocess.Popen
):
    with pytest.raises(CorpusLocked, match=f"pid {holder.pid} \\(holder\\)") as caught:
        with reader_lock(project, "api"):
            pass
    assert str(project / LOCK_FILE) in str(caught.value) and "is writing" in str(caught.value)
    assert (project / LOCK_FILE).exists()  # the refused reader did not remove the writer's file


def test_build_is_refused_while_another_process_writes(project: Path, holder: subprocess.Popen):
    r = run_cli("build", "--version", "9.9.9", root=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"pid {holder.pid} (holder)" in r.stderr and "is writing" in r.stderr
    releases = project / "releases"
    assert not releases.exists() or not any(releases.rglob("*")), list(releases.rglob("*"))
    r = run_cli("validate", root=project)  # reads corpus/: refused too
    assert r.returncode == 1 and f"pid {holder.pid}" in r.stderr, r.stderr


def test_two_readers_at_once_both_hold_and_neither_removes_the_file(
    project: Path, reader: subprocess.Popen
):
    second = _start(READ, project)  # a second reading process gets it beside the first
    try:
        with reader_lock(project, "third"):  # and a third, this one
            assert (project / LOCK_FILE).exists()
        _release(second)
        assert second.returncode == 0
        assert (project / LOCK_FILE).exists()  # readers leave the file for the others
        with pytest.raises(CorpusLocked, match="being read"):  # the first still holds it
            with writer_lock(project, "api"):
                pass
    finally:
        _release(second)


def test_a_killed_reader_leaves_no_stale_lock(project: Path, tmp_path: Path):
    p = _start(READ, project)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    r = run_cli("ingest", str(_article(tmp_path)), root=project)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    assert not (project / LOCK_FILE).exists()


def test_in_one_process_the_writer_lock_satisfies_a_reader_and_not_the_reverse(project: Path):
    with writer_lock(project, "outer"):
        with reader_lock(project, "inner"):  # no deadlock, no downgrade
            assert f"pid {os.getpid()} (outer)" in (project / LOCK_FILE).read_text()
        other = subprocess.run(  # still exclusive: another process's reader is refused
            [sys.executable, "-c", READ, str(project)], input="\n", capture_output=True, text=True
        )
        assert other.returncode == 1 and f"pid {os.getpid()} (outer)" in other.stderr
    assert not (project / LOCK_FILE).exists()
    with reader_lock(project, "outer"):
        with reader_lock(project, "inner"):
            pass
        with pytest.raises(CorpusLocked, match="holds the project's reader lock"):
            with writer_lock(project, "inner"):
                pass
        assert (project / LOCK_FILE).exists()
    assert (project / LOCK_FILE).exists()  # a reader never removes it


def _refuse_writable_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the lock file for writing fails as on a read-only checkout (EROFS). A fake,
    since the tests run as root, who writes through any file mode."""
    real = os.open

    def fake(path, flags, *args, **kwargs):
        if str(path).endswith(LOCK_FILE) and flags & (os.O_RDWR | os.O_WRONLY):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake)


def test_reader_of_a_read_only_project_reads_unlocked_without_a_lock_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_writable_open(monkeypatch)
    with reader_lock(project, "validate"):
        assert not (project / LOCK_FILE).exists()


def test_reader_of_a_read_only_project_still_sees_a_writer(
    project: Path, holder: subprocess.Popen, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_writable_open(monkeypatch)
    with pytest.raises(CorpusLocked, match=f"pid {holder.pid}"):
        with reader_lock(project, "validate"):
            pass
