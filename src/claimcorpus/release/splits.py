"""Deterministic, leakage-free splits: a story never straddles two parts of any view.

Given ``doc_id -> story_id`` (and outlets), ``make_splits`` returns the split manifest stored
in every release as ``splits.json``:

* ``train`` / ``validation`` / ``test``: stories are ordered largest first (ties by
  sha256(seed + story_id)) and dealt, whole, to the part furthest below its target share of documents (60/20/20); with
  three or more stories every part gets at least one.
* ``fold{k}_train`` / ``fold{k}_test``: grouped k-fold cross-validation by story
  (k = min(5, number of stories)), stories dealt in the same order to the smallest fold.
* ``outlet-{slug}_train`` / ``outlet-{slug}_test``: for each known outlet, its documents are
  the test part; train is every other document that shares no story with them (documents of
  unknown outlet stay in train: the view holds out a *known* outlet only).

Same corpus and seed, same manifest. ``leaks`` proves no story and no near-duplicate pair
crosses the parts of a view.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

SEED = 20240412
SHARES = {"train": 0.6, "validation": 0.2, "test": 0.2}
STANDARD = ("train", "validation", "test")


def _order(stories: dict[str, list[str]], seed: int) -> list[str]:
    """Largest stories first (so train gets the big ones), ties by a seeded hash."""
    return sorted(
        stories,
        key=lambda s: (-len(stories[s]), hashlib.sha256(f"{seed}:{s}".encode()).hexdigest()),
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _pinned(stories: dict[str, list[str]], previous: dict[str, list[str]]) -> dict[str, str]:
    """Story -> the standard part its documents had in the previous release.

    A story whose earlier documents sat in several parts (two stories merged) goes where
    most of them were, ties to the earlier part in train/validation/test order.
    """
    was = {d: p for p in STANDARD for d in previous.get(p, [])}
    out = {}
    for story, docs in stories.items():
        seen = [was[d] for d in docs if d in was]
        if seen:
            out[story] = max(STANDARD, key=lambda p: (seen.count(p), -STANDARD.index(p)))
    return out


def make_splits(
    story_of: dict[str, str],
    outlet_of: dict[str, str | None],
    seed: int = SEED,
    previous: dict[str, list[str]] | None = None,
) -> dict:
    """The split manifest; ``previous`` (an earlier release's splits) keeps old stories put."""
    stories: dict[str, list[str]] = defaultdict(list)
    for doc, story in sorted(story_of.items()):
        stories[story].append(doc)
    order = _order(stories, seed)
    parts: dict[str, list[str]] = {p: [] for p in STANDARD}
    n_docs = len(story_of)
    pinned = _pinned(stories, previous or {})
    for story in order:
        if story in pinned:
            parts[pinned[story]].extend(stories[story])
    fresh = [s for s in order if s not in pinned]
    for i, story in enumerate(fresh):
        if not pinned and i < len(STANDARD) and len(order) >= len(STANDARD):
            # the three largest stories seed train, validation and test
            target = STANDARD[i]
        else:
            target = min(
                STANDARD, key=lambda p: (len(parts[p]) / n_docs - SHARES[p], STANDARD.index(p))
            )
        parts[target].extend(stories[story])
    splits = {p: sorted(docs) for p, docs in parts.items()}
    k = min(5, len(order))
    folds: list[list[str]] = [[] for _ in range(k)]
    for story in order:
        min(folds, key=len).extend(stories[story])
    if k >= 2:
        for i, fold in enumerate(folds):
            splits[f"fold{i}_test"] = sorted(fold)
            held = set(fold)
            splits[f"fold{i}_train"] = sorted(d for d in story_of if d not in held)
    outlets = sorted({o for o in outlet_of.values() if o})
    for outlet in outlets:
        test = sorted(d for d, o in outlet_of.items() if o == outlet)
        test_stories = {story_of[d] for d in test}
        train = sorted(d for d in story_of if story_of[d] not in test_stories)
        splits[f"outlet_{_slug(outlet)}_test"] = test
        splits[f"outlet_{_slug(outlet)}_train"] = train
    return {
        "seed": seed,
        "method": (
            "Stories (story_id) ordered by size (largest first), ties by sha256(seed:story_id), and dealt whole: train/validation/"
            "test by target shares 0.6/0.2/0.2 (the three largest stories seed train, validation, test); "
            f"{k}-fold grouped cross-validation by story; one held-out-outlet view per known outlet, "
            "its train part excluding documents that share a story with its test part. Stories "
            "already in an earlier release keep their train/validation/test part."
        ),
        "views": {
            "standard": list(STANDARD),
            "folds": [f"fold{i}" for i in range(k)] if k >= 2 else [],
            "outlets": [f"outlet_{_slug(o)}" for o in outlets],
        },
        "splits": splits,
    }


def view_parts(manifest: dict) -> list[tuple[str, list[str]]]:
    """(view name, its part names) for every view, used by the leakage check."""
    out = [("standard", list(STANDARD))]
    out += [(f, [f"{f}_train", f"{f}_test"]) for f in manifest["views"]["folds"]]
    out += [(o, [f"{o}_train", f"{o}_test"]) for o in manifest["views"]["outlets"]]
    return out


def leaks(
    manifest: dict, story_of: dict[str, str], dup_pairs: list[tuple[str, str, float]]
) -> list[str]:
    """Every story or near-duplicate pair that crosses two parts of one view."""
    problems = []
    for view, parts in view_parts(manifest):
        where: dict[str, str] = {}
        for part in parts:
            for doc in manifest["splits"].get(part, []):
                if doc in where:
                    problems.append(f"{view}: {doc} is in both {where[doc]} and {part}")
                where[doc] = part
        story_part: dict[str, str] = {}
        for doc, part in sorted(where.items()):
            s = story_of.get(doc)
            if s in story_part and story_part[s] != part:
                problems.append(f"{view}: story {s} is in {story_part[s]} and {part} ({doc})")
            story_part.setdefault(s, part)
        for a, b, j in dup_pairs:
            if a in where and b in where and where[a] != where[b]:
                problems.append(
                    f"{view}: near-duplicates {a} ({where[a]}) and {b} ({where[b]}), J={j:.2f}"
                )
    return problems
