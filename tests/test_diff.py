"""claimcorpus diff: exactly the edits made between two releases, and a CHANGELOG section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from claimcorpus.ingest.command import ingest_file
from claimcorpus.release.build import build_release
from claimcorpus.release.diff import diff_releases, markdown

DOC = "003_d71ccc6e1581c31b"
ARTICLE = """Harbour authority opens new ferry terminal

The harbour authority said on Monday that the new ferry terminal would open in the spring after \
two years of construction work on the waterfront.

Officials told reporters that the terminal would handle twice as many passengers as the old \
building, which will be demolished later this year.

Local residents welcomed the plan but said parking near the quay remained a problem.
"""


@pytest.fixture()
def two_releases(project: Path, tmp_path: Path) -> tuple[Path, Path, dict]:
    """1.0.0, then 1.0.1 with claim c12 (and its attribution a12) removed, a8's stance changed
    and one new article ingested."""
    rels = tmp_path / "releases"
    a, _ = build_release(project, "1.0.0", rels)
    gold = project / "annotations/gold" / f"{DOC}.json"
    rec = json.loads(gold.read_text())
    rec["spans"] = [s for s in rec["spans"] if s["id"] != "c12"]
    rec["attributions"] = [x for x in rec["attributions"] if x["id"] != "a12"]
    a8 = next(x for x in rec["attributions"] if x["id"] == "a8")
    old = a8["stance"]
    a8["stance"] = "neutral" if old != "neutral" else "support"
    gold.write_text(json.dumps(rec))
    article = tmp_path / "zz_ferry_terminal.txt"
    article.write_text(ARTICLE)
    new_id, status = ingest_file(project, article)
    assert status == "added"
    b, _ = build_release(project, "1.0.1", rels)
    return a, b, {"new": new_id, "stance": [old, a8["stance"]]}


def _ids(items: list[dict]) -> list[tuple[str, str]]:
    return [(x["doc_id"], x["id"]) for x in items]


def _split(manifest: dict, doc: str) -> str:
    return next(p for p in ("train", "validation", "test") if doc in manifest[p])


def test_diff_reports_exactly_the_edits(two_releases):
    a, b, edit = two_releases
    d = diff_releases(a, b)
    docs = d["documents"]
    assert [x["doc_id"] for x in docs["added"]] == [edit["new"]]
    assert docs["added"][0]["spans"] == 0
    assert docs["removed"] == docs["text_changed"] == docs["newly_annotated"] == []
    assert _ids(d["spans"]["removed"]) == [(DOC, "c12")]
    assert d["spans"]["removed"][0]["label"] == "CLAIM"
    assert d["spans"]["added"] == d["spans"]["changed"] == []
    assert _ids(d["attributions"]["removed"]) == [(DOC, "a12")]
    assert d["attributions"]["added"] == []
    assert d["attributions"]["changed"] == [
        {"doc_id": DOC, "id": "a8", "fields": {"stance": edit["stance"]}}
    ]
    assert d["a"]["counts"]["spans"] - d["b"]["counts"]["spans"] == 1
    assert d["b"]["counts"]["documents"] == d["a"]["counts"]["documents"] + 1
    for config in ("documents", "claims", "tokens"):
        c = d["scheme"][config]
        assert not (c["columns_added"] or c["columns_removed"] or c["labels"] or c["type_changed"])
    # split moves are whatever the two manifests say (adding a story can re-deal others)
    sa, sb = (json.loads((r / "splits.json").read_text())["splits"] for r in (a, b))
    moved = [x for x in sorted(set().union(*sa.values())) if _split(sa, x) != _split(sb, x)]
    assert [m["doc_id"] for m in d["splits"]["moved"]] == moved


def test_markdown_section_and_cli(two_releases):
    a, b, edit = two_releases
    md = markdown(diff_releases(a, b))
    assert md.startswith("## [1.0.1]\n")
    assert f"stance {edit['stance'][0]} → {edit['stance'][1]}" in md
    assert f"### Added\n\n- document `{edit['new']}`" in md
    assert f"- span `c12` in `{DOC}` (CLAIM" in md
    r = run_cli("diff", "1.0.0", "1.0.1", "--releases-dir", str(a.parent), "--markdown")
    assert r.returncode == 0, r.stderr
    assert r.stdout == md
    r = run_cli("diff", "1.0.0", "1.0.1", "--releases-dir", str(a.parent), "--json")
    assert json.loads(r.stdout)["attributions"]["changed"][0]["id"] == "a8"
    first = run_cli("diff", "none", "1.0.0", "--releases-dir", str(a.parent))
    assert first.returncode == 0 and "documents 5," in first.stdout
    missing = run_cli("diff", "1.0.0", "7.7.7", "--releases-dir", str(a.parent))
    assert missing.returncode == 1 and "7.7.7" in missing.stderr


def test_scheme_label_changes_are_reported(project: Path, tmp_path: Path):
    a, _ = build_release(project, "1.0.0", tmp_path / "r")
    path = project / "schema/scheme.yaml"
    text = path.read_text()
    assert "  - name: neutral\n" in text
    extra = "  - name: sarcastic\n    description: Says it, means the opposite.\n"
    path.write_text(
        text.replace("scheme_version: 1.0.0", "scheme_version: 1.1.0").replace(
            "  - name: neutral\n", extra + "  - name: neutral\n", 1
        )
    )
    b, _ = build_release(project, "1.1.0", tmp_path / "r")
    d = diff_releases(a, b)
    assert d["scheme"]["version"] == ["1.0.0", "1.1.0"]
    assert d["scheme"]["claims"]["labels"] == {
        "stance": {"added": ["sarcastic"], "removed": [], "ids_changed": ["neutral"]}
    }
    assert list(d["scheme"]["documents"]["labels"]) == ["attributions[].stance"]
    # ids shifted (neutral 2 -> 3) but names did not: no attribution reported as changed
    assert d["attributions"]["changed"] == []
    md = markdown(d)
    assert "label `sarcastic` in `claims.stance`" in md and "scheme 1.0.0 → 1.1.0" in md
