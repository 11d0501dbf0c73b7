"""The learned model's extraction path as it was before the speed-up (h18-learn, aaa9f60),
kept verbatim (but for the weak spans of model format 2, taken from crfsuite's marginals
through ``CRF.predict_marginals``, and the assembly of attributions, which both paths share:
``learn/assemble``) as the reference the fast path must equal prediction for prediction: token
features built per token, each label's CRF fed Python feature lists through
``sklearn_crfsuite.CRF.predict`` (one conversion per label), the linker's pairs scored one
by one. Used by ``tests/test_learn_speed.py`` and ``scripts/bench_train.py --predict-only``
(as the baseline of its speed ratio)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from claimcorpus.learn.features import CUE_WORDS, QUOTES
from claimcorpus.learn.linker import THRESHOLD, Pair, Scorer
from claimcorpus.learn.model import LearnedModel
from claimcorpus.learn.spans import token_runs
from claimcorpus.learn.tokens import Sentence, decode, sentences_of

Span = tuple[int, int]
WINDOW = 2
QUOTE_CHARS = '“”"'


def shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if word.isupper():
        return "X"
    if word[:1].isupper():
        return "Xx"
    if word[:1].isalpha() or word[:1] == "_":
        return "x"
    return word


def bucket(distance: int | None) -> str:
    if distance is None:
        return "none"
    for limit in (1, 2, 4, 8, 16):
        if distance <= limit:
            return str(limit)
    return "far"


def char_bucket(n: int) -> str:
    for limit in (1, 3, 10, 30, 80, 200):
        if n <= limit:
            return str(limit)
    return "far"


def pair_features(pair: Pair, text: str) -> list[str]:
    where, apart = _gap(pair.claim, pair.candidate)
    word = text[pair.candidate[0] : pair.candidate[1]].lower()
    between = text[min(pair.claim[1], pair.candidate[1]) : max(pair.claim[0], pair.candidate[0])]
    out = [
        "bias",
        f"where={where}",
        f"gap={char_bucket(apart)}",
        f"where|gap={where}|{char_bucket(apart)}",
        f"rank={bucket(pair.rank + 1)}",
        f"sents={min(pair.sentences_apart, 3)}",
        f"lexicon={word.split()[-1] in CUE_WORDS if word.split() else False}",
        f"between_quote={any(q in between for q in QUOTE_CHARS)}",
        f"between_newline={chr(10) in between}",
    ]
    if pair.cue is not None:
        cwhere, capart = _gap(pair.cue, pair.candidate)
        out += [f"cue_where={cwhere}", f"cue_gap={char_bucket(capart)}", f"cue|{cwhere}|{where}"]
    else:
        out.append("no_cue")
    return out


def _distances(flags: list[bool]) -> tuple[list[int | None], list[int | None]]:
    n = len(flags)
    left: list[int | None] = [None] * n
    right: list[int | None] = [None] * n
    last: int | None = None
    for i in range(n):
        left[i] = None if last is None else i - last
        if flags[i]:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        right[i] = None if last is None else last - i
        if flags[i]:
            last = i
    return left, right


def sentence_features(sent: Sentence, previous_open_quote: bool = False) -> list[list[str]]:
    lower = [w.lower() for w in sent.words]
    n = len(lower)
    cue = [w in CUE_WORDS for w in lower]
    left, right = _distances(cue)
    shapes = [shape(w) for w in sent.words]
    has_cue = "sent_cue=1" if any(cue) else "sent_cue=0"
    edge = {k: f"w{k:+d}=<edge>" for k in (-2, -1, 1, 2)}
    window = {k: [f"w{k:+d}={w}" for w in lower] for k in (-2, -1, 1, 2)}
    window_shape = {k: [f"s{k:+d}={x}" for x in shapes] for k in (-2, -1, 1, 2)}
    in_quote = previous_open_quote
    out: list[list[str]] = []
    for i, w in enumerate(sent.words):
        if w in QUOTES:
            in_quote = not in_quote if w == '"' else w == "“"
        prev = lower[i - 1] if i else "<edge>"
        nxt = lower[i + 1] if i + 1 < n else "<edge>"
        f = [
            "bias",
            "w=" + lower[i],
            "suf3=" + lower[i][-3:],
            "shape=" + shapes[i],
            "cue=1" if cue[i] else "cue=0",
            "inq=1" if in_quote else "inq=0",
            has_cue,
            "cue_left=" + bucket(left[i]),
            "cue_right=" + bucket(right[i]),
            "pos=first" if i == 0 else "pos=last" if i == n - 1 else "pos=mid",
            f"w-1|w={prev}|{lower[i]}",
            f"w|w+1={lower[i]}|{nxt}",
        ]
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < n:
                f.append(window[k][j])
                f.append(window_shape[k][j])
                if cue[j]:
                    f.append(f"cue{k:+d}")
            else:
                f.append(edge[k])
        out.append(f)
    return out


def document_features(sentences: list[Sentence]) -> list[list[list[str]]]:
    out = []
    open_quote = False
    for sent in sentences:
        feats = sentence_features(sent, open_quote)
        open_quote = bool(feats) and "inq=1" in feats[-1]
        out.append(feats)
    return out


def candidates(
    claim: Span, spans: Sequence[Span], starts: Sequence[int], cue: Span | None = None
) -> list[Pair]:
    def sentence(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    first, last = sentence(claim[0]), sentence(max(claim[0], claim[1] - 1))
    near = []
    for s in spans:
        if s == claim:
            continue
        at = sentence(s[0])
        apart = max(first - at, at - last, 0)
        if apart <= WINDOW:
            _, distance = _gap(cue or claim, s)
            near.append((distance, s[0], s, apart))
    near.sort()
    return [Pair(claim, s, rank, apart, cue) for rank, (_, _, s, apart) in enumerate(near)]


def _gap(a: Span, b: Span) -> tuple[str, int]:
    if b[1] <= a[0]:
        return "before", a[0] - b[1]
    if b[0] >= a[1]:
        return "after", b[0] - a[1]
    if a[0] <= b[0] and b[1] <= a[1]:
        return "inside", 0
    if b[0] <= a[0] and a[1] <= b[1]:
        return "around", 0
    return "overlap", 0


def _probability(scorer: Scorer, names: Sequence[str]) -> float:
    z = scorer.intercept + sum(
        scorer.coef[scorer.vocabulary[n]] for n in names if n in scorer.vocabulary
    )
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def _best(scorer: Scorer, role: str, text: str, pairs: Sequence[Pair]) -> Span | None:
    best, best_p = None, THRESHOLD[role]
    for pair in pairs:
        p = _probability(scorer, pair_features(pair, text))
        if p > best_p:
            best, best_p = pair.candidate, p
    return best


@dataclass(frozen=True)
class OldLinker:
    """The linker's old ``link``, over the model's own trained scorers."""

    cue: Scorer
    source: Scorer

    def link(
        self, text: str, spans: Mapping[str, Sequence[Span]], starts: Sequence[int]
    ) -> list[tuple[Span, Span | None, Span | None]]:
        out = []
        for claim in spans.get("CLAIM", ()):
            cue = _best(self.cue, "cue", text, candidates(claim, spans.get("CUE", ()), starts))
            pairs = candidates(claim, spans.get("SOURCE", ()), starts, cue)
            out.append((claim, cue, _best(self.source, "source", text, pairs)))
        return out


def old_model(model: LearnedModel) -> LearnedModel:
    """The loaded model with the old linker (``record`` links with it)."""
    return replace(model, linker=OldLinker(model.linker.cue, model.linker.source))


def extract(
    model: LearnedModel,
    doc_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """The old ``LearnedModel.extract`` (``model``: an :func:`old_model`)."""
    sents = sentences_of(text, sentences)
    feats = document_features(sents)
    found = {
        label: decode(sents, model.tagger.crfs[label].predict(feats))
        for label in model.tagger.labels
    }
    weak = {}
    for label, limit in model.weak_thresholds.items():  # format 2: marginals (not sped up)
        crf = model.tagger.crfs[label]
        runs = []
        for sent, marginals in zip(sents, crf.predict_marginals(feats), strict=True):
            inside = [1.0 - m["O"] >= limit for m in marginals]
            runs += token_runs(sent, inside)
        weak[label] = runs
    return model.record(doc_id, text, [s.start for s in sents], found, weak)


def predict_documents(model: LearnedModel, docs: Sequence[Mapping[str, Any]]) -> list[dict]:
    """The old ``predict_documents`` of a loaded model."""
    model = old_model(model)
    out = []
    for d in docs:
        given = d.get("sentences")
        sents = None if given is None else [(s["start"], s["end"]) for s in given]
        out.append(extract(model, d["doc_id"], d["text"], sents))
    return out
