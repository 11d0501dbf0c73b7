"""Typed records: every committed layer record round-trips byte for byte through them."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import REPO

from claimcorpus.core.io import dumps_json
from claimcorpus.core.records import Attribution, LayerRecord, NormalizedText, Span
from claimcorpus.ingest.store import (
    dumps_document,
    dumps_stored,
    normalized_record,
    read_normalized,
)
from claimcorpus.normalize.text import normalize_bytes

GOLD = sorted((REPO / "annotations" / "gold").glob("*.json"))


def test_there_is_gold_to_round_trip():
    assert len(GOLD) == 5


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_a_gold_record_round_trips_to_the_same_bytes(path):
    raw = path.read_text(encoding="utf-8")
    record = LayerRecord.from_json(json.loads(raw))
    assert dumps_json(record.to_json()) == raw
    assert all(isinstance(s, Span) for s in record.spans)
    assert all(isinstance(a, Attribution) for a in record.attributions)


def test_records_are_frozen_so_a_stage_cannot_rewrite_its_input():
    rec = LayerRecord.from_json(json.loads(GOLD[0].read_text(encoding="utf-8")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.spans[0].start = 0  # type: ignore[misc]
    moved = dataclasses.replace(rec.spans[0], start=rec.spans[0].start + 1)
    assert moved.start == rec.spans[0].start + 1


def test_optional_fields_default_to_null_and_lookup_by_id():
    rec = LayerRecord.from_json(
        {
            "doc_id": "d",
            "layer": "pred/rules",
            "annotator": "rules",
            "text_sha256": "0" * 64,
            "spans": [{"id": "c1", "label": "CLAIM", "start": 0, "end": 3, "text": "abc"}],
            "attributions": [{"id": "a1", "claim": "c1", "stance": "support", "source_type": None}],
        }
    )
    assert rec.spans[0].cluster is None and rec.attributions[0].source is None
    assert rec.span("c1") is rec.spans[0] and rec.span(None) is None and rec.span("x") is None
    assert "scheme_version" not in rec.to_json()


NORMALIZED = sorted((REPO / "corpus" / "docs").glob("*.json"))


@pytest.mark.parametrize("path", NORMALIZED, ids=lambda p: p.stem)
def test_a_normalized_text_round_trips_to_the_same_bytes(path):
    raw = path.read_text(encoding="utf-8")
    rec = json.loads(raw)
    norm = NormalizedText.from_json(rec["normalized"])
    assert dumps_document({**rec, "normalized": norm.to_json()}) == raw
    assert all(norm.text[a:z] for a, z in norm.paragraphs)


@pytest.mark.parametrize("path", NORMALIZED, ids=lambda p: p.stem)
def test_ingest_s_encoder_writes_dumps_document_s_bytes(path):
    raw = path.read_text(encoding="utf-8")
    rec = json.loads(raw)
    norm = NormalizedText.from_json(rec["normalized"])
    assert dumps_stored(rec["meta"], norm, rec["exclusions"]) == raw


def test_ingest_s_encoder_agrees_on_empty_lists_a_null_title_and_escapes():
    norm = NormalizedText.from_json(
        {
            "doc_id": "d",
            "normalizer_version": "1",
            "text": 'Quote: "x"\\ \u00e9\u2028',
            "text_sha256": "0" * 64,
            "title": None,
            "paragraphs": [],
            "sentences": [{"start": 0, "end": 5}],
            "offset_map": {"norm": [], "raw": [], "copy": []},
        }
    )
    meta = {"doc_id": "d", "raw_bytes": 12, "provenance": {"a": {"b": [1, 2]}}, "outlet": None}
    for exclusions in ([], [{"line": 1, "text": "Menu", "rule": "menu"}]):
        want = dumps_document(
            {"doc_id": "d", "meta": meta, "exclusions": exclusions, "normalized": norm.to_json()}
        )
        assert dumps_stored(meta, norm, exclusions) == want
    titled = dataclasses.replace(norm, title='A "title"')
    assert dumps_stored(meta, titled, []) == dumps_document(
        {"doc_id": "d", "meta": meta, "exclusions": [], "normalized": titled.to_json()}
    )


def test_the_store_writes_what_the_normalizer_gives_as_the_committed_record():
    path = NORMALIZED[0]
    rec = json.loads(path.read_text(encoding="utf-8"))
    meta = rec["meta"]
    raw = (REPO / "corpus" / "raw" / meta["source_file"]).read_bytes()
    made = normalized_record(path.stem, normalize_bytes(raw, meta["source_file"]))
    assert made == read_normalized(REPO, path.stem)
    assert made.to_json() == rec["normalized"]


def test_a_field_the_scheme_leaves_out_stays_out_and_fragments_survive():
    obj = {
        "doc_id": "d",
        "layer": "gold",
        "annotator": "a",
        "text_sha256": "0" * 64,
        "spans": [
            {
                "id": "c1",
                "label": "CLAIM",
                "start": 0,
                "end": 9,
                "text": "abc . xyz",
                "fragments": [[0, 3], [6, 9]],
            },
        ],  # fmt: skip
        "attributions": [{"id": "a1", "claim": "c1", "source": None, "cue": None}],
    }
    rec = LayerRecord.from_json(obj)
    assert rec.spans[0].fragments == ((0, 3), (6, 9))
    assert rec.to_json() == obj  # no stance, source_type or topic_stance keys appear
    made = Span("s1", "SOURCE", 0, 3, "abc")
    assert "fragments" not in made.to_json() and made.to_json()["cluster"] is None


def test_fragments_round_trip_with_their_key_or_without_it():
    base = {"id": "c1", "label": "CLAIM", "start": 0, "end": 9, "text": "abc, said, def"[:9]}
    for span in (base, {**base, "fragments": None}, {**base, "fragments": [[0, 3], [6, 9]]}):
        out = Span.from_json(span).to_json()
        assert {k: v for k, v in out.items() if k in span} == span
        assert ("fragments" in out) == ("fragments" in span)
    assert Span.from_json({**base, "fragments": [[0, 3], [6, 9]]}).fragments == ((0, 3), (6, 9))
