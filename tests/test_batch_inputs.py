"""The engine batch step checks metadata as ingest does and takes the site repetition table."""

from __future__ import annotations

import pyarrow as pa

from claimcorpus.ingest import batch
from claimcorpus.normalize.repetition import line_hash

PLEA = "We rely on readers like you. Please support independent local journalism today."
TEXT = f"The port said on Friday that ferries were its main concern this year.\n{PLEA}\n"


def _batch(**meta: list) -> pa.RecordBatch:
    n = len(next(iter(meta.values()))) if meta else 2
    cols = {
        "doc_id": [f"d{i}" for i in range(n)],
        "source_file": [f"d{i}.txt" for i in range(n)],
        "raw": [TEXT.encode()] * n,
    }
    return pa.RecordBatch.from_pydict({**cols, **meta})


def test_bad_metadata_in_engine_input_is_an_error_row_naming_record_and_field():
    out = batch.normalize_batch(
        _batch(published=["2024-05-01", "May 1"], url=["https://a.example/x", None])
    ).to_pylist()
    assert out[0]["error_kind"] is None and out[0]["published"] == "2024-05-01"
    assert out[1]["error_kind"] == "bad-metadata" and out[1]["text"] is None
    assert "d1.txt: record d1: field 'published'" in out[1]["error"]


def test_the_batch_step_removes_a_sites_repeated_lines_when_given_the_table():
    b = _batch(outlet=["Harbour Gazette", "Other Paper"])
    table = {"Harbour Gazette": frozenset({line_hash(PLEA)})}
    out = batch.normalize_batch(b, repeated=table).to_pylist()
    assert PLEA not in out[0]["text"]
    assert [e["rule"] for e in out[0]["exclusions"]] == ["repeated-in-site"]
    assert PLEA in out[1]["text"]  # another site's evidence does not apply
    plain = batch.normalize_batch(b).to_pylist()
    assert all(PLEA in r["text"] for r in plain)
