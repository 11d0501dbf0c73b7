"""The ``tokens`` config built as columns: regex word tokens found with NumPy, never as rows.

Why: at 100,000 annotated articles the config holds about 44 million tokens. Built as one
dict per paragraph (``tests/reference_tokens.token_rows`` now, the reference this module must equal), it cost a
Python step per token to find its offsets and another to encode it, the largest share of an
annotated build's extra time. Here a document's code points are classified once (word, space,
joiner, other: what ``rows.TOKEN`` tells apart) and the token edges are NumPy comparisons of
neighbours; the token strings go to Arrow as the UTF-8 bytes of the tokens' code points, and
the BIO tags as ClassLabel ids, so no token ever becomes a Python object. Documents are batched
(``BATCH_CHARS`` code points, texts one after the other) and each step runs once per batch:
done per document, the fixed cost of some 25 small NumPy calls outweighed their work.

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

import codecs
import itertools
from collections import deque
from dataclasses import dataclass, field
from operator import le
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from claimcorpus.release.rows import pieces
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
    cls = np.take(_BMP, cps, mode="clip")
    if cps.size and cps.max() >= 0x10000:
        for at in np.flatnonzero(cps >= 0x10000).tolist():
            cls[at] = _class_of(int(cps[at]))
    return cls


BATCH_CHARS = 1 << 18  # code points batched: NumPy's fixed costs spread thin, arrays in cache


def _edges(
    cps: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends) of the tokens of the sorted, disjoint paragraphs ``[a, b)`` of ``cps``,
    and whether each code point is in a token."""
    n = cps.size
    keep = a < b
    a, last = a[keep], b[keep] - 1  # each paragraph's first and last character
    cls = char_classes(cps)
    # outside every paragraph, never a token: [0, a0) out, [a0, b0) in, [b0, a1) out, ...
    cuts = np.empty(2 * a.size + 2, dtype=np.int64)
    cuts[0], cuts[1:-1:2], cuts[2:-1:2], cuts[-1] = 0, a, last + 1, n
    np.putmask(cls, np.repeat(np.arange(2 * a.size + 1) % 2 == 0, np.diff(cuts)), SPACE)
    word, joiner = cls == WORD, cls == JOINER
    join = np.zeros(n, dtype=bool)
    join[1:-1] = joiner[1:-1] & word[:-2] & word[2:]
    join[a], join[last] = False, False  # a paragraph's edge breaks words
    inword = word | join
    single = (cls == OTHER) | (joiner ^ join)  # a joiner that joins nothing is one
    head = np.empty(n, dtype=bool)  # a word's first character: the one before is not of it
    head[:1] = inword[:1]
    head[1:] = inword[1:] > inword[:-1]
    head[a] = inword[a]
    tail = np.empty(n, dtype=bool)
    tail[-1:] = inword[-1:]
    tail[:-1] = inword[:-1] > inword[1:]
    tail[last] = inword[last]
    return np.flatnonzero(head | single), np.flatnonzero(tail | single) + 1, inword | single


@dataclass(frozen=True)
class Bio:
    """The ClassLabel ids of one label's O, B- and I- tags."""

    o: int
    b: int
    i: int

    @classmethod
    def of(cls, names: list[str], label: str) -> Bio:
        return cls(names.index("O"), names.index(f"B-{label}"), names.index(f"I-{label}"))


def _pieces(spans: list[list[dict[str, Any]]], labels: list[str]) -> np.ndarray:
    """(label, document, start, end) of what each span of a label tags, the outermost
    pieces of each label and document in order of start (``rows.outermost`` at once: those
    ending after every earlier one, sorted by start and longest first)."""
    index = {lab: i for i, lab in enumerate(labels)}
    flat: list[int] = []
    for k, of_doc in enumerate(spans):
        for x in of_doc:
            li = index.get(x["label"])
            if li is not None:
                for p in pieces(x):
                    flat += (li, k, p["start"], p["end"])
    found = np.array(flat, dtype=np.int64).reshape(-1, 4)
    lab, k, s, e = found.T
    found = found[np.lexsort((-e, s, k, lab))]
    group = found[:, 0] * len(spans) + found[:, 1]
    # the ends ranked, so that each (label, document) group's keys lie above the last's
    key = group * found.shape[0] + np.unique(found[:, 3], return_inverse=True)[1]
    keep = np.ones(found.shape[0], dtype=bool)
    keep[1:] = key[1:] > np.maximum.accumulate(key)[:-1]
    return found[keep]


def _runs(
    found: np.ndarray, at: np.ndarray, starts: np.ndarray, ends: np.ndarray, doc_tok: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(first, end) token of each (label, document, start, end) piece: from the first token
    ending after its start to the last starting before its end, among its document's."""
    _, k, s, e = found.T
    lo, hi = doc_tok[k], doc_tok[k + 1]
    first = np.clip(np.searchsorted(ends, s + at[k], side="right"), lo, hi)
    return first, np.clip(np.searchsorted(starts, e + at[k], side="left"), lo, hi)


def _bio(first: np.ndarray, end: np.ndarray, ids: Bio, n: int, dtype: np.dtype) -> np.ndarray:
    """The tags of ``n`` tokens, each run ``[first, end)`` written B-, I-, I-... in turn, later
    runs overwriting earlier. Neither ``first`` nor ``end`` ever decreases (outermost
    pieces in order of start, each ending after the last), so a run shows up to where the
    next begins; those that do not show at all are left out."""
    first, end = first[first < end], end[first < end]
    shown = np.minimum(end, np.append(first[1:], n))
    first, shown = first[first < shown], shown[first < shown]
    # O up to the first run, then B, I..., O up to the next ...
    values = np.tile(np.array([ids.o, ids.b, ids.i], dtype=dtype), first.size + 1)[:-2]
    lengths = np.empty(3 * first.size + 1, dtype=np.int64)
    lengths[0::3] = np.diff(first, prepend=0, append=n) - np.append(0, shown - first)
    lengths[1::3] = 1
    lengths[2::3] = shown - first - 1
    return np.repeat(values, lengths)


def _refusal(edges: list[int], n: int) -> str:
    """Why paragraphs (``edges``: start, end, start, ...) of ``n`` code points are refused."""
    end = 0
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if not 0 <= a <= b <= n:  # a batch would take the next document's characters
            return f"paragraph [{a}, {b}) is not a range within the text's {n} characters"
        if a < end:  # the normalizer never makes them; the tags would mean nothing
            return f"paragraphs overlap: one ends at {end}, the next starts at {a}"
        end = b
    raise AssertionError(f"paragraphs {edges} refused for no reason")


@dataclass
class _Pending:
    """Documents added since the last batch, as the lists a batch is made of."""

    doc_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # each document's paragraphs
    edges: list[int] = field(default_factory=list)  # each paragraph's start and end
    spans: list[list[dict[str, Any]]] = field(default_factory=list)
    chars: int = 0

    def add(
        self, doc_id: str, text: str, paragraphs: list[dict[str, int]], spans: list[dict[str, Any]]
    ) -> None:
        """ValueError if the paragraphs overlap or leave the text; no rows, nothing held."""
        n, edges = len(text), [x for p in paragraphs for x in (p["start"], p["end"])]
        # in order and within the text: starts and ends never decrease from 0 up to n
        if edges and not (0 <= edges[0] and edges[-1] <= n and all(map(le, edges, edges[1:]))):
            raise ValueError(_refusal(edges, n))
        if edges:
            self.doc_ids.append(doc_id)
            self.texts.append(text)
            self.counts.append(len(edges) // 2)
            self.edges += edges
            self.spans.append(spans)
            self.chars += n


@dataclass
class _Batch:
    """Documents' rows made at once, waiting for their row groups; tokens in row order."""

    doc_ids: list[str]  # of each row
    paragraph: np.ndarray  # each row's paragraph index in its document (int32)
    bounds: np.ndarray  # token index where each row starts, then the token count
    words: np.ndarray  # the tokens' UTF-8 bytes, one after the other (uint8)
    word_at: np.ndarray  # where each token starts in ``words``, then their size
    starts: np.ndarray  # code point offsets in the token's document (int32)
    ends: np.ndarray
    tags: list[np.ndarray]  # of each label, ClassLabel ids of each token
    done: int = 0  # rows already taken into a table

    @property
    def rows(self) -> int:
        return self.bounds.size - 1


def _batch(docs: _Pending, labels: list[str], bio: list[Bio]) -> _Batch:
    """The rows of ``docs``, their texts one after the other: a document's edges are
    paragraph edges, so no token crosses them."""
    joined = "".join(docs.texts)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    at = np.zeros(len(docs.texts) + 1, dtype=np.int64)  # each document's first code point
    np.cumsum(np.fromiter(map(len, docs.texts), np.int64, len(docs.texts)), out=at[1:])
    counts = np.array(docs.counts, dtype=np.int64)
    row0 = np.zeros(counts.size + 1, dtype=np.int64)  # each document's first row
    np.cumsum(counts, out=row0[1:])
    par = np.array(docs.edges, dtype=np.int64).reshape(-1, 2) + np.repeat(at[:-1], counts)[:, None]
    starts, ends, intok = _edges(cps, par[:, 0], par[:, 1])
    # the characters between paragraphs are no token's: a paragraph's tokens are those
    # starting from its start up to the next paragraph's
    bounds = np.append(np.searchsorted(starts, par[:, 0], side="left"), starts.size)
    doc_tok = bounds[row0]  # each document's first token, then the token count
    # the tokens' code points, one after the other, as UTF-8; where each code point starts
    words = np.frombuffer(codecs.utf_32_le_decode(cps[intok])[0].encode("utf-8"), np.uint8)
    byte_at = np.flatnonzero(np.append((words & 0xC0) != 0x80, True))
    cp_at = np.zeros(starts.size + 1, dtype=np.int64)  # where each token starts in them
    np.cumsum(ends - starts, out=cp_at[1:])
    shift = np.repeat(at[:-1], np.diff(doc_tok))
    heads = bounds[:-1][bounds[:-1] < bounds[1:]]  # first token of each paragraph
    found = _pieces(docs.spans, labels)
    runs = _runs(found, at, starts, ends, doc_tok)
    dtype = np.min_scalar_type(max(max(ids.o, ids.b, ids.i) for ids in bio) if bio else 0)
    tags = []
    for li, ids in enumerate(bio):
        mine = found[:, 0] == li
        t = _bio(runs[0][mine], runs[1][mine], ids, starts.size, dtype)
        t[heads[t[heads] == ids.i]] = ids.b  # a span running on starts again with B-
        tags.append(t)
    return _Batch(
        doc_ids=list(
            itertools.chain.from_iterable(map(itertools.repeat, docs.doc_ids, docs.counts))
        ),
        paragraph=(np.arange(row0[-1]) - np.repeat(row0[:-1], counts)).astype(np.int32),
        bounds=bounds,
        words=words,
        word_at=byte_at[cp_at],
        starts=(starts - shift).astype(np.int32),
        ends=(ends - shift).astype(np.int32),
        tags=tags,
    )


class TokenColumns:
    """Documents' ``tokens`` rows, held as columns until :meth:`take` makes a table of some.

    ``feats`` are the config's features (tag columns ``<label>_tags`` of ClassLabel). Added
    documents wait until a table is asked for or ``batch_chars`` code points wait, then are
    made into columns at once."""

    def __init__(self, feats, labels: list[str], batch_chars: int = BATCH_CHARS) -> None:
        self.schema = feats.arrow_schema
        self.labels = list(labels)
        self.bio = [Bio.of(feats[f"{lab.lower()}_tags"].feature.names, lab) for lab in labels]
        self.batch_chars = batch_chars
        self.pending = _Pending()
        self.batches: deque[_Batch] = deque()
        self.rows = 0

    def add(self, doc: dict[str, Any], gold: dict[str, Any]) -> None:
        """Hold the document's rows; ValueError naming it if its paragraphs overlap."""
        try:
            self.pending.add(doc["doc_id"], doc["text"], doc["paragraphs"], gold["spans"])
        except ValueError as exc:
            raise ValueError(f"document {doc['doc_id']}, field paragraphs: {exc}") from None
        self.rows += len(doc["paragraphs"])
        if self.pending.chars >= self.batch_chars:
            self._flush()

    def _flush(self) -> None:
        if self.pending.doc_ids:
            self.batches.append(_batch(self.pending, self.labels, self.bio))
            self.pending = _Pending()

    def take(self, n: int) -> pa.Table:
        """A table of the first ``n`` rows held (all of them if fewer), which are let go."""
        self._flush()
        taken: list[tuple[_Batch, int, int]] = []  # (batch, first row, end row)
        need = n
        while self.batches and need > 0:
            d = self.batches[0]
            k = min(need, d.rows - d.done)
            taken.append((d, d.done, d.done + k))
            d.done += k
            need -= k
            if d.done == d.rows:
                self.batches.popleft()
        self.rows -= n - need
        return _table(self.schema, taken, self.labels)


def _strings(cuts: list[tuple[np.ndarray, np.ndarray]]) -> pa.Array:
    """One Arrow string array of the tokens of each (words, where each token starts in them
    and the last ends)."""
    offsets, data, base = [np.zeros(1, np.int64)], [], 0
    for words, at in cuts:
        offsets.append(at[1:] - at[0] + base)
        data.append(words[at[0] : at[-1]])
        base += int(at[-1] - at[0])
    ends = np.concatenate(offsets).astype(np.int32)
    joined = np.concatenate(data) if data else np.empty(0, np.uint8)
    return pa.StringArray.from_buffers(ends.size - 1, pa.py_buffer(ends), pa.py_buffer(joined))


def _table(schema: pa.Schema, taken: list[tuple[_Batch, int, int]], labels: list[str]) -> pa.Table:
    """The rows ``taken`` names (batch, first row, end row) as a table of ``schema``."""
    doc_ids: list[str] = []
    paragraph, offsets, starts, ends, cut = [], [np.zeros(1, np.int64)], [], [], []
    tags: list[list[np.ndarray]] = [[] for _ in labels]
    base = 0
    for d, r0, r1 in taken:
        t0, t1 = int(d.bounds[r0]), int(d.bounds[r1])
        doc_ids += d.doc_ids[r0:r1]
        paragraph.append(d.paragraph[r0:r1])
        offsets.append(d.bounds[r0 + 1 : r1 + 1] - t0 + base)
        base += t1 - t0
        starts.append(d.starts[t0:t1])
        ends.append(d.ends[t0:t1])
        cut.append((d.words, d.word_at[t0 : t1 + 1]))
        for column, t in zip(tags, d.tags, strict=True):
            column.append(t[t0:t1])
    row_offsets = pa.array(np.concatenate(offsets).astype(np.int32))

    def listed(name: str, values: pa.Array) -> pa.Array:
        return pa.ListArray.from_arrays(row_offsets, values, type=schema.field(name).type)

    def ints(parts: list[np.ndarray], dtype) -> pa.Array:
        return pa.array(
            np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)
        )

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
