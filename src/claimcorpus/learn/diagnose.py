"""Why attributions are missed: every gold attribution's first error, counted by kind.

The attribution score (``evaluate/attribution``) says how many (claim, source) tuples match;
this says why the others did not, in the terms the linker and its post-processing
(``learn/assemble``) can act on. Counts only, never texts: ``scripts/bench_train.py`` puts
them in the README, and PolNeAR's texts are not ours to publish.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

Span = tuple[int, int]

ERROR_KINDS = (
    "claim not tagged",
    "claim tagged, no attribution (no source found)",
    "no source found",
    "wrong source: the gold source was tagged, another chosen",
    "wrong source: the gold source was not tagged",
    "a source predicted, gold has none",
)


def _overlaps(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _of(record: Mapping[str, Any]) -> tuple[dict[str, list[Span]], list[tuple[Span, Span | None]]]:
    """(label -> spans, [(claim, source)] of the attributions) of one record."""
    by_id = {s["id"]: (s["start"], s["end"]) for s in record.get("spans") or ()}
    spans: dict[str, list[Span]] = {"CLAIM": [], "SOURCE": [], "CUE": []}
    for s in record.get("spans") or ():
        spans.setdefault(s["label"], []).append((s["start"], s["end"]))
    atts = [
        (by_id[a["claim"]], by_id.get(a["source"]) if a.get("source") else None)
        for a in record.get("attributions") or ()
    ]
    return spans, atts


def first_error(
    claim: Span, source: Span | None, spans: Mapping[str, Sequence[Span]], atts: Sequence
) -> str | None:
    """The first thing that keeps a gold (claim, source) from an overlap match, or None."""
    hits = [t for t in atts if _overlaps(t[0], claim)]
    if not hits:
        if any(_overlaps(c, claim) for c in spans.get("CLAIM", ())):
            return ERROR_KINDS[1]
        return ERROR_KINDS[0]
    if any((source is None and s is None) or _overlaps(s, source) for _, s in hits):
        return None
    if source is None:
        return ERROR_KINDS[5]
    if all(s is None for _, s in hits):
        return ERROR_KINDS[2]
    tagged = any(_overlaps(s, source) for s in spans.get("SOURCE", ()))
    return ERROR_KINDS[3] if tagged else ERROR_KINDS[4]


def error_counts(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Counts over a split: each error kind, and the shapes that cost precision or recall
    (fragments, merged claims, spurious claims; discontinuous gold claims, gold sources
    outside their claim's sentences, gold claims with several attributions)."""
    out: Counter[str] = Counter({k: 0 for k in ERROR_KINDS})
    by_doc = {p["doc_id"]: p for p in pred}
    for g in gold:
        spans, atts = _of(by_doc.get(g["doc_id"], {}))
        gold_spans = {s["id"]: s for s in g.get("spans") or ()}
        starts = sorted(s["start"] for s in g.get("sentences") or ()) or [0]
        claims = Counter(a["claim"] for a in g.get("attributions") or ())
        out["gold claims with several attributions"] += sum(1 for n in claims.values() if n > 1)
        gold_claims = []
        for a in g.get("attributions") or ():
            c = gold_spans[a["claim"]]
            claim = (c["start"], c["end"])
            gold_claims.append(claim)
            s = gold_spans.get(a.get("source")) if a.get("source") else None
            source = None if s is None else (s["start"], s["end"])
            out["gold attributions"] += 1
            out["gold: discontinuous claim"] += c.get("fragments") is not None
            if source is None:
                out["gold: no source"] += 1
            elif not _within_sentences(source, claim, starts):
                out["gold: source outside the claim's sentences"] += 1
            kind = first_error(claim, source, spans, atts)
            out[kind or "overlap match possible"] += 1
            pieces = sum(1 for t in atts if _overlaps(t[0], claim))
            out["gold claims split over several predicted ones"] += pieces > 1
            out["extra predicted fragments"] += max(pieces - 1, 0)
        for claim, _ in atts:
            n = sum(1 for c in gold_claims if _overlaps(claim, c))
            out["predicted attributions"] += 1
            out["predicted claims over no gold claim"] += n == 0
            out["predicted claims over several gold claims"] += n > 1
    return dict(out)


def _within_sentences(source: Span, claim: Span, starts: Sequence[int]) -> bool:
    def at(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    return at(claim[0]) <= at(source[0]) <= at(max(claim[0], claim[1] - 1))
