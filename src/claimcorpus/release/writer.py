"""Parquet files of one config and split, written so the bytes depend only on the rows.

Rows are buffered into fixed 10k-row groups; each group is encoded (label names to
ClassLabel ids), made one contiguous table and written with fixed options (zstd,
dictionary, statistics), so the same rows and the pinned pyarrow give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 10_000


class SplitWriter:
    """Streams rows of one config/split to Parquet in fixed 10k-row groups.

    Each group is encoded (label names to ClassLabel ids), made one contiguous table and
    written with fixed options, so the bytes depend only on the rows and the pinned pyarrow.
    """

    def __init__(self, path: Path, feats) -> None:
        self.path, self.feats = path, feats
        self.schema = feats.arrow_schema
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", use_dictionary=True, write_statistics=True
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
        encoded = [self.feats.encode_example(r) for r in rows_]
        table = pa.Table.from_pylist(encoded, schema=self.schema).combine_chunks()
        self.writer.write_table(table, row_group_size=ROW_GROUP)
        self.rows += table.num_rows
        self.nbytes += table.nbytes

    def close(self) -> None:
        if self.buf or self.rows == 0:
            self._flush(self.buf)
        self.buf = []
        self.writer.close()
