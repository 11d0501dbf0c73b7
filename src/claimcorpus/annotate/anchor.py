"""Anchor a quote-based authoring sheet to offsets in a document's normalized text.

An authoring sheet (YAML) lets a person annotate by quoting: each span gives its exact
``text`` and, when that text occurs more than once, a longer unique ``context`` that contains
it, or an ``occurrence`` (1-based, in text order). Anchoring finds the one place each quote
stands and writes half-open code-point offsets; it never decides what to annotate. A quote is
matched exactly, else as a typographic variant (quote marks, dashes, white space, trailing
punctuation: see ``variants``); every placed quote says which rule placed it. Ambiguous or
missing quotes are errors, never guesses.

Sheet format::

    doc_id: 000_e24865ecb7649ad0
    annotator: name
    new_clusters: {cluster_id: statement}      # optional
    spans:
      - {id: c1, label: CLAIM, text: "...", context: "...", topic_stance: favor, cluster: x}
      - {id: s1, label: SOURCE, text: "he", context: "...", antecedent: s0}
      - {id: q1, label: CUE, text: "said", context: "..."}
      - {id: q2, label: CUE, text: "said", occurrence: 3}
    attributions:
      - {id: a1, claim: c1, source: s1, cue: q1, stance: support,
         source_type: spokesperson, anonymous_source: false, unattributed: false}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimcorpus.annotate.variants import fold_quote, fold_text, trimmed


class AnchorError(ValueError):
    """A quote that cannot be placed exactly once in the text."""


# How a quote was matched: character for character, after folding quote marks, dashes and
# white space (annotate/variants), or after also trimming trailing punctuation.
EXACT, VARIANT, TRIMMED = "exact", "variant", "trimmed"
# How one of several places was chosen: a unique context, the n-th occurrence asked for, or
# the answer's order (the i-th of n mentions of a quote that occurs n times: evaluate/quotes).
CONTEXT, OCCURRENCE, ORDER = "context", "occurrence", "order"


@dataclass(frozen=True)
class Placed:
    start: int
    end: int
    rule: str = EXACT  # the match, then "+" and what chose among repeats: "variant+context"


def _all(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def occurrences(text: str, quote: str) -> tuple[str, list[tuple[int, int]]]:
    """Every place of ``quote`` by the first rule that finds any: exact, variant, trimmed."""
    hits = _all(text, quote)
    if hits:
        return EXACT, [(h, h + len(quote)) for h in hits]
    folded = fold_text(text)
    for rule, needle in ((VARIANT, fold_quote(quote)), (TRIMMED, trimmed(quote))):
        if needle:
            found = [folded.span(h, h + len(needle)) for h in _all(folded.text, needle)]
            if found:
                return rule, found
    return EXACT, []


def place(
    text: str,
    quote: str,
    context: str | None = None,
    where: str = "",
    occurrence: int | None = None,
    chosen_by: str = OCCURRENCE,
) -> Placed:
    """Return the one ``[start, end)`` of ``quote``: exact, else a typographic variant (see
    ``variants``); when it occurs more than once, the one inside ``context`` (a passage that
    occurs once), else the ``occurrence``-th (1-based, in text order). Otherwise an error:
    never a guess. ``chosen_by`` names the rule an ``occurrence`` stands for."""
    if not quote:
        raise AnchorError(f"{where}: empty quote")
    if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int)):
        raise AnchorError(f"{where}: occurrence {occurrence!r} is not a whole number")
    if context is not None:
        return _in_context(text, quote, context, where, occurrence)
    rule, hits = occurrences(text, quote)
    if len(hits) == 1:
        return Placed(*hits[0], rule)
    if not hits:
        raise AnchorError(f"{where}: quote {quote!r} occurs 0 times")
    if occurrence is None:
        raise AnchorError(
            f"{where}: quote {quote!r} occurs {len(hits)} times; give a unique 'context' "
            "or an 'occurrence'"
        )
    return Placed(*_nth(hits, occurrence, quote, where), f"{rule}+{chosen_by}")


def _nth(hits: list[tuple[int, int]], n: int, quote: str, where: str) -> tuple[int, int]:
    if not 1 <= n <= len(hits):
        raise AnchorError(
            f"{where}: occurrence {n} of quote {quote!r}, which occurs {len(hits)} times"
        )
    return hits[n - 1]


def _in_context(text: str, quote: str, context: str, where: str, occurrence: int | None) -> Placed:
    _, ctx_hits = occurrences(text, context)
    if len(ctx_hits) != 1:
        raise AnchorError(f"{where}: context {context!r} occurs {len(ctx_hits)} times, need 1")
    c0, c1 = ctx_hits[0]
    rule, inner = occurrences(text[c0:c1], quote)
    if not inner:
        raise AnchorError(f"{where}: quote {quote!r} is not inside context {context!r}")
    if len(inner) > 1 and occurrence is None:
        raise AnchorError(f"{where}: quote {quote!r} occurs {len(inner)} times inside its context")
    a, b = inner[0] if len(inner) == 1 else _nth(inner, occurrence or 0, quote, where)
    return Placed(c0 + a, c0 + b, f"{rule}+{CONTEXT}")


def anchor_sheet(
    sheet: dict[str, Any], text: str, where: str = "sheet", rules: dict[str, str] | None = None
) -> dict[str, Any]:
    """Turn an authoring sheet into an annotation record with offsets (all errors at once);
    ``rules``, when given, receives span id -> the rule that placed it (``Placed.rule``)."""
    errors: list[str] = []
    spans = []
    for i, s in enumerate(sheet.get("spans") or []):
        loc = f"{where}: spans[{i}] id={s.get('id')!r}"
        try:
            p = place(text, s.get("text", ""), s.get("context"), loc, s.get("occurrence"))
        except AnchorError as exc:
            errors.append(str(exc))
            continue
        if rules is not None:
            rules[str(s.get("id"))] = p.rule
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
