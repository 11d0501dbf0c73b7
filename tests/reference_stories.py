"""Story grouping: which articles tell the same story, so splits can keep a story together.

Three kinds of edge join two documents; ``story_id`` is the connected component:

1. near-duplicate: MinHash (datasketch) Jaccard over word 5-shingles >= ``NEAR_DUP``;
2. same story: MinHash Jaccard over the set of named-entity-like tokens (capitalized words
   and numbers) >= ``SAME_STORY``, which rewrites of one wire story share;
3. a curated ``story`` hint from the document's sidecar (a person read the articles and
   named the event), because lexical overlap alone cannot tell a rewrite from a follow-up.

Candidates come from MinHashLSH; every candidate pair is verified on the MinHash estimate.
The ``story_id`` is ``story-`` + the smallest doc_id in the component (stable as long as
that document stays), and each pair's evidence is returned for the build summary.

This module is the datasketch reference for the rule. Builds, validate and every engine use
``claimcorpus.stories`` (same tokens, thresholds and story ids, compact NumPy signatures):
datasketch's MinHash objects and LSH sets cost ~20 KB per document, 2.1 GB at 100k
articles, and Spark must compute the very same signatures inside the batch function. Tests
and ``scripts/bench_scale.py`` check the two against each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH

from claimcorpus.stories.rules import ENTITY, NEAR_DUP, NUM_PERM, SAME_STORY, SHINGLE, WORD


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    w = WORD.findall(text.lower())
    return {" ".join(w[i : i + k]).encode() for i in range(max(1, len(w) - k + 1))}


def entities(text: str) -> set[bytes]:
    return {m.lower().encode() for m in ENTITY.findall(text)}


def minhash(items: Iterable[bytes]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch(list(items))
    return m


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def group_stories(
    docs: Iterable[tuple[str, str, str | None]],
) -> tuple[dict[str, str], list[dict]]:
    """``docs``: (doc_id, normalized text, curated story hint or None).

    Returns (doc_id -> story_id, evidence edges [{a, b, kind, score}]).
    """
    sigs_dup: dict[str, MinHash] = {}
    sigs_ent: dict[str, MinHash] = {}
    hints: dict[str, list[str]] = {}
    lsh_dup = MinHashLSH(threshold=NEAR_DUP, num_perm=NUM_PERM)
    lsh_ent = MinHashLSH(threshold=SAME_STORY, num_perm=NUM_PERM)
    for doc_id, text, hint in docs:
        ents = entities(text)
        sigs_dup[doc_id] = minhash(shingles(text))
        lsh_dup.insert(doc_id, sigs_dup[doc_id])
        if ents:  # two empty sets estimate 1.0: entity-less articles would form one story
            sigs_ent[doc_id] = minhash(ents)
            lsh_ent.insert(doc_id, sigs_ent[doc_id])
        if hint:
            hints.setdefault(hint, []).append(doc_id)
    uf = _UnionFind(sigs_dup)
    edges: list[dict] = []
    for kind, lsh, sigs, threshold in (
        ("near-duplicate", lsh_dup, sigs_dup, NEAR_DUP),
        ("same-story", lsh_ent, sigs_ent, SAME_STORY),
    ):
        for a in sorted(sigs):
            for b in sorted(lsh.query(sigs[a])):
                if b <= a:
                    continue
                score = sigs[a].jaccard(sigs[b])
                if score >= threshold:
                    edges.append({"a": a, "b": b, "kind": kind, "score": round(score, 4)})
                    uf.union(a, b)
    for hint, members in sorted(hints.items()):
        members = sorted(members)
        for b in members[1:]:
            edges.append({"a": members[0], "b": b, "kind": f"curated:{hint}", "score": None})
            uf.union(members[0], b)
    return {d: f"story-{uf.find(d)}" for d in sorted(sigs_dup)}, edges


def near_duplicate_pairs(
    texts: dict[str, str], threshold: float = NEAR_DUP
) -> list[tuple[str, str, float]]:
    """All near-duplicate pairs (for the leakage check across splits)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sigs = {d: minhash(shingles(t)) for d, t in texts.items()}
    for d, s in sigs.items():
        lsh.insert(d, s)
    out = []
    for a in sorted(sigs):
        for b in sorted(lsh.query(sigs[a])):
            if b > a and (j := sigs[a].jaccard(sigs[b])) >= threshold:
                out.append((a, b, j))
    return out
