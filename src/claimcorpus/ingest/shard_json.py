"""The bytes of one ingest-index shard, encoded at the speed of the C JSON encoder.

A shard (``corpus/index/<xx>.json``, index.py) is ``dumps_document(shard, expand=1)``: a key
per line for ``docs`` and ``digests``, each entry's value on its line. ``dumps_document``
sends every entry through the JSON encoder's machinery (a sorted-keys encoder call per
value); at 100,000 articles a shard holds about 800 entries, and rewriting the two or three
shards that one new file touches cost more than the rest of its ingest, and rewriting all
256 after a bulk run of 2,000 files grew with the corpus (issue 14 item 3). The entries of
a shard have two shapes only (a doc's ``{"raw_sha256", "source_file"}``, a digest's list of
doc_ids), so this writes them with one C string encoding per string; any other value (a
hand-edited shard) goes through ``dumps_document``'s own path. The bytes are the same as
``dumps_document(shard, expand=1)``'s (tests/test_ingest_shard_json.py compares them).

Most of a rewritten shard is unchanged, so its lines are not encoded again: given the file
as it was read (``ShardFile``) and the keys the run changed, ``dumps_shard`` splices the
changed entries' lines into the old ones (a bisect per change; the rest is list slicing in
C). The old lines are reused only from a part laid out as this writer lays it out (one line
per entry, as many as the part had entries, keys sorted, first and last key where they
belong); any other part is encoded anew. A hand-edited shard whose entries each still sit
on their line keeps those lines until they change (``index --check`` compares content;
``index --rebuild`` writes every line anew).
"""

from __future__ import annotations

import json.encoder
from bisect import bisect_left
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from claimcorpus.ingest.store import _dump, dumps_document

# the encoder of one string that json uses with ensure_ascii=False (the C one when built)
_enc = json.encoder.encode_basestring


def _value(v: Any) -> str | None:
    """One entry's value as ``dumps_document`` writes it, or None when it is not a shard's."""
    if type(v) is dict and len(v) == 2:
        sha, src = v.get("raw_sha256"), v.get("source_file")
        if type(sha) is str and type(src) is str:
            return f'{{"raw_sha256": {_enc(sha)}, "source_file": {_enc(src)}}}'
        return None
    if type(v) in (list, tuple) and v and all(type(x) is str for x in v):  # Index: tuples
        return "[" + ", ".join(map(_enc, v)) + "]"
    return None


def _line(k: str, v: Any) -> str:
    text = _value(v)
    if text is None:  # not a shape the index writes: the generic path, at depth 2
        text = _dump(list(v) if type(v) is tuple else v, 2, 1)  # read as a list
    return f"    {_enc(k)}: {text}"


def _part(entries: Any) -> str:
    """One of ``docs`` / ``digests`` at depth 1 (a key per line)."""
    if type(entries) is not dict or not entries or any(type(k) is not str for k in entries):
        return _dump(entries, 1, 1)
    return "{\n" + ",\n".join(_line(k, entries[k]) for k in sorted(entries)) + "\n  }"


@dataclass(frozen=True)
class ShardFile:
    """A shard's file as it was read: its text and each part's keys in the file's order."""

    text: str
    keys: dict[str, list[str]]


def _old_block(lines: list[str], part: str, keys: list[str]) -> list[str] | None:
    """The part's entry lines in the old file, when it is laid out as this writer lays it
    out: after the part's head, one line per key (the first and last with their key), then
    the part's closing line, keys sorted. None otherwise."""
    if not keys:
        return []
    try:
        head = lines.index(f"  {_enc(part)}: {{")
    except ValueError:
        return None
    n, end = len(keys), head + 1 + len(keys)
    block = lines[head + 1 : end]
    if len(block) != n or end >= len(lines) or lines[end] not in ("  }", "  },"):
        return None
    one_each = "\n".join(block).count('\n    "') == n - 1
    if not one_each or keys != sorted(keys):
        return None
    first, last = f"    {_enc(keys[0])}: ", f"    {_enc(keys[-1])}: "
    return block if block[0].startswith(first) and block[-1].startswith(last) else None


def _splice(
    block: list[str], keys: list[str], entries: dict[str, Any], changed: Collection[str]
) -> list[str]:
    """The old entry lines with the ``changed`` keys' lines replaced, inserted or removed."""
    lines = block[:]
    if lines:
        lines[-1] += ","  # every line ends with a comma while editing; the last loses it
    edits = []
    for k in changed:
        i = bisect_left(keys, k)
        edits.append((i, i < len(keys) and keys[i] == k, k))
    for i, present, k in sorted(edits, reverse=True):  # from the end: indices stay valid
        new = _line(k, entries[k]) + "," if k in entries else None
        if present and new is None:
            del lines[i]
        elif present:
            lines[i] = new
        elif new is not None:
            lines.insert(i, new)
    if lines:
        lines[-1] = lines[-1][:-1]
    return lines


def dumps_shard(
    shard: dict[str, Any],
    old: ShardFile | None = None,
    changed: Mapping[str, Collection[str]] | None = None,
) -> str:
    """``dumps_document(shard, expand=1)``, fast for the shapes the index writes. With
    ``old`` (the file the shard was read from) and ``changed`` (each part's keys set or
    removed since), the other entries' lines are taken from the old file."""
    if type(shard) is not dict or not shard or any(type(k) is not str for k in shard):
        return dumps_document(shard, expand=1)
    lines = old.text.split("\n") if old is not None else []
    items = []
    for part in sorted(shard):
        entries, block = shard[part], None
        if old is not None and part in old.keys and type(entries) is dict:
            block = _old_block(lines, part, old.keys[part])
        if block is None or any(type(k) is not str for k in entries):
            items.append(f"  {_enc(part)}: {_part(entries)}")
            continue
        got = _splice(block, old.keys[part], entries, (changed or {}).get(part, ()))
        body = "{\n" + "\n".join(got) + "\n  }" if got else "{}"
        items.append(f"  {_enc(part)}: {body}")
    return "{\n" + ",\n".join(items) + "\n}\n"
