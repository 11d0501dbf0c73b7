"""The build as steps: each declares what it reads and writes, and the summary is theirs."""

from __future__ import annotations

import gc
import shutil

import pytest
from conftest import LATEST, LATEST_RELEASE, REPO

from claimcorpus.core.io import read_json
from claimcorpus.pipeline import build_into
from claimcorpus.release import build as release_build
from claimcorpus.release import steps as build_steps
from claimcorpus.release.build import previous_splits
from claimcorpus.release.sources import CorpusSource


def test_every_step_declares_inputs_outputs_and_runs_in_pipeline_order():
    names = [s.name for s in build_steps.STEPS]
    assert names == [
        "read",
        "check_and_group",
        "split",
        "write_rows",
        "write_summary",
        "card",
        "checksums",
    ]
    for step in build_steps.STEPS:
        assert step.reads and step.writes, step.name


def test_the_summary_is_the_union_of_the_summary_steps_reports(tmp_path):
    out = tmp_path / "release"
    out.mkdir()
    state = build_steps.BuildState(REPO, "9.9.9", out, CorpusSource(REPO))
    summary = build_steps.run_steps(state)
    reported = {}
    for step in build_steps.STEPS:
        if step.summary:
            reported.update(state.reports[step.name])
    assert summary == reported
    assert read_json(out / "build_summary.json") == summary
    # the steps that are not part of the summary report their own counts
    assert state.reports["checksums"]["files"] == len(
        (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    )
    assert state.reports["card"]["sections"] == 0


def test_a_step_that_reports_a_key_another_step_reported_fails_loudly(tmp_path):
    state = build_steps.BuildState(REPO, "9.9.9", tmp_path, CorpusSource(REPO))
    state.reports = {"read": {"documents": 5}, "split": {"documents": 6}}
    with pytest.raises(RuntimeError, match=r"split reports \['documents'\] again"):
        build_steps.write_summary(state)
    assert not (tmp_path / "build_summary.json").exists()


def test_build_into_through_the_steps_gives_the_committed_release(tmp_path):
    out = tmp_path / "release"
    out.mkdir()
    build_into(REPO, LATEST, out, previous=previous_splits(REPO / "releases", LATEST))
    committed = LATEST_RELEASE
    assert (out / "SHA256SUMS").read_bytes() == (committed / "SHA256SUMS").read_bytes()
    shutil.rmtree(out)


def test_the_steps_run_with_fewer_collections_and_the_threshold_comes_back(tmp_path):
    """The build raises the collector's threshold while its steps run (the rows are many
    small objects with no cycle), and restores it after, also when a step fails."""
    before = gc.get_threshold()
    seen = []

    def section(folder, own):
        seen.append(gc.get_threshold())
        return ""

    out = tmp_path / "release"
    out.mkdir()
    release_build.build_into(
        REPO, LATEST, out, [section], previous=previous_splits(REPO / "releases", LATEST)
    )
    assert seen == [(release_build.GC_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before

    def failing(folder, own):
        raise RuntimeError("a card section fails")

    shutil.rmtree(out)
    out.mkdir()
    with pytest.raises(RuntimeError, match="a card section fails"):
        release_build.build_into(REPO, LATEST, out, [failing])
    assert gc.get_threshold() == before
