"""A project pushed with the config before folded labels (plain CLAIM/SOURCE/CUE labels,
``stance`` and ``topic_stance`` radios per region), on the real server: its annotations
still pull into the same record, and pushing the new config to it is refused by Label
Studio with the push naming why, so its page and annotations stay as they were."""

from __future__ import annotations

import copy

import pytest
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import annotate, project_id, tasks_by_doc

from claimcorpus.core.layers import load_layer
from claimcorpus.labelstudio.convert import record_to_results

pytestmark = pytest.mark.labelstudio
DOC = "004_1ff1f6d6f0abe8ba"

# the shape of the earlier generated config, written here by hand (its controls and labels)
OLD_CONFIG = """<View>
  <Header value="$doc_id" size="5"/>
  <Relations choice="single">
    <Relation value="support"/><Relation value="refute"/><Relation value="neutral"/>
  </Relations>
  <Labels name="span" toName="text" showInline="true">
    <Label value="CLAIM" background="#f4b400"/>
    <Label value="SOURCE" background="#4285f4"/>
    <Label value="CUE" background="#0f9d58"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="stance" toName="text" perRegion="true" choice="single-radio">
    <Choice value="support"/><Choice value="refute"/><Choice value="neutral"/>
  </Choices>
  <Choices name="topic_stance" toName="text" perRegion="true" choice="single-radio">
    <Choice value="favor"/><Choice value="against"/><Choice value="none"/>
  </Choices>
  <Choices name="source_type" toName="text" perRegion="true" choice="single-radio">
    %s
  </Choices>
  <Choices name="claim_flags" toName="text" perRegion="true" choice="multiple">
    <Choice value="unattributed"/>
  </Choices>
  <TextArea name="cluster" toName="text" perRegion="true" maxSubmissions="1" editable="true"/>
</View>
"""


def old_style(results: list[dict]) -> list[dict]:
    """Today's results as the earlier page made them: plain labels, the folded stance and
    topic stance as per-region radios."""
    out = []
    for r in copy.deepcopy(results):
        out.append(r)
        if r.get("from_name") != "span":
            continue
        base, _, choice = r["value"]["labels"][0].partition(" · ")
        if not choice:
            continue
        r["value"]["labels"] = [base]
        tag = "stance" if base == "SOURCE" else "topic_stance"
        value = {k: r["value"][k] for k in ("start", "end", "text")}
        out.append(
            {
                "id": r["id"],
                "from_name": tag,
                "to_name": "text",
                "type": "choices",
                "value": {**value, "choices": [choice]},
            }
        )
    return out


def test_an_old_config_project_still_pulls_and_refuses_the_new_config(ls_env, tmp_path):
    root = copy_project(tmp_path / "project")
    r = ls_cli(ls_env, root, "ls", "push", "--project", "oldpage", "--doc", DOC)
    assert r.returncode == 0, r.stderr
    conn = ls_env.connect()
    pid = project_id(conn, "oldpage")
    types = "".join(
        f'<Choice value="{t}"/>'
        for t in (
            "government",
            "government_official",
            "spokesperson",
            "anonymous_official",
            "anonymous_other",
            "expert",
            "media_outlet",
            "organisation",
            "author",
        )
    )
    conn.client.projects.update(id=pid, label_config=OLD_CONFIG % types)  # as pushed back then
    gold = load_layer(root, "gold")[DOC]
    results = old_style(record_to_results(gold))
    assert not [r for r in results if " · " in str(r.get("value", {}).get("labels"))]
    annotate(ls_env.url, ls_env.token, tasks_by_doc(conn, pid)[DOC][0], results)
    r = ls_cli(ls_env, root, "ls", "pull", "--project", "oldpage", "--check")
    assert r.returncode == 0, r.stderr
    (who,) = [p.name for p in (root / "annotations" / "raw" / "oldpage").iterdir() if p.is_dir()]
    pulled = load_layer(root, f"raw/oldpage/{who}")[DOC]
    by_id = lambda spans: sorted(spans, key=lambda s: s["id"])  # noqa: E731
    assert by_id(pulled["spans"]) == by_id(gold["spans"])
    strip = lambda a: {k: v for k, v in a.items() if k != "id"}  # noqa: E731
    assert sorted(map(str, map(strip, pulled["attributions"]))) == sorted(
        map(str, map(strip, gold["attributions"]))
    )
    r = ls_cli(ls_env, root, "ls", "push", "--project", "oldpage", "--doc", DOC)
    # measured on 1.23.2: Label Studio refuses a config dropping controls the annotations use
    assert r.returncode != 0
    assert "Label Studio refuses a config that drops labels existing annotations use" in r.stderr
    assert "from_name=stance" in r.stderr and "from_name=topic_stance" in r.stderr
    assert 'name="stance"' in conn.client.projects.get(id=pid).label_config  # page unchanged
