"""The scorer's label sets are the ones schema/scheme.yaml declares."""

from __future__ import annotations

from pathlib import Path

import yaml

from claimcorpus.evaluate import labels

SCHEME = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "schema" / "scheme.yaml").read_text()
)


def names(key: str) -> tuple[str, ...]:
    return tuple(item["name"] for item in SCHEME[key])


def test_span_labels_match_the_scheme():
    assert labels.SPAN_LABELS == names("span_labels")


def test_stances_match_the_scheme():
    assert labels.STANCES == names("stances")
    assert labels.TOPIC_STANCES == names("topic_stances")


def test_source_types_match_the_scheme():
    assert labels.SOURCE_TYPES == names("source_types")
