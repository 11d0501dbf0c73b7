"""The one release reader: documents of a split with ClassLabel ints mapped back to names
(``load_documents``, annotated ones, through ``datasets``), or every document row streamed
a batch at a time (``iter_documents``, for ``stats`` and ``view`` of a large release)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.release import splits


def load_documents(release: str | Path, split: str) -> list[dict[str, Any]]:
    """Annotated gold documents of a split (standard, or a view such as ``fold0_test``).

    Label ids come back as names. Unannotated documents are left out: they have no gold to
    score against.
    """
    release = Path(release)
    manifest = read_json(release / "splits.json")
    if split not in manifest["splits"]:
        raise InputError(
            f"{release}/splits.json: no split {split!r}; have {sorted(manifest['splits'])}"
        )
    stamp = (release / "README.md").stat().st_mtime_ns
    docs = all_annotated(str(release.resolve()), stamp)
    wanted = set(manifest["splits"][split])
    return [_fresh(d) for d in docs if d["doc_id"] in wanted]


def _fresh(value: Any) -> Any:
    """A copy of a decoded row that shares nothing mutable with the cached one.

    ``copy.deepcopy`` was two thirds of a 3,000-article build's card step (its memo does
    work a JSON-like tree never needs). Arrow columns are homogeneous, so a list whose
    first non-null element is a scalar holds only scalars and nulls: one C-level copy.
    """
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    if type(value) is list:
        first = next((v for v in value if v is not None), None)
        if type(first) is dict or type(first) is list:
            return [_fresh(v) for v in value]
        return value.copy()
    return value


@lru_cache(maxsize=4)
def all_annotated(release: str, stamp: int) -> tuple[dict[str, Any], ...]:
    """Every annotated document of a release, read once per release (keyed by its card)."""
    from datasets import load_dataset

    manifest = read_json(Path(release) / "splits.json")
    present = [s for s in splits.STANDARD if manifest["splits"].get(s)]  # empty: no file
    ds = load_dataset(release, "documents", split="+".join(present))
    # touch only the annotated rows: decoding every row of a large unannotated build
    # would page the whole text into memory for nothing
    flags = ds.data.column("annotated").to_pylist()
    ds = ds.select([i for i, a in enumerate(flags) if a])
    feats = ds.features
    out = []
    for row in ds:
        if not row["annotated"]:
            continue
        row = dict(row)
        row["spans"] = [names(s, feats["spans"].feature) for s in row["spans"]]
        row["attributions"] = [names(a, feats["attributions"].feature) for a in row["attributions"]]
        out.append(row)
    return tuple(sorted(out, key=lambda r: r["doc_id"]))


def names(rec: dict[str, Any], struct: dict) -> dict[str, Any]:
    """ClassLabel ids back to names (None stays None)."""
    from datasets import ClassLabel

    out = dict(rec)
    for k, v in rec.items():
        if isinstance(struct[k], ClassLabel) and v is not None:
            out[k] = struct[k].int2str(v)
    return out


# ----------------------------------------------------------------------------- streaming
BATCH_ROWS = 256  # rows decoded at a time: memory stays bounded whatever the release's size
# the document columns a scorer or a baseline reads (annotated_documents)
SCORING_COLUMNS = ("doc_id", "text", "sentences", "spans", "attributions")


def data_files(release: str | Path, config: str) -> list[tuple[str, Path]]:
    """(split, Parquet file) of a config's standard splits, in split order (an empty split
    has no file)."""
    folder = Path(release) / "data" / config
    return [(s, p) for s in splits.STANDARD for p in sorted(folder.glob(f"{s}-*.parquet"))]


def label_names(file: pq.ParquetFile, where: Path) -> dict[str, dict[str, list[str]]]:
    """column -> field -> ClassLabel names of the list-of-struct columns, from the
    ``datasets`` features the file's schema metadata carries (no ``datasets`` import)."""
    meta = file.schema_arrow.metadata or {}
    if b"huggingface" not in meta:
        raise InputError(f"{where}: no datasets features in the Parquet schema")
    feats = json.loads(meta[b"huggingface"])["info"]["features"]
    out: dict[str, dict[str, list[str]]] = {}
    for column, feat in feats.items():
        inner = feat[0] if isinstance(feat, list) else feat.get("feature")
        if isinstance(inner, dict):
            out[column] = {
                k: v["names"]
                for k, v in inner.items()
                if isinstance(v, dict) and v.get("_type") == "ClassLabel"
            }
    return out


def iter_documents(
    release: str | Path, columns: list[str] | None = None, batch_rows: int = BATCH_ROWS
) -> Iterator[dict[str, Any]]:
    """Every document row of the standard splits, annotated or not, ClassLabel ids as names
    and its ``split`` added; read a batch of rows at a time (``ParquetFile.iter_batches``),
    so a large release is never held whole."""
    yield from _rows(release, columns, batch_rows, annotated_only=False)


def _rows(
    release: str | Path, columns: list[str] | None, batch_rows: int, annotated_only: bool
) -> Iterator[dict[str, Any]]:
    """Document rows, a batch at a time, ids as names and ``split`` added; with
    ``annotated_only`` the batch is filtered on ``annotated`` (which must be a column)."""
    for split, path in data_files(release, "documents"):
        file = pq.ParquetFile(path)
        names = label_names(file, path)
        for batch in file.iter_batches(batch_size=batch_rows, columns=columns):
            if annotated_only:
                batch = batch.filter(batch.column("annotated"))
            for row in batch.to_pylist():
                for column, fields in names.items():
                    if row.get(column):
                        row[column] = [_named(rec, fields) for rec in row[column]]
                row["split"] = split
                yield row


def _named(rec: dict[str, Any], fields: dict[str, list[str]]) -> dict[str, Any]:
    for k, labels in fields.items():
        if rec.get(k) is not None:
            rec[k] = labels[rec[k]]
    return rec


def load_rows(release: str | Path, config: str) -> list[dict[str, Any]]:
    """Every row of a flat config (``claims``) over the standard splits, with its ``split``
    added and top-level ClassLabel ids as names; a column the release lacks (a scheme
    without stance) is simply absent from the rows. A config with no file (no annotated
    document) has no rows."""
    out: list[dict[str, Any]] = []
    for split, path in data_files(release, config):
        file = pq.ParquetFile(path)
        meta = file.schema_arrow.metadata or {}
        if b"huggingface" not in meta:
            raise InputError(f"{path}: no datasets features in the Parquet schema")
        feats = json.loads(meta[b"huggingface"])["info"]["features"]
        labels = {
            k: v["names"]
            for k, v in feats.items()
            if isinstance(v, dict) and v.get("_type") == "ClassLabel"
        }
        for row in file.read().to_pylist():
            for k, names in labels.items():
                if row.get(k) is not None:
                    row[k] = names[row[k]]
            row["split"] = split
            out.append(row)
    return out


def annotated_documents(
    release: str | Path, columns: Sequence[str] = SCORING_COLUMNS, batch_rows: int = BATCH_ROWS
) -> Iterator[dict[str, Any]]:
    """The annotated document rows of the standard splits (``split`` added, ClassLabel ids
    as names), read from Parquet a batch at a time and only the ``columns`` asked for: what
    scoring needs, without the offset maps and tokens, and no row of an unannotated one."""
    wanted = list(dict.fromkeys([*columns, "annotated"]))
    yield from _rows(release, wanted, batch_rows, annotated_only=True)
