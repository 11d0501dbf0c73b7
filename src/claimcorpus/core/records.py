"""Typed records passed between stages: a normalized text, a span, an attribution, and an
annotation layer record.

One record format serves every layer: gold, each annotator's raw layer and a model's
predictions (``annotations/pred/<model>/``) are all ``LayerRecord``s, written as one JSON
file per document and joined to the corpus on ``doc_id``. The JSON form is the one in
``schema/annotation.schema.json``; ``from_json(x).to_json() == x`` for every valid record,
so typing a record never changes a byte on disk.

A ``NormalizedText`` is the ``normalized`` part of ``corpus/docs/<doc_id>.json``: the text annotations anchor
to, its paragraphs and sentences, and the offset map back to the raw bytes.

Records are frozen: a stage that changes one makes a new one (``dataclasses.replace``),
so an input is never rewritten in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from claimcorpus.core.io import sha256_bytes

PRED = "pred"  # the ``layer`` of a prediction record (annotations/pred/<model>/)
SPAN_KEYS = (
    "id",
    "label",
    "start",
    "end",
    "text",
    "topic_stance",
    "cluster",
    "antecedent",
    "fragments",
)
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
Range = tuple[int, int]  # a half-open [start, end) slice of the normalized text


def _json_keys(obj: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    """The record keys ``obj`` has: a scheme may leave optional fields out entirely (a
    corpus without stance has no ``stance`` key), and a round trip must keep them out."""
    return tuple(k for k in keys if k in obj)


@dataclass(frozen=True)
class Span:
    """A labelled half-open ``[start, end)`` slice of the normalized text.

    ``text`` is None only in a prediction whose document text was not at hand (a text-free
    release); ``fragments`` are the pieces of a discontinuous span, for schemes that have
    them. Only the keys the record had are written back, so a corpus whose scheme leaves a
    field out keeps its bytes."""

    id: str
    label: str
    start: int
    end: int
    text: str | None
    topic_stance: str | None = None
    cluster: str | None = None
    antecedent: str | None = None
    fragments: tuple[Range, ...] | None = None
    keys: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Span:
        values = {k: obj[k] for k in SPAN_KEYS if k in obj}
        if values.get("fragments") is not None:
            values["fragments"] = tuple((a, z) for a, z in values["fragments"])
        return cls(**values, keys=_json_keys(obj, SPAN_KEYS))

    @classmethod
    def from_prediction(cls, obj: dict[str, Any], text: str | None) -> Span:
        """A checked prediction span; an absent ``text`` is taken from the document."""
        given = obj.get("text")
        if given is None and text is not None:
            given = text[obj["start"] : obj["end"]]
        # a new record, not a file read back: every field, the ones not predicted null
        return replace(cls.from_json({**obj, "text": given}), keys=None)

    def to_json(self) -> dict[str, Any]:
        keys = self.keys
        if keys is None:  # made in code: every key, fragments only when there are some
            keys = SPAN_KEYS if self.fragments is not None else SPAN_KEYS[:-1]
        out = {k: getattr(self, k) for k in keys}
        if self.fragments is not None and "fragments" in out:
            out["fragments"] = [[a, z] for a, z in self.fragments]
        return out


@dataclass(frozen=True)
class Attribution:
    """Who (``source``) says (``cue``) what (``claim``), with the source's stance."""

    id: str
    claim: str
    stance: str | None = None
    source_type: str | None = None
    source: str | None = None
    cue: str | None = None
    anonymous_source: bool = False
    unattributed: bool = False
    keys: tuple[str, ...] = field(default=ATTRIBUTION_KEYS, compare=False, repr=False)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Attribution:
        values = {k: obj[k] for k in ATTRIBUTION_KEYS if k in obj}
        return cls(**values, keys=_json_keys(obj, ATTRIBUTION_KEYS))

    @classmethod
    def from_prediction(cls, obj: dict[str, Any], fallback_id: str) -> Attribution:
        """A checked prediction attribution: stance and source_type may be absent (null),
        and one without an id gets ``fallback_id`` (a layer record needs one)."""
        given = obj.get("id")
        made = cls.from_json(
            {
                "stance": None,
                "source_type": None,
                **obj,
                "id": given if isinstance(given, str) and given else fallback_id,
            }
        )
        return replace(made, keys=ATTRIBUTION_KEYS)  # a new record: every field

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.keys}


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
    keys: tuple[str, ...] = field(default=(), compare=False, repr=False)

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
            keys=tuple(obj),
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
        if self.scheme_version is not None or "scheme_version" in self.keys:
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


@dataclass(frozen=True)
class OffsetMap:
    """Anchors from normalized offsets to raw byte offsets: segment ``k`` starts at
    ``norm[k]`` / ``raw[k]`` and was copied unchanged (``copy[k]``) or rewritten."""

    norm: tuple[int, ...]
    raw: tuple[int, ...]
    copy: tuple[bool, ...]

    @classmethod
    def from_json(cls, obj: dict[str, list]) -> OffsetMap:
        return cls(tuple(obj["norm"]), tuple(obj["raw"]), tuple(obj["copy"]))

    def to_json(self) -> dict[str, list]:
        return {"norm": list(self.norm), "raw": list(self.raw), "copy": list(self.copy)}


@dataclass(frozen=True)
class NormalizedText:
    """One document's normalized text and its structure (``normalized`` in ``corpus/docs/<id>.json``)."""

    doc_id: str
    normalizer_version: str
    text: str
    text_sha256: str
    title: str | None
    paragraphs: tuple[Range, ...]
    sentences: tuple[Range, ...]
    offset_map: OffsetMap

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> NormalizedText:
        return cls(
            doc_id=obj["doc_id"],
            normalizer_version=obj["normalizer_version"],
            text=obj["text"],
            text_sha256=obj["text_sha256"],
            title=obj["title"],
            paragraphs=tuple((p["start"], p["end"]) for p in obj["paragraphs"]),
            sentences=tuple((p["start"], p["end"]) for p in obj["sentences"]),
            offset_map=OffsetMap.from_json(obj["offset_map"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "normalizer_version": self.normalizer_version,
            "text": self.text,
            "text_sha256": self.text_sha256,
            "title": self.title,
            "paragraphs": [{"start": a, "end": z} for a, z in self.paragraphs],
            "sentences": [{"start": a, "end": z} for a, z in self.sentences],
            "offset_map": self.offset_map.to_json(),
        }
