"""Rows of the three release configs, built from one document and its gold record.

* ``documents``: one row per article: provenance, normalized text, paragraphs, sentences,
  offset map, spans and attributions (empty and ``annotated: false`` when not annotated).
* ``claims``: one row per attribution, ready for stance classification: the claim, its
  context sentence(s), source (and the named mention a pronoun stands for), cue, types,
  stances and cluster.
* ``tokens``: one row per paragraph: regex word tokens (``TOKEN``) with offsets and a BIO
  tag sequence per span label, derived from the span offsets (never the reverse). Nested
  spans of one label are tagged by their outermost span (``outermost``); a token is inside a
  span if they overlap. A discontinuous span tags its fragments (``pieces``), each starting
  with B-, not its hull. Built by columns in ``release/tokens``.

Rows may carry keys the release's features lack (a field the scheme leaves out): encoding
drops them, and a field a record lacks is null.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


def document_row(doc: dict[str, Any], story_id: str, gold: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "doc_id": doc["doc_id"],
        "story_id": story_id,
        "title": doc.get("title"),
        "outlet": doc.get("outlet"),
        "url": doc.get("url"),
        "published": doc.get("published"),
        "language": doc.get("language"),
        "author": doc.get("author"),
        "licence": doc.get("licence"),
        "source_file": doc["source_file"],
        "raw_sha256": doc["raw_sha256"],
        "text_sha256": doc["text_sha256"],
        "text": doc["text"],
        "paragraphs": doc["paragraphs"],
        "sentences": doc["sentences"],
        "offset_map": doc["offset_map"],
        "annotated": gold is not None,
        # the gold record's own items, not copies: the writer reads the fields its features
        # have (a missing one is null) and no other
        "spans": (gold or {}).get("spans", []),
        "attributions": (gold or {}).get("attributions", []),
    }


def _context(doc: dict[str, Any], start: int, end: int) -> str:
    sents = [s for s in doc["sentences"] if s["start"] < end and start < s["end"]]
    if not sents:
        return doc["text"][start:end]
    return doc["text"][sents[0]["start"] : sents[-1]["end"]]


def claim_rows(
    doc: dict[str, Any], story_id: str, gold: dict[str, Any], clusters: dict[str, str], target: str
) -> list[dict[str, Any]]:
    spans = {s["id"]: s for s in gold["spans"]}
    out = []
    for a in gold["attributions"]:
        c = spans[a["claim"]]
        src = spans.get(a["source"]) if a.get("source") else None
        ant = spans.get(src["antecedent"]) if src and src.get("antecedent") else None
        cue = spans.get(a["cue"]) if a.get("cue") else None
        out.append(
            {
                "doc_id": doc["doc_id"],
                "story_id": story_id,
                "outlet": doc.get("outlet"),
                "attribution_id": a["id"],
                "claim_id": c["id"],
                "claim": c["text"],
                "claim_start": c["start"],
                "claim_end": c["end"],
                "context": _context(doc, c["start"], c["end"]),
                "source": src["text"] if src else None,
                "source_resolved": (ant or src)["text"] if src else None,
                "cue": cue["text"] if cue else None,
                "source_type": a.get("source_type"),
                "anonymous_source": a.get("anonymous_source"),
                "unattributed": a["unattributed"],
                "stance": a.get("stance"),
                "topic_stance": c.get("topic_stance"),
                "target": target,
                "cluster_id": c.get("cluster"),
                "cluster_statement": clusters.get(c["cluster"]) if c.get("cluster") else None,
            }
        )
    return out


def outermost(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for s in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        if out and s["end"] <= out[-1]["end"]:
            continue
        out.append(s)
    return out


def pieces(span: dict[str, Any]) -> list[dict[str, Any]]:
    """What a span tags: its fragments when it is discontinuous, else itself."""
    if not span.get("fragments"):
        return [span]
    return [{"start": a, "end": b} for a, b in span["fragments"]]
