"""The ``tokens`` config made by columns (``release/tokens``) equals the rows the reference
``reference_tokens.token_rows`` gives, encoded by the release writer: same values, types and Arrow
bytes, on random texts in many scripts, paragraphs that touch or are empty, and spans of
every shape; and its character classes are ``re``'s ``\\w`` and ``\\s`` on every code
point."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import reference_tokens
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.core import layers as ann
from claimcorpus.core.scheme import features, load_scheme
from claimcorpus.release import tokens
from claimcorpus.release.sources import CorpusSource
from claimcorpus.release.writer import RowEncoder

ROOT = Path(__file__).resolve().parents[1]
SCHEME = load_scheme(ROOT)
FEATS = features(SCHEME, "tokens")
LABELS = SCHEME.span_labels


def _expected(cp: int) -> int:
    ch = chr(cp)
    if re.fullmatch(r"\w", ch):
        return tokens.WORD
    if re.fullmatch(r"\s", ch):
        return tokens.SPACE
    return tokens.JOINER if ch in "-'’." else tokens.OTHER


def test_character_classes_are_those_of_re_on_every_code_point():
    wrong = [
        cp
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp < 0xE000 and tokens._class_of(cp) != _expected(cp)
    ]
    assert wrong == []
    bmp = [cp for cp in range(0x10000) if not 0xD800 <= cp < 0xE000]
    assert [int(tokens._BMP[cp]) for cp in bmp] == [tokens._class_of(cp) for cp in bmp]


def _reference(docs: list[tuple[dict[str, Any], dict[str, Any]]]) -> pa.Table:
    return RowEncoder(FEATS).table(
        [r for d, g in docs for r in reference_tokens.token_rows(d, g, LABELS)]
    )


def _columns(docs: list[tuple[dict[str, Any], dict[str, Any]]], group: int) -> pa.Table:
    cols = tokens.TokenColumns(FEATS, LABELS)
    parts = []
    for d, g in docs:
        cols.add(d, g)
        while cols.rows >= group:
            parts.append(cols.take(group))
    parts.append(cols.take(cols.rows))
    assert cols.rows == 0
    return pa.concat_tables(parts).combine_chunks()


WORDS = st.sampled_from(
    ["a", "bb", "it's", "U.S.", "-", "--", ".", "’", "x-y", "é", "Ωμέγα", "数据", "😀", "𝔘𝔫", "_",
     "3.5", "١٢", ",", "«", "»", "e\u0301", " ", "  ", "\n", "\u00a0", "\u200b", "\t"]
)  # fmt: skip


@st.composite
def _doc(draw: st.DrawFn, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    text = "".join(draw(st.lists(WORDS, min_size=0, max_size=40)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4)))
    edges = [0, *cuts, len(text)]
    paragraphs = [{"start": a, "end": b} for a, b in zip(edges, edges[1:], strict=False)]
    spans = []
    for i in range(draw(st.integers(0, 6)) if text else 0):
        a = draw(st.integers(0, len(text) - 1))
        z = draw(st.integers(a + 1, len(text)))
        span = {"id": f"s{i}", "label": draw(st.sampled_from(LABELS)), "start": a, "end": z}
        if z - a >= 3 and draw(st.booleans()):
            m = draw(st.integers(a + 1, z - 2))
            span["fragments"] = [[a, m], [m + 1, z]]
        spans.append(span)
    return {"doc_id": f"d{n}", "text": text, "paragraphs": paragraphs}, {"spans": spans}


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 4).flatmap(lambda k: st.tuples(*[_doc(i) for i in range(k)])), st.integers(1, 9)
)
def test_columns_equal_the_reference_rows_encoded(docs, group):
    docs = list(docs)
    ref, got = _reference(docs), _columns(docs, group)
    assert got.schema == ref.schema
    assert got.to_pylist() == ref.to_pylist()
    assert got.equals(ref)
    assert got.nbytes == ref.nbytes


def test_columns_of_the_seed_release_documents():
    """The committed corpus's annotated documents, row groups of 7 rows."""
    source = CorpusSource(ROOT)
    gold = ann.open_layer(ROOT, "gold")
    docs = [(d, gold[d["doc_id"]]) for d in source.documents(sorted(gold))]
    assert docs
    ref = _reference(docs)
    assert ref.num_rows > 20
    assert _columns(docs, 7).equals(ref)


def test_overlapping_paragraphs_are_refused_with_the_document_named():
    cols = tokens.TokenColumns(FEATS, LABELS)
    paragraphs = [{"start": 0, "end": 3}, {"start": 2, "end": 5}]
    doc = {"doc_id": "d7", "text": "a b c", "paragraphs": paragraphs}
    with pytest.raises(ValueError, match=r"document d7, field paragraphs: paragraphs overlap"):
        cols.add(doc, {"spans": []})
