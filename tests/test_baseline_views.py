"""Baseline tables on a real release: a split or view with no annotated document is n/a;
the card's results table counts annotated documents only."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from claimcorpus.pipeline import build_release


def test_a_view_without_annotated_documents_shows_n_a_everywhere(
    project: Path, tmp_path: Path, offline_hf: Path
):
    article = tmp_path / "gazette_001.txt"
    article.write_text(
        "Gazette reporters said the harbour in Tromsø reopened on Monday after repairs.\n",
        encoding="utf-8",
    )
    (tmp_path / "gazette_001.meta.json").write_text(json.dumps({"outlet": "Example Gazette"}))
    assert run_cli("ingest", str(article), root=project).returncode == 0
    folder, _ = build_release(project, "9.9.9", tmp_path / "releases")
    manifest = json.loads((folder / "splits.json").read_text())
    assert manifest["splits"]["outlet_example_gazette_test"] == ["gazette_001"]

    card = (folder / "README.md").read_text(encoding="utf-8")
    printed = run_cli("baseline", "--release", str(folder), "--bootstrap", "0")
    assert printed.returncode == 0, printed.stderr
    results = card.split("<!-- results:start -->")[1].split("<!-- results:end -->")[0]
    rules = [r for r in results.splitlines() if r.startswith("| rules | folds |")]
    assert rules and rules[0].startswith("| rules | folds | 5 |")  # the unannotated one is out
    for table in (printed.stdout,):
        for baseline in ("rules", "trivial"):
            (row,) = [
                line
                for line in table.splitlines()
                if line.startswith(f"| {baseline} | outlet_example_gazette_test |")
            ]
            cells = [c.strip() for c in row.strip("|").split("|")]
            assert cells[2] == "0"  # documents with gold
            assert cells[3:] == ["n/a"] * 4, row
        # every row with gold keeps its numbers; only rows without any say n/a
        rows = [r.strip("|").split("|") for r in table.splitlines() if r.startswith("| rules |")]
        assert len(rows) == len(manifest["splits"])
        for cells in rows:
            scored = [c.strip() != "n/a" for c in cells[3:]]
            assert scored == [cells[2].strip() != "0"] * 4, cells
