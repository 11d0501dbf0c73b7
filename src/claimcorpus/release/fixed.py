"""Fixed splits given by a corpus (``corpus/splits.json``), used instead of computed ones.

A corpus that comes with its own train/dev/test (PolNeAR's compartments) keeps them: its
importer writes ``corpus/splits.json`` (``method`` and ``splits`` with doc ids for train,
validation and test), and the build takes the manifest from it. Such a release has no
cross-validation folds or held-out-outlet views: its splits are the corpus's own, and the
card says so. Every document must be in exactly one part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.release.splits import STANDARD

FIXED_SPLITS = Path("corpus") / "splits.json"
CARD_META = Path("schema") / "card.yaml"


def fixed_manifest(root: Path, story_of: dict[str, str]) -> dict[str, Any] | None:
    """The split manifest from ``corpus/splits.json``, or None when the corpus has none."""
    path = Path(root) / FIXED_SPLITS
    if not path.exists():
        return None
    given = read_json(path)
    parts = given.get("splits") if isinstance(given, dict) else None
    if not isinstance(parts, dict) or set(parts) - set(STANDARD):
        raise InputError(f"{path}: splits must map some of {list(STANDARD)} to doc id lists")
    where: dict[str, str] = {}
    for part in STANDARD:
        for d in parts.get(part, []):
            if d in where:
                raise InputError(f"{path}: {d} is in both {where[d]} and {part}")
            where[d] = part
    unknown, missing = sorted(set(where) - set(story_of)), sorted(set(story_of) - set(where))
    if unknown or missing:
        raise InputError(
            f"{path}: splits name documents not in the corpus {unknown[:5]} or leave out "
            f"documents of the corpus {missing[:5]}"
        )
    return {
        "seed": None,
        "fixed": True,
        "method": str(given.get("method", "fixed splits given by the corpus")),
        "views": {"standard": list(STANDARD), "folds": [], "outlets": []},
        "splits": {p: sorted(parts.get(p, [])) for p in STANDARD},
    }


def card_meta(root: Path) -> dict[str, Any]:
    """The corpus's own card text (``schema/card.yaml``: pretty_name, license, intro, about,
    licence, croissant_description); empty for a corpus without one (the seeds')."""
    path = Path(root) / CARD_META
    if not path.exists():
        return {}
    meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(meta, dict):
        raise InputError(f"{path}: expected a mapping")
    return meta
