"""The labeling config is derived from schema/scheme.yaml (no server needed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import yaml
from conftest import run_cli

from claimcorpus.core.scheme import load_scheme
from claimcorpus.labelstudio.config import expert_instruction, label_config
from claimcorpus.labelstudio.server import INSTALL_HINT, ServerError, ls_executable, mask


def _values(xml: str, tag: str, parent: str | None = None) -> list[str]:
    root = ET.fromstring(xml)
    scope = root if parent is None else next(e for e in root.iter() if e.get("name") == parent)
    return [e.get("value") for e in scope.iter(tag)]


def test_config_values_equal_the_scheme(project: Path):
    scheme = load_scheme(project)
    xml = label_config(scheme)
    assert _values(xml, "Label") == scheme.span_labels
    assert _values(xml, "Relation") == scheme.stances
    assert _values(xml, "Choice", "topic_stance") == scheme.topic_stances
    assert _values(xml, "Choice", "source_type") == scheme.source_types
    colours = {e.get("value"): e.get("background") for e in ET.fromstring(xml).iter("Label")}
    assert colours == scheme.colors
    assert scheme.target["statement"] in xml


def test_changing_the_scheme_changes_the_config(project: Path):
    path = project / "schema" / "scheme.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["span_labels"].append({"name": "EVIDENCE", "color": "#123456", "description": "x"})
    raw["source_types"].append({"name": "court", "description": "a court"})
    path.write_text(yaml.safe_dump(raw))
    xml = label_config(load_scheme(project))
    assert _values(xml, "Label")[-1] == "EVIDENCE"
    assert 'background="#123456"' in xml
    assert _values(xml, "Choice", "source_type")[-1] == "court"


def test_cli_prints_the_config_and_the_review_variant(project: Path):
    r = run_cli("ls", "config", root=project)
    assert r.returncode == 0, r.stderr
    assert r.stdout == label_config(load_scheme(project))
    review = run_cli("ls", "config", "--review", root=project)
    assert '<Text name="review_note" value="$review_note"/>' in review.stdout
    assert "review_note" not in r.stdout


def test_guidelines_become_the_instruction_escaped(project: Path):
    from html import escape

    text = (project / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")
    assert expert_instruction(project) == f"<pre>{escape(text)}</pre>"
    (project / "annotations" / "GUIDELINES.md").write_text("a <b> & c")
    assert expert_instruction(project) == "<pre>a &lt;b&gt; &amp; c</pre>"


def test_token_mask_and_missing_venv_message(tmp_path: Path):
    assert mask("abcdef0123456789") == "abcd…(16 chars)" and mask(None) == "<unset>"
    try:
        ls_executable(tmp_path / "nope")
    except ServerError as exc:
        assert INSTALL_HINT in str(exc) and str(tmp_path / "nope") in str(exc)
    else:
        raise AssertionError("expected ServerError")


def test_serve_without_credentials_says_which_variables(project: Path, monkeypatch):
    for k in ("CLAIMCORPUS_LS_USERNAME", "CLAIMCORPUS_LS_PASSWORD", "CLAIMCORPUS_LS_TOKEN"):
        monkeypatch.delenv(k, raising=False)
    r = run_cli("ls", "serve", "--background", "--data-dir", str(project / "lsdata"), root=project)
    assert r.returncode == 2
    assert "CLAIMCORPUS_LS_PASSWORD" in r.stderr and "CLAIMCORPUS_LS_TOKEN" in r.stderr


def test_install_script_is_idempotent():
    import subprocess

    venv = Path(__file__).resolve().parents[1] / ".ls" / "venv"
    if not (venv / "bin" / "label-studio").exists():
        import pytest

        pytest.skip("no .ls/venv here; scripts/install_labelstudio.sh creates it")
    script = Path(__file__).resolve().parents[1] / "scripts" / "install_labelstudio.sh"
    r = subprocess.run(["bash", str(script), str(venv)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "label-studio 1.23.2 already installed" in r.stdout
