"""Running from another folder: commands find their project by walking up, like git.

Every command is run by the real entry point in a subprocess whose working folder is the
point of the test (a project's subfolder, a nested project, a folder outside any project).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, tree_digest

from claimcorpus.cli import COMMANDS, PROJECT_FREE
from claimcorpus.core.project import find_root

RELEASE = REPO / "releases" / "1.0.0"
ARTICLE = "Officials said China supplied the parts to Russia last year.\n"

# Arguments that make each command need its project (all of them parse).
NEEDS_PROJECT = {
    "ingest": ["article.txt"],
    "import": ["brat", "articles", "--map", "Source=SOURCE,Cue=CUE,Content=CLAIM"],
    "normalize": [],
    "index": ["--check"],
    "anchor": ["sheet.yaml"],
    "build": ["--version", "9.9.9"],
    "validate": [],
    "schema": ["--check"],
    "ls": ["config"],
    "agreement": ["--no-gamma"],
    "adjudicate": [],
    "diff": ["1.0.0", "1.0.0"],
    "view": ["--release", str(RELEASE)],
    "predictions": ["import", "p.jsonl", "--model", "m"],
    "predict": ["--model", "m", "--release", str(RELEASE)],  # the layer needs a project
    "stats": [],
}
LS_ACTIONS = [["serve", "--status"], ["push"], ["pull", "--dry-run"], ["review"]]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real `claimcorpus` entry point, run from ``cwd`` (no --root unless given)."""
    cmd = [sys.executable, "-m", "claimcorpus.cli", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """An empty folder with no project at or above it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert find_root(folder) is None
    return folder


def _copy_project(dest: Path) -> Path:
    for part in ("schema", "corpus", "annotations"):
        shutil.copytree(REPO / part, dest / part)
    return dest


def test_every_command_is_classified_and_tested():
    assert set(NEEDS_PROJECT) | PROJECT_FREE == set(COMMANDS)


def test_a_command_run_in_a_subfolder_works_on_its_project(project: Path, tmp_path: Path):
    article = tmp_path / "new_article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    here = project / "annotations" / "gold"
    before = tree_digest(here)
    r = cli("ingest", str(article), cwd=here)
    assert r.returncode == 0, r.stderr
    assert (project / "corpus/docs/new_article.json").exists()
    assert tree_digest(here) == before  # no stray corpus/ in the folder the user was in
    assert cli("validate", cwd=project / "corpus" / "raw").returncode == 0
    gold = project / "annotations/gold/000_e24865ecb7649ad0.json"
    gold.write_text(gold.read_text(encoding="utf-8").replace('"China"', '"Chine"', 1), "utf-8")
    v = cli("validate", cwd=project / "corpus" / "raw")  # it checks this copy, not another
    assert v.returncode == 1 and "span-text-mismatch" in v.stdout, v.stdout + v.stderr


def test_the_nearest_project_wins_and_root_overrides_it(tmp_path: Path):
    outer = _copy_project(tmp_path / "outer")
    inner = tmp_path / "outer" / "work" / "inner"
    (inner / "corpus").mkdir(parents=True)
    shutil.copytree(REPO / "schema", inner / "schema")
    article = tmp_path / "nested.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    r = cli("ingest", str(article), cwd=inner / "corpus")
    assert r.returncode == 0, r.stderr
    assert (inner / "corpus/docs/nested.json").exists()
    assert not (outer / "corpus/docs/nested.json").exists()
    r = cli("--root", str(outer), "ingest", str(article), cwd=inner)
    assert r.returncode == 0, r.stderr
    assert (outer / "corpus/docs/nested.json").exists()


def _assert_no_project(r: subprocess.CompletedProcess, where: Path) -> None:
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert f"no claimcorpus project found in {where.resolve()}" in lines[0]
    assert "--root PATH" in lines[0]
    assert "Traceback" not in r.stderr and "ingest" not in lines[0]


@pytest.mark.parametrize("command", sorted(NEEDS_PROJECT))
def test_outside_a_project_a_command_says_so_in_one_line(outside: Path, command: str):
    (outside / "article.txt").write_text(ARTICLE, encoding="utf-8")
    before = tree_digest(outside)
    r = cli(command, *NEEDS_PROJECT[command], cwd=outside)
    _assert_no_project(r, outside)
    assert tree_digest(outside) == before and not r.stdout


@pytest.mark.parametrize("action", LS_ACTIONS, ids=lambda a: a[0])
def test_outside_a_project_every_ls_action_says_so(outside: Path, action: list[str]):
    _assert_no_project(cli("ls", *action, cwd=outside), outside)
    assert list(outside.iterdir()) == []  # no .ls/ data folder either


def test_root_that_is_not_a_project_is_named(outside: Path):
    r = cli("--root", str(outside), "schema", cwd=outside)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"claimcorpus: --root {outside} is not a claimcorpus project: it has no schema/scheme.yaml"
    ]


def test_commands_on_given_files_work_outside_a_project(outside: Path, offline_hf: Path):
    empty = outside / "predictions.jsonl"
    empty.write_text("", encoding="utf-8")
    runs = {
        "help": ["--help"],
        "evaluate": ["evaluate", "--predictions", str(empty), "--release", str(RELEASE)],
        "validate": ["validate", "--release", str(RELEASE)],
        "diff": ["diff", str(RELEASE), str(RELEASE)],
        "stats": ["stats", "--release", str(RELEASE)],
    }
    for name, args in runs.items():
        r = cli(*args, cwd=outside)
        assert r.returncode == 0, (name, r.stderr)
        assert "Traceback" not in r.stderr and "no claimcorpus project" not in r.stderr
    assert "0 errors" in cli(*runs["validate"], cwd=outside).stderr
    assert "no differences" in cli(*runs["diff"], cwd=outside).stdout
    assert sorted(p.name for p in outside.iterdir()) == ["predictions.jsonl"]


def test_the_root_found_is_relative_to_where_the_user_is(project: Path):
    assert find_root(project) == Path(".")
    assert find_root(project / "corpus" / "raw") == Path("../..")
