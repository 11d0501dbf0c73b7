"""The wrapper around datasets' private Features YAML helpers, against a real release card."""

from __future__ import annotations

import yaml
from conftest import REPO
from datasets import ClassLabel, Features, List, Value

from claimcorpus.core.hub_yaml import features_from_yaml, features_to_yaml

CARD = REPO / "releases" / "1.0.0" / "README.md"


def card_features() -> dict[str, list]:
    header = CARD.read_text(encoding="utf-8").split("---\n")[1]
    info = yaml.safe_load(header)["dataset_info"]
    return {c["config_name"]: c["features"] for c in info}


def test_the_committed_card_round_trips_through_the_wrapper():
    for config, items in card_features().items():
        feats = features_from_yaml(items)
        assert isinstance(feats, Features), config
        assert features_to_yaml(feats) == items, config


def test_class_labels_and_nested_lists_survive():
    feats = Features(
        {
            "doc_id": Value("string"),
            "spans": List(
                {"label": ClassLabel(names=["CLAIM", "SOURCE"]), "start": Value("int32")}
            ),
        }
    )
    back = features_from_yaml(features_to_yaml(feats))
    assert back == feats
    assert back["spans"].feature["label"].names == ["CLAIM", "SOURCE"]
