"""A shard held as its file's lines (ingest/shard_lines.py) answers as the parsed file would
and writes the bytes of the writer (dumps_document) after any changes, lazily or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ingest_shard_json import DOC, IDS, SHA, SHARD, _canonical

from claimcorpus.ingest.shard_lines import CorruptIndex, Part, load

# a run's changes: doc entries set or removed, digest lists set or removed
CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("docs"), IDS, st.one_of(DOC, st.none())),
        st.tuples(st.just("digests"), SHA, st.one_of(st.lists(IDS, min_size=1), st.none())),
    ),
    max_size=10,
)


def _applied(shard: dict, changes: list) -> dict:
    out = {part: dict(entries) for part, entries in shard.items()}
    for part, key, value in changes:
        if value is None:
            out[part].pop(key, None)
        else:
            out[part][key] = value
    return out


@settings(max_examples=300, deadline=None)
@given(SHARD, CHANGES)
def test_a_written_shard_changed_gives_the_writers_bytes(tmp_path_factory, shard, changes):
    path = tmp_path_factory.mktemp("s") / "ab.json"
    path.write_text(_canonical(shard), encoding="utf-8")
    held = load(path)
    for part in ("docs", "digests"):
        for key, value in shard[part].items():
            assert held.get(part, key) == value
    for part, key, value in changes:
        held.put(part, key, value)
    want = _applied(shard, changes)
    for part, key, _value in changes:
        assert held.get(part, key) == want[part].get(key)
    data = held.dump()
    assert data == (_canonical(want).encode("utf-8") if any(want.values()) else b"")
    if data:  # the next run, from the bytes just written
        path.write_bytes(data)
        again = load(path)
        again.put("docs", "zz-last", {"raw_sha256": "0" * 64, "source_file": "z.txt"})
        want["docs"]["zz-last"] = {"raw_sha256": "0" * 64, "source_file": "z.txt"}
        assert again.dump() == _canonical(want).encode("utf-8")


def test_a_shard_of_doc_ids_is_held_as_lines_and_parsed_one_entry_at_a_time(tmp_path: Path):
    docs = {
        f"doc-{i:04d}": {"raw_sha256": f"{i:064x}", "source_file": f"{i}.txt"} for i in range(500)
    }
    path = tmp_path / "00.json"
    path.write_text(_canonical({"docs": docs, "digests": {}}), encoding="utf-8")
    held = load(path)
    assert type(held.parts["docs"]) is Part and len(held.parts["docs"].lines) == 500
    assert held.get("docs", "doc-0250") == docs["doc-0250"]
    assert held.get("docs", "doc-025") is None and held.get("digests", "doc-0250") is None


def test_a_hand_edited_shard_is_read_whole_and_written_the_writers_way(tmp_path: Path):
    shard = {"docs": {"b": {"raw_sha256": "1" * 64, "source_file": "b.txt"}}, "digests": {}}
    path = tmp_path / "01.json"
    path.write_text(json.dumps(shard, indent=4), encoding="utf-8")
    held = load(path)
    assert held.get("docs", "b") == shard["docs"]["b"]
    held.put("docs", "a", {"raw_sha256": "2" * 64, "source_file": "a.txt"})
    want = _applied(shard, [("docs", "a", {"raw_sha256": "2" * 64, "source_file": "a.txt"})])
    assert held.dump() == _canonical(want).encode("utf-8")


@pytest.mark.parametrize(
    "text",
    [
        '{"docs": {',
        '["not", "a", "shard"]',
        '{\n  "digests": {},\n  "docs": {\n    "a": {x\n  }\n}\n',
    ],
)
def test_an_unreadable_shard_is_an_error_naming_its_file(tmp_path: Path, text: str):
    path = tmp_path / "02.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorruptIndex, match="02.json"):
        held = load(path)
        held.get("docs", "a")
