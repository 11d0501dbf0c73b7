"""The project's writer lock (core/lock.py): a second writer is refused while another process
holds it, naming the lock file and the holder's pid; readers are not; a killed holder leaves
no stale lock; and the lock file is never left in the project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, tree_digest

from claimcorpus.core.lock import LOCK_FILE, CorpusLocked, writer_lock
from claimcorpus.ingest.run import run_ingest

ARTICLE = "Officials said on Monday that the talks had failed.\nThey said more would follow.\n"
HOLD = (
    "import sys\n"
    "from claimcorpus.core.lock import writer_lock\n"
    "with writer_lock(sys.argv[1], 'holder'):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.readline()\n"
)


@pytest.fixture()
def holder(project: Path):
    """Another process holding the project's writer lock until the test lets it go."""
    p = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert p.stdout.readline().strip() == "held"
    yield p
    if p.poll() is None:
        p.communicate("\n", timeout=30)


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
