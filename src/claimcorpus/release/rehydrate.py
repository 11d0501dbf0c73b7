"""``claimcorpus rehydrate``: rebuild a full release from a text-free one and your raw articles.

Each document's raw file is found by ``raw_sha256`` (any name, anywhere under ``--raw``),
normalized again with ``normalize_bytes`` and accepted only if it gives the released
``text_sha256``; every span, claim, context, source and cue string cut from it must match
its own hash. The release is written with the release writer and the full release's
features (``textfree.json``), so with the same pyarrow the files are byte-identical to the
original; the command says whether they are. All checks run before the folder appears: a
temporary sibling is renamed into place, so a failure leaves nothing behind.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from claimcorpus.core.hub_yaml import features_from_yaml
from claimcorpus.core.io import read_json, sha256_file
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import CONFIGS
from claimcorpus.normalize.text import normalize_bytes
from claimcorpus.release.checksums import read_checksums, write_checksums
from claimcorpus.release.splits import STANDARD
from claimcorpus.release.textfree import (
    CLAIM_TEXT,
    MANIFEST,
    ORIGINAL,
    parquet,
    publish,
    sha,
    verify_checksums,
    write_rows,
)


def raw_index(raw: Path) -> dict[str, Path]:
    """sha256 -> file, for every file under ``raw`` (names may differ from the release's)."""
    if not raw.is_dir():
        raise InputError(f"--raw {raw}: not a folder")
    return {sha256_file(p): p for p in sorted(raw.rglob("*")) if p.is_file()}


def restore_text(row: dict[str, Any], raw: Path, index: dict[str, Path]) -> str:
    """The normalized text of one document, from the user's raw copy, checked by hash."""
    doc, want = row["doc_id"], row["raw_sha256"]
    path = index.get(want)
    if path is None:
        same_name = raw / row["source_file"]
        if same_name.is_file():
            raise InputError(
                f"doc {doc}: {same_name} is not the released article (sha256 "
                f"{sha256_file(same_name)[:12]}…, expected {want[:12]}…)"
            )
        raise InputError(
            f"doc {doc}: no file under {raw} has sha256 {want[:12]}… ({row['source_file']})"
        )
    text = normalize_bytes(path.read_bytes(), str(path)).text
    if sha(text) != row["text_sha256"]:
        raise InputError(
            f"doc {doc}: {path} normalizes to a different text than released (text_sha256 "
            "mismatch: a different normalizer version?)"
        )
    return text


def _cut(
    text: str, start: int | None, end: int | None, digest: str | None, where: str
) -> str | None:
    value = None if start is None else text[start:end]
    if sha(value) != digest:
        raise InputError(f"{where}: text at [{start}, {end}) does not match its sha256")
    return value


def _document(row: dict[str, Any], text: str, feats: Any) -> dict[str, Any]:
    spans = []
    for sp in row["spans"]:
        where = f"doc {row['doc_id']} span {sp['id']}"
        t = _cut(text, sp["start"], sp["end"], sp["text_sha256"], where)
        spans.append({k: t if k == "text" else sp[k] for k in feats["spans"].feature})
    return {k: text if k == "text" else spans if k == "spans" else row[k] for k in feats}


def _claim(row: dict[str, Any], text: str, feats: Any) -> dict[str, Any]:
    got = {}
    for col in CLAIM_TEXT:
        where = f"doc {row['doc_id']} attribution {row['attribution_id']} ({col})"
        got[col] = _cut(text, row[f"{col}_start"], row[f"{col}_end"], row[f"{col}_sha256"], where)
    return {k: got[k] if k in got else row[k] for k in feats}


def _tokens(row: dict[str, Any], text: str, feats: Any) -> dict[str, Any]:
    toks = [text[a:z] for a, z in zip(row["token_starts"], row["token_ends"], strict=True)]
    return {k: toks if k == "tokens" else row[k] for k in feats}


def rehydrate_into(tf: Path, raw: Path, out: Path) -> list[str]:
    """Write the full release into the empty folder ``out``; return files that differ from
    the original release's SHA256SUMS (empty: byte-identical)."""

    from claimcorpus.release.croissant import write_croissant

    manifest = read_json(tf / MANIFEST)
    feats = {c: features_from_yaml(manifest["features"][c]) for c in CONFIGS}
    index = raw_index(raw)
    build = {"documents": _document, "claims": _claim, "tokens": _tokens}
    for split in STANDARD:
        texts: dict[str, str] = {}
        for config in CONFIGS:
            rows = []
            for row in pq.read_table(parquet(tf, config, split)).to_pylist():
                d = row["doc_id"]
                if config == "documents":
                    texts[d] = restore_text(row, raw, index)
                rows.append(build[config](row, texts[d], feats[config]))
            write_rows(parquet(out, config, split), feats[config], rows)
    shutil.copyfile(tf / ORIGINAL / "README.md", out / "README.md")
    for name in ("splits.json", "build_summary.json"):
        shutil.copyfile(tf / name, out / name)
    original = read_checksums(tf / ORIGINAL)
    if "croissant.json" in original:
        summary = read_json(tf / "build_summary.json")
        write_croissant(out, manifest["version"], None, summary, feats_by_config=feats)
    write_checksums(out)
    now = read_checksums(out)
    return sorted(k for k in set(now) | set(original) if now.get(k) != original.get(k))


def rehydrate(release: str | Path, raw: str | Path, out: str | Path) -> tuple[Path, list[str]]:
    """Rebuild a full release; returns (folder, files differing from the original)."""
    tf, raw = Path(release), Path(raw)
    verify_checksums(tf)
    if not (tf / MANIFEST).is_file():
        raise InputError(f"{tf}: no {MANIFEST}; not a text-free release")
    differ: list[str] = []
    folder = publish(Path(out), lambda tmp: differ.extend(rehydrate_into(tf, raw, tmp)))
    return folder, differ


def rehydrate_command(args: argparse.Namespace) -> int:
    try:
        folder, differ = rehydrate(args.release, args.raw, args.out)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    print(f"wrote {folder}: every text checked against its sha256")
    if differ:
        print(f"  differs from the original release in: {', '.join(differ)}")
        print("  (the data are verified; another pyarrow writes other Parquet bytes)")
    else:
        print("  byte-identical to the original release (SHA256SUMS match)")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rehydrate",
        help="rebuild a full release from a text-free one and your own raw articles",
        description="Restore article text into a text-free release from raw article files "
        "(matched by sha256), checking every text against its hash; writes nothing on error.",
    )
    p.add_argument("--release", required=True, help="the text-free release folder")
    p.add_argument("--raw", required=True, help="folder with your copies of the raw articles")
    p.add_argument("--out", required=True, help="new folder for the full release")
    p.set_defaults(func=rehydrate_command)
