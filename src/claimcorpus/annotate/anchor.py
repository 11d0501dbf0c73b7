"""Anchor a quote-based authoring sheet to offsets in a document's normalized text.

An authoring sheet (YAML) lets a person annotate by quoting: each span gives its exact
``text`` and, when that text occurs more than once, a longer unique ``context`` that contains
it. Anchoring finds the one place each quote stands and writes half-open code-point offsets;
it never decides what to annotate. Ambiguous or missing quotes are errors, never guesses.

Sheet format::

    doc_id: 000_e24865ecb7649ad0
    annotator: name
    new_clusters: {cluster_id: statement}      # optional
    spans:
      - {id: c1, label: CLAIM, text: "...", context: "...", topic_stance: favor, cluster: x}
      - {id: s1, label: SOURCE, text: "he", context: "...", antecedent: s0}
      - {id: q1, label: CUE, text: "said", context: "..."}
    attributions:
      - {id: a1, claim: c1, source: s1, cue: q1, stance: support,
         source_type: spokesperson, anonymous_source: false, unattributed: false}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class AnchorError(ValueError):
    """A quote that cannot be placed exactly once in the text."""


@dataclass(frozen=True)
class Placed:
    start: int
    end: int


def _all(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def place(text: str, quote: str, context: str | None = None, where: str = "") -> Placed:
    """Return the unique ``[start, end)`` of ``quote`` (inside ``context`` when given)."""
    if not quote:
        raise AnchorError(f"{where}: empty quote")
    if context is None:
        hits = _all(text, quote)
        if len(hits) != 1:
            raise AnchorError(
                f"{where}: quote {quote!r} occurs {len(hits)} times; give a unique 'context'"
            )
        return Placed(hits[0], hits[0] + len(quote))
    ctx_hits = _all(text, context)
    if len(ctx_hits) != 1:
        raise AnchorError(f"{where}: context {context!r} occurs {len(ctx_hits)} times, need 1")
    inner = _all(context, quote)
    if not inner:
        raise AnchorError(f"{where}: quote {quote!r} is not inside context {context!r}")
    if len(inner) > 1:
        raise AnchorError(f"{where}: quote {quote!r} occurs {len(inner)} times inside its context")
    start = ctx_hits[0] + inner[0]
    return Placed(start, start + len(quote))


SPAN_KEYS = ("id", "label", "topic_stance", "cluster", "antecedent")


def anchor_sheet(sheet: dict[str, Any], text: str, where: str = "sheet") -> dict[str, Any]:
    """Turn an authoring sheet into an annotation record with offsets (all errors at once)."""
    errors: list[str] = []
    spans = []
    for i, s in enumerate(sheet.get("spans") or []):
        loc = f"{where}: spans[{i}] id={s.get('id')!r}"
        try:
            p = place(text, s.get("text", ""), s.get("context"), loc)
        except AnchorError as exc:
            errors.append(str(exc))
            continue
        rec = {
            "id": s.get("id"),
            "label": s.get("label"),
            "start": p.start,
            "end": p.end,
            "text": text[p.start : p.end],
            "topic_stance": s.get("topic_stance"),
            "cluster": s.get("cluster"),
            "antecedent": s.get("antecedent"),
        }
        spans.append(rec)
    if errors:
        raise AnchorError("\n".join(errors))
    spans.sort(key=lambda r: (r["start"], -r["end"], r["label"], r["id"]))
    attributions = []
    for a in sheet.get("attributions") or []:
        attributions.append(
            {
                "id": a.get("id"),
                "claim": a.get("claim"),
                "source": a.get("source"),
                "cue": a.get("cue"),
                "stance": a.get("stance"),
                "source_type": a.get("source_type"),
                "anonymous_source": bool(a.get("anonymous_source", False)),
                "unattributed": bool(a.get("unattributed", False)),
            }
        )
    return {"doc_id": sheet.get("doc_id"), "spans": spans, "attributions": attributions}
