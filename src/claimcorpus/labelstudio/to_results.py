"""Record -> Label Studio results: regions, per-region choices and relations (config.py).

Why its own module: the push writes what the page would hold, and every record must come
back unchanged through ``convert.results_to_record``. The stance of a SOURCE's first
attribution and a CLAIM's topic stance are folded into the region's label (folded.py); a
link whose stance differs from its SOURCE's label carries its own relation label. Every
attribution is written as explicit relations and a SOURCE in no attribution gets the plain
label, so the one-attribution notation (notation.py) never applies to pushed results.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from claimcorpus.labelstudio import config as C
from claimcorpus.labelstudio import folded


def _region_value(span: dict[str, Any]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "text": span["text"]}


def _label(span: dict[str, Any], first: dict[str, Any] | None) -> str:
    """The region's label: a CLAIM's with its topic stance, a SOURCE's with the stance of
    its first attribution (folded.py); plain when there is none."""
    if span["label"] == "CLAIM":
        return folded.label_value("CLAIM", span.get("topic_stance"))
    if span["label"] == "SOURCE" and first is not None:
        return folded.label_value("SOURCE", first.get("stance"))
    return span["label"]


def record_to_results(record: dict[str, Any]) -> list[dict[str, Any]]:
    """LS results (regions, per-region choices, relations) for a record, e.g. as predictions."""
    atts = record["attributions"]
    out: list[dict[str, Any]] = []

    def choice(span: dict[str, Any], tag: str, values: list[str]) -> None:
        out.append(
            {
                "id": span["id"],
                "from_name": tag,
                "to_name": C.TEXT_TAG,
                "type": "choices",
                "value": {**_region_value(span), "choices": values},
            }
        )

    by_source = {a["source"]: a for a in reversed(atts) if a.get("source")}
    unattributed = {a["claim"] for a in atts if a.get("unattributed")}
    for s in record["spans"]:
        out.append(
            {
                "id": s["id"],
                "from_name": C.SPAN_TAG,
                "to_name": C.TEXT_TAG,
                "type": "labels",
                "value": {**_region_value(s), "labels": [_label(s, by_source.get(s["id"]))]},
            }
        )
        if s["label"] == "CLAIM":
            if s["id"] in unattributed:
                choice(s, C.CLAIM_FLAGS_TAG, [C.UNATTRIBUTED])
            if s.get("cluster"):
                out.append(
                    {
                        "id": s["id"],
                        "from_name": C.CLUSTER_TAG,
                        "to_name": C.TEXT_TAG,
                        "type": "textarea",
                        "value": {"start": s["start"], "end": s["end"], "text": [s["cluster"]]},
                    }
                )
        elif s["label"] == "SOURCE" and s["id"] in by_source:
            a = by_source[s["id"]]
            if a.get("source_type"):
                choice(s, C.SOURCE_TYPE_TAG, [a["source_type"]])
            if a.get("anonymous_source") and not a.get("source_type"):
                choice(s, C.SOURCE_FLAGS_TAG, [C.ANONYMOUS])  # not derivable (config.py)

    return out + _relations(record, by_source)


def _relations(record: dict[str, Any], by_source: dict[str, dict[str, Any]]) -> list[dict]:
    """Stance links (labelled only where the stance differs from the SOURCE's choice), cue
    links and antecedent links of a record."""
    spans = {s["id"]: s for s in record["spans"]}
    atts = record["attributions"]
    out: list[dict[str, Any]] = []

    def rel(a: str, b: str, labels: list[str]) -> None:
        if a in spans and b in spans:
            out.append(
                {
                    "from_id": a,
                    "to_id": b,
                    "type": "relation",
                    "direction": "right",
                    "labels": labels,
                }
            )

    per_claim: dict[str, int] = defaultdict(int)
    for a in atts:
        per_claim[a["claim"]] += 1
    cue_links: set[tuple[str, str]] = set()
    for a in atts:
        if a.get("source"):
            default = by_source[a["source"]].get("stance")
            own = a.get("stance")
            rel(a["source"], a["claim"], [own] if own and own != default else [])
        if a.get("cue"):
            cue_links.add((a["cue"], a["claim"]))
            if a.get("source") and per_claim[a["claim"]] > 1:
                cue_links.add((a["cue"], a["source"]))
    for cue, other in sorted(cue_links):
        rel(cue, other, [])
    for s in record["spans"]:
        if s.get("antecedent"):
            rel(s["id"], s["antecedent"], [])
    return out
