"""`claimcorpus import brat` and `export brat` (issue 15): real commands on real files.

The fixtures under tests/fixtures/brat/good are hand-written: harbour (one gold .ann with a
discontinuous content, a doubled space normalization folds, a boilerplate line it removes,
an attribution without source, an ignored type and a note) and cafe (three annotators).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli, tree_digest

FIX = Path(__file__).parent / "fixtures" / "brat"
GOOD = FIX / "good"
MAP = ["--map", "Source=SOURCE,Cue=CUE,Content=CLAIM"]
REL = ["--relation", "Attribution,Attribution-no-source"]


def new_root(tmp: Path, scheme: Path | None = FIX / "scheme.yaml", name: str = "root") -> Path:
    root = tmp / name
    args = ["init", str(root)] + (["--scheme", str(scheme)] if scheme else [])
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    return root


def gold(root: Path, doc: str) -> dict:
    return json.loads((root / "annotations" / "gold" / f"{doc}.json").read_text())


def import_good(root: Path, *extra: str):
    return run_cli(
        "import", "brat", str(GOOD), *MAP, *REL, "--ignore", "Discuss", *extra, root=root
    )


def test_import_maps_offsets_onto_the_normalized_text_and_keeps_every_layer(tmp_path):
    root = new_root(tmp_path)
    r = import_good(root, "--adjudicate")
    assert r.returncode == 0, r.stderr
    text = json.loads((root / "corpus/docs/harbour.json").read_text())["normalized"]["text"]
    g = gold(root, "harbour")
    for s in g["spans"]:
        assert text[s["start"] : s["end"]] == s["text"]
    quote = next(s for s in g["spans"] if s["fragments"])
    # the hull holds the source and cue between the two pieces of the quote
    assert [text[a:b] for a, b in quote["fragments"]] == [
        '"We will not close the quay,"',
        '"and no jobs will go."',
    ]
    assert "Mara Lindqvist, the board's chair, told reporters" in quote["text"]
    # the raw text has a doubled space before "Mara": offsets after it moved by one
    raw = (GOOD / "harbour.txt").read_text()
    assert raw.index('"and no') == quote["fragments"][1][0] + 1
    unattributed = [a for a in g["attributions"] if a["unattributed"]]
    assert len(unattributed) == 1 and unattributed[0]["source"] is None
    assert {p.name for p in (root / "annotations/raw").iterdir()} == {"ann", "bo", "cy"}
    cafe = gold(root, "cafe")  # two of three annotators agree on the long content
    assert cafe["annotator"] == "adjudication"
    assert "the café could stay open until midnight" in [s["text"] for s in cafe["spans"]]
    log = json.loads((root / "annotations/adjudication/cafe.json").read_text())
    assert log["threshold"] == 2 and log["annotators"] == ["ann", "bo", "cy"]
    counts = json.loads((root / "annotations/import/brat.json").read_text())["counts"]
    assert counts["T lines of ignored type Discuss"] == 1
    assert counts["discontinuous CLAIM spans (hull)"] == 1
    assert run_cli("validate", root=root).returncode == 0


def write_pair(folder: Path, name: str, text: str, ann: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")


TEXT = "Officials said the bridge is safe.\n\nRead more: Bridges in brief\n\nEngineers doubt it.\n"
OK = "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\nT3\tContent 15 33\tthe bridge is safe\n"
OK += "T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
BAD = {
    "malformed": (OK + "oops\n", "bad.ann:6", "not a brat annotation line"),
    "past-end": ("T1\tSource 80 95\tx\n", "bad.ann:1", "ends past the text"),
    "text-mismatch": ("T1\tSource 0 9\tOfficers\n", "bad.ann:1", "differs from the .txt"),
    "unknown-type": (OK + "T5\tOpinion 15 33\tthe bridge is safe\n", "bad.ann:6", "'Opinion'"),
    "missing-t": (OK + "E2\tAttribution:T4 Content:T8\n", "bad.ann:6", "T8"),
    "removed-line": ("T1\tContent 47 64\tBridges in brief\n", "bad.ann:1", "normalization removed"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_named_and_changes_nothing(tmp_path, case):
    ann, where, words = BAD[case]
    folder = tmp_path / "in"
    write_pair(folder, "bad", TEXT, ann)
    root = new_root(tmp_path)
    before = tree_digest(root)
    r = run_cli("import", "brat", str(folder), *MAP, root=root)
    assert r.returncode == 1
    assert where in r.stderr and words in r.stderr, r.stderr
    assert "nothing was written" in r.stderr
    assert tree_digest(root) == before


def test_an_ann_without_its_txt_is_named(tmp_path):
    folder = tmp_path / "in"
    write_pair(folder, "good", TEXT, OK)
    (folder / "orphan_alice.ann").write_text(OK, encoding="utf-8")
    root = new_root(tmp_path)
    r = run_cli("import", "brat", str(folder), *MAP, root=root)
    assert (
        r.returncode == 1 and "orphan_alice.ann" in r.stderr and "no orphan_alice.txt" in r.stderr
    )
    assert not (root / "corpus" / "docs").exists()


def test_a_whole_import_is_all_or_nothing_unless_skip_invalid(tmp_path):
    folder = tmp_path / "in"
    write_pair(folder, "good", TEXT, OK)
    write_pair(folder, "bad1", TEXT, BAD["text-mismatch"][0])
    write_pair(folder, "bad2", TEXT, BAD["missing-t"][0])
    root = new_root(tmp_path)
    before = tree_digest(root)
    r = run_cli("import", "brat", str(folder), *MAP, root=root)
    assert r.returncode == 1 and "bad1.ann:1" in r.stderr and "bad2.ann:6" in r.stderr
    assert tree_digest(root) == before
    r = run_cli("import", "brat", str(folder), *MAP, "--skip-invalid", root=root)
    assert r.returncode == 0, r.stderr
    assert "skipped" in r.stderr and "bad1.ann" in r.stderr and "bad2.ann" in r.stderr
    assert sorted(p.stem for p in (root / "annotations" / "gold").iterdir()) == ["good"]
    log = json.loads((root / "annotations/import/brat.json").read_text())
    assert len([s for s in log["skipped"] if ".ann" in s]) == 2


def test_a_scheme_with_stance_refuses_attributions_without_one(tmp_path):
    root = new_root(tmp_path, scheme=None)  # the package's default scheme: stance required
    r = import_good(root)
    assert r.returncode == 1
    assert "'stance' is a required property" in r.stderr


def test_import_of_export_gives_the_same_annotations(tmp_path):
    first = new_root(tmp_path, name="first")
    assert import_good(first, "--adjudicate").returncode == 0
    r = run_cli("build", "--version", "1.0.0", root=first)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "exported"
    r = run_cli("export", "brat", "--release", str(first / "releases/1.0.0"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    second = new_root(tmp_path, name="second")
    r = run_cli("import", "brat", str(out), *MAP, "--annotator", "brat", root=second)
    assert r.returncode == 0, r.stderr
    for doc in ("harbour", "cafe"):
        a, b = gold(first, doc), gold(second, doc)
        assert (a["text_sha256"], a["spans"], a["attributions"]) == (
            b["text_sha256"],
            b["spans"],
            b["attributions"],
        )


def _keyed(record: dict) -> tuple[set, set]:
    by_id = {s["id"]: s for s in record["spans"]}

    def key(sid):
        s = by_id.get(sid)
        return (s["label"], s["start"], s["end"]) if s else None

    spans = {
        (s["label"], s["start"], s["end"], s["text"], s.get("topic_stance"), s.get("cluster"))
        + (key(s.get("antecedent")),)
        for s in record["spans"]
    }
    atts = {
        (key(a["claim"]), key(a.get("source")), key(a.get("cue")), a["stance"], a["source_type"])
        + (a["anonymous_source"], a["unattributed"])
        for a in record["attributions"]
    }
    return spans, atts


def test_the_seeds_survive_export_and_import_with_every_field(tmp_path):
    out = tmp_path / "seeds-brat"
    r = run_cli("export", "brat", "--release", str(REPO / "releases/1.0.0"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    root = tmp_path / "seeds"
    root.mkdir()
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copy(REPO / "annotations/clusters.yaml", tmp_path / "clusters.yaml")
    (root / "annotations").mkdir()
    shutil.copy(tmp_path / "clusters.yaml", root / "annotations/clusters.yaml")
    r = run_cli("import", "brat", str(out), *MAP, root=root)
    assert r.returncode == 0, r.stderr
    for path in sorted((REPO / "annotations/gold").glob("*.json")):
        want = json.loads(path.read_text())
        got = gold(root, path.stem)
        assert got["text_sha256"] == want["text_sha256"]
        assert _keyed(got) == _keyed(want)
