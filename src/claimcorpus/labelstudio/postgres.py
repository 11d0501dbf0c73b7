"""A private PostgreSQL cluster for Label Studio: ``claimcorpus ls serve --database postgresql``.

Why: SQLite serialises every write, which a team of annotators submitting at once feels;
Label Studio supports PostgreSQL through ``DJANGO_DB=default`` and ``POSTGRE_*`` variables.
Debian's ``postgresql`` package (``scripts/install_system_packages.sh``) gives the binaries;
the cluster lives in the project's data dir (``<data-dir>/postgresql``), listens on
127.0.0.1 only, is made by ``initdb`` on first use and started and stopped with ``pg_ctl``
alongside the server. PostgreSQL refuses to run as root: as root, its commands run as the
``postgres`` system user the Debian package creates (``runuser``), which then owns the
cluster folder. The password comes from the environment (``CLAIMCORPUS_PG_PASSWORD``); it is
given to ``initdb`` through a 0600 file removed right after, never kept on disk.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_PASSWORD = "CLAIMCORPUS_PG_PASSWORD"
ENV_USER = "CLAIMCORPUS_PG_USER"
DEFAULT_USER = "labelstudio"
DATABASE = "labelstudio"
DEFAULT_PG_PORT = 5433
FOLDER = "postgresql"
SETTINGS = "claimcorpus-database.json"  # in the data dir: name, user, host, port; no password
RUN_AS = "postgres"  # the Debian package's system user, when we are root
INSTALL_HINT = "install Debian's PostgreSQL with: bash scripts/install_system_packages.sh"


class PostgresError(RuntimeError):
    """The cluster could not be made, started or stopped; the message says what to do."""


def bindir() -> Path:
    """Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<major>/bin, off the PATH."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[4]))
    if not dirs:
        raise PostgresError(f"PostgreSQL (initdb, pg_ctl) is not installed; {INSTALL_HINT}")
    return Path(dirs[-1])


@dataclass(frozen=True)
class Cluster:
    """One private cluster: folder, port, superuser and its password."""

    path: Path
    port: int
    user: str
    password: str

    def env(self) -> dict[str, str]:
        """What Label Studio needs to use it."""
        return {
            "DJANGO_DB": "default",
            "POSTGRE_NAME": DATABASE,
            "POSTGRE_USER": self.user,
            "POSTGRE_PASSWORD": self.password,
            "POSTGRE_HOST": "127.0.0.1",
            "POSTGRE_PORT": str(self.port),
        }

    @property
    def log(self) -> Path:
        return self.path.parent / "postgresql.log"

    def _run(self, tool: str, *args: str, timeout: float = 120) -> str:
        cmd = [str(bindir() / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", RUN_AS, "--", *cmd]
        env = {**os.environ, "PGPASSWORD": self.password}
        r = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        if r.returncode != 0:
            raise PostgresError(f"{tool} failed ({r.returncode}): {(r.stderr or r.stdout)[-1500:]}")
        return r.stdout

    def running(self) -> bool:
        try:
            self._run("pg_ctl", "-D", str(self.path), "status")
        except PostgresError:
            return False
        return True

    def init(self) -> bool:
        """Make the cluster if it does not exist yet; True when it was made now."""
        if (self.path / "PG_VERSION").exists():
            return False
        self.path.mkdir(parents=True, exist_ok=True)
        self.path.chmod(0o700)
        with tempfile.NamedTemporaryFile("w", prefix="pw", dir=self.path.parent) as pw:
            os.chmod(pw.name, 0o600)
            pw.write(self.password + "\n")
            pw.flush()
            if os.geteuid() == 0:
                shutil.chown(self.path, RUN_AS)
                shutil.chown(pw.name, RUN_AS)
            self._run(
                "initdb",
                "-D",
                str(self.path),
                "-U",
                self.user,
                f"--pwfile={pw.name}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
            )
        return True

    def start(self) -> None:
        """Start on 127.0.0.1:port (socket in the cluster folder); make the database once."""
        if os.geteuid() == 0 and self.log.exists():
            shutil.chown(self.log, RUN_AS)
        elif os.geteuid() == 0:
            self.log.touch()
            shutil.chown(self.log, RUN_AS)
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.path}"
        if not self.running():  # still up after a crash of Label Studio alone: reuse it
            self._run(
                "pg_ctl", "-D", str(self.path), "-o", opts, "-l", str(self.log), "-w", "start"
            )
        dbs = self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", "postgres",
            "-Atc", "SELECT datname FROM pg_database",
        )  # fmt: skip
        if DATABASE not in dbs.split():
            self._run(
                "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, DATABASE
            )

    def remember(self) -> None:
        """Record (without the password) that this data dir's server runs on PostgreSQL, so
        every later `label-studio` command on it (reset_password, user) uses the same DB."""
        env = {k: v for k, v in self.env().items() if k != "POSTGRE_PASSWORD"}
        (self.path.parent / SETTINGS).write_text(json.dumps(env, indent=2) + "\n")

    def stop(self) -> None:
        if self.running():
            self._run("pg_ctl", "-D", str(self.path), "-m", "fast", "-w", "stop")


def cluster(data_dir: str | Path, port: int = DEFAULT_PG_PORT) -> Cluster:
    """The cluster of a server data dir, with credentials from the environment."""
    password = os.environ.get(ENV_PASSWORD)
    if not password:
        raise PostgresError(
            f"set {ENV_PASSWORD} (and optionally {ENV_USER}, default {DEFAULT_USER}) in the "
            "environment for --database postgresql; it is never written to the repository"
        )
    user = os.environ.get(ENV_USER) or DEFAULT_USER
    return Cluster(Path(data_dir).resolve() / FOLDER, port, user, password)


def db_env(data_dir: str | Path) -> dict[str, str]:
    """The DJANGO_DB/POSTGRE_* variables of a data dir that uses PostgreSQL, else {}."""
    path = Path(data_dir) / SETTINGS
    if not path.exists():
        return {}
    env = json.loads(path.read_text())
    password = os.environ.get(ENV_PASSWORD)
    if not password:
        raise PostgresError(f"{data_dir} uses PostgreSQL ({path}); set {ENV_PASSWORD} to reach it")
    return {**env, "POSTGRE_PASSWORD": password}
