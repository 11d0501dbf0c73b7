"""Stories as components of joined pairs, with a guard against chaining; curated hints first.

Why a guard: joining every pair that passes a test and taking connected components lets a
chain of pairs (one article reusing another story's paragraph, then another) join
unrelated articles, as 300 articles reusing seed paragraphs once became one story. Here
pairs are taken strongest first and two groups merge through a pair only when at least
``EVENT_RULES.linkage`` of their cross pairs are joined pairs (average linkage): a lone
bridge between two stories is refused. A copy (near-duplicate Jaccard >= ``copy``)
merges without it; template articles (the same wording, other names) are near-duplicates
at lower Jaccard and would chain otherwise. Curated hints are an override: they join their articles first, and two groups
with different hints never merge. Only the pairs that merged groups are kept, each with
its evidence. story_id = "story-" + a component's least doc_id.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from claimcorpus.stories import evidence
from claimcorpus.stories.banding import band_pairs, verified
from claimcorpus.stories.features import Features, features
from claimcorpus.stories.rules import BANDS, EVENT_RULES, KINDS, NEAR_DUP, NUM_PERM, SameEvent
from claimcorpus.stories.signatures import signatures
from claimcorpus.stories.spill import KeySpill

Edge = dict  # {"a", "b", "kind", "score"} and, for an automatic join, "signals"


def _order(e: Edge) -> tuple:
    """Strongest first: kind, signals, then shared keys, then shared text."""
    sig = e.get("signals") or {}
    keys = sig.get("quotes", 0) + sig.get("names", 0) + sig.get("numbers", 0)
    return (
        KINDS.index(e["kind"]),
        -(e["score"] or 0.0),
        -keys,
        -sig.get("near", 0.0),
        e["a"],
        e["b"],
    )


class _Groups:
    """Union-find over doc_ids that keeps each group's members and curated hint."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.parent = {d: d for d in ids}
        self.members = {d: [d] for d in ids}
        self.hint: dict[str, str] = {}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = x = self.parent[self.parent[x]]
        return x

    def merge(self, x: str, y: str) -> None:
        lo, hi = sorted((self.find(x), self.find(y)))
        if lo != hi:
            self.parent[hi] = lo
            self.members[lo] += self.members.pop(hi)
            if hi in self.hint:
                self.hint.setdefault(lo, self.hint.pop(hi))


def story_ids(
    doc_ids: Sequence[str],
    edges: list[Edge],
    hints: dict[str, str | None],
    rules: SameEvent = EVENT_RULES,
) -> tuple[dict[str, str], list[Edge]]:
    """Components of the joined pairs + curated hints -> (story_of, edges): the edges that
    joined groups, then the other pairs inside one story (``merged: False``), then hints."""
    ids = sorted(doc_ids)
    g = _Groups(ids)
    by_hint: dict[str, list[str]] = {}
    for d in ids:
        if hints.get(d):
            by_hint.setdefault(hints[d], []).append(d)
    curated = []
    for hint, members in sorted(by_hint.items()):
        for b in members[1:]:
            curated.append({"a": members[0], "b": b, "kind": f"curated:{hint}", "score": None})
            g.merge(members[0], b)
        g.hint[g.find(members[0])] = hint
    linked: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        linked[e["a"]].add(e["b"])
        linked[e["b"]].add(e["a"])
    joined, refused = [], []
    for e in sorted(edges, key=_order):
        ra, rb = g.find(e["a"]), g.find(e["b"])
        if ra == rb or g.hint.get(ra, g.hint.get(rb)) != g.hint.get(rb, g.hint.get(ra)):
            refused.append(e)  # already one story, or two different curated stories
            continue
        if e["kind"] != "near-duplicate" or (e["score"] or 0.0) < rules.copy:
            small, big = sorted((ra, rb), key=lambda r: (len(g.members[r]), r))
            links = sum(g.find(o) == big for d in g.members[small] for o in linked[d])
            if links < rules.linkage * len(g.members[ra]) * len(g.members[rb]):
                refused.append(e)
                continue
        g.merge(ra, rb)
        joined.append(e)
    # pairs inside one story that merged nothing: not evidence of a join, but links the
    # splits place new documents by (``merged: False``; the build summary leaves them out)
    joined += [{**e, "merged": False} for e in refused if g.find(e["a"]) == g.find(e["b"])]
    joined.sort(key=lambda e: (KINDS.index(e["kind"]), e["a"], e["b"]))
    return {d: f"story-{g.find(d)}" for d in ids}, joined + curated


def joins(edges: list[Edge]) -> list[Edge]:
    """The edges that joined two groups (the build summary's ``story_edges``)."""
    return [e for e in edges if e.get("merged", True)]


def near_edges(doc_ids: Sequence[str], pairs: np.ndarray, scores: np.ndarray) -> list[Edge]:
    """Verified near-duplicate pairs (rows of ``doc_ids``) as edges."""
    out = []
    for (i, j), score in zip(pairs.tolist(), scores.tolist(), strict=True):
        a, b = sorted((doc_ids[i], doc_ids[j]))
        out.append({"a": a, "b": b, "kind": "near-duplicate", "score": round(score, 4)})
    return out


def event_edges(
    doc_ids: Sequence[str],
    near: np.ndarray,
    feats: Features,
    rules: SameEvent = EVENT_RULES,
    kinds: list[evidence.Blocks] | None = None,
) -> list[Edge]:
    """Pairs that share keys and pass ``evidence.decide``, with their signals (``kinds``:
    the key blocks when built already, as ``group_stories``'s spill does)."""
    s = evidence.joined(feats, near, rules, kinds=kinds)
    count = evidence.supports(s, rules).sum(axis=1)
    out = []
    for i in range(len(s.pairs)):
        a, b = sorted((doc_ids[s.pairs[i, 0]], doc_ids[s.pairs[i, 1]]))
        signals = evidence.evidence(s, i)
        kind = "near-duplicate" if signals["near"] >= NEAR_DUP else "same-story"
        score = signals["near"] if kind == "near-duplicate" else float(count[i])
        out.append({"a": a, "b": b, "kind": kind, "score": score, "signals": signals})
    return out


def combine(near: list[Edge], events: list[Edge]) -> list[Edge]:
    """One edge per pair: the evidence edge's signals win, a near-duplicate kind stays."""
    out = {(e["a"], e["b"]): e for e in near}
    for e in events:  # a copy only where a near-duplicate edge is merged in
        old = out.get((e["a"], e["b"]))
        out[(e["a"], e["b"])] = e if old is None else {**old, **e}
    return [out[k] for k in sorted(out)]


def group(
    doc_ids: Sequence[str],
    near: np.ndarray,
    feats: Features,
    hints: dict[str, str | None],
    kinds: list[evidence.Blocks] | None = None,
) -> tuple[dict[str, str], list[Edge]]:
    """Story grouping from near-duplicate signatures and features (rows in ``doc_ids`` order)."""
    pairs, scores = verified(near, band_pairs(near, *BANDS["near-duplicate"]), NEAR_DUP)
    events = event_edges(doc_ids, near, feats, kinds=kinds)
    edges = combine(near_edges(doc_ids, pairs, scores), events)
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


def group_stories(docs: Iterable[tuple], chunk: int = 500):
    """Streaming: (doc_id, text, hint) or (doc_id, text, hint, published) -> (story_of, edges).
    The same-event keys go to a ``spill.KeySpill`` in a temporary folder as they come."""
    with tempfile.TemporaryDirectory(prefix="claimcorpus-keys-") as folder:
        return _group_spilled(docs, chunk, KeySpill(Path(folder)))


def _group_spilled(docs: Iterable[tuple], chunk: int, spill: KeySpill):
    ids: list[str] = []
    hints: dict[str, str | None] = {}
    near_parts, day_parts, texts, days = [], [], [], []

    def flush() -> None:
        near_parts.append(signatures(texts)[0])
        feats = features(texts, days)
        spill.add(feats, len(ids) - len(texts))
        day_parts.append(feats.day)
        texts.clear()
        days.clear()

    for doc_id, text, hint, *published in docs:
        ids.append(doc_id)
        hints[doc_id] = hint
        texts.append(text)
        days.append(published[0] if published else None)
        if len(texts) == chunk:
            flush()
    flush()
    near = np.empty((len(ids), NUM_PERM), np.uint64)  # pages taken as the parts are copied
    row = 0
    while near_parts:  # each part dropped once copied: the signatures are never held twice
        part = near_parts.pop(0)
        near[row : row + len(part)] = part
        row += len(part)
    day = np.concatenate([np.zeros(0, np.int64)] + day_parts)
    kinds = spill.blocks(len(ids))
    empty = features([], [])
    return group(ids, near, Features(empty.doc, empty.kind, empty.key, day), hints, kinds)
