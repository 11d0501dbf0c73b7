"""Read a predictions JSONL file and check every line against the gold split.

A bad prediction file should fail loudly at the line that is wrong, not score silently
low, so every problem names the file, the line, the record (a span or attribution by id,
or by position when it has none) and the field. Documents missing from the file count as
predicting nothing; an empty file is valid and scores zero (the command warns about it).

Rows written straight from ``load_dataset`` carry ClassLabel integers for ``label``,
``stance``, ``source_type`` (and ``topic_stance``); given the release's names
(:class:`Known`), they are read as those names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Known:
    """What the checks know about the release besides the gold texts (all optional).

    ``split_of`` maps every doc id of the release to the splits holding it, so a document
    of another split is named as such; ``with_stance`` is False for a corpus without
    stance (then a prediction may omit it); ``class_names`` maps ``"spans"``/``"attributions"``
    to field -> ClassLabel names, so integers from ``load_dataset`` read as names.
    """

    split: str = "the gold split"
    split_of: Mapping[str, Sequence[str]] = field(default_factory=dict)
    class_names: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    with_stance: bool = True  # False: the gold has no stance (the corpus's scheme lacks it)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _named(item: Any, kind: str, position: int) -> str:
    """``span 's1'`` by id, or ``spans[2]`` by position when there is no usable id."""
    rid = item.get("id") if isinstance(item, dict) else None
    return f"{kind} {rid!r}" if isinstance(rid, str) and rid else f"{kind}s[{position}]"


def decode_class_labels(record: Any, names: Mapping[str, Mapping[str, Sequence[str]]]) -> Any:
    """A copy of ``record`` with ClassLabel ids (in range) replaced by their names."""
    if not names or not isinstance(record, dict):
        return record
    out = dict(record)
    for key, fields in names.items():
        items = record.get(key)
        if not fields or not isinstance(items, list):
            continue
        decoded = []
        for item in items:
            if isinstance(item, dict):
                item = dict(item)
                for name, labels in fields.items():
                    value = item.get(name)
                    if _is_int(value) and 0 <= value < len(labels):
                        item[name] = labels[value]
            decoded.append(item)
        out[key] = decoded
    return out


def _expected(values: Sequence[str], value: Any) -> str:
    """The allowed names, and the id range when an integer was given."""
    ids = f", or a ClassLabel id 0-{len(values) - 1}" if _is_int(value) else ""
    return f"expected one of {list(values)}{ids}"


def check_span(span: Any, text: str | None, labels: Iterable[str], position: int = 0) -> list[str]:
    """Problems with one span dict (empty list when it is fine)."""
    if not isinstance(span, dict):
        return [f"spans[{position}] is not an object: {span!r}"]
    sid = span.get("id")
    where = _named(span, "span", position)
    out = []
    labels = tuple(labels)
    if not isinstance(sid, str) or not sid:
        out.append(f"{where}: no string id (got {sid!r})")
    if span.get("label") not in labels:
        label = span.get("label")
        out.append(f"{where}: unknown label {label!r} ({_expected(labels, label)})")
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


def check_attribution(
    att: Any, spans: Mapping[str, dict], position: int = 0, with_stance: bool = True
) -> list[str]:
    """Problems with one attribution dict given the document's spans by id.

    Without stance (the gold has none) a stance may be absent; one that is given must
    still be a known stance."""
    if not isinstance(att, dict):
        return [f"attributions[{position}] is not an object: {att!r}"]
    where = _named(att, "attribution", position)
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
    stance = att.get("stance")
    if stance not in STANCES and (with_stance or stance is not None):
        out.append(f"{where}: unknown stance {stance!r} ({_expected(STANCES, stance)})")
    st = att.get("source_type")
    if st is not None and st not in SOURCE_TYPES:
        out.append(f"{where}: unknown source_type {st!r} ({_expected(SOURCE_TYPES, st)})")
    for flag in ("anonymous_source", "unattributed"):
        if not isinstance(att.get(flag, False), bool):
            out.append(f"{where}: {flag} must be true or false")
    return out


def unknown_doc(doc_id: str, known: Known) -> str:
    """Why ``doc_id`` cannot be scored: another split's document, or none of the release."""
    elsewhere = known.split_of.get(doc_id)
    if elsewhere:
        return (
            f"doc_id {doc_id!r} is in the release but not in split {known.split!r}: "
            f"it is in {', '.join(elsewhere)}"
        )
    return f"unknown doc_id {doc_id!r}" + (
        " (in no split of the release)" if known.split_of else ""
    )


def check_record(
    record: Any,
    texts: Mapping[str, str | None],
    labels: Iterable[str] = SPAN_LABELS,
    known: Known = Known(),
) -> list[str]:
    """Problems with one prediction record; ``texts`` maps known doc_ids to their text."""
    if not isinstance(record, dict):
        return ["line is not a JSON object"]
    doc_id = record.get("doc_id")
    if not isinstance(doc_id, str):
        return [f"missing or non-string doc_id: {doc_id!r}"]
    if doc_id not in texts:
        return [unknown_doc(doc_id, known)]
    spans, atts = record.get("spans", []), record.get("attributions", [])
    if not isinstance(spans, list) or not isinstance(atts, list):
        return [f"doc {doc_id!r}: spans and attributions must be lists"]
    labels = tuple(labels)
    out = [
        f"doc {doc_id!r}: {p}"
        for k, s in enumerate(spans)
        for p in check_span(s, texts[doc_id], labels, k)
    ]
    by_id: dict[str, dict] = {}
    for s in spans:
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            if s["id"] in by_id:
                out.append(f"doc {doc_id!r}: duplicate span id {s['id']!r}")
            by_id[s["id"]] = s
    out += [
        f"doc {doc_id!r}: {p}"
        for k, a in enumerate(atts)
        for p in check_attribution(a, by_id, k, known.with_stance)
    ]
    return out


def read_predictions(
    path: str | Path,
    texts: Mapping[str, str | None],
    labels: Iterable[str] = SPAN_LABELS,
    known: Known = Known(),
) -> list[dict]:
    """Parse and check a predictions file; raise :class:`PredictionError` on any problem.

    ``texts`` maps every doc_id of the gold split to its text (or None to skip the text
    checks). Blank lines are ignored; a doc_id may appear only once. Records come back with
    ClassLabel ids read as names (``known.class_names``).
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
        record = decode_class_labels(record, known.class_names)
        found = check_record(record, texts, labels, known)
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
