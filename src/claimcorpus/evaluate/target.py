"""The gold side of a scoring run, read from a release folder.

Besides the gold documents of the chosen split, the scorer needs two things from the
release to give useful errors and to accept rows as ``load_dataset`` returns them: which
split every document of the release is in, and the ClassLabel names of the release's own
features (``label``, ``stance``, ``source_type`` arrive as integers from ``load_dataset``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datasets import ClassLabel, load_dataset_builder

from claimcorpus.problems import InputError
from claimcorpus.release import load_documents

STANDARD = ("train", "validation", "test")
NESTED = ("spans", "attributions")  # list-of-struct fields of the documents config


@dataclass(frozen=True)
class Target:
    """Gold of one split plus what the prediction checks need to know about the release."""

    release: Path
    split: str
    docs: list[dict[str, Any]]  # annotated gold documents of the split
    members: frozenset[str]  # every doc id of the split, annotated or not
    split_of: Mapping[str, tuple[str, ...]]  # doc id -> splits holding it (whole release)
    class_names: Mapping[str, Mapping[str, tuple[str, ...]]]  # "spans" -> "label" -> names


def read_manifest(release: Path) -> dict[str, list[str]]:
    """``splits.json``'s split -> doc ids; a folder without one is not a release."""
    path = release / "splits.json"
    if not path.is_file():
        raise InputError(f"{release}: not a release folder (no splits.json)")
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["splits"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read the split manifest: {exc}") from exc


def splits_of(manifest: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """doc id -> split names holding it, standard parts first, then views by name."""
    order = [s for s in STANDARD if s in manifest] + sorted(set(manifest) - set(STANDARD))
    out: dict[str, list[str]] = {}
    for name in order:
        for doc_id in manifest[name]:
            out.setdefault(doc_id, []).append(name)
    return {d: tuple(names) for d, names in out.items()}


def class_label_names(release: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """ClassLabel names of the span and attribution fields, from the release's card."""
    features = load_dataset_builder(str(release), "documents").info.features
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for key in NESTED:
        struct = features[key].feature if key in features else {}
        out[key] = {name: tuple(f.names) for name, f in struct.items() if isinstance(f, ClassLabel)}
    return out


def load_target(release: Path, split: str) -> Target:
    """Gold, membership and ClassLabel names of ``split`` of the release in ``release``."""
    manifest = read_manifest(release)
    if split not in manifest:
        raise InputError(f"{release}/splits.json: no split {split!r}; have {sorted(manifest)}")
    return Target(
        release=release,
        split=split,
        docs=load_documents(release, split),
        members=frozenset(manifest[split]),
        split_of=splits_of(manifest),
        class_names=class_label_names(release),
    )
