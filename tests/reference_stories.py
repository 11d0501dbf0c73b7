"""Story grouping: which articles tell the same story, so splits can keep a story together.

Three kinds of edge join two documents; ``story_id`` is the connected component, under
the chaining guard of ``stories.components.story_ids`` (reused here, not re-implemented):

1. near-duplicate: MinHash (datasketch) Jaccard over word 5-shingles >= ``NEAR_DUP``;
2. same story: shared quotation shingles, rare names, numbers and terms (the tokens of
   ``stories.features.items``), text overlap and publication dates, decided by the rule of
   ``rules.SameEvent``, here with a dict from each token to its articles and Python sets;
3. a curated ``story`` hint from the document's sidecar (an override: joins first).

The ``story_id`` is ``story-`` + the smallest doc_id in the component (stable as long as
that document stays), and each joining pair's evidence is returned for the build summary.

This module is the datasketch reference for the rule. Builds, validate and every engine use
``claimcorpus.stories`` (same tokens, thresholds and story ids, compact NumPy signatures):
datasketch's MinHash objects and LSH sets cost ~20 KB per document, 2.1 GB at 100k
articles, and Spark must compute the very same signatures inside the batch function. Tests
and ``scripts/bench_scale.py`` check the two against each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH

from claimcorpus.stories.components import story_ids
from claimcorpus.stories.evidence import rare_limit
from claimcorpus.stories.features import UNKNOWN_DAY, day_of, items
from claimcorpus.stories.rules import ENTITY, EVENT_RULES, NEAR_DUP, NUM_PERM, SHINGLE, WORD


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


def _same_event(
    x: dict, y: dict, limit: dict[int, int], df: dict, rules=EVENT_RULES
) -> dict | None:
    """The signals of two articles by plain set intersection, or None if they share no key
    that a block would hold (``stories.evidence`` does this with sorted hash blocks)."""
    shared = [
        sum(
            1
            for t in x["items"][k] & y["items"][k]
            if df[(k, t)] <= limit[k] and (k or t in x["quoted"] or t in y["quoted"])
        )
        for k in range(4)
    ]
    if not any(shared):
        return None
    near = len(x["shingles"] & y["shingles"]) / len(x["shingles"] | y["shingles"])
    days = None if x["day"] is None or y["day"] is None else abs(x["day"] - y["day"])
    support = [near >= rules.near_support] + [
        n >= m
        for n, m in zip(
            shared,
            (
                rules.quote_min_shared,
                rules.names_min_shared,
                rules.numbers_min_shared,
                rules.terms_min_shared,
            ),
            strict=True,
        )
    ]
    close = days is not None and days <= rules.close_days
    far = days is not None and days > rules.far_days
    strong = support[0] or support[1] or support[3] or shared[1] >= rules.names_with_date
    joined = sum(support) >= rules.min_signals or (close and strong)
    if near >= NEAR_DUP or (joined and not far):
        kind = "near-duplicate" if near >= NEAR_DUP else "same-story"
        q, names, numbers, terms = shared
        signals = {"near": round(near, 4), "quotes": q, "names": names, "numbers": numbers}
        signals["terms"] = terms
        return {"kind": kind, "score": float(sum(support)), "signals": {**signals, "days": days}}
    return None


def group_stories(
    docs: Iterable[tuple],
) -> tuple[dict[str, str], list[dict]]:
    """``docs``: (doc_id, normalized text, curated story hint or None[, published]).

    Returns (doc_id -> story_id, evidence edges [{a, b, kind, score, signals?}]). Near
    duplicates by datasketch; same-event pairs by comparing every pair's token sets; the
    components and their chaining guard are ``stories.components.story_ids`` itself.
    """
    sigs: dict[str, MinHash] = {}
    info: dict[str, dict] = {}
    hints: dict[str, str | None] = {}
    lsh = MinHashLSH(threshold=NEAR_DUP, num_perm=NUM_PERM)
    for doc_id, text, hint, *published in docs:
        sigs[doc_id] = minhash(shingles(text))
        lsh.insert(doc_id, sigs[doc_id])
        hints[doc_id] = hint
        day = day_of(published[0] if published else None)
        q, na, nu, te, sp = items(text)
        info[doc_id] = {
            # quotation shingles and reported-speech ones under one kind; a pair counts a
            # shingle when one of the two quotes it
            "items": [set(q) | set(sp), set(na), set(nu), set(te)],
            "quoted": set(q),
            "shingles": shingles(text),
            "day": None if day == UNKNOWN_DAY else day,
        }
    df = Counter((k, t) for x in info.values() for k in range(4) for t in x["items"][k])
    rare = rare_limit(len(info))
    limit = {0: EVENT_RULES.block_max, 1: rare, 2: rare, 3: rare}
    edges: dict[tuple[str, str], dict] = {}
    for a in sorted(sigs):
        for b in sorted(lsh.query(sigs[a])):
            if b > a and (score := sigs[a].jaccard(sigs[b])) >= NEAR_DUP:
                edges[(a, b)] = {"a": a, "b": b, "kind": "near-duplicate", "score": round(score, 4)}
    ids = sorted(info)
    holders: dict[tuple[int, str], list[str]] = {}  # a dict index, not sorted hash blocks
    for d in ids:
        for k in range(4):
            for t in info[d]["items"][k]:
                holders.setdefault((k, t), []).append(d)
    candidates = {
        (a, b)
        for (k, _), docs_ in holders.items()
        if len(docs_) <= limit[k]
        for i, a in enumerate(docs_)
        for b in docs_[i + 1 :]
    }
    for a, b in sorted(candidates):
        ev = _same_event(info[a], info[b], limit, df)
        if ev is not None:
            old = edges.get((a, b), {})
            kind = old.get("kind", ev["kind"])
            score = old.get("score", ev["score"])
            edges[(a, b)] = {"a": a, "b": b, **ev, "kind": kind, "score": score}
    return story_ids(ids, [edges[k] for k in sorted(edges)], hints)


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
