"""Shared fixtures: a temporary copy of the project, offline Hugging Face settings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
if not SEEDS.exists():  # the project's own verbatim copies
    SEEDS = REPO / "corpus" / "raw"


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


# The one Label Studio server per test session (started on first use by the tests that need it).
from ls_fixtures import *  # noqa: E402, F401, F403
