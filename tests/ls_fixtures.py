"""Session fixtures for tests against a REAL Label Studio server (marker ``labelstudio``).

Import in tests/conftest.py with ``from ls_fixtures import *  # noqa: F401,F403``.

One fresh server per test session: a new temp data dir, a free port on 127.0.0.1, random
credentials, started through the real ``claimcorpus ls serve --background`` command. Tests
that kill it call ``ls_server.ensure_running()`` (or use ``ls_env``, which does) to bring it
back on the same data dir and port. The only skip: the Label Studio venv is missing outside
CI; in CI (``CI`` set) a missing venv is a failure, since .ci/run installs it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LS_VENV = Path(os.environ.get("CLAIMCORPUS_LS_VENV", REPO / ".ls" / "venv"))
INSTALL = f"bash scripts/install_labelstudio.sh {LS_VENV}"


def require_venv() -> None:
    """Skip without the Label Studio venv; in CI (``CI`` set) fail, since CI installs it."""
    if (LS_VENV / "bin" / "label-studio").exists():
        return
    msg = f"Label Studio venv missing at {LS_VENV}; install it with: {INSTALL} (~1 min, ~1 GB)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


@dataclass
class LSInstance:
    """The session's server: URL, admin credentials, data dir; restartable after a kill."""

    data_dir: Path
    port: int
    username: str
    password: str
    token: str
    starts: list[float] = field(default_factory=list)
    first_output: str = ""
    serve_args: tuple[str, ...] = ()  # e.g. ("--database", "postgresql", "--pg-port", "N")
    pg_password: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(REPO / "src"),
            "CLAIMCORPUS_LS_URL": self.url,
            "CLAIMCORPUS_LS_USERNAME": self.username,
            "CLAIMCORPUS_LS_PASSWORD": self.password,
            "CLAIMCORPUS_LS_TOKEN": self.token,
            **({"CLAIMCORPUS_PG_PASSWORD": self.pg_password} if self.pg_password else {}),
        }

    def serve_cli(self, *extra: str) -> subprocess.CompletedProcess:
        cmd = [
            sys.executable,
            "-m",
            "claimcorpus.cli",
            "--root",
            str(REPO),
            "ls",
            "serve",
            "--venv",
            str(LS_VENV),
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
            *self.serve_args,
            *extra,
        ]
        return subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=400)

    def handle(self):
        from claimcorpus.labelstudio.server import attach

        return attach(self.data_dir)

    def start(self) -> subprocess.CompletedProcess:
        import time

        t = time.monotonic()
        r = self.serve_cli("--background")
        if r.returncode != 0:
            raise RuntimeError(f"ls serve failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        self.starts.append(time.monotonic() - t)
        return r

    def kill(self) -> None:
        h = self.handle()
        assert h is not None, "server not running"
        h.kill()

    def stop(self) -> None:
        """Stop the server and, through `ls serve --stop`, its PostgreSQL cluster if any."""
        r = self.serve_cli("--stop")
        assert r.returncode == 0, r.stderr

    def ensure_running(self) -> None:
        from claimcorpus.labelstudio.server import is_healthy

        if self.handle() is None or not is_healthy(self.url):
            h = self.handle()
            if h is not None:
                h.kill()
            self.start()

    def connect(self, token: str | None = None):
        from claimcorpus.labelstudio.client import connect

        return connect(self.url, token or self.token)


_INSTANCE: list[LSInstance] = []  # one server per process, however many modules import this


@pytest.fixture(scope="session")
def ls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LSInstance]:
    require_venv()
    from claimcorpus.labelstudio.server import free_port

    if not _INSTANCE:
        inst = LSInstance(
            data_dir=tmp_path_factory.mktemp("ls-data"),
            port=free_port(),
            username="admin@example.org",
            password=secrets.token_urlsafe(12),
            token=secrets.token_hex(20),
        )
        r = inst.start()
        inst.first_output = r.stdout + r.stderr
        _INSTANCE.append(inst)
    inst = _INSTANCE[0]
    try:
        yield inst
    finally:
        h = inst.handle()
        if h is not None:
            h.stop()


@pytest.fixture()
def ls_env(ls_server: LSInstance, monkeypatch: pytest.MonkeyPatch) -> LSInstance:
    """The server, running, with CLAIMCORPUS_LS_* set for in-process and subprocess calls."""
    ls_server.ensure_running()
    for k, v in ls_server.env().items():
        if k.startswith("CLAIMCORPUS_LS_"):
            monkeypatch.setenv(k, v)
    return ls_server


_PG_INSTANCE: list[LSInstance] = []


def _traversable(path: Path) -> None:
    """As root, PostgreSQL runs as the `postgres` user, which must reach the data dir
    (pytest's temp folders are 0700)."""
    if os.geteuid() != 0:
        return
    for parent in [path, *path.parents]:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)


@pytest.fixture(scope="session")
def pg_ls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LSInstance]:
    """A second session server on PostgreSQL (`ls serve --database postgresql`): a private
    cluster in its data dir on 127.0.0.1; stopped, cluster included, at the end. For the
    tests that must run the same flow on PostgreSQL (campaign tests reuse it)."""
    require_venv()
    from claimcorpus.labelstudio.postgres import PostgresError, bindir
    from claimcorpus.labelstudio.server import free_port

    try:
        bindir()
    except PostgresError as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    if not _PG_INSTANCE:
        data = tmp_path_factory.mktemp("ls-pg-data")
        _traversable(data)
        inst = LSInstance(
            data_dir=data,
            port=free_port(),
            username="admin@example.org",
            password=secrets.token_urlsafe(12),
            token=secrets.token_hex(20),
            serve_args=("--database", "postgresql", "--pg-port", str(free_port())),
            pg_password=secrets.token_urlsafe(16),
        )
        r = inst.start()
        inst.first_output = r.stdout + r.stderr
        _PG_INSTANCE.append(inst)
    inst = _PG_INSTANCE[0]
    try:
        yield inst
    finally:
        inst.stop()


@pytest.fixture()
def pg_ls_env(pg_ls_server: LSInstance, monkeypatch: pytest.MonkeyPatch) -> LSInstance:
    """The PostgreSQL-backed server, running, with CLAIMCORPUS_LS_* set (as ``ls_env``)."""
    pg_ls_server.ensure_running()
    for k, v in pg_ls_server.env().items():
        if k.startswith("CLAIMCORPUS_"):
            monkeypatch.setenv(k, v)
    return pg_ls_server


_ANNOTATORS: dict[str, object] = {}


@pytest.fixture(scope="session")
def ls_annotators(ls_server: LSInstance) -> dict[str, object]:
    """Annotator users alice, bob and carol (browser test), each with its own API token."""
    from claimcorpus.labelstudio.accounts import create_annotator

    if not _ANNOTATORS:
        ls_server.ensure_running()
        conn = ls_server.connect()
        made = {  # all three or none: a failure must not leave later tests a partial set
            name: create_annotator(
                conn, LS_VENV, ls_server.data_dir, name, secrets.token_urlsafe(12)
            )
            for name in ("alice", "bob", "carol")
        }
        _ANNOTATORS.update(made)
    return _ANNOTATORS


def copy_project(dest: Path) -> Path:
    """A throwaway copy of schema/, corpus/ and annotations/ (never the real ones)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in ("schema", "corpus", "annotations"):
        shutil.copytree(REPO / part, dest / part)
    return dest


def ls_cli(
    inst: LSInstance, root: Path, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the real `claimcorpus` entry point against the session server."""
    cmd = [sys.executable, "-m", "claimcorpus.cli", "--root", str(root), *args]
    return subprocess.run(cmd, env=inst.env(), capture_output=True, text=True, timeout=timeout)
