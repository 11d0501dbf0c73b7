"""Prompts for generative models: one per annotated document of a release split.

A prompted language model cannot give offsets, so it is asked for quotes: each prompt holds
the scheme's definitions (label, stance and source-type descriptions from the corpus root's
``schema/scheme.yaml``), one fixed section of ``annotations/GUIDELINES.md`` (``3.1
Boundaries``, the rules a quote's boundaries follow; a root whose guidelines lack it, such as
``claimcorpus init``'s template, gets ``1. What you mark``), the JSON Schema of the answer
and the document's normalized text. ``claimcorpus evaluate --quotes`` anchors the answers
back to offsets (``evaluate/quotes``) with the schema written here, so the prompt and the
checker never disagree about what an answer is.

The output folder holds ``prompts.jsonl`` (one line per document: ``doc_id``, ``prompt``)
and ``answer.schema.json`` (the same schema, for APIs that take one apart from the prompt).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import Scheme, load_scheme
from claimcorpus.release.fields import release_scheme
from claimcorpus.release.load import load_documents

GUIDELINES = Path("annotations") / "GUIDELINES.md"
# the guideline section quoted in every prompt: the first of these headings the file has
EXCERPT_HEADINGS = ("3.1 Boundaries", "1. What you mark")
ROLES = ("claim", "source", "cue")  # the quoted parts of an attribution, in answer order
PROMPTS_FILE = "prompts.jsonl"
SCHEMA_FILE = "answer.schema.json"


def answer_schema(scheme: Scheme) -> dict[str, Any]:
    """JSON Schema of one answer: ``{"attributions": [...]}``, each with exact quotes for
    claim, source and cue (source and cue may be null), an optional ``<role>_context`` or
    ``<role>_occurrence`` for a quote that repeats, and the scheme's ``stance`` and ``source_type`` when it has them."""
    quote = {"type": "string", "minLength": 1}
    nullable = {"type": ["string", "null"], "minLength": 1}
    props: dict[str, Any] = {
        "claim": {**quote, "description": "the claim, copied exactly from the text"},
        "source": {**nullable, "description": "who makes the claim, exact; null: none"},
        "cue": {**nullable, "description": "the words marking the attribution, exact; null: none"},
    }
    for role in ROLES:
        props[f"{role}_context"] = {
            **nullable,
            "description": f"only when the {role} quote occurs more than once: a longer exact "
            f"passage that occurs once in the text and holds the {role} quote once",
        }
        props[f"{role}_occurrence"] = {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": f"only when the {role} quote occurs more than once: which "
            "occurrence is meant (1 = the first in the text)",
        }
    required = list(ROLES)
    if scheme.has("stance"):
        props["stance"] = {"enum": list(scheme.stances)}
        required.append("stance")
    if scheme.has("source_type"):
        props["source_type"] = {"enum": list(scheme.source_types)}
        required.append("source_type")
    attribution = {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{scheme.name} attributions as quotes",
        "type": "object",
        "additionalProperties": False,
        "required": ["attributions"],
        "properties": {
            "doc_id": {"type": "string"},
            "attributions": {"type": "array", "items": attribution},
        },
    }


def guideline_excerpt(root: Path) -> tuple[str, str]:
    """The heading and body of the guideline section a prompt quotes (``EXCERPT_HEADINGS``)."""
    path = root / GUIDELINES
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the guidelines: {exc.strerror or exc}") from exc
    for heading in EXCERPT_HEADINGS:
        found = re.search(rf"^(#+) {re.escape(heading)}\s*$", text, flags=re.MULTILINE)
        if found is None:
            continue
        level = len(found.group(1))
        rest = text[found.end() :]
        stop = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
        return heading, rest[: stop.start() if stop else len(rest)].strip()
    raise InputError(f"{path}: no section headed {' or '.join(map(repr, EXCERPT_HEADINGS))}")


def definitions(scheme: Scheme) -> str:
    """The scheme's labels, stances and source types with their descriptions, as a list."""
    parts = [("Span labels", "span_labels", scheme.span_labels)]
    if scheme.has("stance"):
        parts.append(
            ("Stance of the source toward its claim (`stance`)", "stances", scheme.stances)
        )
    if scheme.has("source_type"):
        parts.append(("Source types (`source_type`)", "source_types", scheme.source_types))
    lines: list[str] = []
    for title, key, names in parts:
        described = scheme.descriptions.get(key, {})
        lines += [f"{title}:", *(f"- {n}: {described.get(n, '').strip()}".rstrip() for n in names)]
        lines.append("")
    return "\n".join(lines).strip()


def build_prompt(doc_id: str, text: str, scheme: Scheme, excerpt: tuple[str, str]) -> str:
    """One document's prompt: task, definitions, guideline excerpt, answer schema, text."""
    extra = [f for f in ("stance", "source_type") if scheme.has(f)]
    fields = " and ".join(f"`{f}`" for f in extra)
    return "\n".join(
        [
            "Find every attributed claim in the news text below: who (SOURCE) says, through "
            "which words (CUE), what (CLAIM)." + (f" Give each one's {fields}." if extra else ""),
            "",
            "## Definitions",
            definitions(scheme),
            "",
            f"## From the annotation guidelines ({excerpt[0]})",
            excerpt[1],
            "",
            "## Answer",
            "Answer with one JSON object valid under the JSON Schema below and nothing else. "
            "`claim`, `source` and `cue` are exact quotes: copied character for character from "
            "the text, never paraphrased. `source` is null for a claim in the article's own "
            "voice, `cue` null when no words mark the attribution. When a quote occurs more "
            "than once in the text, add `<role>_context` (e.g. `source_context`): a longer "
            "exact passage around it that occurs only once, or `<role>_occurrence`: which "
            "occurrence you mean (1 = the first in the text).",
            "",
            "```json",
            json.dumps(answer_schema(scheme), indent=2, ensure_ascii=False),
            "```",
            "",
            f"## Text (doc_id {doc_id})",
            text,
        ]
    )


def prompt_scheme(release: Path, root: Path) -> Scheme:
    """The root's scheme (it has the descriptions), refused when the release was built with
    other labels or fields than the root declares."""
    scheme, built = load_scheme(root), release_scheme(release)
    for name in ("span_labels", "stances", "source_types"):
        if getattr(scheme, name) != getattr(built, name):
            raise InputError(
                f"{release}: its {name} {getattr(built, name)} differ from "
                f"{root / 'schema' / 'scheme.yaml'}'s {getattr(scheme, name)}: "
                "run from (or pass --root) the corpus root the release was built from"
            )
    return scheme


def export_prompts(release: Path, split: str, root: Path, out: Path) -> int:
    """Write ``prompts.jsonl`` and ``answer.schema.json`` to the new folder ``out`` for the
    annotated documents of ``split``; return how many prompts."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"--out {out}: exists and is not empty")
    scheme = prompt_scheme(release, root)
    excerpt = guideline_excerpt(root)
    docs = sorted(load_documents(release, split), key=lambda d: d["doc_id"])
    if any(d.get("text") is None for d in docs):
        raise InputError(f"{release}: a text-free release has no text to prompt with")
    lines = [
        json.dumps(
            {
                "doc_id": d["doc_id"],
                "prompt": build_prompt(d["doc_id"], d["text"], scheme, excerpt),
            },
            ensure_ascii=False,
        )
        for d in docs
    ]
    schema = json.dumps(answer_schema(scheme), indent=2, ensure_ascii=False) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        atomic_write_bytes(tmp / PROMPTS_FILE, "".join(f"{x}\n" for x in lines).encode("utf-8"))
        atomic_write_bytes(tmp / SCHEMA_FILE, schema.encode("utf-8"))
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return len(docs)
