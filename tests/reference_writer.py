"""The release writer's encoding before issue 14: ``datasets.Features.encode_example`` per
row, then ``pa.Table.from_pylist`` (one contiguous table). ``claimcorpus.release.writer``
encodes column by column instead; ``tests/test_writer.py`` checks the two give equal tables
and equal Parquet bytes, and ``scripts/bench_build.py --annotated`` times one against the
other in the same process (this is its named baseline).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def encode_table(feats: Any, rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as the old writer made them: encode_example per row, from_pylist."""
    encoded = [feats.encode_example(r) for r in rows]
    return pa.Table.from_pylist(encoded, schema=feats.arrow_schema).combine_chunks()


def table(
    encoder: Any, rows: list[dict[str, Any]], where: str = "rows", first: int = 0
) -> pa.Table:
    """``RowEncoder.table`` as it was: set as that method, the writer writes the old way."""
    return encode_table(encoder.feats, rows)
