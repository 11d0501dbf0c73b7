"""The annotation scheme, loaded from ``schema/scheme.yaml`` and everything derived from it.

The YAML is the single declaration; the JSON Schema for annotation files
(``schema/annotation.schema.json``) and the ``datasets.Features`` of each release config are
computed here, so a label added to the YAML reaches the validator, the releases and the
Label Studio config without a second edit. ``claimcorpus schema --write`` refreshes the
derived JSON Schema file; a test fails when it is stale.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from claimcorpus.core.problems import InputError

SCHEME_PATH = Path("schema") / "scheme.yaml"
JSON_SCHEMA_PATH = Path("schema") / "annotation.schema.json"
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
# Annotation fields a corpus may have or lack (declared by the scheme's ``fields:`` list).
# ``fragments`` (the pieces of a discontinuous span) is off unless a scheme asks for it.
# ``author`` is a document field (the article's byline, when a corpus gives it).
OPTIONAL_FIELDS = (
    "stance",
    "source_type",
    "topic_stance",
    "cluster",
    "antecedent",
    "fragments",
    "author",
)
DEFAULT_FIELDS = frozenset(OPTIONAL_FIELDS) - {"fragments", "author"}
# a present field needs its label set: field -> YAML key
_FIELD_SETS = {"stance": "stances", "source_type": "source_types", "topic_stance": "topic_stances"}


@dataclass(frozen=True)
class Scheme:
    """Names of every label set, in declaration order (order fixes ClassLabel ids)."""

    version: str
    span_labels: list[str]
    stances: list[str]
    topic_stances: list[str]
    source_types: list[str]
    targets: list[dict[str, str]]
    descriptions: dict[str, dict[str, str]] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    fields: frozenset[str] = DEFAULT_FIELDS
    name: str = "claimcorpus"

    @property
    def target(self) -> dict[str, str]:
        return self.targets[0] if self.targets else {"id": "", "statement": ""}

    def has(self, name: str) -> bool:
        """Whether this corpus has the optional annotation field ``name``."""
        if name not in OPTIONAL_FIELDS:
            raise KeyError(f"{name!r} is not an optional field; expected one of {OPTIONAL_FIELDS}")
        return name in self.fields

    def lacks(self) -> list[str]:
        """The optional fields this corpus does not have (for cards and score reports)."""
        return [
            f for f in OPTIONAL_FIELDS if f not in self.fields and f not in ("fragments", "author")
        ]


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [str(i["name"]) for i in items]


def _fields(raw: dict[str, Any], path: str) -> frozenset[str]:
    """The scheme's ``fields:`` list (absent: every field but fragments), checked."""
    if "fields" not in raw:
        return DEFAULT_FIELDS
    given = raw["fields"] or []
    unknown = sorted(set(map(str, given)) - set(OPTIONAL_FIELDS))
    if not isinstance(given, list) or unknown:
        raise InputError(
            f"{path}: fields: unknown {unknown or given!r}; expected a list of {list(OPTIONAL_FIELDS)}"
        )
    for f, key in _FIELD_SETS.items():
        if f in given and not raw.get(key):
            raise InputError(f"{path}: fields lists {f} but the scheme has no {key}: list")
    if "topic_stance" in given and not raw.get("targets"):
        raise InputError(f"{path}: fields lists topic_stance but the scheme has no targets: list")
    return frozenset(given)


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Scheme:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not raw.get("span_labels") or "scheme_version" not in raw:
        raise InputError(f"{path}: a scheme needs scheme_version and span_labels")
    try:
        return _scheme(raw, path)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: malformed scheme ({type(exc).__name__}: {exc})") from None


def _scheme(raw: dict[str, Any], path: str) -> Scheme:
    fields = _fields(raw, path)
    sets = ("span_labels", "stances", "topic_stances", "source_types")
    present = {k: list(raw.get(k) or []) for k in sets}
    for f, key in _FIELD_SETS.items():
        if f not in fields:
            present[key] = []  # a lacked field has no label set, whatever the file lists
    return Scheme(
        version=str(raw["scheme_version"]),
        span_labels=_names(present["span_labels"]),
        stances=_names(present["stances"]),
        topic_stances=_names(present["topic_stances"]),
        source_types=_names(present["source_types"]),
        targets=list(raw.get("targets") or []) if "topic_stance" in fields else [],
        descriptions={k: {i["name"]: i.get("description", "") for i in present[k]} for k in sets},
        colors={i["name"]: i.get("color", "") for i in present["span_labels"]},
        rules=dict(raw.get("rules") or {}),
        fields=fields,
        name=str(raw.get("name", "claimcorpus")),
    )


def load_scheme_file(path: str | Path) -> Scheme:
    """A scheme read from any file (a package default, a --scheme argument)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime)


def load_scheme(root: str | Path = ".") -> Scheme:
    """The scheme of a corpus root; a folder without one is refused with a clear message."""
    path = Path(root) / SCHEME_PATH
    if not path.is_file():
        raise InputError(
            f"{path}: no scheme here, so {Path(root).resolve()} is not a corpus root; "
            "make one with `claimcorpus init DIR` or pass --root"
        )
    return _load(str(path), path.stat().st_mtime)


# ----------------------------------------------------------------------------- JSON Schema
def annotation_json_schema(scheme: Scheme) -> dict[str, Any]:
    """JSON Schema of one annotation file (annotations/gold/<doc_id>.json, raw layers alike).

    A field the scheme lacks may only be absent or null, so a record never carries a value
    the corpus does not define."""
    nullable_str = {"type": ["string", "null"]}
    lacked = {"type": "null"}

    def opt(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return schema if scheme.has(name) else lacked

    offsets = {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 1}}
    span = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "label", "start", "end", "text"],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "label": {"enum": scheme.span_labels},
            **offsets,
            "text": {"type": "string", "minLength": 1},
            "topic_stance": opt("topic_stance", {"enum": [*scheme.topic_stances, None]}),
            "cluster": opt("cluster", nullable_str),
            "antecedent": opt("antecedent", nullable_str),
        },
    }
    if scheme.has("fragments"):  # [[start, end], ...] of a discontinuous span, else null
        pair = {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "integer"}}
        span["properties"]["fragments"] = {"type": ["array", "null"], "minItems": 2, "items": pair}
    attribution = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "claim", *(f for f in ("stance", "source_type") if scheme.has(f))],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "claim": {"type": "string"},
            "source": nullable_str,
            "cue": nullable_str,
            "stance": opt("stance", {"enum": scheme.stances}),
            "source_type": opt("source_type", {"enum": scheme.source_types}),
            # without source types there is no anonymity to flag: false or null, as merge writes
            "anonymous_source": {"type": "boolean"}
            if scheme.has("source_type")
            else {"enum": [False, None]},
            "unattributed": {"type": "boolean"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{scheme.name} annotation record (scheme {scheme.version})",
        "type": "object",
        "additionalProperties": False,
        "required": ["doc_id", "layer", "annotator", "text_sha256", "spans", "attributions"],
        "properties": {
            "doc_id": {"type": "string", "pattern": ID_PATTERN},
            "layer": {"enum": ["gold", "raw"]},
            "annotator": {"type": "string"},
            "scheme_version": {"type": "string"},
            "text_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "spans": {"type": "array", "items": span},
            "attributions": {"type": "array", "items": attribution},
        },
    }


# ----------------------------------------------------------------------------- Features
def _keep(scheme: Scheme, items: list[tuple[str, Any, str | None]]) -> dict[str, Any]:
    """Feature dict of the items whose optional field (third element) the scheme has."""
    return {k: v for k, v, f in items if f is None or scheme.has(f)}


def features(scheme: Scheme, config: str):  # -> datasets.Features
    """The ``datasets.Features`` of a release config (documents, claims, tokens).

    A field the scheme lacks has no column at all (no ClassLabel without names, no column
    of nulls): ``"stance" in features`` tells a reader whether the corpus has stance."""
    from datasets import Features

    columns = {"documents": _document_columns, "claims": _claim_columns, "tokens": _token_columns}
    if config not in columns:
        raise KeyError(f"unknown config {config!r}; expected documents, claims or tokens")
    return Features(columns[config](scheme))


def _class_label(names: list[str]):  # -> datasets.ClassLabel
    from datasets import ClassLabel

    return ClassLabel(names=list(names))


def _document_columns(scheme: Scheme) -> dict[str, Any]:
    """One row per document: metadata, text, offsets, and its spans and attributions."""
    from datasets import List, Value

    offsets = {"start": Value("int32"), "end": Value("int32")}
    string = Value("string")
    span = [
        ("id", string, None),
        ("label", _class_label(scheme.span_labels), None),
        *((k, v, None) for k, v in offsets.items()),
        ("text", string, None),
        ("topic_stance", _class_label(scheme.topic_stances), "topic_stance"),
        ("cluster", string, "cluster"),
        ("antecedent", string, "antecedent"),
        ("fragments", List(List(Value("int32"))), "fragments"),
    ]
    attribution = [
        ("id", string, None),
        ("claim", string, None),
        ("source", string, None),
        ("cue", string, None),
        ("stance", _class_label(scheme.stances), "stance"),
        ("source_type", _class_label(scheme.source_types), "source_type"),
        ("anonymous_source", Value("bool"), "source_type"),
        ("unattributed", Value("bool"), None),
    ]
    names = ("doc_id", "story_id", "title", "outlet", "url", "published", "language")
    return {
        **{k: string for k in names},
        **({"author": string} if scheme.has("author") else {}),
        **{k: string for k in ("licence", "source_file", "raw_sha256", "text_sha256")},
        "text": string,
        "paragraphs": List(dict(offsets)),
        "sentences": List(dict(offsets)),
        "offset_map": {
            "norm": List(Value("int32")),
            "raw": List(Value("int32")),
            "copy": List(Value("bool")),
        },
        "annotated": Value("bool"),
        "spans": List(_keep(scheme, span)),
        "attributions": List(_keep(scheme, attribution)),
    }


def _claim_columns(scheme: Scheme) -> dict[str, Any]:
    """One row per attribution: the claim, its source, cue and labels, flat."""
    from datasets import Value

    string = Value("string")
    claims = [
        *((k, string, None) for k in ("doc_id", "story_id", "outlet", "attribution_id")),
        ("claim_id", string, None),
        ("claim", string, None),
        ("claim_start", Value("int32"), None),
        ("claim_end", Value("int32"), None),
        *((k, string, None) for k in ("context", "source", "source_resolved", "cue")),
        ("source_type", _class_label(scheme.source_types), "source_type"),
        ("anonymous_source", Value("bool"), "source_type"),
        ("unattributed", Value("bool"), None),
        ("stance", _class_label(scheme.stances), "stance"),
        ("topic_stance", _class_label(scheme.topic_stances), "topic_stance"),
        ("target", string, "topic_stance"),
        ("cluster_id", string, "cluster"),
        ("cluster_statement", string, "cluster"),
    ]
    return _keep(scheme, claims)


def _token_columns(scheme: Scheme) -> dict[str, Any]:
    """One row per paragraph: tokens, their offsets and a BIO tag column per span label."""
    from datasets import List, Value

    bio = {lab: _class_label(["O", f"B-{lab}", f"I-{lab}"]) for lab in scheme.span_labels}
    return {
        "doc_id": Value("string"),
        "paragraph": Value("int32"),
        "tokens": List(Value("string")),
        "token_starts": List(Value("int32")),
        "token_ends": List(Value("int32")),
        **{f"{lab.lower()}_tags": List(bio[lab]) for lab in scheme.span_labels},
    }


CONFIGS = ("documents", "claims", "tokens")


# ----------------------------------------------------------------------------- CLI
def _run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    scheme = load_scheme(root)
    text = json.dumps(annotation_json_schema(scheme), indent=2, ensure_ascii=False) + "\n"
    target = root / JSON_SCHEMA_PATH
    if args.write:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        print(f"wrote {target}")
        return 0
    if args.check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target} is stale: run `claimcorpus schema --write`")
            return 1
        print(f"{target} is up to date with {SCHEME_PATH}")
        return 0
    print(text, end="")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print or refresh the JSON Schema derived from schema/scheme.yaml",
        description="Print the annotation JSON Schema derived from schema/scheme.yaml.",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="write schema/annotation.schema.json")
    g.add_argument("--check", action="store_true", help="exit 1 if the written file is stale")
    p.set_defaults(func=_run)
