"""The rules an annotation record obeys, written once for both validators.

``core/layers.check_record`` checks records on disk (gold, raw and pred layers) and reports
:class:`~claimcorpus.core.problems.Problem`\\ s; ``evaluate/reader.check_record`` checks a
predictions JSONL line and reports lines of text. Both call these functions, so a span out
of range, a stored text that differs from the document, a repeated id or an attribution
pointing at a missing or wrongly labelled span is found by one rule and named by one stable
problem id and one message, whichever file it came from.

A prediction is held to :func:`prediction_findings`: the shape and vocabulary a scorer
needs, plus the shared rules. It is read tolerantly (anything JSON can hold, a span's text
optional, an attribution's id, stance or source type possibly absent), so every fault is a
:class:`Finding` rather than an exception. Gold and raw records pass the scheme's JSON Schema
first and then face gold's completeness rules too (``core/layers``), which a model's output
is not asked to meet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# an attribution's span references: role, the label its span must have, required in a prediction
ROLES = (("claim", "CLAIM", True), ("source", "SOURCE", False), ("cue", "CUE", False))
SCHEMA = "annotation-schema"  # a shape or vocabulary fault: what gold's JSON Schema reports


@dataclass(frozen=True)
class Finding:
    """One broken rule: stable id, message, the record (span or attribution id, or its
    position such as ``spans[2]``) and field; ``where`` is how a message line names the
    record (``span 's1'``, ``spans[2]``), None when the message names it itself."""

    id: str
    message: str
    record: str | None = None
    field: str | None = None
    where: str | None = None
    level: str = "error"


@dataclass(frozen=True)
class Item:
    """A span or attribution being checked: what a finding about it names."""

    record: str  # its id, or its position (``spans[2]``) when it has no usable id
    where: str  # ``span 's1'`` or ``spans[2]``

    def finding(self, pid: str, message: str, field: str | None = None) -> Finding:
        return Finding(pid, message, self.record, field, self.where)


def item(obj: Any, kind: str, position: int) -> Item:
    """``span 's1'`` by id, or ``spans[2]`` by position when there is no usable id."""
    rid = obj.get("id") if isinstance(obj, dict) else None
    if isinstance(rid, str) and rid:
        return Item(rid, f"{kind} {rid!r}")
    return Item(f"{kind}s[{position}]", f"{kind}s[{position}]")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ----------------------------------------------------------------------------- shared rules
def span_offsets(it: Item, start: int, end: int, text: str | None) -> Finding | None:
    """``[start, end)`` must be non-empty and inside the text (when the text is known)."""
    if start >= end:
        return it.finding("span-out-of-range", f"start {start} >= end {end}", "start")
    if start < 0 or (text is not None and end > len(text)):
        limit = "" if text is None else f" (text has {len(text)} characters)"
        return it.finding(
            "span-out-of-range", f"offsets [{start}, {end}) out of range{limit}", "start"
        )
    return None


def span_text(it: Item, given: Any, start: int, end: int, text: str | None) -> Finding | None:
    """A stored span text must be exactly ``text[start:end]`` (offsets already in range)."""
    if text is None or given is None or given == text[start:end]:
        return None
    return it.finding(
        "span-text-mismatch",
        f"text {given!r} does not match text[{start}:{end}] = {text[start:end]!r}",
        "text",
    )


def duplicate_ids(kind: str, objs: Sequence[Any]) -> list[Finding]:
    """Each repeat of an id among spans (or attributions): ids name records uniquely."""
    seen: set[str] = set()
    out = []
    for obj in objs:
        rid = obj.get("id") if isinstance(obj, dict) else None
        if not isinstance(rid, str):
            continue
        if rid in seen:
            out.append(Finding(f"{kind}-duplicate-id", f"{kind} id {rid!r} used twice", rid, "id"))
        seen.add(rid)
    return out


def references(it: Item, att: Mapping[str, Any], labels: Mapping[str, Any]) -> list[Finding]:
    """The claim, source and cue an attribution names must be spans with those labels
    (``labels``: span id -> label); an absent reference is for the caller to judge."""
    out = []
    for role, want, _required in ROLES:
        ref = att.get(role)
        if ref is None:
            continue
        if ref not in labels:
            out.append(
                it.finding(
                    "attribution-missing-span", f"{role} refers to missing span {ref!r}", role
                )
            )
        elif labels[ref] != want:
            out.append(
                it.finding(
                    "attribution-wrong-label",
                    f"{role} span {ref!r} is {labels[ref]}, not {want}",
                    role,
                )
            )
    return out


# ----------------------------------------------------------------------------- predictions
@dataclass(frozen=True)
class Vocabulary:
    """The names a prediction may use; without stance (the gold has none) a stance may be
    absent, but one that is given must still be a known stance."""

    labels: tuple[str, ...]
    stances: tuple[str, ...]
    source_types: tuple[str, ...]
    with_stance: bool = True


def expected(values: Sequence[str], value: Any) -> str:
    """The allowed names, and the id range when an integer was given."""
    ids = f", or a ClassLabel id 0-{len(values) - 1}" if is_int(value) else ""
    return f"expected one of {list(values)}{ids}"


def prediction_findings(
    spans: Sequence[Any], atts: Sequence[Any], text: str | None, vocab: Vocabulary
) -> list[Finding]:
    """Every fault of a prediction's spans and attributions: spans, then repeated span ids,
    then attributions (the order the messages are listed in)."""
    out = [f for k, s in enumerate(spans) for f in prediction_span(s, k, text, vocab.labels)]
    out += duplicate_ids("span", spans)
    labels = {
        s["id"]: s.get("label")
        for s in spans
        if isinstance(s, dict) and isinstance(s.get("id"), str)
    }
    out += [f for k, a in enumerate(atts) for f in prediction_attribution(a, k, labels, vocab)]
    return out


def prediction_span(
    span: Any, position: int, text: str | None, labels: Sequence[str]
) -> list[Finding]:
    """Faults of one predicted span (empty when it is fine)."""
    if not isinstance(span, dict):
        name = f"spans[{position}]"
        return [Finding(SCHEMA, f"{name} is not an object: {span!r}", name)]
    it = item(span, "span", position)
    out = []
    sid = span.get("id")
    if not isinstance(sid, str) or not sid:
        out.append(it.finding(SCHEMA, f"no string id (got {sid!r})", "id"))
    label = span.get("label")
    if label not in labels:
        out.append(
            it.finding(SCHEMA, f"unknown label {label!r} ({expected(labels, label)})", "label")
        )
    frags = span.get("fragments")
    if frags is not None and not (
        isinstance(frags, list)
        and all(isinstance(f, list) and len(f) == 2 and all(map(is_int, f)) for f in frags)
    ):
        msg = f"fragments must be null or a list of [start, end] integer pairs, got {frags!r}"
        out.append(it.finding(SCHEMA, msg, "fragments"))
    start, end = span.get("start"), span.get("end")
    if not (is_int(start) and is_int(end)):
        msg = f"start and end must be integers, got {start!r}, {end!r}"
        return [*out, it.finding(SCHEMA, msg, "start")]
    found = span_offsets(it, start, end, text) or span_text(it, span.get("text"), start, end, text)
    return out + ([found] if found else [])


def prediction_attribution(
    att: Any, position: int, labels: Mapping[str, Any], vocab: Vocabulary
) -> list[Finding]:
    """Faults of one predicted attribution, given the record's spans (id -> label)."""
    if not isinstance(att, dict):
        name = f"attributions[{position}]"
        return [Finding(SCHEMA, f"{name} is not an object: {att!r}", name)]
    it = item(att, "attribution", position)
    out = [
        it.finding(SCHEMA, f"no {role} span", role)
        for role, _label, required in ROLES
        if required and att.get(role) is None
    ]
    out += references(it, att, labels)
    stance = att.get("stance")
    if stance not in vocab.stances and (vocab.with_stance or stance is not None):
        msg = f"unknown stance {stance!r} ({expected(vocab.stances, stance)})"
        out.append(it.finding(SCHEMA, msg, "stance"))
    st = att.get("source_type")
    if st is not None and st not in vocab.source_types:
        msg = f"unknown source_type {st!r} ({expected(vocab.source_types, st)})"
        out.append(it.finding(SCHEMA, msg, "source_type"))
    for flag in ("anonymous_source", "unattributed"):
        if not isinstance(att.get(flag, False), bool):
            out.append(it.finding(SCHEMA, f"{flag} must be true or false", flag))
    return out
