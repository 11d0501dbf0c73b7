"""Documents that quote generated numbers must match what the commands print today."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import LATEST, LATEST_RELEASE, REPO, run_cli

RELEASE = LATEST_RELEASE


def _block(text: str, start: str, end: str) -> str:
    """The text between one pair of markers; missing markers or an empty block fail here,
    so a comparison of two blocks can never pass on two empty strings."""
    assert text.count(start) == 1 and text.count(end) == 1, f"want one {start} ... {end}"
    block = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert re.search(r"^\| ?-{3}", block, re.M), f"no markdown table between {start} and {end}"
    return block


def test_readme_baseline_table_is_what_the_baseline_command_prints():
    r = run_cli("baseline", "--release", str(RELEASE), "--bootstrap", "0")
    assert r.returncode == 0, r.stderr
    readme = (REPO / "README.md").read_text()
    table = _block(readme, "<!-- baselines:start -->", "<!-- baselines:end -->")
    assert table and table in r.stdout


def test_release_card_carries_the_readme_results_of_its_corpus():
    card = _block(
        (RELEASE / "README.md").read_text(), "<!-- results:start -->", "<!-- results:end -->"
    )
    readme = _block(
        (REPO / "README.md").read_text(), "<!-- results:start -->", "<!-- results:end -->"
    )
    rows = [line for line in card.splitlines() if line.startswith(("| trivial |", "| rules"))]
    assert len(rows) >= 2 and all(row in readme.splitlines() for row in rows)


def test_committed_release_rebuilds_identically(tmp_path: Path):
    root = tmp_path / "p"
    for part in ("schema", "corpus", "annotations", "releases"):
        shutil.copytree(REPO / part, root / part)
    r = run_cli("build", "--version", LATEST, root=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("identical")


def test_datasheet_numbers_are_regenerated_not_typed(tmp_path: Path):
    sheet = tmp_path / "DATASHEET.md"
    shutil.copy(REPO / "DATASHEET.md", sheet)
    figures = tmp_path / "docs" / "figures"
    r = run_cli("stats", "--datasheet", str(sheet), "--figures", str(figures), root=REPO)
    assert r.returncode == 0, r.stderr
    marks = ("<!-- BEGIN generated: stats -->", "<!-- END generated: stats -->")
    fresh = _block(sheet.read_text(), *marks)
    committed = _block((REPO / "DATASHEET.md").read_text(), *marks)
    # tables and figure links alike: the committed block is exactly what stats writes
    assert fresh == committed
    assert sorted(p.name for p in figures.glob("*.png")) == sorted(
        p.name for p in (REPO / "docs" / "figures").glob("*.png")
    )


def test_changelog_has_an_entry_for_every_release():
    changelog = (REPO / "CHANGELOG.md").read_text()
    for folder in (REPO / "releases").iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            assert f"## [{folder.name}]" in changelog
