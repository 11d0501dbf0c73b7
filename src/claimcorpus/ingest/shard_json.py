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

Reading a shard and splicing a run's changes into its lines is shard_lines.py's work; this
module only encodes.
"""

from __future__ import annotations

import json.encoder
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


def dumps_shard(shard: dict[str, Any]) -> str:
    """``dumps_document(shard, expand=1)``, fast for the shapes the index writes."""
    if type(shard) is not dict or not shard or any(type(k) is not str for k in shard):
        return dumps_document(shard, expand=1)
    items = [f"  {_enc(part)}: {_part(shard[part])}" for part in sorted(shard)]
    return "{\n" + ",\n".join(items) + "\n}\n"
