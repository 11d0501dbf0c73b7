"""Layers per Label Studio project on disk (no server): annotations/raw/<project>/<annotator>/
is found by validate, agreement and adjudicate; old-layout layers migrate; folders never mix."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from conftest import run_cli, tree_digest
from ls_helpers import span_keys, with_new_claim

from claimcorpus.annotations import list_layers, load_layer, resolve_layer, write_record
from claimcorpus.corpus import load_documents
from claimcorpus.labelstudio.layers import LayoutError, check_folder, mark_folder, project_folder


def _raw(record: dict, who: str) -> dict:
    return {**copy.deepcopy(record), "layer": "raw", "annotator": who}


@pytest.fixture()
def gold(project: Path) -> dict[str, dict]:
    return load_layer(project, "gold")


def _project_layer(root: Path, title: str, who: str, records: list[dict]) -> str:
    folder = project_folder(title)
    mark_folder(root, title, folder)
    layer = f"raw/{folder}/{who}"
    for rec in records:
        write_record(root, layer, _raw(rec, who))
    return layer


def test_validate_checks_project_layers(project: Path, gold: dict):
    doc = sorted(gold)[0]
    bad = _raw(gold[doc], "alice")
    bad["spans"][0]["text"] = "not the text"
    _project_layer(project, "Round 2", "alice", [])
    write_record(project, "raw/Round-2/alice", bad)
    assert list_layers(project) == ["raw/Round-2/alice"]
    r = run_cli("validate", root=project)
    assert r.returncode == 1
    assert f"annotations/raw/Round-2/alice/{doc}.json doc={doc}" in r.stdout
    assert "span-text-mismatch" in r.stdout


def test_one_annotator_in_two_projects_is_two_layers(project: Path, gold: dict):
    doc = sorted(gold)[0]
    a = _project_layer(project, "main", "alice", [gold[doc]])
    b = _project_layer(project, "main review", "alice", [gold[doc]])
    assert list_layers(project) == [a, b] == ["raw/main/alice", "raw/main-review/alice"]
    with pytest.raises(ValueError, match="several projects"):
        resolve_layer(project, "alice")
    r = run_cli("agreement", "--layers", "alice", "gold", "--no-gamma", root=project)
    assert r.returncode == 1 and "name one of them" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("agreement", *["--layers", a, b, "--no-gamma"], root=project)
    assert r.returncode == 0, r.stderr
    assert f"{a} vs {b}: 1 shared document(s)" in r.stdout


def test_adjudicate_finds_project_layers_and_the_adjudicator_by_name(project: Path, gold: dict):
    texts = {d["doc_id"]: d["text"] for d in load_documents(project)}
    merged, judged = sorted(gold)[:2]
    grown = {d: with_new_claim(gold[d], texts[d]) for d in (merged, judged)}
    _project_layer(project, "main", "alice", [grown[merged], gold[judged]])
    _project_layer(project, "main", "bob", [grown[merged], gold[judged]])
    _project_layer(project, "main review", "carol", [grown[judged]])
    assert resolve_layer(project, "carol") == "raw/main-review/carol"
    r = run_cli("adjudicate", "--adjudicator", "carol", "--overwrite", root=project)
    assert r.returncode == 0, r.stderr
    out = load_layer(project, "gold")
    for d in (merged, judged):  # alice and bob agree on merged; carol decides judged
        assert span_keys(out[d]) == span_keys(grown[d]) != span_keys(gold[d]), d


def test_migrate_moves_old_layout_layers_into_the_project_folder(project: Path, gold: dict):
    docs = sorted(gold)[:2]
    for d in docs:
        write_record(project, "raw/alice", _raw(gold[d], "alice"))
    before = {d: (project / f"annotations/raw/alice/{d}.json").read_bytes() for d in docs}
    r = run_cli("ls", "migrate", "--project", "Round 2", root=project)
    assert r.returncode == 0, r.stderr
    assert "moved 2 record(s) of alice into annotations/raw/Round-2/" in r.stdout
    assert not (project / "annotations/raw/alice").exists()
    for d in docs:
        assert (project / f"annotations/raw/Round-2/alice/{d}.json").read_bytes() == before[d]
    marker = yaml.safe_load((project / "annotations/raw/Round-2/project.yaml").read_text())
    assert marker == {"title": "Round 2"}
    assert list_layers(project) == ["raw/Round-2/alice"]
    assert run_cli("validate", root=project).returncode == 0


def test_migrate_refuses_to_overwrite_and_moves_nothing(project: Path, gold: dict):
    d = sorted(gold)[0]
    write_record(project, "raw/alice", _raw(gold[d], "alice"))
    write_record(project, "raw/bob", _raw(gold[d], "bob"))
    _project_layer(project, "main", "bob", [gold[d]])
    before = tree_digest(project / "annotations")
    r = run_cli("ls", "migrate", "--project", "main", root=project)
    assert r.returncode == 1
    assert "1 record(s) already exist" in r.stderr and "nothing moved" in r.stderr
    assert tree_digest(project / "annotations") == before
    r = run_cli("ls", "migrate", "--project", "main", "--layer", "carol", root=project)
    assert r.returncode == 1 and "no layer in the old layout named ['carol']" in r.stderr
    r = run_cli("ls", "migrate", "--project", "main", "--layer", "alice", root=project)
    assert r.returncode == 0, r.stderr
    assert sorted(list_layers(project)) == ["raw/bob", "raw/main/alice", "raw/main/bob"]


def test_two_titles_never_share_a_folder(project: Path):
    mark_folder(project, "Round 2", project_folder("Round 2"))
    assert check_folder(project, "Round 2") == "Round-2"
    with pytest.raises(LayoutError, match="holds the layers of project 'Round 2'"):
        check_folder(project, "Round/2")
    with pytest.raises(LayoutError, match="no usable folder name"):
        project_folder("..")


def test_an_old_layout_layer_is_never_taken_for_a_project_folder(project: Path, gold: dict):
    d = sorted(gold)[0]
    write_record(project, "raw/main", _raw(gold[d], "main"))  # an annotator called "main"
    with pytest.raises(LayoutError, match="old layout"):
        check_folder(project, "main")
    r = run_cli("ls", "migrate", "--project", "main", root=project)
    assert r.returncode == 0, r.stderr
    assert list_layers(project) == ["raw/main/main"]
    assert check_folder(project, "main") == "main"
