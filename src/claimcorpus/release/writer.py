"""Parquet files of one config and split, written so the bytes depend only on the rows.

Rows are buffered into fixed 10k-row groups; each group is turned into one Arrow array per
column and written with fixed options (zstd, dictionary, statistics), so the same rows and
the pinned pyarrow give the same bytes.

Why columnar: ``datasets.Features.encode_example`` per row (the writer before issue 14)
spent most of an annotated build in ``str2int``, one call per BIO tag and label. Here each
column is encoded at once: a ClassLabel is one dict lookup per value, a list is its
flattened items plus offsets, a struct its fields. The arrays are the ones
``encode_example`` + ``pa.Table.from_pylist`` made (same values, nulls, validity buffers and
``nbytes``; ``tests/test_writer.py`` compares them), under the schema the release's
``Features`` derive (``features.arrow_schema``). What ``encode_example`` also accepted still
is: a label given as its id or as a name with surrounding spaces, a scalar of another
Python type (converted as ``Value.encode_example`` does); a label name the feature lacks is
refused with the file, row, doc_id and field it came from. One difference, on rows no build
makes: ``encode_example`` encoded a list only if its first item changed, so a list of
structs whose first item had no label set was left unencoded and ``from_pylist`` failed;
here every item is encoded.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 10_000

# one column's values (None for null) -> its Arrow array
Encoder = Callable[[list[Any]], pa.Array]


class _BadLabel(Exception):
    """A label the feature refuses, at ``index`` of the values being encoded; each enclosing
    list and struct turns the index into its own and prepends its part of the field path."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index, self.message, self.path = index, message, ""


def _empty(type_: pa.DataType) -> Any:
    """What Arrow stores under a null struct (``from_pylist`` appends these "empty values"
    to the children, not nulls, so the children carry no validity buffer)."""
    if pa.types.is_struct(type_):
        return {f.name: _empty(f.type) for f in type_}
    if pa.types.is_list(type_):
        return []
    if pa.types.is_string(type_):
        return ""
    if pa.types.is_boolean(type_):
        return False
    if pa.types.is_integer(type_):
        return 0
    if pa.types.is_floating(type_):
        return 0.0
    raise TypeError(f"the release writer has no empty value for {type_}")


def _value(feature: Any, type_: pa.DataType) -> Encoder:
    def encode(values: list[Any]) -> pa.Array:
        try:
            return pa.array(values, type=type_)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. an int where a string belongs
            coerced = [None if v is None else feature.encode_example(v) for v in values]
            return pa.array(coerced, type=type_)

    return encode


def _label(feature: Any) -> Encoder:
    """Names (and ids, as rows read back from a release carry them) to ids, one lookup each."""
    lookup: dict[Any, int | None] = {None: None}
    lookup.update({i: i for i in range(-1, feature.num_classes)})
    lookup.update({name: i for i, name in enumerate(feature.names)})

    def one(index: int, value: Any) -> int | None:
        if value in lookup:
            return lookup[value]
        try:  # datasets' own rules: a name with spaces around it, "2"
            return feature.encode_example(value)
        except ValueError as exc:
            raise _BadLabel(index, f"{exc} (labels: {', '.join(feature.names)})") from None

    def encode(values: list[Any]) -> pa.Array:
        try:
            ids = list(map(lookup.__getitem__, values))
        except KeyError:
            ids = [one(i, v) for i, v in enumerate(values)]
        return pa.array(ids, type=pa.int64())

    return encode


def _list(type_: pa.DataType, item: Encoder) -> Encoder:
    def encode(values: list[Any]) -> pa.Array:
        mask = None
        if None in values:
            mask = pa.array([v is None for v in values], type=pa.bool_())
            values = [() if v is None else v for v in values]
        offsets = list(accumulate(map(len, values), initial=0))
        try:
            items = item(list(chain.from_iterable(values)))
        except _BadLabel as bad:
            row = bisect_right(offsets, bad.index) - 1
            bad.index, bad.path = row, f"[{bad.index - offsets[row]}]{bad.path}"
            raise
        return pa.ListArray.from_arrays(
            pa.array(offsets, type=pa.int32()), items, type=type_, mask=mask
        )

    return encode


def _struct(type_: pa.DataType, fields: list[tuple[str, Encoder]]) -> Encoder:
    empty = _empty(type_)

    def encode(values: list[Any]) -> pa.Array:
        mask = None
        if None in values:
            mask = pa.array([v is None for v in values], type=pa.bool_())
            values = [empty if v is None else v for v in values]
        children = []
        for name, child in fields:
            try:
                children.append(child([v.get(name) for v in values]))
            except _BadLabel as bad:
                bad.path = f".{name}{bad.path}"
                raise
        return pa.StructArray.from_arrays(children, fields=list(type_), mask=mask)

    return encode


def _encoder(feature: Any, type_: pa.DataType) -> Encoder:
    """The column encoder of one ``datasets`` feature whose Arrow type is ``type_``."""
    from datasets import ClassLabel, List, Value  # heavy; only a build needs it

    if isinstance(feature, dict):
        return _struct(type_, [(f.name, _encoder(feature[f.name], f.type)) for f in type_])
    if isinstance(feature, List) and feature.length == -1:
        return _list(type_, _encoder(feature.feature, type_.value_type))
    if isinstance(feature, ClassLabel):
        return _label(feature)
    if isinstance(feature, Value):
        return _value(feature, type_)
    raise TypeError(f"the release writer cannot encode a {feature!r} column")


class RowEncoder:
    """Rows of one release config to a table of its schema, one array per column.

    A row may lack a field (null) or carry keys the features lack (dropped), as with
    ``encode_example``."""

    def __init__(self, feats) -> None:
        self.feats, self.schema = feats, feats.arrow_schema
        self.columns = [(f.name, _encoder(feats[f.name], f.type)) for f in self.schema]

    def table(self, rows_: list[dict[str, Any]], where: str = "rows", first: int = 0) -> pa.Table:
        """The rows as one table (one chunk per column); ``where`` and ``first`` (the number
        of the first row) say where a refused label came from."""
        arrays = []
        for name, encode in self.columns:
            try:
                arrays.append(encode([r.get(name) for r in rows_]))
            except _BadLabel as bad:
                doc = rows_[bad.index].get("doc_id")
                raise ValueError(
                    f"{where}: row {first + bad.index} (doc_id {doc}), field "
                    f"{name}{bad.path}: {bad.message}"
                ) from None
        return pa.Table.from_arrays(arrays, schema=self.schema)


class SplitWriter:
    """Streams rows of one config/split to Parquet in fixed 10k-row groups.

    Each group is encoded column by column (``RowEncoder``) and written with fixed options,
    so the bytes depend only on the rows and the pinned pyarrow.
    """

    def __init__(self, path: Path, feats) -> None:
        self.path, self.encoder = path, RowEncoder(feats)  # refuses a feature before a file
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(
            path,
            self.encoder.schema,
            compression="zstd",
            use_dictionary=True,
            write_statistics=True,
        )
        self.buf: list[dict[str, Any]] = []
        self.rows = 0
        self.nbytes = 0

    def add(self, rows_: list[dict[str, Any]]) -> None:
        self.buf.extend(rows_)
        while len(self.buf) >= ROW_GROUP:
            self._flush(self.buf[:ROW_GROUP])
            self.buf = self.buf[ROW_GROUP:]

    def _flush(self, rows_: list[dict[str, Any]]) -> None:
        self.write_group(self.encoder.table(rows_, str(self.path), self.rows))

    def write_group(self, table: pa.Table) -> None:
        """Write one row group made elsewhere (of this file's schema, at most ``ROW_GROUP``
        rows, one chunk per column: a table made by columns, ``release/tokens``)."""
        self.writer.write_table(table, row_group_size=ROW_GROUP)
        self.rows += table.num_rows
        self.nbytes += table.nbytes

    def close(self) -> None:
        if self.buf or self.rows == 0:
            self._flush(self.buf)
        self.buf = []
        self.writer.close()
