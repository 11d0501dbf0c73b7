"""scripts/install_system_packages.sh: which Debian packages the test setup asks apt-get for.

Installing packages for real needs root and the network, so the script runs with a PATH of
stand-ins that only record their calls (``apt-get``, ``sudo``, ``id``, and ``java`` or
``chromium`` when the case has them); the package names are checked against the real apt
index where there is one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import REPO, require_file

SCRIPT = REPO / "scripts" / "install_system_packages.sh"
INSTALL = "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq"


def run_script(
    tmp_path: Path, *, uid: int, java: str | None, chromium: bool, postgres: bool = True
) -> list[str]:
    """Run the script with only the stand-ins on PATH; the calls they recorded, in order.
    ``postgres``: a Debian-style /usr/lib/postgresql/<major>/bin/pg_ctl stand-in exists."""
    bindir, log = tmp_path / "bin", tmp_path / "calls.log"
    bindir.mkdir()
    pglib = tmp_path / "pglib"
    if postgres:
        (pglib / "15" / "bin").mkdir(parents=True)
        (pglib / "15" / "bin" / "pg_ctl").write_text("")
    stubs = {
        "apt-get": f'echo "apt-get $*" >> {log}',
        "sudo": f'echo "sudo $*" >> {log}',
        "id": f"echo {uid}",
    }
    if java is not None:
        stubs["java"] = f"echo 'openjdk version \"{java}\" 2025-04-15' >&2"
    if chromium:
        stubs["chromium"] = "true"
    for name, body in stubs.items():
        (bindir / name).write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
        (bindir / name).chmod(0o755)
    r = subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={"PATH": str(bindir), "POSTGRESQL_LIB": str(pglib)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_a_user_without_java_and_chromium_gets_both_through_sudo(tmp_path: Path):
    calls = run_script(tmp_path, uid=1000, java=None, chromium=False)
    assert calls == [
        "sudo apt-get update -qq",
        f"sudo {INSTALL} chromium openjdk-17-jre-headless",
    ]


def test_root_with_java_17_installs_only_chromium_without_sudo(tmp_path: Path):
    calls = run_script(tmp_path, uid=0, java="17.0.15", chromium=False)
    assert calls == ["apt-get update -qq", "apt-get install -y -qq chromium"]


def test_java_older_than_17_gets_java_17(tmp_path: Path):
    calls = run_script(tmp_path, uid=0, java="1.8.0_402", chromium=True)
    assert calls == ["apt-get update -qq", "apt-get install -y -qq openjdk-17-jre-headless"]


def test_missing_postgresql_is_installed(tmp_path: Path):
    """`ls serve --database postgresql` needs Debian's PostgreSQL (initdb, pg_ctl)."""
    calls = run_script(tmp_path, uid=0, java="17.0.15", chromium=True, postgres=False)
    assert calls == ["apt-get update -qq", "apt-get install -y -qq postgresql"]


def test_nothing_missing_means_no_apt_get_call(tmp_path: Path):
    assert run_script(tmp_path, uid=1000, java="21.0.2", chromium=True) == []


def test_test_sh_installs_system_packages_before_the_long_installs():
    lines = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8").splitlines()
    order = [i for i, x in enumerate(lines) if x.startswith(("bash scripts/", ".venv/bin/python"))]
    assert lines[order[0]] == "bash scripts/install_system_packages.sh"


def test_the_packages_asked_for_exist_in_debian():
    apt_cache = Path(shutil.which("apt-cache") or "/usr/bin/apt-cache")
    require_file(apt_cache, "apt-cache (Debian's package index)", "Debian, as scripts/test.sh")
    for package in ("chromium", "openjdk-17-jre-headless", "postgresql"):
        r = subprocess.run(
            ["apt-cache", "policy", package], capture_output=True, text=True, timeout=60
        )
        assert "Candidate:" in r.stdout and "Candidate: (none)" not in r.stdout, package
