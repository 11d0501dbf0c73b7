"""Annotation layers on disk, and the checks every annotation record must pass.

Layout (dolma-style: attributes apart from documents, joined by ``doc_id``)::

    annotations/gold/<doc_id>.json          adjudicated gold, one record per document
    annotations/raw/<project>/<annotator>/<doc_id>.json   a layer per Label Studio project
                                            and annotator (``ls pull``; project.yaml names it)
    annotations/raw/<annotator>/<doc_id>.json   a layer made by hand (or the old pull layout)
    annotations/pred/<model>/<doc_id>.json  a model's predictions (``predictions import``)
    annotations/clusters.yaml               cross-document claim clusters: id -> statement

Every layer holds the same record format (``core/records.LayerRecord``). A record's offsets
are half-open code-point offsets into the normalized text whose sha256 it stores as
``text_sha256``; ``check_record`` proves ``text[start:end] == span.text`` for every span and
enforces the scheme's rules: all of them for gold and raw records, the prediction rules for
a pred layer's (``core/record_rules``). Problem ids are stable (see problems.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from claimcorpus.core.gold_rules import gold_findings
from claimcorpus.core.io import atomic_write_json, read_json, read_record
from claimcorpus.core.problems import InputError, Problem
from claimcorpus.core.record_rules import Finding, Vocabulary, prediction_findings
from claimcorpus.core.records import PRED
from claimcorpus.core.schema_check import Check, compile_schema
from claimcorpus.core.scheme import ID_PATTERN, Scheme, annotation_json_schema, load_scheme

ANNOTATIONS_DIR = Path("annotations")
CLUSTERS_PATH = ANNOTATIONS_DIR / "clusters.yaml"
PROJECT_FILE = "project.yaml"  # marks annotations/raw/<project>/ (see labelstudio/layers.py)
# A pred record's outside; its spans and attributions face record_rules.prediction_findings
# (what a model may omit, it may omit), so the items are only required to be lists here.
PRED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["doc_id", "layer", "annotator", "text_sha256", "spans", "attributions"],
    "properties": {
        "doc_id": {"type": "string", "pattern": ID_PATTERN},
        "layer": {"const": PRED},
        "annotator": {"type": "string", "pattern": ID_PATTERN},
        "scheme_version": {"type": "string"},
        "text_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "spans": {"type": "array"},
        "attributions": {"type": "array"},
    },
}
REMAKE = {
    False: "make it again on the current text (`claimcorpus anchor` from its authoring sheet, "
    "or `claimcorpus ls pull` for a raw layer): `claimcorpus normalize` re-anchors only the "
    "records of the texts it changes itself",
    True: "predict it again on the current text (and `claimcorpus predictions import` it)",
}


def _safe(parts: list[str]) -> bool:
    return all(p not in ("", ".", "..") for p in parts)


def checked_layer(layer: str) -> str:
    """``layer`` if it names a layer: ``gold``, ``raw/<annotator>``,
    ``raw/<project>/<annotator>`` or ``pred/<model>``; else ValueError."""
    parts = layer.split("/")
    ok = layer == "gold" or (
        _safe(parts)
        and ((parts[0] == "raw" and len(parts) in (2, 3)) or (parts[0] == PRED and len(parts) == 2))
    )
    if not ok:
        raise ValueError(
            "layer must be 'gold', 'raw/<annotator>', 'raw/<project>/<annotator>' or "
            f"'pred/<model>', got {layer!r}"
        )
    return layer


def layer_dir(root: str | Path, layer: str) -> Path:
    """A layer's folder (see :func:`checked_layer` for the names)."""
    return Path(root) / ANNOTATIONS_DIR / checked_layer(layer)


def is_pred(layer: str) -> bool:
    """Whether ``layer`` holds a model's predictions (checked by the prediction rules)."""
    return layer.split("/")[0] == PRED


def list_layers(root: str | Path) -> list[str]:
    """Every raw layer: a folder under raw/ is a layer, unless project.yaml makes it a
    project's folder, whose sub-folders are the layers (records directly in it count too).

    Pred layers are not listed: agreement and adjudicate vote over annotators only."""
    raw = Path(root) / ANNOTATIONS_DIR / "raw"
    out: list[str] = []
    for d in sorted(p for p in raw.iterdir() if p.is_dir()) if raw.exists() else []:
        project = (d / PROJECT_FILE).exists()
        if not project or any(d.glob("*.json")):
            out.append(f"raw/{d.name}")
        if project:
            out += [f"raw/{d.name}/{a.name}" for a in sorted(d.iterdir()) if a.is_dir()]
    return out


def list_pred_layers(root: str | Path) -> list[str]:
    """Every pred layer, ``pred/<model>``, one per folder under annotations/pred/."""
    pred = Path(root) / ANNOTATIONS_DIR / PRED
    return (
        [f"{PRED}/{d.name}" for d in sorted(pred.iterdir()) if d.is_dir()] if pred.exists() else []
    )


def resolve_layer(root: str | Path, name: str) -> str:
    """'gold', 'raw/...' and 'pred/...' as given; a bare annotator name -> that annotator's
    one raw layer."""
    if name == "gold" or name.startswith(("raw/", "pred/")):
        return name
    found = [lay for lay in list_layers(root) if lay.rsplit("/", 1)[1] == name]
    if len(found) > 1:
        raise ValueError(f"{name!r} has layers in several projects, {found}: name one of them")
    return found[0] if found else f"raw/{name}"


def load_layer(root: str | Path, layer: str) -> dict[str, dict[str, Any]]:
    d = layer_dir(root, layer)
    if not d.exists():
        return {}
    return {p.stem: read_record(p) for p in sorted(d.glob("*.json"))}


class LazyLayer(Mapping[str, dict[str, Any]]):
    """A layer read one record at a time: its doc_ids are listed once, a record is read
    from its file each time it is asked for and never kept.

    Why: a build of 100,000 annotated articles held every gold record at once (about
    9 KB of Python objects each, 0.9 GB); its two passes each need one record at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths = {p.stem: p for p in sorted(folder.glob("*.json"))} if folder.exists() else {}

    def __getitem__(self, doc_id: str) -> dict[str, Any]:
        path = self.paths[doc_id]
        try:
            return read_record(path)
        except ValueError as exc:  # orjson's JSONDecodeError is one
            raise InputError(f"{path}: not valid JSON: {exc}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.paths


def open_layer(root: str | Path, layer: str) -> LazyLayer:
    """``load_layer`` without loading: the same records, read when asked for."""
    return LazyLayer(layer_dir(root, layer))


def write_record(root: str | Path, layer: str, record: dict[str, Any]) -> Path:
    path = layer_dir(root, layer) / f"{record['doc_id']}.json"
    atomic_write_json(path, canonical(record))
    return path


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """Spans sorted by position, attributions by id, so diffs between versions stay small."""
    out = dict(record)
    out["spans"] = sorted(
        record["spans"], key=lambda s: (s["start"], -s["end"], s["label"], s["id"])
    )
    out["attributions"] = sorted(record["attributions"], key=lambda a: a["id"])
    return out


def load_clusters(root: str | Path) -> dict[str, str]:
    path = Path(root) / CLUSTERS_PATH
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


# ----------------------------------------------------------------------------- checks
def check_record(
    record: dict[str, Any],
    text: str | None,
    scheme: Scheme,
    *,
    file: str = "<record>",
    paragraphs: Iterable[tuple[int, int]] | None = None,
    clusters: dict[str, str] | None = None,
    text_sha256: str | None = None,
    prediction: bool = False,
) -> list[Problem]:
    """Every problem of one annotation record against its document's normalized text.

    ``prediction``: a pred layer's record, held to the prediction rules (the ones a
    predictions JSONL line meets) instead of gold's; its text may be None (a text-free
    release), which skips the text checks."""
    doc = record.get("doc_id") if isinstance(record, dict) else None
    out = schema_problems(record, compiled(None if prediction else scheme), file, doc)
    if out:
        return out
    if text_sha256 and record["text_sha256"] != text_sha256:
        msg = (
            "record was made on a different normalized text (text_sha256 differs); "
            + REMAKE[prediction]
        )
        return [Problem("annotation-text-changed", "error", file, msg, doc, field="text_sha256")]
    if prediction:
        found = prediction_findings(
            record["spans"], record["attributions"], text, vocabulary(scheme)
        )
    elif text is None:
        raise ValueError(f"{file}: a gold or raw record is checked against its text")
    else:
        found = gold_findings(record, text, scheme, paragraphs, clusters)
    return [problem(f, file, doc) for f in found]


@dataclass(frozen=True)
class CompiledSchema:
    """A record schema built once: the fast predicate (None: the schema has a keyword
    ``schema_check`` does not compile) and jsonschema's validator, which words the errors."""

    validator: jsonschema.Draft202012Validator
    valid: Check | None


_COMPILED: dict[int, tuple[Scheme | None, CompiledSchema]] = {}
_MAX_COMPILED = 16  # schemes are few (load_scheme caches them); tests make many roots


def compiled(scheme: Scheme | None) -> CompiledSchema:
    """The compiled record schema of ``scheme`` (None: a pred record's), built once per
    scheme object: the cache holds the scheme itself, so its id cannot be reused."""
    hit = _COMPILED.get(id(scheme))
    if hit is not None and hit[0] is scheme:
        return hit[1]
    schema = PRED_SCHEMA if scheme is None else annotation_json_schema(scheme)
    try:
        valid: Check | None = compile_schema(schema)
    except ValueError:
        valid = None
    out = CompiledSchema(jsonschema.Draft202012Validator(schema), valid)
    if len(_COMPILED) >= _MAX_COMPILED:
        del _COMPILED[next(iter(_COMPILED))]
    _COMPILED[id(scheme)] = (scheme, out)
    return out


def schema_problems(record: Any, schema: CompiledSchema, file: str, doc: Any) -> list[Problem]:
    """One ``annotation-schema`` problem per JSON Schema error, in path order (a record the
    fast predicate passes has none, so jsonschema only words the faults)."""
    if schema.valid is not None and schema.valid(record):
        return []
    errors = sorted(schema.validator.iter_errors(record), key=lambda e: list(e.absolute_path))
    out = []
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path) or "<root>"
        msg = f"{e.message} (at {path})"
        out.append(Problem("annotation-schema", "error", file, msg, doc, field=path))
    return out


def problem(f: Finding, file: str, doc: str | None) -> Problem:
    """A rule's finding as a problem of ``file`` (a span or attribution as its record)."""
    return Problem(f.id, f.level, file, f.message, doc, f.record, f.field)


def vocabulary(scheme: Scheme) -> Vocabulary:
    """The names a prediction in this corpus may use (a stance only if the scheme has it)."""
    return Vocabulary(
        tuple(scheme.span_labels),
        tuple(scheme.stances),
        tuple(scheme.source_types),
        scheme.has("stance"),
    )


def read_layer_record(root: str | Path, path: Path) -> tuple[Any, list[Problem]]:
    """A layer file's record, or the problems that keep it from being one (JSON, doc_id
    against the file name)."""
    rel = str(path.relative_to(root))
    try:
        rec = read_json(path)
    except ValueError as exc:
        return None, [Problem("annotation-json", "error", rel, f"not valid JSON: {exc}")]
    doc_id = rec.get("doc_id") if isinstance(rec, dict) else None
    if doc_id != path.stem:
        msg = f"doc_id {doc_id!r} != file name"
        return None, [Problem("annotation-doc-id", "error", rel, msg, doc_id, field="doc_id")]
    return rec, []


def check_layer(
    root: str | Path, layer: str, documents: Mapping[str, Mapping[str, Any]]
) -> list[Problem]:
    """Check every record of a layer against the corpus documents (by doc_id); a pred
    layer's by the prediction rules."""
    scheme = load_scheme(root)
    clusters = load_clusters(root)
    out: list[Problem] = []
    d = layer_dir(root, layer)
    for path in sorted(d.glob("*.json")) if d.exists() else []:
        rec, problems = read_layer_record(root, path)
        out += problems
        if rec is None:
            continue
        rel = str(path.relative_to(root))
        doc = documents.get(rec["doc_id"])
        if doc is None:
            msg = "no such document in corpus/"
            out.append(
                Problem("annotation-unknown-doc", "error", rel, msg, rec["doc_id"], field="doc_id")
            )
            continue
        out += check_record(
            rec,
            doc["text"],
            scheme,
            file=rel,
            paragraphs=[(p["start"], p["end"]) for p in doc["paragraphs"]],
            clusters=clusters,
            text_sha256=doc["text_sha256"],
            prediction=is_pred(layer),
        )
    return out
