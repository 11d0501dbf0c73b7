"""Read a predictions JSONL file and check every line against the gold split.

A bad prediction file should fail loudly at the line that is wrong, not score silently
low, so every problem names the file and the line. Documents missing from the file count as
predicting nothing; an empty file is valid and scores zero.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claimcorpus.evaluate.labels import SOURCE_TYPES, SPAN_LABELS, STANCES

MAX_ERRORS = 20
ROLES = (("claim", "CLAIM", True), ("source", "SOURCE", False), ("cue", "CUE", False))


class PredictionError(ValueError):
    """One or more problems in a predictions file; the message lists them with line numbers."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        lines = shown + ([f"... and {more} more"] if more else [])
        super().__init__("\n".join(lines))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_span(span: Any, text: str | None, labels: Iterable[str]) -> list[str]:
    """Problems with one span dict (empty list when it is fine)."""
    if not isinstance(span, dict):
        return [f"span is not an object: {span!r}"]
    sid = span.get("id")
    where = f"span {sid!r}"
    out = []
    if not isinstance(sid, str) or not sid:
        out.append(f"span without a string id: {span!r}")
    if span.get("label") not in labels:
        out.append(f"{where}: unknown label {span.get('label')!r} (expected one of {list(labels)})")
    start, end = span.get("start"), span.get("end")
    if not (_is_int(start) and _is_int(end)):
        out.append(f"{where}: start and end must be integers, got {start!r}, {end!r}")
        return out
    if start >= end:
        out.append(f"{where}: start {start} >= end {end}")
    elif start < 0 or (text is not None and end > len(text)):
        limit = "" if text is None else f" (text has {len(text)} characters)"
        out.append(f"{where}: offsets [{start}, {end}) out of range{limit}")
    elif text is not None and span.get("text") is not None and span["text"] != text[start:end]:
        out.append(
            f"{where}: text {span['text']!r} does not match text[{start}:{end}] "
            f"= {text[start:end]!r}"
        )
    return out


def check_attribution(att: Any, spans: Mapping[str, dict], with_stance: bool = True) -> list[str]:
    """Problems with one attribution dict given the document's spans by id.

    Without stance (the gold has none) a stance may be absent; one that is given must
    still be a known stance."""
    if not isinstance(att, dict):
        return [f"attribution is not an object: {att!r}"]
    where = f"attribution {att.get('id')!r}"
    out = []
    for role, label, required in ROLES:
        ref = att.get(role)
        if ref is None:
            if required:
                out.append(f"{where}: no {role} span")
            continue
        if ref not in spans:
            out.append(f"{where}: {role} refers to missing span {ref!r}")
        elif spans[ref].get("label") != label:
            out.append(f"{where}: {role} span {ref!r} is {spans[ref].get('label')}, not {label}")
    if att.get("stance") not in STANCES and (with_stance or att.get("stance") is not None):
        out.append(f"{where}: unknown stance {att.get('stance')!r} (expected one of {STANCES})")
    st = att.get("source_type")
    if st is not None and st not in SOURCE_TYPES:
        out.append(f"{where}: unknown source_type {st!r}")
    for flag in ("anonymous_source", "unattributed"):
        if not isinstance(att.get(flag, False), bool):
            out.append(f"{where}: {flag} must be true or false")
    return out


def check_record(
    record: Any,
    texts: Mapping[str, str | None],
    labels: Iterable[str] = SPAN_LABELS,
    with_stance: bool = True,
) -> list[str]:
    """Problems with one prediction record; ``texts`` maps known doc_ids to their text."""
    if not isinstance(record, dict):
        return ["line is not a JSON object"]
    doc_id = record.get("doc_id")
    if not isinstance(doc_id, str):
        return [f"missing or non-string doc_id: {doc_id!r}"]
    if doc_id not in texts:
        return [f"unknown doc_id {doc_id!r}"]
    spans, atts = record.get("spans", []), record.get("attributions", [])
    if not isinstance(spans, list) or not isinstance(atts, list):
        return [f"doc {doc_id!r}: spans and attributions must be lists"]
    labels = tuple(labels)
    out = [f"doc {doc_id!r}: {p}" for s in spans for p in check_span(s, texts[doc_id], labels)]
    by_id: dict[str, dict] = {}
    for s in spans:
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            if s["id"] in by_id:
                out.append(f"doc {doc_id!r}: duplicate span id {s['id']!r}")
            by_id[s["id"]] = s
    out += [f"doc {doc_id!r}: {p}" for a in atts for p in check_attribution(a, by_id, with_stance)]
    return out


def read_predictions(
    path: str | Path,
    texts: Mapping[str, str | None],
    labels: Iterable[str] = SPAN_LABELS,
    with_stance: bool = True,
) -> list[dict]:
    """Parse and check a predictions file; raise :class:`PredictionError` on any problem.

    ``texts`` maps every doc_id of the gold split to its text (or None to skip the text
    checks). Blank lines are ignored; a doc_id may appear only once.
    """
    path = Path(path)
    problems: list[str] = []
    records: list[dict] = []
    first_line: dict[str, int] = {}
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise PredictionError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    for lineno, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:{lineno}: not UTF-8: {exc.reason} at byte {exc.start}")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        found = check_record(record, texts, labels, with_stance)
        if not found and record["doc_id"] in first_line:
            found = [
                f"duplicate doc_id {record['doc_id']!r} "
                f"(first on line {first_line[record['doc_id']]})"
            ]
        problems += [f"{path}:{lineno}: {p}" for p in found]
        if not found:
            first_line[record["doc_id"]] = lineno
            records.append(record)
    if problems:
        raise PredictionError(problems)
    return records
