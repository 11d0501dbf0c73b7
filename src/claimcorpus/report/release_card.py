"""A release checks out on its own: its card's configs, features and split sizes against
its Parquet files. No corpus root is needed, so a downloaded release can be validated."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from claimcorpus.core.problems import InputError, Problem
from claimcorpus.release.fields import card_header


def check_card(folder: Path) -> list[Problem]:
    """Every config's data files exist, carry the declared features and row counts."""
    from datasets import Features

    card = f"{folder}/README.md"
    try:
        meta = card_header(folder)
    except InputError as exc:
        return [Problem("release-card", "error", card, str(exc))]
    out: list[Problem] = []
    infos = {i.get("config_name"): i for i in meta.get("dataset_info") or []}
    for config in meta.get("configs") or []:
        name = config.get("config_name")
        info = infos.get(name)
        if info is None:
            out.append(Problem("release-card", "error", card, f"config {name}: no dataset_info"))
            continue
        want = Features._from_yaml_list(info.get("features", [])).arrow_schema
        sizes = {s["name"]: s.get("num_examples") for s in info.get("splits", [])}
        for entry in config.get("data_files") or []:
            split, pattern = entry["split"], entry["path"]
            files = sorted(folder.glob(pattern))
            where = f"{folder}/{pattern}"
            if not files:
                out.append(Problem("release-card-files", "error", where, "no file matches"))
                continue
            rows = 0
            for f in files:
                got = pq.read_schema(f)
                if not got.remove_metadata().equals(want.remove_metadata()):
                    out.append(
                        Problem(
                            "release-card-features",
                            "error",
                            str(f),
                            f"Parquet schema differs from the card's {name} features",
                        )
                    )
                rows += pq.ParquetFile(f).metadata.num_rows
            if sizes.get(split) != rows:
                out.append(
                    Problem(
                        "release-card-rows",
                        "error",
                        where,
                        f"card says {sizes.get(split)} rows in {name}/{split}, files hold {rows}",
                    )
                )
    return out
