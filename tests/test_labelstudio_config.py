"""The labeling config is derived from schema/scheme.yaml (no server needed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli
from ls_fixtures import LS_VENV, require_venv

from claimcorpus.core.scheme import load_scheme
from claimcorpus.labelstudio.config import label_config
from claimcorpus.labelstudio.guidelines import expert_instruction
from claimcorpus.labelstudio.server import INSTALL_HINT, ServerError, ls_executable, mask
from claimcorpus.labelstudio.suggestions import NONE, drop_panel_results, render


def _values(xml: str, tag: str, parent: str | None = None) -> list[str]:
    root = ET.fromstring(xml)
    scope = root if parent is None else next(e for e in root.iter() if e.get("name") == parent)
    return [e.get("value") for e in scope.iter(tag)]


def test_config_values_equal_the_scheme(project: Path):
    scheme = load_scheme(project)
    xml = label_config(scheme)
    # stance and topic stance folded into the labels: one variant per value, then the plain
    # bases (for regions without one, and older projects' annotations)
    assert _values(xml, "Label") == [
        *(f"CLAIM · {v}" for v in scheme.topic_stances),
        *(f"SOURCE · {v}" for v in scheme.stances),
        "CUE",
        "CLAIM",
        "SOURCE",
    ]
    assert _values(xml, "Relation") == scheme.stances
    assert _values(xml, "Choice", "source_type") == scheme.source_types
    names = {e.get("name") for e in ET.fromstring(xml).iter("Choices")}
    assert not names & {"stance", "topic_stance"}  # a second control could disagree
    colours = {e.get("value"): e.get("background") for e in ET.fromstring(xml).iter("Label")}
    assert colours == {v: scheme.colors[v.split(" · ")[0]] for v in colours}
    assert set(scheme.colors) == {v.split(" · ")[0] for v in colours}
    assert scheme.target["statement"] in xml


def test_changing_the_scheme_changes_the_config(project: Path):
    path = project / "schema" / "scheme.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["span_labels"].append({"name": "EVIDENCE", "color": "#123456", "description": "x"})
    raw["source_types"].append({"name": "court", "description": "a court"})
    path.write_text(yaml.safe_dump(raw))
    xml = label_config(load_scheme(project))
    assert _values(xml, "Label")[-3] == "EVIDENCE"  # before the plain CLAIM and SOURCE
    assert 'background="#123456"' in xml
    assert _values(xml, "Choice", "source_type")[-1] == "court"


def test_cli_prints_the_config_and_the_review_variant(project: Path):
    r = run_cli("ls", "config", root=project)
    assert r.returncode == 0, r.stderr
    assert r.stdout == label_config(load_scheme(project))
    review = run_cli("ls", "config", "--review", root=project)
    assert '<Text name="review_note" value="$review_note"/>' in review.stdout
    assert "review_note" not in r.stdout


def test_guidelines_become_formatted_html(project: Path):
    """Headings, tables and lists as HTML, not one raw <pre> block; raw HTML in the Markdown
    shows as text."""
    html = expert_instruction(project)
    assert not html.startswith("<pre>")
    assert html.count("<h2>") >= 5 and "<table>" in html and "<li>" in html
    assert "<code>CLAIM</code>" in html and "| label |" not in html
    root = ET.fromstring(f"<div>{html}</div>")  # well-formed: Label Studio stores it as given
    assert root.find("h1") is not None
    (project / "annotations" / "GUIDELINES.md").write_text("# T\n\na <b> & c\n")
    assert expert_instruction(project) == "<h1>T</h1>\n<p>a &lt;b&gt; &amp; c</p>\n"
    (project / "annotations" / "GUIDELINES.md").unlink()
    assert expert_instruction(project) == ""


def test_the_page_puts_stance_and_region_choices_beside_the_text(project: Path):
    """The stance is the SOURCE's label (one per region, so never two), per-region panels
    in a side column beside a scrollable text pane, shown for every variant of their label,
    required fields (from the scheme) marked."""
    scheme = load_scheme(project)
    root = ET.fromstring(label_config(scheme))
    assert root.find("Relations").get("choice") == "single"
    labels = root.find("Labels")
    assert labels.get("choice", "single") == "single"  # one label per region
    row = next(v for v in root.iter("View") if "display: flex" in (v.get("style") or ""))
    text_pane, panel = list(row)
    assert text_pane.find("Text").get("name") == "text"
    assert "overflow-y: auto" in text_pane.get("style")
    shown = {v.get("whenLabelValue"): v for v in panel.iter("View") if v.get("visibleWhen")}
    panels = {k.split(",")[-1]: v for k, v in shown.items()}
    assert {k: sorted(k.split(",")) for k in shown} == {
        k: sorted(x.get("value") for x in labels if x.get("value").startswith(k.split(",")[-1]))
        for k in shown
    }  # every variant of the label shows its panel (Label Studio splits at commas)
    assert set(panels) == {"SOURCE", "CLAIM"}
    assert all(v.get("visibleWhen") == "region-selected" for v in panels.values())
    names = {k: [c.get("name") for c in v.iter("Choices")] for k, v in panels.items()}
    assert names == {
        "SOURCE": ["source_type"],  # anonymous_source follows from source_type
        "CLAIM": ["claim_flags"],
    }
    # the scheme's non-null attribution fields are marked; Label Studio's required="true"
    # would refuse every CLAIM and CUE region (it ignores whenLabelValue), so none has it
    marked = [h.get("value") for h in panels["SOURCE"].iter("Header")]
    assert [h.endswith(" *") for h in marked] == [True]
    assert not [c for c in root.iter("Choices") if c.get("required")]


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
    require_venv()  # the venv the other Label Studio tests use ($CLAIMCORPUS_LS_VENV)
    script = REPO / "scripts" / "install_labelstudio.sh"
    r = subprocess.run(
        ["bash", str(script), str(LS_VENV)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert f"label-studio 1.23.2 already installed in {LS_VENV}" in r.stdout


NEEDS_VENV = [
    "tests/test_labelstudio_config.py::test_install_script_is_idempotent",
    "tests/test_labelstudio_faults.py::test_wrong_token_is_refused_and_never_printed",
]


@pytest.mark.parametrize("ci", [True, False])
def test_a_missing_label_studio_venv_fails_in_ci_and_skips_elsewhere(tmp_path: Path, ci: bool):
    """CI installs the venv, so there a missing one must fail the run, never pass as a skip."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CLAIMCORPUS_LS_VENV"] = str(tmp_path / "no-venv")
    if ci:
        env["CI"] = "true"
    cmd = [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *NEEDS_VENV]
    r = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    counts = {
        k.rstrip("s"): int(n) for n, k in re.findall(r"(\d+) ([a-z]+)", r.stdout.splitlines()[-1])
    }
    if ci:
        assert counts.get("failed", 0) + counts.get("error", 0) == len(NEEDS_VENV), r.stdout
        assert r.returncode == 1
    else:
        assert counts == {"skipped": len(NEEDS_VENV)} and r.returncode == 0, r.stdout
    assert "Label Studio venv missing at" in r.stdout and str(tmp_path / "no-venv") in r.stdout


def test_no_skip_on_the_package_own_modules():
    """A module of claimcorpus is always there: importorskip or find_spec on one only hides
    a broken import (the baseline predictions of `ls push` vanished that way)."""
    for path in sorted((REPO / "tests").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"importorskip\(\s*[\"']claimcorpus", text), path
    for path in sorted((REPO / "src" / "claimcorpus").rglob("*.py")):
        assert "find_spec(" not in path.read_text(encoding="utf-8"), path
    assert "baseline" in run_cli("ls", "push", "--help").stdout


def test_on_demand_adds_a_closed_suggestions_panel_only_when_asked(project: Path):
    scheme = load_scheme(project)
    assert "Collapse" not in label_config(scheme) and "$suggestions" not in label_config(scheme)
    root = ET.fromstring(label_config(scheme, suggestions=True))
    (collapse,) = root.iter("Collapse")
    (panel,) = collapse.iter("Panel")
    (ht,) = panel.iter("HyperText")
    assert panel.get("value").startswith("Model suggestions")
    assert (ht.get("name"), ht.get("value"), ht.get("selectionEnabled")) == (
        "suggestions",
        "$suggestions",
        "false",
    )
    controls = [e for e in root.iter() if e.get("toName") == ht.get("name")]
    assert controls == []  # nothing can label the panel, so it makes no result


def test_suggestions_list_attributions_in_document_order_escaped():
    span = {"antecedent": None, "cluster": None, "topic_stance": None}
    record = {
        "spans": [
            {**span, "id": "c2", "label": "CLAIM", "start": 50, "end": 60, "text": "late <b>"},
            {**span, "id": "s2", "label": "SOURCE", "start": 40, "end": 45, "text": "Ann"},
            {**span, "id": "c1", "label": "CLAIM", "start": 5, "end": 9, "text": "early"},
            {**span, "id": "s1", "label": "SOURCE", "start": 0, "end": 3, "text": "Bob"},
            {**span, "id": "q9", "label": "CUE", "start": 70, "end": 74, "text": "said"},
        ],
        "attributions": [
            {
                "id": "a2",
                "claim": "c2",
                "source": "s2",
                "cue": None,
                "stance": "refute",
                "source_type": "person",
                "unattributed": False,
            },
            {
                "id": "a1",
                "claim": "c1",
                "source": "s1",
                "cue": None,
                "stance": "support",
                "source_type": "government",
                "unattributed": False,
            },
        ],
    }
    html = render(record, "gold-1")
    assert html.index("early") < html.index("late")
    assert "late &lt;b&gt;" in html and "refute" in html and "gold-1" in html
    assert "Spans in no attribution" in html and "said" in html.split("Spans in no")[1]
    assert render(None, "gold-1") == NONE


def test_pull_drops_anything_aimed_at_the_panel():
    mine = {"from_name": "span", "to_name": "text", "type": "labels", "id": "r1"}
    panel = {"from_name": "x", "to_name": "suggestions", "type": "labels", "id": "r2"}
    assert drop_panel_results([mine, panel]) == [mine]
