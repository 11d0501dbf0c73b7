"""The one release reader: documents of a split with ClassLabel ints mapped back to names."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    return [copy.deepcopy(d) for d in docs if d["doc_id"] in wanted]


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
