"""An annotator's password reaches the real server's ``reset_password`` on stdin, never on
a command line: while the command runs, no process on this machine shows the password in
its ``/proc/PID/cmdline`` (which every local user can read, like ``ps``), and the password
works for a login afterwards."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

import pytest
from ls_fixtures import *  # noqa: F403
from ls_fixtures import LS_VENV

from claimcorpus.labelstudio.accounts import login_session
from claimcorpus.labelstudio.server import reset_password

pytestmark = pytest.mark.labelstudio


def _scan_cmdlines(needle: bytes, seen: list[str], stop: threading.Event) -> None:
    """Poll every process's command line until stopped; record the ones holding needle."""
    while not stop.is_set():
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                data = cmdline.read_bytes()
            except OSError:  # the process ended between glob and read
                continue
            if needle in data:
                seen.append(data.replace(b"\0", b" ").decode(errors="replace")[:200])


def test_the_password_never_appears_in_any_command_line(ls_server):
    ls_server.ensure_running()
    conn = ls_server.connect()
    name = f"pw{secrets.token_hex(3)}"
    email = f"{name}@example.org"
    conn.client.users.create(username=name, email=email)
    password = "-" + secrets.token_urlsafe(12)  # a leading "-" must not read as an option
    seen: list[str] = []
    stop = threading.Event()
    scanner = threading.Thread(target=_scan_cmdlines, args=(password.encode(), seen, stop))
    scanner.start()
    try:
        reset_password(LS_VENV, ls_server.data_dir, email, password)
    finally:
        stop.set()
        scanner.join()
    assert seen == []
    login_session(ls_server.url, email, password).close()  # raises when the login fails
