"""Start, probe and stop a local Label Studio server run from its own venv.

Why a subprocess from another venv: label-studio 1.23.2 pins pyarrow<25 while claimcorpus
needs pyarrow 26, so the server never shares our interpreter. By default it binds to
127.0.0.1 only (any signup joins organization 1 with full access) and always turns signup
without an invite link off; ``--host ADDR`` (a LAN) is checked by ``check_lan``, and
``--database postgresql`` passes postgres.py's variables as ``extra_env``. Credentials come from the caller (the CLI reads environment variables);
they are passed to the server through its environment, never written to the repository.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from claimcorpus.labelstudio.postgres import PostgresError, db_env

DEFAULT_VENV = Path(".ls") / "venv"
DEFAULT_DATA_DIR = Path(".ls") / "data"
DEFAULT_PORT = 8080
HOST = "127.0.0.1"
PID_FILE = "claimcorpus-server.pid"
LOG_FILE = "claimcorpus-server.log"
INSTALL_HINT = "install it with: bash scripts/install_labelstudio.sh [VENV_DIR]  (~1 min, ~1 GB)"


class ServerError(RuntimeError):
    """The server could not be started, reached or stopped; the message says what to do."""


def mask(secret: str | None) -> str:
    """Show enough of a token to recognise it, never enough to use it."""
    if not secret:
        return "<unset>"
    return f"{secret[:4]}…({len(secret)} chars)" if len(secret) > 8 else "****"


def ls_executable(venv: str | Path) -> Path:
    exe = Path(venv).resolve() / "bin" / "label-studio"  # absolute: the server runs in data_dir
    if not exe.exists():
        raise ServerError(f"Label Studio is not installed in {venv}; {INSTALL_HINT}")
    return exe


def ls_env(data_dir: str | Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for any `label-studio` process: a fixed data dir and no outbound calls.

    Without LABEL_STUDIO_BASE_DATA_DIR the CLI creates a data dir in the home folder;
    LATEST_VERSION_CHECK and COLLECT_ANALYTICS would otherwise call the internet.
    """
    env = dict(os.environ)
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(Path(data_dir).resolve()),
        LATEST_VERSION_CHECK="false",
        COLLECT_ANALYTICS="false",
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        PYTHONUNBUFFERED="1",
    )
    try:
        env.update(db_env(data_dir))
    except PostgresError as exc:
        raise ServerError(str(exc)) from exc
    env.update(extra or {})
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        r = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return r.status_code == 200 and "UP" in r.text


@dataclass
class ServerHandle:
    """A running server: its URL, process (None when attached by pid file) and files."""

    url: str
    data_dir: Path
    venv: Path
    port: int
    pid: int
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)  # the server runs in its own process group
        except (ProcessLookupError, PermissionError):
            pass

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None:
                try:
                    self.process.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    continue
                return True
            if not self.running():
                return True
            time.sleep(0.2)
        return not self.running()

    def stop(self, timeout: float = 20.0) -> None:
        """Terminate gracefully, then kill; remove the pid file."""
        if self.running():
            self._signal(signal.SIGTERM)
            if not self._wait(timeout):
                self._signal(signal.SIGKILL)
                self._wait(5)
        (self.data_dir / PID_FILE).unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crash would (fault tests)."""
        self._signal(signal.SIGKILL)
        self._wait(10)
        (self.data_dir / PID_FILE).unlink(missing_ok=True)


def wait_healthy(handle: ServerHandle, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not handle.running():
            tail = _tail(handle.log_path)
            raise ServerError(
                f"Label Studio exited during start-up; log {handle.log_path}:\n{tail}"
            )
        if is_healthy(handle.url):
            return
        time.sleep(0.5)
    handle.stop()
    raise ServerError(f"Label Studio not healthy after {timeout:.0f} s; log {handle.log_path}")


def _tail(path: Path, n: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "<no log>"


def start_server(
    *,
    username: str,
    password: str,
    token: str,
    venv: str | Path = DEFAULT_VENV,
    data_dir: str | Path = DEFAULT_DATA_DIR,
    port: int = DEFAULT_PORT,
    timeout: float = 240.0,
    extra_env: dict[str, str] | None = None,
    host: str = HOST,
) -> ServerHandle:
    """Start Label Studio on 127.0.0.1:port with a reusable SQLite data dir; wait until healthy.

    The admin user and legacy token are created from the environment on the first start of a
    data dir (legacy tokens work only if enabled then); later starts reuse the data dir.
    """
    exe = ls_executable(venv)
    data = Path(data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    existing = attach(data)
    if existing is not None:
        raise ServerError(
            f"a server from {data} already runs at {existing.url} (pid {existing.pid})"
        )
    if port_in_use(port):
        raise ServerError(f"port {port} on {HOST} is in use; pick another with --port")
    env = ls_env(
        data,
        {
            "LABEL_STUDIO_USERNAME": username,
            "LABEL_STUDIO_PASSWORD": password,
            "LABEL_STUDIO_USER_TOKEN": token,
            **(extra_env or {}),
        },
    )
    log_path = data / LOG_FILE
    cmd = [str(exe), "start", "--no-browser", "--internal-host", host, "--port", str(port)]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=data,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://{HOST if host in ('0.0.0.0', HOST) else host}:{port}"
    handle = ServerHandle(url, data, Path(venv), port, proc.pid, log_path, proc)
    (data / PID_FILE).write_text(f"{proc.pid} {port} {host}\n")
    wait_healthy(handle, timeout)
    return handle


def attach(data_dir: str | Path) -> ServerHandle | None:
    """The server started from this data dir (by its pid file), if it still runs."""
    data = Path(data_dir).resolve()
    try:
        pid_s, port_s, *rest = (data / PID_FILE).read_text().split()
    except (OSError, ValueError):
        return None
    host = rest[0] if rest and rest[0] != "0.0.0.0" else HOST
    handle = ServerHandle(
        f"http://{host}:{port_s}", data, DEFAULT_VENV, int(port_s), int(pid_s), data / LOG_FILE
    )
    return handle if handle.running() else None


LAN_TODO = (
    "  still needed before annotators use it over a network:",
    "  - a reverse proxy with TLS in front (nginx or Caddy with a certificate): this server",
    "    speaks plain HTTP, so passwords, session cookies and API tokens cross the LAN in clear",
    "  - LABEL_STUDIO_HOST set to the proxy's https:// URL, and only the proxy allowed to reach",
    "    this port (firewall)",
    "  - accounts made with `claimcorpus ls annotators add` (signup without a link stays off)",
)


def check_lan(host: str, environ: dict[str, str]) -> list[str]:
    """``--host ADDR`` for a team on a LAN: refuse with signup open (any signup joins the
    organisation with full access); else the lines saying what still needs a proxy."""
    if host in (HOST, "localhost"):
        return []
    signup_off = environ.get("LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK", "true").lower()
    if signup_off not in ("true", "1", "yes"):
        raise ServerError(
            f"refusing to listen on {host}: LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK is "
            f"{signup_off!r}, so anyone who reaches the page could sign up and read every "
            "project; unset it (signup then needs an invite link)"
        )
    return [f"  listening on {host} (not loopback): reachable from the network", *LAN_TODO]


def run_ls_cli(
    venv: str | Path,
    data_dir: str | Path,
    *args: str,
    timeout: float = 120,
    secret: str | None = None,
) -> str:
    """Run a `label-studio` management command against a data dir; return its stdout.

    ``secret`` is written to the command's stdin, never put on its command line (which every
    local user can read in ``ps``). The command runs in a new session, without a controlling
    terminal, so a ``getpass`` prompt reads that stdin instead of the caller's terminal.
    """
    exe = ls_executable(venv)
    r = subprocess.run(
        [str(exe), *args],
        env=ls_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=None if secret is None else secret + "\n",
        stdin=subprocess.DEVNULL if secret is None else None,
        start_new_session=secret is not None,
    )
    if r.returncode != 0:
        raise ServerError(f"label-studio {args[0]} failed ({r.returncode}): {r.stderr[-2000:]}")
    return r.stdout


def reset_password(venv: str | Path, data_dir: str | Path, email: str, password: str) -> None:
    """Set a user's password (``users.create`` ignores the password it is given).

    Without ``--password`` the command asks for it with ``getpass``; it gets it on stdin
    (``run_ls_cli``'s ``secret``), so the password never shows in the process list."""
    out = run_ls_cli(venv, data_dir, "reset_password", f"--username={email}", secret=password)
    if "successfully" not in out.lower():
        raise ServerError(f"reset_password for {email} did not confirm: {out[-500:]}")


def main_loop(handle: ServerHandle) -> int:
    """Foreground mode: wait for the server; Ctrl-C stops it."""
    try:
        while handle.running():
            time.sleep(1)
    except KeyboardInterrupt:
        print("stopping Label Studio …", file=sys.stderr)
        handle.stop()
        return 0
    print(f"Label Studio exited; log {handle.log_path}", file=sys.stderr)
    return 1
