"""Which optional annotation fields a release has, read from its card alone.

A release of a corpus whose scheme lacks a field has no column for it (``scheme.features``),
so the card's ``dataset_info`` says what there is to score: the scorer and the baselines
skip a metric whose gold field is missing instead of scoring it as zero.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import OPTIONAL_FIELDS, Scheme


def card_header(release: str | Path) -> dict:
    """The YAML front matter of a release card (``README.md``)."""
    path = Path(release) / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the release card: {exc}") from exc
    head, sep, _ = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not sep:
        raise InputError(f"{path}: no YAML header between --- lines")
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: YAML header does not parse: {exc}") from exc
    if not isinstance(meta, dict):
        raise InputError(f"{path}: YAML header is not a mapping")
    return meta


def release_fields(release: str | Path) -> frozenset[str]:
    """The optional fields (``scheme.OPTIONAL_FIELDS``) the release's documents config has."""
    infos = card_header(release).get("dataset_info") or []
    docs = next((i for i in infos if i.get("config_name") == "documents"), None)
    if docs is None:
        raise InputError(f"{release}/README.md: dataset_info has no documents config")
    names: set[str] = set()
    for feat in docs.get("features", []):
        names.add(feat["name"])
        if feat["name"] in ("spans", "attributions"):
            names |= {sub["name"] for sub in feat.get("list", [])}
    return frozenset(f for f in OPTIONAL_FIELDS if f in names)


def _names(feature: dict) -> list[str]:
    names = (feature.get("dtype") or {}).get("class_label", {}).get("names", {})
    return [names[k] for k in sorted(names, key=int)] if isinstance(names, dict) else list(names)


def release_scheme(release: str | Path) -> Scheme:
    """The scheme a release was built with, as far as its card's features tell (label sets
    and optional fields; no descriptions or rules): what a reader of the release alone needs."""
    infos = card_header(release).get("dataset_info") or []
    docs = next((i for i in infos if i.get("config_name") == "documents"), None)
    if docs is None:
        raise InputError(f"{release}/README.md: dataset_info has no documents config")
    sub = {f["name"]: {s["name"]: s for s in f.get("list", [])} for f in docs.get("features", [])}
    spans, atts = sub.get("spans", {}), sub.get("attributions", {})
    if "label" not in spans:
        raise InputError(f"{release}/README.md: documents features have no spans.label")
    return Scheme(
        version=str(card_header(release).get("scheme_version", "")),
        span_labels=_names(spans["label"]),
        stances=_names(atts["stance"]) if "stance" in atts else [],
        topic_stances=_names(spans["topic_stance"]) if "topic_stance" in spans else [],
        source_types=_names(atts["source_type"]) if "source_type" in atts else [],
        targets=[],
        fields=release_fields(release),
    )
