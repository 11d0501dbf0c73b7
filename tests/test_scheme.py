"""The scheme is declared once; JSON Schema, Features and the CLI agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli

from claimcorpus.cli import COMMANDS
from claimcorpus.core.scheme import annotation_json_schema, features, load_scheme


def test_derived_json_schema_file_is_up_to_date():
    r = run_cli("schema", "--check", root=REPO)
    assert r.returncode == 0, r.stdout


def test_features_and_json_schema_follow_the_yaml(project: Path):
    path = project / "schema/scheme.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["stances"].append({"name": "hedge", "description": "test"})
    path.write_text(yaml.safe_dump(raw))
    scheme = load_scheme(project)
    assert scheme.stances[-1] == "hedge"
    assert (
        "hedge"
        in annotation_json_schema(scheme)["properties"]["attributions"]["items"]["properties"][
            "stance"
        ]["enum"]
    )
    assert features(scheme, "claims")["stance"].names[-1] == "hedge"
    r = run_cli("schema", "--check", root=project)
    assert r.returncode == 1 and "stale" in r.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_subcommand_has_help(command: str):
    r = run_cli(command, "--help")
    assert r.returncode == 0, r.stderr
    assert "usage: claimcorpus" in r.stdout
