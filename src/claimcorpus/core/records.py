"""Typed records passed between stages: a span, an attribution, an annotation layer record.

One record format serves every layer: gold, each annotator's raw layer and a model's
predictions (``annotations/pred/<model>/``) are all ``LayerRecord``s, written as one JSON
file per document and joined to the corpus on ``doc_id``. The JSON form is the one in
``schema/annotation.schema.json``; ``from_json(x).to_json() == x`` for every valid record,
so typing a record never changes a byte on disk.

Records are frozen: a stage that changes one makes a new one (``dataclasses.replace``),
so an input is never rewritten in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SPAN_KEYS = ("id", "label", "start", "end", "text", "topic_stance", "cluster", "antecedent")
ATTRIBUTION_KEYS = (
    "id",
    "claim",
    "source",
    "cue",
    "stance",
    "source_type",
    "anonymous_source",
    "unattributed",
)


@dataclass(frozen=True)
class Span:
    """A labelled half-open ``[start, end)`` slice of the normalized text."""

    id: str
    label: str
    start: int
    end: int
    text: str
    topic_stance: str | None = None
    cluster: str | None = None
    antecedent: str | None = None

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Span:
        return cls(**{k: obj[k] for k in SPAN_KEYS if k in obj})

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in SPAN_KEYS}


@dataclass(frozen=True)
class Attribution:
    """Who (``source``) says (``cue``) what (``claim``), with the source's stance."""

    id: str
    claim: str
    stance: str | None
    source_type: str | None
    source: str | None = None
    cue: str | None = None
    anonymous_source: bool = False
    unattributed: bool = False

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Attribution:
        return cls(**{k: obj[k] for k in ATTRIBUTION_KEYS if k in obj})

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ATTRIBUTION_KEYS}


@dataclass(frozen=True)
class LayerRecord:
    """All annotations of one document in one layer (gold, raw/<annotator>, pred/<model>)."""

    doc_id: str
    layer: str
    annotator: str
    text_sha256: str
    spans: tuple[Span, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    scheme_version: str | None = None
    _present: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> LayerRecord:
        return cls(
            doc_id=obj["doc_id"],
            layer=obj["layer"],
            annotator=obj["annotator"],
            text_sha256=obj["text_sha256"],
            spans=tuple(Span.from_json(s) for s in obj.get("spans", ())),
            attributions=tuple(Attribution.from_json(a) for a in obj.get("attributions", ())),
            scheme_version=obj.get("scheme_version"),
            _present=frozenset(obj),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "layer": self.layer,
            "annotator": self.annotator,
            "text_sha256": self.text_sha256,
            "spans": [s.to_json() for s in self.spans],
            "attributions": [a.to_json() for a in self.attributions],
        }
        if self.scheme_version is not None or "scheme_version" in self._present:
            out["scheme_version"] = self.scheme_version
        return out

    def span(self, span_id: str | None) -> Span | None:
        """The span with this id, or None (an attribution's missing source or cue)."""
        return next((s for s in self.spans if s.id == span_id), None) if span_id else None


def field_names(cls: type) -> tuple[str, ...]:
    """The public fields of a record type (what its JSON object holds)."""
    return tuple(f.name for f in fields(cls) if not f.name.startswith("_"))
