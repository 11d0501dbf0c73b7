"""Re-normalize the corpus and carry annotations across a text change, never shifting silently.

When the normalizer changes, a document's normalized text may change. Each annotated span
is mapped old text -> raw bytes (old offset map) -> new text (new offset map). A span is
re-anchored only when the new text at the mapped offsets equals the old span text; every
other span is reported and the document's annotations are left untouched.
"""

from __future__ import annotations

from bisect import bisect_right
from difflib import SequenceMatcher

from claimcorpus.core.io import sha256_bytes
from claimcorpus.normalize.text import raw_span


def norm_from_raw(raw_bytes: bytes, omap: dict[str, list], r: int, *, end: bool) -> int | None:
    """The normalized offset at raw byte ``r``, or None inside a replaced segment."""
    norm, raw, copy = omap["norm"], omap["raw"], omap["copy"]
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


def reanchor_record(record: dict, old: dict, new: dict, raw_bytes: bytes) -> tuple[dict, list[str]]:
    """Map every span of ``record`` from ``old`` to ``new`` normalized text; list failures."""
    failures = []
    spans = []
    for s in record["spans"]:
        rs, re_ = raw_span(
            old["text"],
            *(old["offset_map"][k] for k in ("norm", "raw", "copy")),
            s["start"],
            s["end"],
        )
        ns = norm_from_raw(raw_bytes, new["offset_map"], rs, end=False)
        ne = norm_from_raw(raw_bytes, new["offset_map"], re_, end=True)
        if ns is None or ne is None or new["text"][ns:ne] != s["text"]:
            failures.append(f"span {s['id']} {s['text']!r} has no exact place in the new text")
            continue
        spans.append({**s, "start": ns, "end": ne})
    out = {**record, "spans": spans, "text_sha256": new["text_sha256"]}
    return out, failures


def reanchor_by_diff(
    record: dict, old_text: str, new_text: str, new_sha: str
) -> tuple[dict, list[str]]:
    """Carry spans across an edit of the raw article (so no shared raw offsets exist).

    The old and new normalized texts are aligned with difflib; a span moves only when both
    of its ends fall in unchanged blocks and the new text there equals the span text.
    """
    blocks = SequenceMatcher(None, old_text, new_text, autojunk=False).get_matching_blocks()

    def moved(i: int) -> int | None:
        for b in blocks:
            if b.a <= i < b.a + b.size:
                return b.b + (i - b.a)
        return None

    spans, failures = [], []
    for s in record["spans"]:
        ns, last = moved(s["start"]), moved(s["end"] - 1)
        if ns is None or last is None or new_text[ns : last + 1] != s["text"]:
            failures.append(f"span {s['id']} {s['text']!r} has no exact place in the new text")
            continue
        spans.append({**s, "start": ns, "end": last + 1})
    return {**record, "spans": spans, "text_sha256": new_sha}, failures


def text_hash(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))
