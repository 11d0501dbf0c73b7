"""``claimcorpus textfree``: a release variant without article text, for where it may not be shared.

Same Hub layout and configs, so ``load_dataset(path, config)`` works. Every text column is
replaced by the sha256 of its UTF-8 text, and claims get the offsets of their context,
source and cue, so ``claimcorpus rehydrate`` can rebuild the full release from a user's own
copies of the raw articles and prove each restored string is the released one. Kept:
offsets, provenance (``source_file``, ``raw_sha256``, ``text_sha256``), labels, and titles
and URLs (bibliographic data: how a user finds the article). ``original/`` holds the full
release's card and SHA256SUMS (so a rehydrated release can be checked byte for byte) and
``textfree.json`` its features; files copied across are checked for quoted article text.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from claimcorpus.core.hub_yaml import features_to_yaml
from claimcorpus.core.io import atomic_write_json, read_json, sha256_bytes, sha256_file
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import CONFIGS
from claimcorpus.release.build import _SplitWriter
from claimcorpus.release.checksums import read_checksums, write_checksums
from claimcorpus.release.splits import STANDARD

MANIFEST = "textfree.json"
ORIGINAL = "original"
CLAIM_TEXT = ("claim", "context", "source", "source_resolved", "cue")


def sha(text: str | None) -> str | None:
    return None if text is None else sha256_bytes(text.encode("utf-8"))


def parquet(folder: Path, config: str, split: str) -> Path:
    return folder / "data" / config / f"{split}-00000-of-00001.parquet"


def verify_checksums(folder: Path) -> None:
    """Refuse a release whose files do not match its SHA256SUMS (a damaged download)."""
    if not (folder / "SHA256SUMS").exists():
        raise InputError(f"{folder}: no SHA256SUMS; not a release folder")
    for name, digest in read_checksums(folder).items():
        if not (folder / name).is_file() or sha256_file(folder / name) != digest:
            raise InputError(f"{folder / name}: missing or does not match SHA256SUMS")


def release_features(folder: Path) -> dict[str, Any]:
    from datasets import Features

    return {
        c: Features.from_arrow_schema(pq.read_schema(parquet(folder, c, "train"))) for c in CONFIGS
    }


def textfree_features(full: dict[str, Any]) -> dict[str, Any]:
    """The features of the variant, derived from the full release's (column order kept)."""
    from datasets import Features, List, Value

    s, i32 = Value("string"), Value("int32")
    docs = {k: v for k, v in full["documents"].items() if k != "text"}
    spans = {
        ("text_sha256" if k == "text" else k): (s if k == "text" else v)
        for k, v in docs["spans"].feature.items()
    }
    docs["spans"] = List(spans)
    claims: dict[str, Any] = {}
    for k, v in full["claims"].items():
        if k not in CLAIM_TEXT:
            claims[k] = v
            continue
        if k != "claim":
            claims.update({f"{k}_start": i32, f"{k}_end": i32})
        claims[f"{k}_sha256"] = s
    tokens = {k: v for k, v in full["tokens"].items() if k != "tokens"}
    return {"documents": Features(docs), "claims": Features(claims), "tokens": Features(tokens)}


def _doc_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "text"}
    out["spans"] = [
        {**{k: v for k, v in sp.items() if k != "text"}, "text_sha256": sha(sp["text"])}
        for sp in row["spans"]
    ]
    return out


def _claim_row(row: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Replace claim texts by hashes, adding the offsets that recover them from the document."""
    text, where = doc["text"], f"doc {row['doc_id']} attribution {row['attribution_id']}"
    spans = {sp["id"]: sp for sp in doc["spans"]}
    attr = next(a for a in doc["attributions"] if a["id"] == row["attribution_id"])
    src, cue = spans.get(attr["source"] or ""), spans.get(attr["cue"] or "")
    ant = spans.get(src["antecedent"] or "") if src else None
    cs, ce = row["claim_start"], row["claim_end"]
    sents = [x for x in doc["sentences"] if x["start"] < ce and cs < x["end"]]
    found = {
        "claim": (cs, ce),
        "context": (sents[0]["start"], sents[-1]["end"]) if sents else (cs, ce),
        "source": (src["start"], src["end"]) if src else None,
        "source_resolved": ((ant or src)["start"], (ant or src)["end"]) if src else None,
        "cue": (cue["start"], cue["end"]) if cue else None,
    }
    out = {k: v for k, v in row.items() if k not in CLAIM_TEXT}
    for col, se in found.items():
        if (text[se[0] : se[1]] if se else None) != row[col]:
            raise InputError(
                f"claims: {col} of {where} is not at offsets {se} of the document text"
            )
        if col != "claim":
            out[f"{col}_start"], out[f"{col}_end"] = se or (None, None)
        out[f"{col}_sha256"] = sha(row[col])
    return out


def _token_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "tokens"}


def write_rows(path: Path, feats: Any, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Write with the release's own writer, so the bytes follow the same rules."""
    w = _SplitWriter(path, feats)
    w.add(rows)
    w.close()
    return w.rows, w.nbytes


def card_header(readme: Path) -> dict[str, Any]:
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise InputError(f"{readme}: no YAML header")
    return yaml.safe_load(text[4 : text.index("\n---", 4)])


def write_card(
    out: Path, header: dict[str, Any], feats: dict[str, Any], sizes: dict, body: str
) -> None:
    header = dict(header)
    header["dataset_info"] = [
        {
            "config_name": c,
            "features": features_to_yaml(feats[c]),
            "splits": [
                {"name": s, "num_bytes": sizes[c][s][1], "num_examples": sizes[c][s][0]}
                for s in STANDARD
            ],
        }
        for c in CONFIGS
    ]
    head = yaml.safe_dump(header, sort_keys=False, allow_unicode=True)
    (out / "README.md").write_text(f"---\n{head}---\n{body}", encoding="utf-8")


BODY = """
# claimcorpus {version} (text-free)

The annotations of claimcorpus {version} **without the article texts**, which remain the
copyright of their publishers. Spans keep their offsets and a `text_sha256`; claims keep
offsets and a sha256 for claim, context, source and cue; tokens keep their offsets. Titles,
URLs, `source_file` and `raw_sha256` say which article each row belongs to.

Rebuild the full release from your own copies of the raw articles (each matched by its
sha256; every restored text is checked against its hash):

```bash
claimcorpus rehydrate --release path/to/this/folder --raw YOUR_ARTICLES_DIR --out FULL_RELEASE
```

Configs `documents`, `claims`, `tokens` load as usual:
`load_dataset("path/to/this/folder", "documents")`. `original/` holds the full release's
card and SHA256SUMS; `textfree.json` its features.

Annotations: CC BY 4.0.
"""


def _no_quotes(files: list[Path], sentences: list[tuple[str, str]]) -> None:
    for f in files:
        body = f.read_text(encoding="utf-8")
        for doc_id, s in sentences:
            if s in body:
                raise InputError(f"{f.name} quotes article text of doc {doc_id} ({s[:40]!r}…)")


def textfree_into(release: Path, out: Path) -> None:
    """Write the text-free variant of ``release`` into the empty folder ``out``."""
    full = release_features(release)
    feats = textfree_features(full)
    sizes: dict[str, dict[str, tuple[int, int]]] = {c: {} for c in CONFIGS}
    sentences: list[tuple[str, str]] = []
    for split in STANDARD:
        docs = {
            r["doc_id"]: r for r in pq.read_table(parquet(release, "documents", split)).to_pylist()
        }
        for d in docs.values():
            sentences += [
                (d["doc_id"], d["text"][x["start"] : x["end"]])
                for x in d["sentences"]
                if x["end"] - x["start"] >= 40
            ]
        rows = {
            "documents": [_doc_row(r) for r in docs.values()],
            "claims": [
                _claim_row(r, docs[r["doc_id"]])
                for r in pq.read_table(parquet(release, "claims", split)).to_pylist()
            ],
            "tokens": [
                _token_row(r) for r in pq.read_table(parquet(release, "tokens", split)).to_pylist()
            ],
        }
        for c in CONFIGS:
            sizes[c][split] = write_rows(parquet(out, c, split), feats[c], rows[c])
    (out / ORIGINAL).mkdir()
    for name in ("README.md", "SHA256SUMS"):
        shutil.copyfile(release / name, out / ORIGINAL / name)
    shutil.copyfile(release / "splits.json", out / "splits.json")
    summary = read_json(release / "build_summary.json")
    # warnings may quote the text: keep where they point, not what they say
    summary["warnings"] = [w.split(": ", 1)[0] for w in summary.get("warnings", [])]
    atomic_write_json(out / "build_summary.json", summary)
    atomic_write_json(
        out / MANIFEST,
        {
            "version": summary["version"],
            "features": {c: features_to_yaml(full[c]) for c in CONFIGS},
        },
    )
    version = summary["version"]
    write_card(out, card_header(release / "README.md"), feats, sizes, BODY.format(version=version))
    from claimcorpus.release.croissant import write_croissant

    write_croissant(out, version, None, summary, feats_by_config=feats, note="Text-free variant.")
    _no_quotes([p for p in out.rglob("*") if p.is_file() and p.suffix != ".parquet"], sentences)
    write_checksums(out)


def publish(out: Path, fill: Callable[[Path], object]) -> Path:
    """Run ``fill(tmp)`` in a temporary sibling of ``out`` and rename it into place."""
    out = Path(out)
    if out.exists():
        raise InputError(f"{out}: already exists; choose a new --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        fill(tmp)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out


def make_textfree(release: str | Path, out: str | Path) -> Path:
    release = Path(release)
    verify_checksums(release)
    return publish(Path(out), lambda tmp: textfree_into(release, tmp))


def textfree_command(args: argparse.Namespace) -> int:
    try:
        out = make_textfree(args.release, args.out)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} (no article text; rebuild with `claimcorpus rehydrate`)")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "textfree",
        help="write a release variant without article text (hashes and offsets instead)",
        description="Write a copy of a release without article text: texts become sha256 hashes, "
        "offsets stay, so `claimcorpus rehydrate` can restore it from the raw articles.",
    )
    p.add_argument("--release", required=True, help="a full release folder")
    p.add_argument("--out", required=True, help="new folder for the text-free variant")
    p.set_defaults(func=textfree_command)
