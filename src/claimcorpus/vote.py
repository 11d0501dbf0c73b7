"""The voting half of ``claimcorpus adjudicate``: items, votes, the merge, and gold ids.

Kept apart from adjudicate.py (which decides what to write and writes it) so the policy can
be read and tested on plain records, with no project on disk.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

PREFIX = {"CLAIM": "c", "SOURCE": "s", "CUE": "q"}
SPAN_FIELDS = ("label", "start", "end", "topic_stance", "cluster", "antecedent")
ATT_FIELDS = ("claim", "source", "cue", "stance", "source_type", "anonymous_source", "unattributed")


def _key(s: dict[str, Any] | None) -> tuple | None:
    return (s["label"], s["start"], s["end"]) if s else None


def span_items(rec: dict[str, Any]) -> dict[tuple, tuple]:
    """(label, start, end) -> full span item, antecedent as a key."""
    by_id = {s["id"]: s for s in rec["spans"]}
    return {
        _key(s): (
            *_key(s),
            s.get("topic_stance"),
            s.get("cluster"),
            _key(by_id.get(s.get("antecedent"))),
        )
        for s in rec["spans"]
    }


def attribution_items(rec: dict[str, Any]) -> dict[tuple, tuple]:
    """(claim key, source key) -> full attribution item."""
    by_id = {s["id"]: s for s in rec["spans"]}
    out = {}
    for a in rec["attributions"]:
        claim, src = _key(by_id.get(a["claim"])), _key(by_id.get(a.get("source")))
        cue = _key(by_id.get(a.get("cue")))
        out[(claim, src)] = (
            claim,
            src,
            cue,
            a.get("stance"),
            a.get("source_type"),
            bool(a.get("anonymous_source")),
            bool(a.get("unattributed")),
        )
    return out


def vote(
    per_voter: dict[str, dict[tuple, tuple]], k: int, fields: tuple[str, ...], kind: str
) -> tuple[dict[tuple, tuple], list[dict[str, Any]]]:
    """Accepted items by key, and disputes (each variant with its voters)."""
    variants: dict[tuple, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    for who, items in per_voter.items():
        for key, item in items.items():
            variants[key][item].append(who)
    accepted, disputes = {}, []
    voters = sorted(per_voter)
    for key in sorted(variants, key=str):
        ranked = sorted(variants[key].items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
        best, who = ranked[0]
        tie = len(ranked) > 1 and len(ranked[1][1]) == len(who)
        if len(who) >= k and not tie:
            accepted[key] = best
            if len(ranked) == 1 and len(who) == len(voters):
                continue
        disputes.append(
            {
                "kind": kind,
                "accepted": len(who) >= k and not tie,
                "variants": [
                    {"value": dict(zip(fields, v, strict=True)), "annotators": w} for v, w in ranked
                ],
                "missing": sorted(set(voters) - {x for _, w in ranked for x in w}),
            }
        )
    return accepted, disputes


def renumber(
    spans: list[dict[str, Any]], attributions: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Gold ids by position, so the same gold always gets the same ids whoever made it.

    Spans in text order (start, longest first, then label) get c1.. (CLAIM), s1.. (SOURCE),
    q1.. (CUE); attributions get a1.. in the order of their claim, then source (none first),
    then cue. References (claim, source, cue, antecedent) follow. Ids must be unique in the
    input (``check_record`` refuses duplicates before this runs).
    """
    ordered = sorted(spans, key=lambda s: (s["start"], -s["end"], s["label"]))
    counters: dict[str, int] = defaultdict(int)
    new_id: dict[str, str] = {}
    for s in ordered:
        counters[s["label"]] += 1
        new_id[s["id"]] = f"{PREFIX.get(s['label'], 'x')}{counters[s['label']]}"
    pos = {s["id"]: (s["start"], -s["end"]) for s in spans}

    def at(ref: str | None) -> tuple[int, int]:
        return pos.get(ref, (-1, 0)) if ref else (-1, 0)

    out_spans = []
    for s in ordered:
        t = {**s, "id": new_id[s["id"]]}
        if s.get("antecedent"):
            t["antecedent"] = new_id.get(s["antecedent"], s["antecedent"])
        out_spans.append(t)
    keyed = sorted(
        attributions, key=lambda a: (at(a["claim"]), at(a.get("source")), at(a.get("cue")))
    )
    out_atts = []
    for i, a in enumerate(keyed, 1):
        t = {**a, "id": f"a{i}"}
        for role in ("claim", "source", "cue"):
            if a.get(role):
                t[role] = new_id.get(a[role], a[role])
        out_atts.append(t)
    return out_spans, out_atts


def _gold_span(
    key: tuple, item: tuple, tmp: dict[tuple, str], text_of: dict[tuple, str], notes: list[str]
) -> dict[str, Any]:
    ant = item[5]
    if ant is not None and ant not in tmp:
        notes.append(f"antecedent of {key} dropped: its target {ant} is not in gold")
        ant = None
    return {
        "id": tmp[key],
        "label": key[0],
        "start": key[1],
        "end": key[2],
        "text": text_of[key],
        "topic_stance": item[3],
        "cluster": item[4],
        "antecedent": tmp[ant] if ant else None,
    }


def merge(
    records: dict[str, dict[str, Any]], k: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Vote spans then attributions; return gold spans, attributions, disputes, notes."""
    spans_ok, disputes = vote(
        {w: span_items(r) for w, r in records.items()}, k, SPAN_FIELDS, "span"
    )
    atts_ok, att_disputes = vote(
        {w: attribution_items(r) for w, r in records.items()}, k, ATT_FIELDS, "attribution"
    )
    disputes += att_disputes
    notes: list[str] = []
    text_of = {_key(s): s["text"] for r in records.values() for s in r["spans"]}
    tmp = {key: f"t{i}" for i, key in enumerate(sorted(spans_ok, key=str))}
    spans = [_gold_span(key, item, tmp, text_of, notes) for key, item in spans_ok.items()]
    atts = []
    for key, item in sorted(atts_ok.items(), key=lambda kv: str(kv[0])):
        claim, src, cue = item[0], item[1], item[2]
        missing = [x for x in (claim, src, cue) if x is not None and x not in tmp]
        if missing:
            notes.append(
                f"attribution {key} agreed but span(s) {missing} are not in gold; left out"
            )
            continue
        atts.append(
            {
                "id": f"t{len(atts)}",
                "claim": tmp[claim],
                "source": tmp[src] if src else None,
                "cue": tmp[cue] if cue else None,
                "stance": item[3],
                "source_type": item[4],
                "anonymous_source": item[5],
                "unattributed": item[6],
            }
        )
    spans, atts = renumber(spans, atts)
    return spans, atts, disputes, notes


def threshold(n: int, policy: str, min_votes: int | None) -> int:
    """Votes an item needs: ``--min-votes`` (clipped to 1..n), n for "all", else a majority."""
    if min_votes is not None:
        return max(1, min(min_votes, n))
    return n if policy == "all" else n // 2 + 1
