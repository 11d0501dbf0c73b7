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

from dataclasses import dataclass, field
from typing import Any

from claimcorpus.core.io import sha256_bytes

PRED = "pred"  # the ``layer`` of a prediction record (annotations/pred/<model>/)
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
    """A labelled half-open ``[start, end)`` slice of the normalized text.

    ``text`` is None only in a prediction whose document text was not at hand (a text-free
    release); ``fragments`` (``[start, end]`` pairs of a discontinuous span) is written
    back only when the record had the key, so a corpus without the field keeps its bytes.
    """

    id: str
    label: str
    start: int
    end: int
    text: str | None
    topic_stance: str | None = None
    cluster: str | None = None
    antecedent: str | None = None
    fragments: tuple[tuple[int, int], ...] | None = None
    _has_fragments: bool = field(default=False, compare=False, repr=False)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Span:
        frags = obj.get("fragments")
        return cls(
            **{k: obj[k] for k in SPAN_KEYS if k in obj},
            fragments=None if frags is None else tuple((a, b) for a, b in frags),
            _has_fragments="fragments" in obj,
        )

    @classmethod
    def from_prediction(cls, obj: dict[str, Any], text: str | None) -> Span:
        """A checked prediction span; an absent ``text`` is taken from the document."""
        given = obj.get("text")
        if given is None and text is not None:
            given = text[obj["start"] : obj["end"]]
        return cls.from_json({**obj, "text": given})

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in SPAN_KEYS}
        if self._has_fragments or self.fragments is not None:
            out["fragments"] = None if self.fragments is None else [list(f) for f in self.fragments]
        return out


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

    @classmethod
    def from_prediction(cls, obj: dict[str, Any], fallback_id: str) -> Attribution:
        """A checked prediction attribution: stance and source_type may be absent (null),
        and one without an id gets ``fallback_id`` (a layer record needs one)."""
        given = obj.get("id")
        return cls.from_json(
            {
                "stance": None,
                "source_type": None,
                **obj,
                "id": given if isinstance(given, str) and given else fallback_id,
            }
        )

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ATTRIBUTION_KEYS}


@dataclass(frozen=True)
class LayerRecord:
    """All annotations of one document in one layer (gold, raw/<annotator>, pred/<model>)."""

    doc_id: str
    layer: str
    annotator: str
    text_sha256: str | None  # None only in a prediction of a text-free release
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

    @classmethod
    def from_prediction(cls, obj: dict[str, Any], text: str | None, model: str) -> LayerRecord:
        """A checked prediction (a JSONL line: ``doc_id``, ``spans``, ``attributions``, other
        keys ignored) as a record of layer ``pred/<model>``; what a prediction may omit comes
        from the document (span text, ``text_sha256``) or is null."""
        atts = obj.get("attributions") or []
        taken = {a.get("id") for a in atts}
        return cls(
            doc_id=obj["doc_id"],
            layer=PRED,
            annotator=model,
            text_sha256=None if text is None else sha256_bytes(text.encode("utf-8")),
            spans=tuple(Span.from_prediction(s, text) for s in obj.get("spans") or ()),
            attributions=tuple(
                Attribution.from_prediction(a, _fresh_id(f"a{k}", taken))
                for k, a in enumerate(atts)
            ),
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


def _fresh_id(base: str, taken: set[Any]) -> str:
    """``base``, or ``base_1``, ``base_2`` ... when a given id already has that name."""
    out, n = base, 0
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    return out
