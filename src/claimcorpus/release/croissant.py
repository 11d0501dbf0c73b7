"""``croissant.json``: MLCommons Croissant 1.1 metadata for a release folder.

Generated from the same ``datasets.Features`` as the card, so the two cannot disagree. One
FileObject per Parquet file carries the file's sha256 (loaders check it), and one RecordSet
per config and split reads it: a Croissant field has a single source, and per-file hashes
are what make the release verifiable file by file. Nested lists of structs (spans,
attributions, paragraphs) are ``isArray`` fields whose sub-fields take ``jsonPath`` sources;
ClassLabel columns are integers whose names are listed in the field description and in an
enumeration RecordSet per label set. No dataset URL is written: there is none yet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimcorpus.core.io import atomic_write_bytes, sha256_file
from claimcorpus.core.scheme import CONFIGS, Scheme, features
from claimcorpus.release.splits import STANDARD

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
TEXT_RIGHTS = (
    "Article texts remain the copyright of their publishers and are included for "
    "non-commercial research only; they are not covered by the annotations' licence."
)
TITLE = "claimcorpus: attributed claims in news"
_CR = {
    k: f"cr:{k}"
    for k in (
        "arrayShape citeAs column containedIn equivalentProperty extract field fileProperty "
        "fileObject fileSet format includes isArray isLiveDataset jsonPath key md5 parentField "
        "path recordSet references regex repeated replace samplingRate separator source "
        "subField transform"
    ).split()
}
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "conformsTo": "dct:conformsTo",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "description": {"@container": "@language"},
    "name": {"@container": "@language"},
    **_CR,
}
# The column a ClassLabel's names are listed under, when it differs from the column name.
_LABEL_SET = {"label": "span_label"}


def cite_as(version: str) -> str:
    """BibTeX for this version (kept in step with CITATION.cff)."""
    key = "claimcorpus_" + version.replace(".", "_")
    return (
        f"@misc{{{key}, title = {{{TITLE}}}, author = {{{{claimcorpus contributors}}}}, "
        f"version = {{{version}}}, note = {{Dataset, release {version}}}}}"
    )


def _dtype(feat: Any) -> str:
    from datasets import ClassLabel

    if isinstance(feat, ClassLabel):
        return "sc:Integer"
    kind = feat.dtype
    if kind == "string":
        return "sc:Text"
    if kind == "bool":
        return "sc:Boolean"
    if kind.startswith(("int", "uint")):
        return "sc:Integer"
    if kind.startswith("float"):
        return "sc:Float"
    raise ValueError(f"no Croissant data type for {feat!r}")


def _label_sets(feats: Any, found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every ClassLabel under ``feats``, by label-set name (column name unless renamed)."""
    from datasets import ClassLabel, List

    for key, feat in feats.items():
        inner = feat.feature if isinstance(feat, List) else feat
        if isinstance(inner, ClassLabel):
            name = _LABEL_SET.get(key, key)
            if found.setdefault(name, inner.names) != inner.names:
                raise ValueError(f"label set {name!r} has two different name lists")
        elif isinstance(inner, dict):
            _label_sets(inner, found)
    return found


def _about(key: str, feat: Any) -> str:
    from datasets import ClassLabel, List

    inner = feat.feature if isinstance(feat, List) else feat
    if not isinstance(inner, ClassLabel):
        return key
    names = ", ".join(f"{i}={n}" for i, n in enumerate(inner.names))
    return f"{key}: ClassLabel id ({names}); see record set labels/{_LABEL_SET.get(key, key)}"


def _field(fid: str, key: str, feat: Any, file_id: str, column: str, path: str | None) -> dict:
    """One field; ``path`` is the jsonPath inside ``column`` for a sub-field."""
    from datasets import List

    source: dict[str, Any] = {"fileObject": {"@id": file_id}, "extract": {"column": column}}
    if path is not None:
        source["transform"] = {"jsonPath": path}
    out: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": fid,
        "name": key,
        "description": _about(key, feat),
    }
    inner = feat.feature if isinstance(feat, List) else feat
    if isinstance(feat, List):
        out.update({"isArray": True, "arrayShape": "-1"})
    if isinstance(inner, List):  # a list of lists of scalars (a span's [start, end] pieces)
        out["arrayShape"] = "-1,-1"
        inner = inner.feature
    if isinstance(inner, dict):
        if path is not None:
            raise ValueError(f"{fid}: structs nested below a sub-field are not supported")
        out["subField"] = [_field(f"{fid}/{k}", k, v, file_id, column, k) for k, v in inner.items()]
        return out
    out["dataType"] = _dtype(inner)
    out["source"] = source
    return out


def _file_object(out: Path, rel: str) -> dict[str, Any]:
    path = out / rel
    return {
        "@type": "cr:FileObject",
        "@id": rel,
        "name": rel,
        "contentUrl": rel,
        "contentSize": f"{path.stat().st_size} B",
        "encodingFormat": "application/x-parquet",
        "sha256": sha256_file(path),
    }


def _enum_record_set(name: str, names: list[str]) -> dict[str, Any]:
    rid = f"labels/{name}"
    return {
        "@type": "cr:RecordSet",
        "@id": rid,
        "name": rid,
        "description": f"Names of the ClassLabel ids used by {name} columns.",
        "dataType": "sc:Enumeration",
        "key": {"@id": f"{rid}/id"},
        "field": [
            {"@type": "cr:Field", "@id": f"{rid}/id", "name": "id", "dataType": "sc:Integer"},
            {"@type": "cr:Field", "@id": f"{rid}/name", "name": "name", "dataType": "sc:Text"},
        ],
        "data": [{f"{rid}/id": i, f"{rid}/name": n} for i, n in enumerate(names)],
    }


def croissant(
    out: Path,
    version: str,
    feats_by_config: dict[str, Any],
    summary: dict[str, Any],
    note: str = "",
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The Croissant JSON-LD for the Parquet files already written under ``out``.

    ``meta`` (a corpus's ``schema/card.yaml``) replaces the name, description and licence
    written for the seeds' corpus."""
    meta = meta or {}
    files, record_sets, label_sets = [], [], {}
    for config, feats in feats_by_config.items():
        _label_sets(feats, label_sets)
        for split in STANDARD:
            rel = f"data/{config}/{split}-00000-of-00001.parquet"
            if not (out / rel).exists():  # an empty split has no file
                continue
            files.append(_file_object(out, rel))
            rid = f"{config}/{split}"
            n = summary.get("rows", {}).get(config, {}).get(split)
            record_sets.append(
                {
                    "@type": "cr:RecordSet",
                    "@id": rid,
                    "name": rid,
                    "description": f"The {config} config, {split} split"
                    + (f" ({n} rows)." if n is not None else "."),
                    "field": [_field(f"{rid}/{k}", k, v, rel, k, None) for k, v in feats.items()],
                }
            )
    record_sets += [_enum_record_set(k, v) for k, v in sorted(label_sets.items())]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta.get("croissant_name", "claimcorpus"),
        "alternateName": meta.get("pretty_name", TITLE),
        "description": (
            meta.get(
                "croissant_description",
                "News articles annotated with CLAIM, SOURCE and CUE spans, attributions with the "
                "source's stance, topic stance and claim clusters.",
            )
            + f" Release {version}, scheme "
            f"{summary.get('scheme_version')}, {summary.get('documents')} documents "
            f"({summary.get('annotated_documents')} annotated). Configs: "
            f"{', '.join(feats_by_config)}; splits: {', '.join(STANDARD)}. {note}"
        ).strip(),
        "version": version,
        "inLanguage": "en",
        "keywords": ["claims", "attribution", "stance", "news"],
        "creator": {"@type": "sc:Organization", "name": "claimcorpus contributors"},
        "license": meta.get("croissant_license")
        or [
            {"@type": "sc:CreativeWork", "name": "CC BY 4.0 (annotations)", "url": CC_BY},
            *(
                [{"@type": "sc:CreativeWork", "name": "Article texts", "description": TEXT_RIGHTS}]
                if "text" in feats_by_config.get("documents", {})
                else []
            ),
        ],
        "citeAs": cite_as(version),
        "distribution": files,
        "recordSet": record_sets,
    }


def write_croissant(
    out: Path,
    version: str,
    scheme: Scheme | None,
    summary: dict[str, Any],
    feats_by_config: dict[str, Any] | None = None,
    note: str = "",
    meta: dict[str, Any] | None = None,
) -> None:
    """Write ``out/croissant.json`` (call after the Parquet files, before SHA256SUMS).

    ``feats_by_config`` overrides the scheme's features (the text-free variant has its own).
    """
    if feats_by_config is None and scheme is None:
        raise ValueError("write_croissant needs a scheme or feats_by_config")
    feats = feats_by_config or {c: features(scheme, c) for c in CONFIGS}
    doc = croissant(Path(out), version, feats, summary, note, meta)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(Path(out) / "croissant.json", text.encode("utf-8"))
