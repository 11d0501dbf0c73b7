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


def _columns(
    docs: list[tuple[dict[str, Any], dict[str, Any]]],
    group: int,
    batch_chars: int = tokens.BATCH_CHARS,
) -> pa.Table:
    cols = tokens.TokenColumns(FEATS, LABELS, batch_chars)
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
    if draw(st.booleans()):  # paragraphs one after the other, covering the text
        cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4)))
        edges = [0, *cuts, len(text)]
        pairs = list(zip(edges, edges[1:], strict=False))
    else:  # characters between and around them, or no paragraph at all
        edges = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
        pairs = list(zip(edges[::2], edges[1::2], strict=False))
    paragraphs = [{"start": a, "end": b} for a, b in pairs]
    spans = []
    for i in range(draw(st.integers(0, 6)) if text else 0):
        a = draw(st.integers(-2, len(text) - 1))  # a little outside the text too
        z = draw(st.integers(a + 1, len(text) + 2))
        span = {"id": f"s{i}", "label": draw(st.sampled_from(LABELS)), "start": a, "end": z}
        if z - a >= 3 and draw(st.booleans()):
            m = draw(st.integers(a + 1, z - 2))
            span["fragments"] = [[a, m], [m + 1, z]]
        spans.append(span)
    return {"doc_id": f"d{n}", "text": text, "paragraphs": paragraphs}, {"spans": spans}


DOCS = st.integers(1, 6).flatmap(lambda k: st.tuples(*[_doc(i) for i in range(k)]))


@settings(max_examples=300, deadline=None)
@given(DOCS, st.integers(1, 9), st.sampled_from([0, 7, 60, tokens.BATCH_CHARS]))
def test_columns_equal_the_reference_rows_encoded(docs, group, batch_chars):
    docs = list(docs)
    ref, got = _reference(docs), _columns(docs, group, batch_chars)
    assert got.schema == ref.schema
    assert got.to_pylist() == ref.to_pylist()
    assert got.equals(ref)
    assert got.nbytes == ref.nbytes


@settings(max_examples=200, deadline=None)
@given(DOCS, st.integers(1, 4))
def test_documents_batched_together_give_the_tables_of_each_alone(docs, group):
    """Row groups of 1 to 4 rows cut documents; empty texts, documents with no paragraph and
    astral code points are among those drawn."""
    together = tokens.TokenColumns(FEATS, LABELS, batch_chars=10**9)
    alone = tokens.TokenColumns(FEATS, LABELS, batch_chars=0)
    for d, g in docs:
        together.add(d, g)
        alone.add(d, g)
    with_rows = sum(1 for d, _ in docs if d["paragraphs"])
    assert len(together.batches) == 0 and len(together.pending.doc_ids) == with_rows
    assert len(alone.batches) == with_rows and not alone.pending.doc_ids
    while together.rows or alone.rows:
        assert together.rows == alone.rows
        got, want = together.take(group), alone.take(group)
        assert len(together.batches) <= 1
        assert got.equals(want)
        assert got.nbytes == want.nbytes


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
    assert cols.rows == 0 and not cols.pending.doc_ids


@pytest.mark.parametrize("start, end", [(-1, 2), (3, 6), (4, 3)])
def test_paragraphs_outside_the_text_are_refused_with_the_document_named(start, end):
    """In a batch they would reach into the next document's characters."""
    cols = tokens.TokenColumns(FEATS, LABELS)
    doc = {"doc_id": "d8", "text": "a b c", "paragraphs": [{"start": start, "end": end}]}
    with pytest.raises(ValueError, match=rf"document d8, field paragraphs: paragraph \[{start}, "):
        cols.add(doc, {"spans": []})
    assert cols.rows == 0 and not cols.pending.doc_ids
