"""Carry annotation spans across a change of the normalized text, never shifting silently.

Two ways a text changes. The normalizer changed (``claimcorpus normalize``): the raw bytes
are the same, so each span is mapped old text -> raw bytes (old offset map) -> new text (new
offset map). The raw article changed (``claimcorpus ingest --force``): no raw offsets are
shared, so the old and new texts are aligned with difflib. Either way a span moves only when
the new text at its new offsets equals its old text; every other span is reported.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from difflib import SequenceMatcher

from claimcorpus.core.records import LayerRecord, NormalizedText, OffsetMap, Span
from claimcorpus.normalize.text import raw_span


def norm_from_raw(raw_bytes: bytes, omap: OffsetMap, r: int, *, end: bool) -> int | None:
    """The normalized offset at raw byte ``r``, or None inside a replaced segment."""
    norm, raw, copy = omap.norm, omap.raw, omap.copy
    k = bisect_right(raw, r - 1 if end else r) - 1
    if k < 0 or k >= len(copy):
        return None
    if copy[k]:
        return norm[k] + len(raw_bytes[raw[k] : r].decode("utf-8"))
    if r == raw[k]:
        return norm[k]
    if end and k + 1 < len(raw) and r == raw[k + 1]:
        return norm[k + 1]
    return None


def _no_place(s: Span) -> str:
    return f"span {s.id} {s.text!r} has no exact place in the new text"


def reanchor_record(
    record: LayerRecord, old: NormalizedText, new: NormalizedText, raw_bytes: bytes
) -> tuple[LayerRecord, list[str]]:
    """Map every span of ``record`` from ``old`` to ``new`` normalized text; list failures."""
    failures = []
    spans = []
    om = old.offset_map
    for s in record.spans:
        rs, re_ = raw_span(old.text, om.norm, om.raw, om.copy, s.start, s.end)
        ns = norm_from_raw(raw_bytes, new.offset_map, rs, end=False)
        ne = norm_from_raw(raw_bytes, new.offset_map, re_, end=True)
        if ns is None or ne is None or new.text[ns:ne] != s.text:
            failures.append(_no_place(s))
            continue
        spans.append(replace(s, start=ns, end=ne))
    return replace(record, spans=tuple(spans), text_sha256=new.text_sha256), failures


def reanchor_by_diff(
    record: LayerRecord, old_text: str, new: NormalizedText
) -> tuple[LayerRecord, list[str]]:
    """Carry spans across an edit of the raw article (so no shared raw offsets exist).

    The old and new normalized texts are aligned with difflib; a span moves only when both
    of its ends fall in unchanged blocks and the new text there equals the span text.
    """
    new_text = new.text
    blocks = SequenceMatcher(None, old_text, new_text, autojunk=False).get_matching_blocks()

    def moved(i: int) -> int | None:
        for b in blocks:
            if b.a <= i < b.a + b.size:
                return b.b + (i - b.a)
        return None

    spans, failures = [], []
    for s in record.spans:
        ns, last = moved(s.start), moved(s.end - 1)
        if ns is None or last is None or new_text[ns : last + 1] != s.text:
            failures.append(_no_place(s))
            continue
        spans.append(replace(s, start=ns, end=last + 1))
    return replace(record, spans=tuple(spans), text_sha256=new.text_sha256), failures
