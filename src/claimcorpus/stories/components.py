"""Stories as connected components of verified pairs and curated hints.

Why components: a story is every article joined by near-duplicate, same-story or curated
edges, however long the chain; story_id = "story-" + a component's least doc_id, stable as
long as that document stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from claimcorpus.stories.banding import band_pairs, verified
from claimcorpus.stories.rules import BANDS, KINDS, NEAR_DUP, NUM_PERM, THRESHOLD
from claimcorpus.stories.signatures import signatures


def story_ids(
    doc_ids: Sequence[str], edges: list[dict], hints: dict[str, str | None]
) -> tuple[dict[str, str], list[dict]]:
    """Components of scored edges + curated hints -> (story_of, edges in group_stories order)."""
    ids = sorted(doc_ids)
    parent = {d: d for d in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = x = parent[parent[x]]
        return x

    rank = {k: i for i, k in enumerate(KINDS)}
    edges = sorted(edges, key=lambda e: (rank[e["kind"]], e["a"], e["b"]))
    groups: dict[str, list[str]] = {}
    for d in ids:
        if hints.get(d):
            groups.setdefault(hints[d], []).append(d)
    for hint, members in sorted(groups.items()):
        edges += [
            {"a": members[0], "b": b, "kind": f"curated:{hint}", "score": None} for b in members[1:]
        ]
    for e in edges:
        lo, hi = sorted((find(e["a"]), find(e["b"])))
        parent[hi] = lo
    return {d: f"story-{find(d)}" for d in ids}, edges


def group(
    doc_ids: Sequence[str], near: np.ndarray, same: np.ndarray, hints: dict[str, str | None]
) -> tuple[dict[str, str], list[dict]]:
    """Story grouping from precomputed signatures (rows in ``doc_ids`` order)."""
    edges = []
    for kind, sig in zip(KINDS, (near, same), strict=True):
        pairs, scores = verified(sig, band_pairs(sig, *BANDS[kind]), THRESHOLD[kind])
        for (i, j), score in zip(pairs.tolist(), scores.tolist(), strict=True):
            a, b = sorted((doc_ids[i], doc_ids[j]))
            edges.append({"a": a, "b": b, "kind": kind, "score": round(score, 4)})
    return story_ids(doc_ids, edges, hints)


def near_duplicate_pairs(
    texts: dict[str, str], threshold: float = NEAR_DUP
) -> list[tuple[str, str, float]]:
    """Near-duplicate pairs (a < b) for the split-leakage check, as ``group`` finds them."""
    ids = sorted(texts)
    sig = np.concatenate(
        [np.zeros((0, NUM_PERM), np.uint64)]
        + [signatures([texts[d] for d in ids[i : i + 500]])[0] for i in range(0, len(ids), 500)]
    )
    return near_duplicates_of(ids, sig, threshold)


def near_duplicates_of(
    ids: Sequence[str], sig: np.ndarray, threshold: float = NEAR_DUP
) -> list[tuple[str, str, float]]:
    """Near-duplicate pairs from near-duplicate signatures (rows in sorted ``ids`` order),
    so a caller that streams its texts keeps only the signatures."""
    pairs, scores = verified(sig, band_pairs(sig, *BANDS["near-duplicate"]), threshold)
    return [
        (ids[i], ids[j], round(s, 4))
        for (i, j), s in zip(pairs.tolist(), scores.tolist(), strict=True)
    ]


def group_stories(docs: Iterable[tuple[str, str, str | None]], chunk: int = 500):
    """Drop-in for reference_stories.group_stories, streaming: (doc_id, text, hint) -> (story_of, edges)."""
    ids: list[str] = []
    hints: dict[str, str | None] = {}
    near_parts, same_parts, texts = [], [], []
    for doc_id, text, hint in docs:
        ids.append(doc_id)
        hints[doc_id] = hint
        texts.append(text)
        if len(texts) == chunk:
            near_part, same_part = signatures(texts)
            near_parts.append(near_part)
            same_parts.append(same_part)
            texts = []
    near_part, same_part = signatures(texts)
    near = np.concatenate([*near_parts, near_part])
    del near_parts  # the parts go as each kind is joined: peak is 1.5x the signatures, not 2x
    same = np.concatenate([*same_parts, same_part])
    del same_parts
    return group(ids, near, same, hints)
