"""The rules a gold or raw record obeys beyond the shared ones: structure and completeness.

A record that reaches these has passed the scheme's JSON Schema (``core/layers``), so every
field has its type. The shared rules (offsets, stored text, repeated ids, attribution
references) come from ``core/record_rules``, which the prediction checks use too; what is
here is what a human annotation must meet and a model's output need not: attributes only
on the labels that carry them, a topic stance on every CLAIM, known clusters, SOURCE
antecedents, spans that nest but never cross, ordered fragments, CLAIMs inside one
paragraph, and consistent attribution flags.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from claimcorpus.core.record_rules import (
    Finding,
    Item,
    duplicate_ids,
    references,
    span_offsets,
    span_text,
)
from claimcorpus.core.scheme import Scheme

ANONYMOUS_TYPES = {"anonymous_official", "anonymous_other"}


def gold_findings(
    record: Mapping[str, Any],
    text: str,
    scheme: Scheme,
    paragraphs: Iterable[tuple[int, int]] | None = None,
    clusters: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every fault of a schema-valid gold or raw record against its document's text."""
    spans = record["spans"]
    by_id = {s["id"]: s for s in spans}
    out = duplicate_ids("span", spans)
    for s in spans:
        out += span_findings(s, text, scheme, clusters)
    out += antecedents(spans, by_id)
    out += overlaps(spans, scheme.rules.get("allow_crossing", False))
    out += fragments(spans)
    if paragraphs is not None and scheme.rules.get("claim_within_paragraph", True):
        out += claims_within(spans, list(paragraphs))
    out += attribution_findings(record["attributions"], by_id, scheme)
    return out


def _item(obj: Mapping[str, Any], kind: str) -> Item:
    return Item(obj["id"], f"{kind} {obj['id']!r}")


def span_findings(
    s: Mapping[str, Any], text: str, scheme: Scheme, clusters: Mapping[str, str] | None
) -> list[Finding]:
    """One span: in range, its stored text, and the attributes its label may carry."""
    it = _item(s, "span")
    bad = span_offsets(it, s["start"], s["end"], text)
    if bad:
        return [bad]
    out = [f for f in [span_text(it, s["text"], s["start"], s["end"], text)] if f]
    label = s["label"]
    for attr in ("topic_stance", "cluster"):
        if label != "CLAIM" and s.get(attr) is not None:
            out.append(
                it.finding("span-attribute-misplaced", f"{attr} is only for CLAIM spans", attr)
            )
    if label != "SOURCE" and s.get("antecedent") is not None:
        msg = "antecedent is only for SOURCE spans"
        out.append(it.finding("span-attribute-misplaced", msg, "antecedent"))
    if label == "CLAIM" and s.get("topic_stance") is None and scheme.has("topic_stance"):
        msg = "CLAIM needs a topic_stance"
        out.append(it.finding("claim-missing-topic-stance", msg, "topic_stance"))
    cluster = s.get("cluster")
    if label == "CLAIM" and cluster and clusters is not None and cluster not in clusters:
        msg = f"cluster {cluster!r} not in clusters.yaml"
        out.append(it.finding("cluster-unknown", msg, "cluster"))
    return out


def antecedents(spans: list[dict], by_id: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """A span's antecedent must be a SOURCE span of the record."""
    out = []
    for s in spans:
        ant = s.get("antecedent")
        if ant is not None and (ant not in by_id or by_id[ant]["label"] != "SOURCE"):
            msg = f"antecedent {ant!r} is not a SOURCE span"
            out.append(_item(s, "span").finding("antecedent-missing", msg, "antecedent"))
    return out


def claims_within(spans: list[dict], bounds: list[tuple[int, int]]) -> list[Finding]:
    """A CLAIM must lie inside one paragraph."""
    return [
        _item(s, "span").finding(
            "claim-crosses-paragraph", "a CLAIM must lie inside one paragraph", "end"
        )
        for s in spans
        if s["label"] == "CLAIM" and not any(a <= s["start"] and s["end"] <= b for a, b in bounds)
    ]


def fragments(spans: list[dict]) -> list[Finding]:
    """A discontinuous span's fragments: ordered, apart, and spanning exactly [start, end)."""
    out = []
    for s in spans:
        frags = s.get("fragments")
        if not frags:
            continue
        pairs = [(f[0], f[1]) for f in frags]
        ok = all(a < b for a, b in pairs) and all(
            pairs[i][1] < pairs[i + 1][0] for i in range(len(pairs) - 1)
        )
        if not ok or pairs[0][0] != s["start"] or pairs[-1][1] != s["end"]:
            msg = (
                f"fragments {pairs} must be ordered, apart and run from start {s['start']} "
                f"to end {s['end']}"
            )
            out.append(_item(s, "span").finding("span-fragments", msg, "fragments"))
    return out


def overlaps(spans: list[dict], allow_crossing: bool) -> list[Finding]:
    """Spans may nest but never cross; the same label on identical offsets is a duplicate."""
    out = []
    ordered = sorted(spans, key=lambda s: (s["start"], -s["end"]))
    open_: list[dict] = []
    for s in ordered:
        open_ = [o for o in open_ if o["end"] > s["start"]]
        for o in open_:
            if s["end"] > o["end"] and not allow_crossing:
                msg = (
                    f"span {s['id']} [{s['start']},{s['end']}) crosses {o['id']} "
                    f"[{o['start']},{o['end']})"
                )
                out.append(_item(s, "span").finding("span-crossing", msg, "start"))
            elif (o["start"], o["end"], o["label"]) == (s["start"], s["end"], s["label"]):
                msg = f"span {s['id']} repeats {o['id']} (same label and offsets)"
                out.append(_item(s, "span").finding("span-duplicate", msg))
        open_.append(s)
    return out


def attribution_findings(
    atts: list[dict], by_id: Mapping[str, Mapping[str, Any]], scheme: Scheme
) -> list[Finding]:
    """Ids, span references and flags of every attribution; then the claims' links."""
    labels = {sid: s["label"] for sid, s in by_id.items()}
    out = duplicate_ids("attribution", atts)
    per_claim: dict[str, list[dict]] = defaultdict(list)
    for a in atts:
        out += references(_item(a, "attribution"), a, labels)
        out += flags(a, scheme.has("source_type"))
        per_claim[a["claim"]].append(a)
    for claim, linked in per_claim.items():
        if len({bool(a.get("unattributed")) for a in linked}) > 1:
            msg = f"claim {claim} is linked both as unattributed and to a source"
            out.append(Finding("claim-contradictory-flags", msg, claim, "unattributed"))
    for sid, s in by_id.items():
        if s["label"] == "CLAIM" and sid not in per_claim:
            out.append(Finding("claim-unlinked", "CLAIM has no attribution", sid, level="warning"))
    return out


def flags(a: Mapping[str, Any], typed: bool) -> list[Finding]:
    """``unattributed`` against ``source``; ``anonymous_source`` against the source type."""
    it = _item(a, "attribution")
    out = []
    unattr = a.get("unattributed", False)
    if unattr and (a.get("source") is not None or (typed and a["source_type"] != "author")):
        msg = "unattributed needs source null" + (" and source_type author" if typed else "")
        out.append(it.finding("attribution-flags-contradict", msg, "unattributed"))
    if not unattr and a.get("source") is None:
        msg = "attribution without source must set unattributed: true"
        out.append(it.finding("attribution-no-source", msg, "source"))
    if typed and a.get("anonymous_source", False) != (a["source_type"] in ANONYMOUS_TYPES):
        msg = (
            f"anonymous_source={a.get('anonymous_source')} disagrees with source_type "
            f"{a['source_type']}"
        )
        out.append(it.finding("attribution-anonymous-flag", msg, "anonymous_source"))
    return out
