"""Score a generative model's answers: quotes anchored to offsets, then the usual scorer.

An answers file is JSONL, one line per document: ``doc_id`` and the answer the prompt asked
for (``release/prompts.answer_schema``: attributions with ``claim``, ``source`` and ``cue``
as exact quotes, an optional ``<role>_context`` or ``<role>_occurrence`` for a quote that
repeats, and the scheme's ``stance``/``source_type``). Each quote is placed with the aligner
``claimcorpus anchor`` uses (``annotate/anchor.place``: exact, else a typographic variant;
once in the text, or once inside a context that occurs once, or the occurrence asked for).
A repeated quote with no hint is placed by the answer's order only when the answer quotes
it, in that role and without hints, exactly as often as the text holds it: the i-th mention
takes the i-th place. The rule that placed each quote is counted (``by_rule``). Anchored quotes become CLAIM, SOURCE and CUE spans (one span per
place, however many attributions share it) and the attributions link them, in a record of
layer ``pred/<model>``, so they score as any prediction does.

A quote that cannot be placed (paraphrased, hallucinated, or repeated without a unique
context) is never dropped silently: it is counted, by role and reason, in the ``quotes``
block of the result. Its span is missing, so gold it should have matched counts as missed.
An attribution whose claim or source did not anchor has no tuple to score and is counted as
unscored (it costs recall, not precision); one whose cue alone failed is scored without it
(the cue is not part of the tuple).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from claimcorpus.annotate.anchor import OCCURRENCE, ORDER, AnchorError, occurrences, place
from claimcorpus.core.records import LayerRecord
from claimcorpus.core.scheme import Scheme
from claimcorpus.evaluate.reader import Known, PredictionError, unknown_doc
from claimcorpus.release.prompts import ROLES, answer_schema

LABELS = {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE"}
NOT_IN_TEXT = "not_in_text"  # paraphrased or hallucinated
# in the text (exactly or as a variant) but not placed once: repeated with no context,
# occurrence or answer order to choose, or a context not in the text once or not holding it
AMBIGUOUS = "ambiguous"
SHOWN = 10  # unanchored quotes listed in the terminal report


@dataclass(frozen=True)
class QuotedAttribution:
    """One attribution of an answer, as quotes (source and cue may be absent)."""

    quotes: Mapping[str, str | None]  # role -> exact quote
    contexts: Mapping[str, str | None]  # role -> a longer unique passage holding the quote
    occurrences: Mapping[str, int | None]  # role -> which occurrence (1-based) is meant
    stance: str | None
    source_type: str | None


@dataclass(frozen=True)
class Answer:
    """One checked line of an answers file."""

    doc_id: str
    line: int
    attributions: tuple[QuotedAttribution, ...]


@dataclass(frozen=True)
class Unanchored:
    """A quote with no place in the text, and why."""

    line: int
    doc_id: str
    attribution: int  # position in the line's attributions
    role: str
    quote: str
    reason: str  # NOT_IN_TEXT or AMBIGUOUS
    detail: str  # the aligner's message


@dataclass
class Tally:
    """Quote and attribution counts of a whole answers file."""

    given: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLES, 0))
    unanchored: list[Unanchored] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)  # Placed.rule -> anchored quotes
    attributions: int = 0
    unscored: int = 0

    def to_json(self) -> dict[str, Any]:
        """The ``quotes`` block of an evaluation result."""
        failed = {r: sum(1 for u in self.unanchored if u.role == r) for r in ROLES}
        given = sum(self.given.values())
        return {
            "given": given,
            "anchored": given - len(self.unanchored),
            "unanchored": len(self.unanchored),
            "by_role": {
                r: {"given": n, "anchored": n - failed[r], "unanchored": failed[r]}
                for r, n in self.given.items()
            },
            "by_rule": dict(sorted(self.by_rule.items())),
            "by_reason": {
                why: sum(1 for u in self.unanchored if u.reason == why)
                for why in (NOT_IN_TEXT, AMBIGUOUS)
            },
            "attributions": {
                "given": self.attributions,
                "scored": self.attributions - self.unscored,
                "unscored": self.unscored,
            },
            "unanchored_quotes": [
                {
                    "line": u.line,
                    "doc_id": u.doc_id,
                    "attribution": u.attribution,
                    "role": u.role,
                    "quote": u.quote,
                    "reason": u.reason,
                    "detail": u.detail,
                }
                for u in self.unanchored
            ],
        }


def _field(error: jsonschema.ValidationError) -> str:
    """The answer field a schema error is about, as ``attributions[2].claim``."""
    parts = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        parts += missing[:1]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(line)"


def _answer(obj: dict[str, Any], lineno: int) -> Answer:
    atts = tuple(
        QuotedAttribution(
            quotes={r: a.get(r) for r in ROLES},
            contexts={r: a.get(f"{r}_context") for r in ROLES},
            occurrences={r: a.get(f"{r}_occurrence") for r in ROLES},
            stance=a.get("stance"),
            source_type=a.get("source_type"),
        )
        for a in obj["attributions"]
    )
    return Answer(obj["doc_id"], lineno, atts)


def read_answers(path: Path, scheme: Scheme, known: Known, members: frozenset[str]) -> list[Answer]:
    """Parse and check an answers file against the answer schema and the split; raise
    :class:`PredictionError` naming file, line and field for every bad line."""
    schema = answer_schema(scheme)
    schema = {**schema, "required": ["doc_id", *schema["required"]]}
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[str] = []
    answers: list[Answer] = []
    first: dict[str, int] = {}
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise PredictionError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    for lineno, raw in enumerate(raw_lines, start=1):
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{where}: not a JSON line: {exc}")
            continue
        if obj is None:
            continue
        errors = sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            problems += [f"{where}: {_field(e)}: {e.message}" for e in errors]
            continue
        if obj["doc_id"] not in members:
            problems.append(f"{where}: doc_id: {unknown_doc(obj['doc_id'], known)}")
        elif obj["doc_id"] in first:
            problems.append(
                f"{where}: doc_id: {obj['doc_id']!r} again (first on line {first[obj['doc_id']]})"
            )
        else:
            first[obj["doc_id"]] = lineno
            answers.append(_answer(obj, lineno))
    if problems:
        raise PredictionError(problems)
    return answers


def anchor_answer(answer: Answer, text: str, model: str, tally: Tally) -> LayerRecord:
    """The prediction record of one answer; its unanchored quotes go to ``tally``."""
    spans: dict[tuple[str, int, int], dict[str, Any]] = {}
    attributions = []
    order = answer_order(answer, text)
    for k, att in enumerate(answer.attributions):
        tally.attributions += 1
        ids: dict[str, str | None] = {}
        for role in ROLES:
            quote = att.quotes[role]
            ids[role] = None
            if quote is None:
                continue
            tally.given[role] += 1
            occurrence, by = att.occurrences[role], OCCURRENCE
            if (k, role) in order:
                occurrence, by = order[(k, role)], ORDER
            try:
                found = place(text, quote, att.contexts[role], "", occurrence, by)
            except AnchorError as exc:
                reason = NOT_IN_TEXT if not occurrences(text, quote)[1] else AMBIGUOUS
                detail = str(exc).removeprefix(": ")
                tally.unanchored.append(
                    Unanchored(answer.line, answer.doc_id, k, role, quote, reason, detail)
                )
                continue
            tally.by_rule[found.rule] = tally.by_rule.get(found.rule, 0) + 1
            key = (LABELS[role], found.start, found.end)
            if key not in spans:
                prefix = "q" if role == "cue" else role[0]
                spans[key] = {"id": f"{prefix}{len(spans) + 1}", "label": key[0]}
                spans[key].update(start=key[1], end=key[2])
            ids[role] = spans[key]["id"]
        lost = ids["claim"] is None or (att.quotes["source"] is not None and ids["source"] is None)
        if lost:
            tally.unscored += 1
            continue
        attributions.append(
            {
                "id": f"a{k + 1}",
                **ids,
                "stance": att.stance,
                "source_type": att.source_type,
                "unattributed": att.quotes["source"] is None,
            }
        )
    record = {"doc_id": answer.doc_id, "spans": list(spans.values()), "attributions": attributions}
    return LayerRecord.from_prediction(record, text, model)


def answer_order(answer: Answer, text: str) -> dict[tuple[int, str], int]:
    """(attribution, role) -> occurrence, for the mentions the answer's order places: a
    quote given without context or occurrence, in one role, as many times as the text holds
    it (more than once); the i-th such mention is the i-th occurrence in the text."""
    mentions: dict[tuple[str, str], list[int]] = {}
    for k, att in enumerate(answer.attributions):
        for role in ROLES:
            quote = att.quotes[role]
            if quote and att.contexts[role] is None and att.occurrences[role] is None:
                mentions.setdefault((role, quote), []).append(k)
    out: dict[tuple[int, str], int] = {}
    for (role, quote), ks in mentions.items():
        if len(ks) > 1 and len(occurrences(text, quote)[1]) == len(ks):
            out.update({(k, role): i + 1 for i, k in enumerate(ks)})
    return out


def anchor_answers(
    answers: list[Answer], texts: Mapping[str, str | None], model: str
) -> tuple[list[LayerRecord], Tally]:
    """Prediction records of the answers for documents with gold (``texts``), and the tally;
    answers for documents of the split without gold come back empty (not scored)."""
    tally = Tally()
    records = []
    for answer in answers:
        text = texts.get(answer.doc_id)
        if answer.doc_id not in texts:
            records.append(LayerRecord.from_prediction({"doc_id": answer.doc_id}, None, model))
        elif text is None:
            raise PredictionError(
                [
                    f"line {answer.line}: doc {answer.doc_id!r} has no text in the release to anchor to"
                ]
            )
        else:
            records.append(anchor_answer(answer, text, model, tally))
    return records, tally


def format_quotes(block: Mapping[str, Any]) -> str:
    """The quotes figure for the terminal: counts by role and reason, the first failures."""
    roles = ", ".join(
        f"{r} {v['unanchored']} of {v['given']}" for r, v in block["by_role"].items() if v["given"]
    )
    why = block["by_reason"]
    att = block["attributions"]
    lines = [
        "Quotes anchored to the text (annotate/anchor.place)",
        f"{block['given']} quotes given, {block['anchored']} anchored, {block['unanchored']} "
        f"unanchored ({why[NOT_IN_TEXT]} not in the text: paraphrased or hallucinated; "
        f"{why[AMBIGUOUS]} in the text but not placed once: no unique context)"
        + (f"; unanchored by role: {roles}" if block["unanchored"] else ""),
        "anchored by rule: "
        + (", ".join(f"{r} {n}" for r, n in block["by_rule"].items()) or "none"),
        f"{att['given']} attributions given, {att['scored']} scored, {att['unscored']} not "
        "scored (claim or source unanchored: they count as missed gold, not against precision)",
    ]
    for u in block["unanchored_quotes"][:SHOWN]:
        lines.append(
            f"  line {u['line']} attributions[{u['attribution']}].{u['role']} {u['quote']!r}: "
            f"{u['reason']}"
        )
    if block["unanchored"] > SHOWN:
        lines.append(f"  ... and {block['unanchored'] - SHOWN} more (all in --json)")
    return "\n".join(lines)
