"""The ``tokens`` config built as columns: regex word tokens found with NumPy, never as rows.

Why: at 100,000 annotated articles the config holds about 44 million tokens. Built as one
dict per paragraph (``tests/reference_tokens.token_rows`` now, the reference this module must equal), it cost a
Python step per token to find its offsets and another to encode it, the largest share of an
annotated build's extra time. Here a document's code points are classified once (word, space,
joiner, other: what ``rows.TOKEN`` tells apart) and the token edges are NumPy comparisons of
neighbours; the token strings go to Arrow as UTF-8 bytes cut from the document's, and the BIO
tags as ClassLabel ids, so no token ever becomes a Python object.

``rows.TOKEN`` is ``\\w+(?:[-'’.]\\w+)*|[^\\w\\s]``: a token is a run of word characters in
which a joiner (``-'’.``) between two word characters stays inside, or one character that is
neither word nor space (a joiner that joins nothing included). Tokens never cross a
paragraph's edge (the reference finds them in each paragraph alone), so a paragraph's first
and last characters break runs. Word and space are Python's own ``str`` classes
(``isalnum() or "_"``, ``isspace()``), which are what ``re`` uses for ``\\w`` and ``\\s``;
``tests/test_release_tokens.py`` checks the table against ``re`` on every code point and the
columns against that reference.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from claimcorpus.release.rows import outermost, pieces
from claimcorpus.release.writer import ROW_GROUP, SplitWriter

WORD, SPACE, JOINER, OTHER = 0, 1, 2, 3
_JOINERS = frozenset(map(ord, "-'’."))


def _class_of(cp: int) -> int:
    ch = chr(cp)
    if ch.isalnum() or ch == "_":
        return WORD
    if ch.isspace():
        return SPACE
    return JOINER if cp in _JOINERS else OTHER


# the classes of the Basic Multilingual Plane, looked up at once; the rare others one by one
_BMP = np.array([_class_of(cp) for cp in range(0x10000)], dtype=np.int8)


def char_classes(cps: np.ndarray) -> np.ndarray:
    """The class of each code point (``cps``, uint32)."""
    astral = np.flatnonzero(cps >= 0x10000)
    cls = _BMP[np.minimum(cps, 0xFFFF)]
    for at in astral.tolist():
        cls[at] = _class_of(int(cps[at]))
    return cls


def _edges(cps: np.ndarray, paragraphs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the tokens of sorted, disjoint ``paragraphs``."""
    n = cps.size
    cls = char_classes(cps)
    outside = np.ones(n, dtype=bool)
    first = np.zeros(n, dtype=bool)  # a paragraph's first / last character
    last = np.zeros(n, dtype=bool)
    for a, b in paragraphs:
        if a < b:
            outside[a:b] = False
            first[a], last[b - 1] = True, True
    cls[outside] = SPACE  # outside every paragraph: never a token
    word = cls == WORD
    join = np.zeros(n, dtype=bool)
    if n > 2:
        join[1:-1] = (cls[1:-1] == JOINER) & word[:-2] & word[2:] & ~first[1:-1] & ~last[1:-1]
    inword = word | join
    single = (cls == OTHER) | ((cls == JOINER) & ~join)
    before = np.zeros(n, dtype=bool)  # the previous character is of the same word
    before[1:] = inword[:-1] & ~first[1:]
    after = np.zeros(n, dtype=bool)
    after[:-1] = inword[1:] & ~last[:-1]
    starts = np.flatnonzero((inword & ~before) | single)
    return starts, np.flatnonzero((inword & ~after) | single) + 1


def token_edges(
    text: str, paragraphs: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, token bounds of each paragraph, UTF-8 byte offset of every code point)
    of the document's tokens, paragraph by paragraph; ValueError if paragraphs overlap."""
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    for (_, b0), (a1, _) in itertools.pairwise(paragraphs):
        if a1 < b0:  # the normalizer never makes them; the tags would mean nothing
            raise ValueError(f"paragraphs overlap: one ends at {b0}, the next starts at {a1}")
    starts, ends = _edges(cps, paragraphs)
    # the characters between paragraphs are no token's: a paragraph's tokens are those
    # starting from its start up to the next paragraph's
    bounds = np.searchsorted(starts, [a for a, _ in paragraphs], side="left")
    bounds = np.append(bounds, starts.size)
    widths = np.where(cps < 0x80, 1, np.where(cps < 0x800, 2, np.where(cps < 0x10000, 3, 4)))
    byte_at = np.zeros(cps.size + 1, dtype=np.int64)
    np.cumsum(widths, out=byte_at[1:])
    return starts, ends, bounds, byte_at


def tag_ids(
    spans: list[dict[str, Any]], label: str, starts: np.ndarray, ends: np.ndarray, ids: Bio
) -> np.ndarray:
    """The BIO tags of one label as ClassLabel ids: the tokens overlapping each outermost span
    (or fragment) are one run starting with B-; later spans overwrite earlier."""
    tags = np.full(starts.size, ids.o, dtype=np.int64)
    runs = outermost([p for x in spans if x["label"] == label for p in pieces(x)])
    if not runs:
        return tags
    # the tokens overlapping each span are one run: from the first ending after its start
    # to the last starting before its end
    los = np.searchsorted(ends, [s["start"] for s in runs], side="right").tolist()
    his = np.searchsorted(starts, [s["end"] for s in runs], side="left").tolist()
    for lo, hi in zip(los, his, strict=True):
        if lo < hi:
            tags[lo] = ids.b
            tags[lo + 1 : hi] = ids.i
    return tags


@dataclass(frozen=True)
class Bio:
    """The ClassLabel ids of one label's O, B- and I- tags."""

    o: int
    b: int
    i: int

    @classmethod
    def of(cls, names: list[str], label: str) -> Bio:
        return cls(names.index("O"), names.index(f"B-{label}"), names.index(f"I-{label}"))


@dataclass
class _Doc:
    """One document's columns, waiting for their row group."""

    doc_id: str
    bounds: np.ndarray  # token index where each paragraph starts, then the token count
    data: np.ndarray  # the document's UTF-8 bytes (uint8)
    byte_starts: np.ndarray
    byte_ends: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    tags: list[np.ndarray]
    done: int = 0  # paragraphs already taken into a table

    @property
    def rows(self) -> int:
        return self.bounds.size - 1


class TokenColumns:
    """Documents' ``tokens`` rows, held as columns until :meth:`take` makes a table of some.

    ``feats`` are the config's features (tag columns ``<label>_tags`` of ClassLabel)."""

    def __init__(self, feats, labels: list[str]) -> None:
        self.schema = feats.arrow_schema
        self.labels = list(labels)
        self.bio = [Bio.of(feats[f"{lab.lower()}_tags"].feature.names, lab) for lab in labels]
        self.docs: deque[_Doc] = deque()
        self.rows = 0

    def add(self, doc: dict[str, Any], gold: dict[str, Any]) -> None:
        text = doc["text"]
        paras = [(p["start"], p["end"]) for p in doc["paragraphs"]]
        try:
            starts, ends, bounds, byte_at = token_edges(text, paras)
        except ValueError as exc:
            raise ValueError(f"document {doc['doc_id']}, field paragraphs: {exc}") from None
        heads = bounds[:-1][bounds[:-1] < bounds[1:]]  # first token of each paragraph
        tags = []
        for lab, ids in zip(self.labels, self.bio, strict=True):
            t = tag_ids(gold["spans"], lab, starts, ends, ids)
            t[heads[t[heads] == ids.i]] = ids.b  # a span running on starts again with B-
            tags.append(t)
        data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        self.docs.append(
            _Doc(doc["doc_id"], bounds, data, byte_at[starts], byte_at[ends], starts, ends, tags)
        )
        self.rows += len(paras)

    def take(self, n: int) -> pa.Table:
        """A table of the first ``n`` rows held (all of them if fewer), which are let go."""
        taken: list[tuple[_Doc, int, int]] = []  # (document, first row, end row)
        need = n
        while self.docs and need > 0:
            d = self.docs[0]
            k = min(need, d.rows - d.done)
            taken.append((d, d.done, d.done + k))
            d.done += k
            need -= k
            if d.done == d.rows:
                self.docs.popleft()
        self.rows -= n - need
        return _table(self.schema, taken, self.labels)


def _strings(cuts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> pa.Array:
    """One Arrow string array of the tokens cut from each (data, byte_starts, byte_ends)."""
    lengths = [be - bs for _, bs, be in cuts]
    data = []
    for (buf, bs, _), ln in zip(cuts, lengths, strict=True):
        local = np.zeros(ln.size + 1, dtype=np.int64)
        np.cumsum(ln, out=local[1:])
        # the byte each output byte comes from: its token's start plus its place in the token
        src = np.repeat(bs - local[:-1], ln) + np.arange(local[-1], dtype=np.int64)
        data.append(buf[src])
    flat = np.concatenate(lengths) if lengths else np.empty(0, np.int64)
    offsets = np.zeros(flat.size + 1, dtype=np.int32)
    np.cumsum(flat, out=offsets[1:])
    joined = np.concatenate(data) if data else np.empty(0, np.uint8)
    return pa.StringArray.from_buffers(
        flat.size, pa.py_buffer(offsets.tobytes()), pa.py_buffer(joined.tobytes())
    )


def _table(schema: pa.Schema, taken: list[tuple[_Doc, int, int]], labels: list[str]) -> pa.Table:
    """The rows ``taken`` names (document, first row, end row) as a table of ``schema``."""
    doc_ids: list[str] = []
    paragraph, offsets, starts, ends, cut = [], [np.zeros(1, np.int64)], [], [], []
    tags: list[list[np.ndarray]] = [[] for _ in labels]
    base = 0
    for d, r0, r1 in taken:
        t0, t1 = int(d.bounds[r0]), int(d.bounds[r1])
        doc_ids += [d.doc_id] * (r1 - r0)
        paragraph.append(np.arange(r0, r1, dtype=np.int32))
        offsets.append(d.bounds[r0 + 1 : r1 + 1] - t0 + base)
        base += t1 - t0
        starts.append(d.starts[t0:t1])
        ends.append(d.ends[t0:t1])
        cut.append((d.data, d.byte_starts[t0:t1], d.byte_ends[t0:t1]))
        for column, t in zip(tags, d.tags, strict=True):
            column.append(t[t0:t1])
    row_offsets = pa.array(np.concatenate(offsets).astype(np.int32))

    def listed(name: str, values: pa.Array) -> pa.Array:
        return pa.ListArray.from_arrays(row_offsets, values, type=schema.field(name).type)

    def ints(parts: list[np.ndarray], dtype) -> pa.Array:
        return pa.array(np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype))

    columns = {
        "doc_id": pa.array(doc_ids, type=pa.string()),
        "paragraph": ints(paragraph, np.int32),
        "tokens": listed("tokens", _strings(cut)),
        "token_starts": listed("token_starts", ints(starts, np.int32)),
        "token_ends": listed("token_ends", ints(ends, np.int32)),
    }
    for lab, column in zip(labels, tags, strict=True):
        columns[f"{lab.lower()}_tags"] = listed(f"{lab.lower()}_tags", ints(column, np.int64))
    return pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)


class TokenWriter:
    """The ``tokens`` config of one split: documents in, Parquet row groups out, the file
    ``writer.SplitWriter`` writes from the same rows (same groups, options and bytes)."""

    def __init__(self, path: Path, feats, labels: list[str]) -> None:
        self.file = SplitWriter(path, feats)
        self.columns = TokenColumns(feats, labels)

    @property
    def rows(self) -> int:
        return self.file.rows

    @property
    def nbytes(self) -> int:
        return self.file.nbytes

    def add_document(self, doc: dict[str, Any], gold: dict[str, Any]) -> None:
        self.columns.add(doc, gold)
        while self.columns.rows >= ROW_GROUP:
            self.file.write_group(self.columns.take(ROW_GROUP))

    def close(self) -> None:
        if self.columns.rows or self.file.rows == 0:
            self.file.write_group(self.columns.take(self.columns.rows))
        self.file.close()
