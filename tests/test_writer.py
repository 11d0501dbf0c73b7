"""The columnar release writer makes the very tables (and Parquet bytes) the old
``encode_example`` + ``pa.Table.from_pylist`` writer made (tests/reference_writer.py), on
random rows of every config of every kind of scheme: nulls at every level, empty lists,
missing and extra keys, labels as names or as ids. A label the release does not know is
refused with the file, row, doc_id and field it came from."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import reference_writer
from conftest import REPO
from datasets import ClassLabel, Features, Image, List, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcorpus.core.scheme import CONFIGS, OPTIONAL_FIELDS, features, load_scheme_file
from claimcorpus.release.writer import ROW_GROUP, RowEncoder, SplitWriter

FULL = load_scheme_file(REPO / "schema" / "scheme.yaml")
SCHEMES = {
    "project": FULL,  # stance, source_type, topic_stance, cluster, antecedent
    "every field": dataclasses.replace(FULL, fields=frozenset(OPTIONAL_FIELDS)),  # + fragments
    "polnear": load_scheme_file(REPO / "src/claimcorpus/corpora/data/polnear-scheme.yaml"),
    "brat": load_scheme_file(REPO / "tests/fixtures/brat/scheme.yaml"),  # no stance, no types
}
CASES = [(s, c) for s in SCHEMES for c in CONFIGS]
TEXT = st.text(st.characters(codec="utf-8"), max_size=6)


def _values(feature: Any, ids: bool, null: bool = True) -> st.SearchStrategy:
    """Values of one feature as rows carry them (None anywhere a value may be null).

    A struct's first label field is never null, as in rows (a span's label, an
    attribution's stance or source type): ``encode_example`` encodes a list only if its
    first item changes, so a list whose first struct has no label to map would be written
    unencoded and fail in ``from_pylist`` (the columnar writer encodes it)."""
    if isinstance(feature, dict):
        labels = [k for k, v in feature.items() if isinstance(v, ClassLabel)]
        inner = st.fixed_dictionaries(
            {k: _values(v, ids, null=k not in labels[:1]) for k, v in feature.items()},
            optional={"extra": TEXT},
        )
    elif isinstance(feature, List):
        inner = st.lists(_values(feature.feature, ids), max_size=4)
    elif isinstance(feature, ClassLabel):
        inner = st.integers(0, feature.num_classes - 1) if ids else st.sampled_from(feature.names)
    elif feature.dtype == "string":
        inner = TEXT
    elif feature.dtype == "bool":
        inner = st.booleans()
    else:
        inner = st.integers(-(2**31), 2**31 - 1)
    return st.none() | inner if null else inner


@st.composite
def _rows(draw: st.DrawFn, feats: Features) -> list[dict[str, Any]]:
    """Rows of a config; a row may lack its first column (null) or carry a column the
    features lack (dropped)."""
    ids = draw(st.booleans())  # rows read back from a release carry label ids
    names = list(feats)
    row = st.fixed_dictionaries(
        {k: _values(feats[k], ids) for k in names[1:]},
        optional={names[0]: _values(feats[names[0]], ids), "extra": TEXT},
    )
    return draw(st.lists(row, max_size=12))


def _bytes(path: Path, feats: Features, rows: list[dict[str, Any]]) -> tuple[bytes, int]:
    w = SplitWriter(path, feats)
    w.add(rows)
    w.close()
    return path.read_bytes(), w.nbytes


@pytest.mark.parametrize(("scheme", "config"), CASES, ids=[f"{s}-{c}" for s, c in CASES])
def test_columnar_tables_and_bytes_equal_encode_example(scheme, config, tmp_path, monkeypatch):
    feats = features(SCHEMES[scheme], config)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=_rows(feats))
    def check(rows):
        new, old = RowEncoder(feats).table(rows), reference_writer.encode_table(feats, rows)
        assert new.schema.equals(old.schema, check_metadata=True)
        assert new.equals(old)
        assert new.nbytes == old.nbytes  # the card's num_bytes: same buffers, same validity
        assert new.to_pylist() == old.to_pylist()

    check()
    # and the files: the same writer with the old encoding swapped in writes the same bytes
    rows = _rows(feats).example()
    columnar = _bytes(tmp_path / "new.parquet", feats, rows)
    monkeypatch.setattr(RowEncoder, "table", reference_writer.table)
    assert _bytes(tmp_path / "old.parquet", feats, rows) == columnar


def test_every_classlabel_field_is_mapped_to_its_id():
    """The random rows above reach these fields; here each is checked by name."""
    feats = features(SCHEMES["every field"], "documents")
    row = {
        "spans": [{"label": "CUE", "topic_stance": "against"}],
        "attributions": [{"stance": "neutral", "source_type": "author"}],
    }
    got = RowEncoder(feats).table([row]).to_pylist()[0]
    assert got["spans"][0]["label"] == FULL.span_labels.index("CUE") == 2
    assert got["spans"][0]["topic_stance"] == FULL.topic_stances.index("against") == 1
    assert got["attributions"][0]["stance"] == FULL.stances.index("neutral") == 2
    assert got["attributions"][0]["source_type"] == FULL.source_types.index("author") == 8
    tags = features(FULL, "tokens")
    got = RowEncoder(tags).table([{"source_tags": ["O", "I-SOURCE", "B-SOURCE"]}])
    assert got.column("source_tags").to_pylist() == [[0, 2, 1]]


@pytest.mark.parametrize("given_", [" support ", "1", 1, -1, None])
def test_what_encode_example_accepted_as_a_label_still_is(given_):
    feats = features(FULL, "claims")
    row = {"stance": given_, "outlet": 7}  # and an int where a string belongs
    assert RowEncoder(feats).table([row]).equals(reference_writer.encode_table(feats, [row]))


def _bad_documents_row() -> dict[str, Any]:
    ok = {"stance": "support", "source_type": "expert"}
    return {"doc_id": "d-2", "attributions": [ok, ok, {**ok, "stance": "supportive"}]}


def test_an_unknown_label_names_file_row_doc_and_field(tmp_path):
    feats = features(FULL, "documents")
    with pytest.raises(ValueError, match="Invalid string class label supportive"):
        feats.encode_example(_bad_documents_row())  # what the old writer raised, no more
    w = SplitWriter(tmp_path / "train.parquet", feats)
    w.add([{"doc_id": "d-0"}, {"doc_id": "d-1"}, _bad_documents_row()])
    with pytest.raises(ValueError) as err:
        w.close()
    assert str(err.value) == (
        f"{tmp_path / 'train.parquet'}: row 2 (doc_id d-2), field attributions[2].stance: "
        "Invalid string class label supportive (labels: support, refute, neutral)"
    )


def test_the_row_number_counts_rows_of_earlier_groups(tmp_path):
    feats = features(FULL, "tokens")
    w = SplitWriter(tmp_path / "t.parquet", feats)
    rows = [{"doc_id": f"d{i}", "claim_tags": ["O"]} for i in range(ROW_GROUP + 3)]
    rows[ROW_GROUP + 1]["claim_tags"] = ["O", "O", "B-CLAIM", "B-CLIAM"]
    with pytest.raises(ValueError, match=r"row 10001 \(doc_id d10001\), field claim_tags\[3\]: "):
        w.add(rows)
        w.close()
    assert w.rows == ROW_GROUP  # the first group was written


def test_an_out_of_range_label_id_is_refused_as_encode_example_refused_it():
    feats = features(FULL, "claims")
    with pytest.raises(ValueError, match="greater than configured num_classes 3"):
        reference_writer.encode_table(feats, [{"stance": 3}])
    with pytest.raises(ValueError, match=r"row 0 \(doc_id None\), field stance: Class label 3 "):
        RowEncoder(feats).table([{"stance": 3}])


def test_a_feature_the_writer_cannot_encode_is_refused_up_front(tmp_path):
    with pytest.raises(TypeError, match="cannot encode a Image"):
        SplitWriter(tmp_path / "x.parquet", Features({"picture": Image()}))
    assert not (tmp_path / "x.parquet").exists()


def test_a_null_struct_stores_empty_children_as_from_pylist_does():
    struct = {"a": Value("int32"), "s": Value("string"), "l": List(Value("bool"))}
    feats = Features({"m": {**struct, "f": Value("float32")}})
    table = RowEncoder(feats).table([{"m": {"a": 1, "s": "x", "l": [True]}}, {"m": None}])
    child = table.column("m").chunk(0).field("s")
    assert child.to_pylist() == ["x", ""] and child.buffers()[0] is None
    old = reference_writer.encode_table(
        feats, [{"m": {"a": 1, "s": "x", "l": [True]}}, {"m": None}]
    )
    assert table.equals(old) and table.nbytes == old.nbytes
