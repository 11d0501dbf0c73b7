"""Read a predictions JSONL file and check every line against the gold split.

A bad prediction file should fail loudly at the line that is wrong, not score silently
low, so every problem names the file, the line, the record (a span or attribution by id,
or by position when it has none) and the field. Documents missing from the file count as
predicting nothing; an empty file is valid and scores zero (the command warns about it).

Rows written straight from ``load_dataset`` carry ClassLabel integers for ``label``,
``stance``, ``source_type`` (and ``topic_stance``); given the release's names
(:class:`Known`), they are read as those names.

The rules themselves are ``core/record_rules.prediction_findings``, the ones a pred layer
on disk is checked with too; every accepted line is converted to the record type of that
layer (``core/records.LayerRecord``), so a JSONL file and a pred layer score the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcorpus.core.record_rules import Vocabulary, is_int, prediction_findings
from claimcorpus.core.records import LayerRecord
from claimcorpus.evaluate.labels import SOURCE_TYPES, SPAN_LABELS, STANCES

MAX_ERRORS = 20


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
    ``stances`` and ``source_types`` are the names a prediction may use (a corpus root's
    own scheme may have others than the default one).
    """

    split: str = "the gold split"
    split_of: Mapping[str, Sequence[str]] = field(default_factory=dict)
    class_names: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    with_stance: bool = True  # False: the gold has no stance (the corpus's scheme lacks it)
    stances: Sequence[str] = STANCES
    source_types: Sequence[str] = SOURCE_TYPES


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
                    if is_int(value) and 0 <= value < len(labels):
                        item[name] = labels[value]
            decoded.append(item)
        out[key] = decoded
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
    vocab = Vocabulary(
        tuple(labels), tuple(known.stances), tuple(known.source_types), known.with_stance
    )
    return [
        f"doc {doc_id!r}: {f.where}: {f.message}" if f.where else f"doc {doc_id!r}: {f.message}"
        for f in prediction_findings(spans, atts, texts[doc_id], vocab)
    ]


def read_predictions(
    path: str | Path,
    texts: Mapping[str, str | None],
    labels: Iterable[str] = SPAN_LABELS,
    known: Known = Known(),
    model: str | None = None,
) -> list[LayerRecord]:
    """Parse and check a predictions file; raise :class:`PredictionError` on any problem.

    ``texts`` maps every doc_id of the gold split to its text (or None to skip the text
    checks). Blank lines are ignored; a doc_id may appear only once. Each line comes back
    as the record a pred layer holds (layer ``pred/<model>``, ``model`` defaulting to the
    file's stem): ClassLabel ids read as names (``known.class_names``), an absent span text
    taken from the document, absent optional fields null.
    """
    path = Path(path)
    problems: list[str] = []
    records: list[LayerRecord] = []
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
            text = texts[record["doc_id"]]
            records.append(LayerRecord.from_prediction(record, text, model or path.stem))
    if problems:
        raise PredictionError(problems)
    return records
