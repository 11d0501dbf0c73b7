"""The one place that calls ``datasets``' private YAML helpers for ``Features``.

A dataset card's ``dataset_info.features`` is the YAML list that ``datasets`` itself reads
back; ``Features`` exposes that form only through ``_to_yaml_list`` / ``_from_yaml_list``.
Every module goes through these two functions, so a ``datasets`` upgrade that renames them
breaks here, under ``tests/test_hub_yaml.py``, and nowhere else.
"""

from __future__ import annotations

from typing import Any

from datasets import Features


def features_to_yaml(features: Features) -> list[dict[str, Any]]:
    """``features`` as the YAML list a card's ``dataset_info.features`` holds."""
    return features._to_yaml_list()


def features_from_yaml(items: list[dict[str, Any]]) -> Features:
    """The ``Features`` a card's ``dataset_info.features`` list describes."""
    return Features._from_yaml_list(items)
