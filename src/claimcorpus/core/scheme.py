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

SCHEME_PATH = Path("schema") / "scheme.yaml"
JSON_SCHEMA_PATH = Path("schema") / "annotation.schema.json"
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"


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

    @property
    def target(self) -> dict[str, str]:
        return self.targets[0]


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [str(i["name"]) for i in items]


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Scheme:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    sets = ("span_labels", "stances", "topic_stances", "source_types")
    return Scheme(
        version=str(raw["scheme_version"]),
        span_labels=_names(raw["span_labels"]),
        stances=_names(raw["stances"]),
        topic_stances=_names(raw["topic_stances"]),
        source_types=_names(raw["source_types"]),
        targets=list(raw["targets"]),
        descriptions={k: {i["name"]: i.get("description", "") for i in raw[k]} for k in sets},
        colors={i["name"]: i.get("color", "") for i in raw["span_labels"]},
        rules=dict(raw.get("rules") or {}),
    )


def load_scheme(root: str | Path = ".") -> Scheme:
    path = Path(root) / SCHEME_PATH
    return _load(str(path), path.stat().st_mtime)


# ----------------------------------------------------------------------------- JSON Schema
def annotation_json_schema(scheme: Scheme) -> dict[str, Any]:
    """JSON Schema of one annotation file (annotations/gold/<doc_id>.json, raw layers alike)."""
    nullable_str = {"type": ["string", "null"]}
    span = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "label", "start", "end", "text"],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "label": {"enum": scheme.span_labels},
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 1},
            "text": {"type": "string", "minLength": 1},
            "topic_stance": {"enum": [*scheme.topic_stances, None]},
            "cluster": nullable_str,
            "antecedent": nullable_str,
        },
    }
    attribution = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "claim", "stance", "source_type"],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "claim": {"type": "string"},
            "source": nullable_str,
            "cue": nullable_str,
            "stance": {"enum": scheme.stances},
            "source_type": {"enum": scheme.source_types},
            "anonymous_source": {"type": "boolean"},
            "unattributed": {"type": "boolean"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"claimcorpus annotation record (scheme {scheme.version})",
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
def features(scheme: Scheme, config: str):  # -> datasets.Features
    """The ``datasets.Features`` of a release config (documents, claims, tokens)."""
    from datasets import ClassLabel, Features, List, Value

    def cl(names: list[str]) -> ClassLabel:
        return ClassLabel(names=list(names))

    offsets = {"start": Value("int32"), "end": Value("int32")}
    if config == "documents":
        return Features(
            {
                "doc_id": Value("string"),
                "story_id": Value("string"),
                "title": Value("string"),
                "outlet": Value("string"),
                "url": Value("string"),
                "published": Value("string"),
                "language": Value("string"),
                "licence": Value("string"),
                "source_file": Value("string"),
                "raw_sha256": Value("string"),
                "text_sha256": Value("string"),
                "text": Value("string"),
                "paragraphs": List(dict(offsets)),
                "sentences": List(dict(offsets)),
                "offset_map": {
                    "norm": List(Value("int32")),
                    "raw": List(Value("int32")),
                    "copy": List(Value("bool")),
                },
                "annotated": Value("bool"),
                "spans": List(
                    {
                        "id": Value("string"),
                        "label": cl(scheme.span_labels),
                        **offsets,
                        "text": Value("string"),
                        "topic_stance": cl(scheme.topic_stances),
                        "cluster": Value("string"),
                        "antecedent": Value("string"),
                    }
                ),
                "attributions": List(
                    {
                        "id": Value("string"),
                        "claim": Value("string"),
                        "source": Value("string"),
                        "cue": Value("string"),
                        "stance": cl(scheme.stances),
                        "source_type": cl(scheme.source_types),
                        "anonymous_source": Value("bool"),
                        "unattributed": Value("bool"),
                    }
                ),
            }
        )
    if config == "claims":
        return Features(
            {
                "doc_id": Value("string"),
                "story_id": Value("string"),
                "outlet": Value("string"),
                "attribution_id": Value("string"),
                "claim_id": Value("string"),
                "claim": Value("string"),
                "claim_start": Value("int32"),
                "claim_end": Value("int32"),
                "context": Value("string"),
                "source": Value("string"),
                "source_resolved": Value("string"),
                "cue": Value("string"),
                "source_type": cl(scheme.source_types),
                "anonymous_source": Value("bool"),
                "unattributed": Value("bool"),
                "stance": cl(scheme.stances),
                "topic_stance": cl(scheme.topic_stances),
                "target": Value("string"),
                "cluster_id": Value("string"),
                "cluster_statement": Value("string"),
            }
        )
    if config == "tokens":
        bio = {lab: cl(["O", f"B-{lab}", f"I-{lab}"]) for lab in scheme.span_labels}
        return Features(
            {
                "doc_id": Value("string"),
                "paragraph": Value("int32"),
                "tokens": List(Value("string")),
                "token_starts": List(Value("int32")),
                "token_ends": List(Value("int32")),
                **{f"{lab.lower()}_tags": List(bio[lab]) for lab in scheme.span_labels},
            }
        )
    raise KeyError(f"unknown config {config!r}; expected documents, claims or tokens")


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
