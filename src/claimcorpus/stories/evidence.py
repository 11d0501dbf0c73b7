"""Same-event evidence: blocks of shared keys give candidate pairs and their signals.

Why blocking: every pair of articles that share a quotation shingle, a rare name, a rare
number or a rare term is a candidate, and the number of keys they share is that signal's score, exactly
(no sampling), in a few NumPy sorts. A key held by more than a block's limit of articles
(a stock phrase, a country's name in a big crawl) says nothing about one event and is left
out, which also bounds the pairs: at most ``block_max`` squared per key. Each candidate
gets its near-duplicate Jaccard estimate and its date gap, and ``decide`` applies
``rules.EVENT_RULES``; the signals go into the build summary as the join's evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from claimcorpus.stories.features import KEY_KINDS, QUOTE_KEY, SPEECH_KEY, UNKNOWN_DAY, Features
from claimcorpus.stories.rules import EVENT_RULES, NEAR_DUP, SameEvent
from claimcorpus.stories.signatures import ESTIMATE_ROWS, estimate


@dataclass
class Signals:
    """Candidate pairs ``a < b`` (row numbers) and each pair's signals."""

    pairs: np.ndarray  # (n, 2) int64
    shared: np.ndarray  # (n, 4) int64: shared quotation shingles, rare names, numbers, terms
    near: np.ndarray  # (n,) float: near-duplicate Jaccard estimate
    days: np.ndarray  # (n,) int64 date gap, -1 when a date is unknown


PART_ROWS = 1_000_000  # candidate rows of one part (about 100 MB with their signals)
CHUNK_ROWS = 250_000  # block pairs expanded at a time


def rare_limit(n_docs: int, rules: SameEvent = EVENT_RULES) -> int:
    """The most articles a rare name or number may appear in."""
    return min(rules.block_max, max(rules.rare_min, math.ceil(rules.rare_share * n_docs)))


@dataclass
class Blocks:
    """One kind's keys sorted into blocks: members of a block are ``doc[head:head+size]``."""

    doc: np.ndarray
    head: np.ndarray
    size: np.ndarray
    # quotation blocks: True where the member quotes the shingle, False where it reports it
    # unquoted; a pair counts when one of the two quotes it (None: every pair counts)
    quoted: np.ndarray | None = None

    @staticmethod
    def of(
        key: np.ndarray, doc: np.ndarray, limit: int, quoted: np.ndarray | None = None
    ) -> Blocks:
        """The blocks of 2..limit documents; larger and single ones are left out, and so
        are their members (most keys are held by one article: only block members stay)."""
        order = np.lexsort((doc, key))
        key = key[order]
        head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        size = np.diff(np.r_[head, len(key)])
        del key
        keep = (size >= 2) & (size <= limit)
        head, size = head[keep], size[keep]
        start = np.cumsum(size) - size  # each kept block's first member, once compacted
        at = order[np.repeat(head - start, size) + np.arange(size.sum())]
        return Blocks(
            doc[at].astype(np.int32),
            start.astype(np.int64),
            size,
            None if quoted is None else quoted[at],
        )

    @staticmethod
    def concat(parts: list[Blocks]) -> Blocks:
        """Blocks of disjoint key sets (a spill's ranges) as one kind's blocks."""
        starts = np.cumsum([0] + [len(b.doc) for b in parts])
        flags = [b.quoted for b in parts if b.quoted is not None]
        return Blocks(
            np.concatenate([np.zeros(0, np.int32)] + [b.doc for b in parts]),
            np.concatenate(
                [np.zeros(0, np.int64)]
                + [b.head + o for b, o in zip(parts, starts[:-1], strict=True)]
            ),
            np.concatenate([np.zeros(0, np.int64)] + [b.size for b in parts]),
            np.concatenate(flags) if flags and len(flags) == len(parts) else None,
        )

    def pair_count(self) -> int:
        return int((self.size * (self.size - 1) // 2).sum())

    def codes(self, part: int, parts: int, n: int) -> np.ndarray:
        """Sorted codes ``a * n + b``, once per block two members share, for the ``a`` with
        a % parts == part (a code, not a row of two: 8 bytes a block pair); blocks are
        expanded CHUNK_ROWS pairs at a time, so no temporary holds them all."""
        out = [np.zeros(0, np.int64)]
        for s in np.unique(self.size).tolist():
            heads = self.head[self.size == s]
            i, j = np.triu_indices(s, 1)
            step = max(1, CHUNK_ROWS // len(i))
            for lo in range(0, len(heads), step):
                at = heads[lo : lo + step, None] + np.arange(s)
                members = self.doc[at].astype(np.int64)
                first, second = members[:, i], members[:, j]
                mine = (first % parts == part) & (first != second)  # !=: a collision
                if self.quoted is not None:
                    mine &= self.quoted[at][:, i] | self.quoted[at][:, j]
                out.append(first[mine] * n + second[mine])
        return np.sort(np.concatenate(out))


def blocks(feats: Features, rules: SameEvent = EVENT_RULES) -> list[Blocks]:
    """Each kind's blocks (``KEY_KINDS`` order)."""
    return blocks_of(feats.key, feats.doc, feats.kind, len(feats.day), rules)


def blocks_of(
    key: np.ndarray, doc: np.ndarray, kind: np.ndarray, n_docs: int, rules: SameEvent = EVENT_RULES
) -> list[Blocks]:
    """Each kind's blocks (``KEY_KINDS`` order) of feature rows among ``n_docs`` articles."""
    rare = rare_limit(n_docs, rules)
    quote = (kind == QUOTE_KEY) | (kind == SPEECH_KEY)
    out = [Blocks.of(key[quote], doc[quote], rules.block_max, kind[quote] == QUOTE_KEY)]
    for k in range(1, len(KEY_KINDS)):
        out.append(Blocks.of(key[kind == k], doc[kind == k], rare))
    return out


def signals(
    feats: Features,
    near_sig: np.ndarray,
    kinds: list[Blocks],
    part: int = 0,
    parts: int = 1,
) -> Signals:
    """The candidate pairs of one part (``a % parts == part``) with their signals, sorted."""
    n = max(len(feats.day), 1)
    per_kind = []
    for b in kinds:  # one kind's codes at a time: sorted, then counted per distinct pair
        c = b.codes(part, parts, n)
        head = np.flatnonzero(np.r_[True, c[1:] != c[:-1]]) if len(c) else np.zeros(0, np.intp)
        per_kind.append((c[head], np.diff(np.r_[head, len(c)])))
        del c
    code = np.unique(np.concatenate([c for c, _ in per_kind]))
    shared = np.zeros((len(code), len(KEY_KINDS)), np.int64)
    for k, (c, count) in enumerate(per_kind):
        shared[np.searchsorted(code, c), k] = count
    del per_kind
    pairs = np.stack([code // n, code % n], axis=1)
    del code
    near = np.zeros(len(pairs))
    for i in range(0, len(pairs), ESTIMATE_ROWS):  # bounded memory for many candidates
        chunk = pairs[i : i + ESTIMATE_ROWS]
        near[i : i + ESTIMATE_ROWS] = estimate(near_sig[chunk[:, 0]], near_sig[chunk[:, 1]])
    da, db = feats.day[pairs[:, 0]], feats.day[pairs[:, 1]]
    known = (da != UNKNOWN_DAY) & (db != UNKNOWN_DAY)
    days = np.where(known, np.abs(np.where(known, da - db, 0)), -1)
    return Signals(pairs, shared, near, days)


def joined(
    feats: Features,
    near_sig: np.ndarray,
    rules: SameEvent = EVENT_RULES,
    max_rows: int = PART_ROWS,
    kinds: list[Blocks] | None = None,
) -> Signals:
    """The candidate pairs ``decide`` accepts, with their signals, sorted. Candidates are
    taken in parts of at most about ``max_rows`` block rows (by the first article's row
    number), so memory is bounded whatever the number of candidates; the result does not
    depend on the number of parts. ``kinds``: the blocks, when built already (a spill's);
    then only ``feats.day`` is read."""
    kinds = blocks(feats, rules) if kinds is None else kinds
    parts = max(1, -(-sum(b.pair_count() for b in kinds) // max_rows))
    got = []
    for part in range(parts):
        s = signals(feats, near_sig, kinds, part, parts)
        ok = decide(s, rules)
        got.append(Signals(s.pairs[ok], s.shared[ok], s.near[ok], s.days[ok]))
    pairs = np.concatenate([g.pairs for g in got])
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return Signals(
        pairs[order],
        np.concatenate([g.shared for g in got])[order],
        np.concatenate([g.near for g in got])[order],
        np.concatenate([g.days for g in got])[order],
    )


def supports(s: Signals, rules: SameEvent = EVENT_RULES) -> np.ndarray:
    """(n, 5) bool: text, quotation, names, numbers, terms support each pair."""
    return np.stack(
        [
            s.near >= rules.near_support,
            s.shared[:, 0] >= rules.quote_min_shared,
            s.shared[:, 1] >= rules.names_min_shared,
            s.shared[:, 2] >= rules.numbers_min_shared,
            s.shared[:, 3] >= rules.terms_min_shared,
        ],
        axis=1,
    )


def decide(s: Signals, rules: SameEvent = EVENT_RULES) -> np.ndarray:
    """Which candidate pairs report the same event (the rule of ``rules.SameEvent``)."""
    sup = supports(s, rules)
    close = (s.days >= 0) & (s.days <= rules.close_days)
    far = s.days > rules.far_days
    strong = sup[:, [0, 1, 3]].any(axis=1) | (s.shared[:, 1] >= rules.names_with_date)
    joined = (sup.sum(axis=1) >= rules.min_signals) | (close & strong)
    return (s.near >= NEAR_DUP) | (joined & ~far)


def evidence(s: Signals, i: int) -> dict:
    """The build summary's record of pair ``i``'s signals."""
    q, names, numbers, terms = s.shared[i].tolist()
    days = int(s.days[i])
    return {
        "near": round(float(s.near[i]), 4),
        "quotes": q,
        "names": names,
        "numbers": numbers,
        "terms": terms,
        "days": None if days < 0 else days,
    }
