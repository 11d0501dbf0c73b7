"""`claimcorpus build` into the project's releases/ adds the CHANGELOG section of the new
version (once, above the newest) and regenerates the DATASHEET's who-annotated-what block;
a build elsewhere (--releases-dir) or of an existing version touches neither."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import LATEST, NEXT, REPO, every_release, run_cli

from claimcorpus.report.release_notes import BEGIN, END, annotators_block


def _root(project: Path) -> Path:
    every_release(project / "releases")
    for name in ("CHANGELOG.md", "DATASHEET.md"):
        shutil.copy(REPO / name, project / name)
    return project


def test_build_adds_the_changelog_section_once(project: Path):
    root = _root(project)
    r = run_cli("build", "--version", NEXT, "--no-baselines", root=root)
    assert r.returncode == 0, r.stderr
    assert f"CHANGELOG.md: section [{NEXT}] added" in r.stdout
    text = (root / "CHANGELOG.md").read_text()
    assert text.count(f"## [{NEXT}]") == 1
    assert text.index(f"## [{NEXT}]") < text.index(f"## [{LATEST}]")
    assert "Counts: documents 5 → 5" in text
    again = run_cli("build", "--version", NEXT, "--no-baselines", root=root)
    assert again.returncode == 0 and "CHANGELOG.md" not in again.stdout
    assert (root / "CHANGELOG.md").read_text() == text


def test_build_elsewhere_leaves_the_notes_alone(project: Path, tmp_path: Path):
    root = _root(project)
    before = {n: (root / n).read_bytes() for n in ("CHANGELOG.md", "DATASHEET.md")}
    r = run_cli(
        "build",
        "--version",
        "1.2.0",
        "--no-baselines",
        "--releases-dir",
        str(tmp_path / "rel"),
        root=root,
    )
    assert r.returncode == 0, r.stderr
    assert {n: (root / n).read_bytes() for n in before} == before


def test_datasheet_block_names_who_made_the_gold(project: Path):
    block = annotators_block(project)
    assert "Gold for 5 documents: 5 hand-made." in block
    assert "| `000_e24865ecb7649ad0` | reader-a | - | - |" in block
    sheet = (REPO / "DATASHEET.md").read_text()
    assert sheet[sheet.index(BEGIN) + len(BEGIN) : sheet.index(END)].strip() == block
