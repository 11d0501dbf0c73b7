"""Shared fixtures: a temporary copy of the project, offline Hugging Face settings, and
``require``, the one way a test may skip."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
# the newest committed release: what a build of the committed project gives today, byte for
# byte (older releases were written by older code and stay as they were)
_VERSIONS = (
    [p.name for p in (REPO / "releases").iterdir() if p.is_dir() and p.name[0].isdigit()]
    if (REPO / "releases").is_dir()  # a partial copy of the repository (test_ingest) has none
    else ["0.0.0"]
)
LATEST = max(_VERSIONS, key=lambda v: tuple(int(x) for x in v.split(".")))
_MAJOR, _MINOR, _ = (int(x) for x in LATEST.split("."))
NEXT = f"{_MAJOR}.{_MINOR + 1}.0"  # the version a test builds as the project's next release
LATEST_RELEASE = REPO / "releases" / LATEST


def previous_releases(into: Path) -> Path:
    """Copy the releases before ``LATEST`` into ``into`` (a releases folder), so a build of
    ``LATEST`` there keeps their splits as the committed one did; returns ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    for name in _VERSIONS:
        if name != LATEST:
            shutil.copytree(REPO / "releases" / name, into / name)
    return into


def every_release(into: Path) -> Path:
    """Copy every committed release into ``into`` (a releases folder); returns ``into``."""
    previous_releases(into)
    shutil.copytree(LATEST_RELEASE, into / LATEST)
    return into


SEEDS = REPO.parent / "shared" / "seeds"
if not SEEDS.exists():  # the project's own verbatim copies
    SEEDS = REPO / "corpus" / "raw"
TEST_EXTRAS = "pip install -e '.[test]' (scripts/test.sh installs everything)"


def missing(what: str, install: str = TEST_EXTRAS) -> NoReturn:
    """Skip for a dependency the test extras declare, but fail under CI (``CI`` set):
    CI installs them all, so a skip there would hide a test that never ran."""
    msg = f"{what} is missing; install it with: {install}"
    if os.environ.get("CI"):
        pytest.fail(f"{msg} (CI is set: a missing test dependency fails)", pytrace=False)
    pytest.skip(msg, allow_module_level=True)


def require(module: str, install: str = TEST_EXTRAS) -> ModuleType:
    """The imported ``module`` (a declared test dependency), else :func:`missing`.

    Never for the package's own modules: a claimcorpus module that cannot import is a bug
    that must fail, not a reason to skip."""
    if module.split(".")[0] == "claimcorpus":
        raise ValueError(f"require({module!r}): the package's own modules are never skipped")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing(f"{module} ({exc})", install)


def require_file(path: Path, what: str, install: str) -> Path:
    """``path`` (a system program a test drives, e.g. Chromium), else :func:`missing`."""
    if not path.exists():
        missing(f"{what} at {path}", install)
    return path


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A throwaway copy of schema/, corpus/ and annotations/ (never the real ones)."""
    root = tmp_path / "project"
    root.mkdir()
    for part in ("schema", "corpus", "annotations"):
        shutil.copytree(REPO / part, root / part)
    return root


@pytest.fixture()
def offline_hf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HF_HOME with the Hub switched off, as a user with no network has."""
    home = tmp_path / "hf_home"
    home.mkdir()
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


def run_cli(*args: str, root: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `claimcorpus` entry point in a subprocess."""
    cmd = [sys.executable, "-m", "claimcorpus.cli"]
    if root is not None:
        cmd += ["--root", str(root)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=600)


def tree_digest(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under a folder, to prove a failed command changed nothing."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def stored(root: Path, doc_id: str, part: str | None = None):
    """A document's file in ``corpus/docs/``, or one part of it (meta, normalized, exclusions)."""
    import json

    rec = json.loads((root / "corpus" / "docs" / f"{doc_id}.json").read_text(encoding="utf-8"))
    return rec if part is None else rec[part]


def rewrite_stored(root: Path, doc_id: str, part: str, fn) -> Path:
    """Edit one part of a document's file in place (as a hand edit would); returns its path."""
    import json

    path = root / "corpus" / "docs" / f"{doc_id}.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    fn(rec[part])
    path.write_text(json.dumps(rec), encoding="utf-8")
    return path


# The one Label Studio server per test session (started on first use by the tests that need it).
from ls_fixtures import *  # noqa: E402, F401, F403
