"""Which cue and which source go with a claim: two pairwise logistic regressions.

For every claim the candidates are the cues (then the sources) within a few sentences of
it; each (claim, candidate) pair is described by where the candidate sits (before, after or
inside the claim, same sentence, distance, how many closer candidates there are) and scored
by a logistic regression trained on the gold attributions of the train split. The best
candidate is taken when its probability clears the threshold, else the role stays empty
(PolNeAR has a source for only 87% of its claims). A source is scored against the claim and
the cue chosen for it, since a source sits next to its cue far more reliably than next to
its claim. Weights are kept as JSON (a vocabulary and coefficients), no pickle.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

from claimcorpus.learn.features import CUE_WORDS, bucket

Span = tuple[int, int]
WINDOW = 2  # candidates within this many sentences of the claim's first or last one
THRESHOLD = {"cue": 0.2, "source": 0.35}
_STRAIGHT_QUOTE = '"'  # with “ and ”, the quote marks of between_quote


@dataclass(frozen=True)
class Pair:
    """One (claim, candidate) pair and the sentence index that places both."""

    claim: Span
    candidate: Span
    rank: int  # 0: the candidate nearest the claim
    sentences_apart: int
    cue: Span | None = None  # the cue already chosen (source pairs only)


def gap(a: Span, b: Span) -> tuple[str, int]:
    """Where ``b`` lies from ``a`` (before, after, inside, around, overlap) and the gap."""
    if b[1] <= a[0]:
        return "before", a[0] - b[1]
    if b[0] >= a[1]:
        return "after", b[0] - a[1]
    if a[0] <= b[0] and b[1] <= a[1]:
        return "inside", 0
    if b[0] <= a[0] and a[1] <= b[1]:
        return "around", 0
    return "overlap", 0


def char_bucket(n: int) -> str:
    for limit in (1, 3, 10, 30, 80, 200):
        if n <= limit:
            return str(limit)
    return "far"


def pair_features(pair: Pair, text: str) -> list[str]:
    """Binary feature names of a pair."""
    where, apart = gap(pair.claim, pair.candidate)
    words = text[pair.candidate[0] : pair.candidate[1]].lower().split()
    between = text[min(pair.claim[1], pair.candidate[1]) : max(pair.claim[0], pair.candidate[0])]
    chars = char_bucket(apart)
    out = [
        "bias",
        f"where={where}",
        f"gap={chars}",
        f"where|gap={where}|{chars}",
        f"rank={bucket(pair.rank + 1)}",
        f"sents={min(pair.sentences_apart, 3)}",
        f"lexicon={words[-1] in CUE_WORDS if words else False}",
        f"between_quote={'“' in between or '”' in between or _STRAIGHT_QUOTE in between}",
        f"between_newline={chr(10) in between}",
    ]
    if pair.cue is not None:
        cwhere, capart = gap(pair.cue, pair.candidate)
        out += [f"cue_where={cwhere}", f"cue_gap={char_bucket(capart)}", f"cue|{cwhere}|{where}"]
    else:
        out.append("no_cue")
    return out


def candidates(
    claim: Span,
    spans: Sequence[Span],
    starts: Sequence[int],
    cue: Span | None = None,
    at: Sequence[int] | None = None,
) -> list[Pair]:
    """Pairs of the claim with every span within WINDOW sentences, nearest first.

    ``starts``: sentence start offsets of the document, sorted; ``at``: the sentence index
    of each span when the caller has it (the linker computes it once per document, not once
    per claim)."""

    def sentence(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    if at is None:
        at = [sentence(s[0]) for s in spans]
    first, last = sentence(claim[0]), sentence(max(claim[0], claim[1] - 1))
    lowest, highest = first - WINDOW, last + WINDOW  # the window, as sentence indices
    anchor = cue or claim
    near = []
    for s, where in zip(spans, at, strict=True):
        if lowest <= where <= highest and s != claim:
            apart = max(first - where, where - last, 0)
            near.append((gap(anchor, s)[1], s[0], s, apart))
    near.sort()
    return [Pair(claim, s, rank, apart, cue) for rank, (_, _, s, apart) in enumerate(near)]


@dataclass
class Scorer:
    """A trained logistic regression over binary feature names."""

    vocabulary: dict[str, int]
    coef: list[float]
    intercept: float
    weights: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # name -> coefficient, looked up once per name (the same floats, summed in order)
        self.weights = {n: self.coef[i] for n, i in self.vocabulary.items()}

    def probability(self, names: Sequence[str]) -> float:
        w = self.weights
        z = self.intercept + sum([w[n] for n in names if n in w])
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def to_json(self) -> dict:
        return {"vocabulary": self.vocabulary, "coef": self.coef, "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: Mapping) -> Scorer:
        vocab = {str(k): int(v) for k, v in data["vocabulary"].items()}
        coef = [float(c) for c in data["coef"]]
        if any(not 0 <= v < len(coef) for v in vocab.values()):
            raise ValueError("a vocabulary index is out of range of the coefficients")
        return cls(vocab, coef, float(data["intercept"]))


def fit_scorer(rows: Sequence[list[str]], labels: Sequence[int], seed: int) -> Scorer:
    """Logistic regression (L2, liblinear: deterministic for a seed) on binary features."""
    vocabulary: dict[str, int] = {}
    for names in rows:
        for n in names:
            vocabulary.setdefault(n, len(vocabulary))
    x = np.zeros((len(rows), len(vocabulary)), dtype=np.float32)
    for i, names in enumerate(rows):
        x[i, [vocabulary[n] for n in names]] = 1.0
    y = np.asarray(labels)
    if len(set(y.tolist())) < 2:  # a tiny train split with no negative (or no positive)
        return Scorer(vocabulary, [0.0] * len(vocabulary), 5.0 if y.size and y[0] else -5.0)
    model = LogisticRegression(C=1.0, solver="liblinear", random_state=seed, max_iter=200)
    model.fit(x, y)
    return Scorer(vocabulary, [float(c) for c in model.coef_[0]], float(model.intercept_[0]))


@dataclass(frozen=True)
class Linker:
    """The two scorers: cue given claim, source given claim and cue."""

    cue: Scorer
    source: Scorer

    def link(
        self, text: str, spans: Mapping[str, Sequence[Span]], starts: Sequence[int]
    ) -> list[tuple[Span, Span | None, Span | None]]:
        """(claim, cue, source) for every predicted claim."""
        cues, sources = spans.get("CUE", ()), spans.get("SOURCE", ())
        cue_at = [bisect.bisect_right(starts, s[0]) - 1 for s in cues]
        source_at = [bisect.bisect_right(starts, s[0]) - 1 for s in sources]
        out = []
        for claim in spans.get("CLAIM", ()):
            pairs = candidates(claim, cues, starts, at=cue_at)
            cue = self._best(self.cue, "cue", text, pairs)
            pairs = candidates(claim, sources, starts, cue, source_at)
            out.append((claim, cue, self._best(self.source, "source", text, pairs)))
        return out

    @staticmethod
    def _best(scorer: Scorer, role: str, text: str, pairs: Sequence[Pair]) -> Span | None:
        best, best_p = None, THRESHOLD[role]
        for pair in pairs:
            p = scorer.probability(pair_features(pair, text))
            if p > best_p:
                best, best_p = pair.candidate, p
        return best


def training_pairs(
    docs: Sequence[Mapping],
) -> dict[str, tuple[list[list[str]], list[int]]]:
    """role -> (feature rows, 0/1 labels) over every gold attribution with a claim; a
    source's pairs are made with the gold cue (what a perfect cue step would give)."""
    out: dict[str, tuple[list[list[str]], list[int]]] = {"cue": ([], []), "source": ([], [])}
    for doc in docs:
        text = doc["text"]
        by_id = {s["id"]: (s["start"], s["end"]) for s in doc["spans"]}
        of = {
            lab: [(s["start"], s["end"]) for s in doc["spans"] if s["label"] == lab]
            for lab in ("CUE", "SOURCE")
        }
        starts = sorted(s["start"] for s in doc.get("sentences") or []) or [0]
        for att in doc["attributions"]:
            claim = by_id.get(att.get("claim"))
            if claim is None:
                continue
            cue = by_id.get(att.get("cue"))
            source = by_id.get(att.get("source"))
            for role, pool, gold, anchor in (
                ("cue", of["CUE"], cue, None),
                ("source", of["SOURCE"], source, cue),
            ):
                rows, labels = out[role]
                for pair in candidates(claim, pool, starts, anchor):
                    rows.append(pair_features(pair, text))
                    labels.append(int(pair.candidate == gold))
    return out


def fit_linker(docs: Sequence[Mapping], seed: int) -> Linker:
    pairs = training_pairs(docs)
    return Linker(fit_scorer(*pairs["cue"], seed), fit_scorer(*pairs["source"], seed))
