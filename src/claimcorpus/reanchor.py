"""Re-normalize the corpus and carry annotations across a text change, never shifting silently.

When the normalizer changes, a document's normalized text may change. Each annotated span
is mapped old text -> raw bytes (old offset map) -> new text (new offset map). A span is
re-anchored only when the new text at the mapped offsets equals the old span text; every
other span is reported and the document's annotations are left untouched.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from difflib import SequenceMatcher
from pathlib import Path

from . import annotations as ann
from .corpus import CORPUS, doc_ids, normalized_record, paths
from .io import atomic_write_json, read_json
from .normalize import normalize_bytes, raw_span


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


def renormalize(root: Path, check_only: bool = False) -> int:
    layers = ["gold", *ann.list_layers(root)]
    changed = failed = 0
    for doc_id in doc_ids(root):
        p = paths(root, doc_id)
        meta = read_json(p["meta"])
        raw_bytes = (root / CORPUS / "raw" / meta["source_file"]).read_bytes()
        old = read_json(p["normalized"])
        n = normalize_bytes(raw_bytes, meta["source_file"])
        new = normalized_record(doc_id, n)
        if new == old:
            continue
        changed += 1
        print(f"changed   {doc_id}: text {'differs' if new['text'] != old['text'] else 'same'}")
        updates: list[tuple[str, dict]] = []
        problems: list[str] = []
        for layer in layers:
            rec = ann.load_layer(root, layer).get(doc_id)
            if rec is None:
                continue
            moved, fails = reanchor_record(rec, old, new, raw_bytes)
            problems += [f"{layer}: {f}" for f in fails]
            updates.append((layer, moved))
        if problems:
            failed += 1
            for f in problems:
                print(f"  cannot re-anchor {doc_id} {f}", file=sys.stderr)
            continue
        if check_only:
            continue
        for layer, moved in updates:
            ann.write_record(root, layer, moved)
        atomic_write_json(p["normalized"], new)
        atomic_write_json(p["exclusions"], n.exclusions)
    print(
        f"{changed} documents changed, {failed} left as they were because spans could not be re-anchored"
    )
    return 1 if failed else 0
