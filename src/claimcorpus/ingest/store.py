"""The corpus on disk: raw articles and one reviewable JSON per document.

Layout (joined by ``doc_id``)::

    corpus/raw/<source_file>              the article, byte for byte as ingested
    corpus/docs/<doc_id>.json             "meta" (provenance: sha256, source file, outlet,
                                          title, date, URL (null when unknown), language,
                                          licence), "exclusions" (every line normalization
                                          removed, with its rule) and "normalized" (text,
                                          paragraphs, sentences, offset map)
    corpus/index/                         the ingest index (ingest/index.py)
    corpus/repeated/<site>.json           each site's repeated lines (ingest/sites.py)
    corpus/sidecars/<doc_id>.meta.json    hand-curated metadata given at ingest (optional)

Why one file per document and not one folder per kind: a document is written and renamed
in one step (it exists whole or not at all), an ingest writes two files per article instead
of four, and the file is still read in a diff: metadata a key per line, each exclusion on a
line, offsets one line per list (``dumps_document``), at about a third of the bytes of the
fully indented JSON. The layout before this one (``meta/``, ``normalized/``,
``exclusions/``) is refused with a pointer to ``claimcorpus index --migrate``.

``doc_id`` is the source file's stem, lower-cased, so it is stable across versions and
across re-normalization; the raw bytes' sha256 detects a changed or duplicated article.
"""

from __future__ import annotations

import functools
import json
import json.encoder
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcorpus.core.io import atomic_write_bytes, read_json, sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.records import NormalizedText, OffsetMap
from claimcorpus.ingest.metadata import validate_meta
from claimcorpus.normalize.text import NORMALIZER_VERSION, Normalized

CORPUS = Path("corpus")
DOCS = "docs"  # corpus/docs/<doc_id>.json
OLD_META = "meta"  # the layout before corpus/docs/: meta/, normalized/, exclusions/


MAX_BYTES = 5_000_000


DEFAULT_LICENCE = (
    "Article text: copyright of its original publisher, included for non-commercial research "
    "only; it is not covered by the annotations' licence."
)


SIDECAR_FIELDS = {
    "outlet",
    "outlet_evidence",
    "title",
    "published",
    "url",
    "language",
    "licence",
    "story",
}


_ID_OK = re.compile(r"[^a-z0-9_.-]+")


_EN_WORDS = {
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "is",
    "for",
    "on",
    "with",
    "as",
    "by",
    "said",
}


def doc_id_for(path: Path) -> str:
    doc_id = _ID_OK.sub("-", path.stem.lower()).strip("-.")
    if not doc_id:
        raise InputError(f"{path}: cannot make a doc_id from the file name")
    return doc_id


# every byte but a-z becomes a space: the words of ``[a-z]+`` in lowered text are the runs
# of letters left (a multi-byte character's bytes are all >= 0x80, never a letter a-z)
_NOT_AZ = bytes(b if 97 <= b <= 122 else 32 for b in range(256))
# the same on text not lowered first: A-Z become a-z (what str.lower does to them), and the
# only characters str.lower turns into ASCII letters are these two, so text without them
# gives the same runs of letters either way
_LOWER_AZ = bytes(b if 97 <= b <= 122 else b + 32 if 65 <= b <= 90 else 32 for b in range(256))
_TO_ASCII_WHEN_LOWERED = ("\u0130", "\u212a")  # İ -> i + dot above, Kelvin sign -> k
_LETTER_A = bytes(97 if 97 <= b <= 122 else 32 for b in range(256))
_EN_PROBES = tuple(b" " + w + b" " for w in sorted(w.encode() for w in _EN_WORDS))


def detect_language(text: str) -> str | None:
    """'en' when English function words are frequent, else None (unknown, never guessed).

    The share of ``_EN_WORDS`` among the words ``[a-z]+`` of the lowered text, counted in C
    without a bytes object per word: words are the runs of letters (`` a`` once each when
    every letter is ``a``), and with every space doubled no two `` the `` overlap."""
    if any(c in text for c in _TO_ASCII_WHEN_LOWERED):
        letters = text.lower().encode("utf-8", "surrogatepass").translate(_NOT_AZ)
    else:
        letters = text.encode("utf-8", "surrogatepass").translate(_LOWER_AZ)
    n = (b" " + letters.translate(_LETTER_A)).count(b" a")
    if n < 20:
        return None
    spaced = b"  " + letters.replace(b" ", b"  ") + b"  "
    return "en" if sum(spaced.count(p) for p in _EN_PROBES) / n > 0.12 else None


def read_sidecar(path: Path, sidecar_dir: Path | None, doc_id: str) -> dict[str, Any]:
    candidates = [path.with_name(path.stem + ".meta.json")]
    if sidecar_dir is not None:
        candidates.append(sidecar_dir / f"{doc_id}.meta.json")
    for c in candidates:
        if c.exists():
            try:
                data = read_json(c)
            except ValueError as exc:
                raise InputError(f"{c}: sidecar is not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise InputError(f"{c}: sidecar must be a JSON object")
            unknown = sorted(set(data) - SIDECAR_FIELDS)
            if unknown:
                raise InputError(
                    f"{c}: unknown sidecar field(s) {unknown}; allowed {sorted(SIDECAR_FIELDS)}"
                )
            return validate_meta(data, str(c))
    return {}


META_COLUMNS = ("outlet", "title", "published", "url", "language", "licence")


def resolve_meta(
    side: dict[str, Any], text: str, detected_title: str | None, licence: str = DEFAULT_LICENCE
) -> dict[str, Any]:
    """The release metadata of one article (META_COLUMNS), one rule for ingest and engines:
    the sidecar's value where it gives one, else what the text shows (its headline, its
    language when clearly English), else null; outlet, date and URL are never guessed."""
    return {
        "outlet": side.get("outlet"),
        "title": side.get("title", detected_title),
        "published": side.get("published"),
        "url": side.get("url"),
        "language": side.get("language", detect_language(text)),
        "licence": side.get("licence", licence),
    }


def doc_path(root: str | Path, doc_id: str) -> Path:
    """``corpus/docs/<doc_id>.json``: metadata, exclusions and normalized text of one document."""
    return Path(root) / CORPUS / DOCS / f"{doc_id}.json"


@functools.lru_cache(maxsize=16)
def corpus_folders(root: str | Path) -> tuple[str, str]:
    """``corpus/raw`` and ``corpus/docs`` of ``root`` as strings, made once per root (ingest
    joins a file name to each for every article; ``Path`` joins cost more than the rest)."""
    c = os.path.join(root, CORPUS)
    return os.path.join(c, "raw"), os.path.join(c, DOCS)


def dumps_document(obj: Any, expand: int = 2) -> str:
    """Canonical JSON (sorted keys, UTF-8) that stays reviewable at a fraction of the bytes
    of ``dumps_json``: objects down to depth ``expand`` have a key per line, a list of
    scalars (offsets) or of spans (objects of numbers) is one line, and any other list of
    objects (exclusions) has one compact object per line. Leaves are encoded by the C JSON
    encoder in one call each (``indent`` would send all of it through the Python one)."""
    return _dump(obj, 0, expand) + "\n"


_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
_str = json.encoder.encode_basestring  # what the encoder does with a str (ensure_ascii=False)
# the C encoder behind ``_encoder.encode``, made once and not per call (``encode`` builds it
# anew each time, most of a short value's cost); None when json has no C speedups
_c_encode = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    None, _encoder.default, _str, None, ": ", ", ", True, False, True
)


def _compact(v: Any) -> str:
    """``_encoder.encode(v)``: the same text (a document holds no cycles to detect)."""
    t = type(v)
    if t is str:
        return _str(v)
    if v is None:  # the metadata's unknown fields: no encoder call for a constant
        return "null"
    if t is int:
        return int.__repr__(v)
    if _c_encode is None:
        return _encoder.encode(v)
    return "".join(_c_encode(v, 0))


def _one_line(v: list) -> bool:
    """A list of scalars or of spans (its first item decides: the store's lists are uniform)."""
    first = v[0]
    if isinstance(first, dict):
        return all(type(y) is int for y in first.values())
    return not isinstance(first, list)


def _dump(v: Any, depth: int, expand: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(v, dict) and v and depth <= expand:
        items = [f"{inner}{_compact(k)}: {_dump(v[k], depth + 1, expand)}" for k in sorted(v)]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(v, list) and v and not _one_line(v):
        return "[\n" + ",\n".join(inner + _compact(x) for x in v) + f"\n{pad}]"
    return _compact(v)


def _spans(ranges: tuple[tuple[int, int], ...]) -> str:
    """``_compact([{"start": a, "end": z}, ...])`` made from the pairs (no dict per span)."""
    if not ranges:
        return "[]"
    return "[" + ", ".join([f'{{"end": {z}, "start": {a}}}' for a, z in ranges]) + "]"


def _scalars(v: tuple) -> str:
    """``_compact(list(v))`` for a tuple of ints or of bools (the offset map's lists)."""
    return _compact(list(v)) if v else "[]"


def dumps_stored(meta: dict[str, Any], norm: NormalizedText, exclusions: list[dict]) -> str:
    """``dumps_document(StoredDocument(meta, norm.to_json(), exclusions).to_json())``, the
    same text (tests/test_records.py), written from ``norm``'s tuples: ingest writes one a
    document, and building the normalized part's dicts and sorting each span's two keys
    was a third of its encoding."""
    om = norm.offset_map
    offsets = ",\n".join(
        f'      "{k}": {_scalars(v)}'
        for k, v in (("copy", om.copy), ("norm", om.norm), ("raw", om.raw))
    )
    title = "null" if norm.title is None else _str(norm.title)
    normalized = (
        "{\n"
        f'    "doc_id": {_str(norm.doc_id)},\n'
        f'    "normalizer_version": {_str(norm.normalizer_version)},\n'
        f'    "offset_map": {{\n{offsets}\n    }},\n'
        f'    "paragraphs": {_spans(norm.paragraphs)},\n'
        f'    "sentences": {_spans(norm.sentences)},\n'
        f'    "text": {_str(norm.text)},\n'
        f'    "text_sha256": {_str(norm.text_sha256)},\n'
        f'    "title": {title}\n'
        "  }"
    )
    return (
        "{\n"
        f'  "doc_id": {_compact(str(meta["doc_id"]))},\n'
        f'  "exclusions": {_dump(exclusions, 1, 2)},\n'
        f'  "meta": {_dump(meta, 1, 2)},\n'
        f'  "normalized": {normalized}\n'
        "}\n"
    )


@dataclass
class StoredDocument:
    """One document as ``corpus/docs/<doc_id>.json`` holds it."""

    meta: dict[str, Any]
    normalized: dict[str, Any]  # NormalizedText.to_json()
    exclusions: list[dict[str, Any]]

    @property
    def doc_id(self) -> str:
        return str(self.meta["doc_id"])

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "meta": self.meta,
            "exclusions": self.exclusions,
            "normalized": self.normalized,
        }


class OldLayoutError(InputError):
    """The corpus still has one folder per kind of file (meta/, normalized/, exclusions/)."""


def check_layout(root: str | Path) -> None:
    """Raise OldLayoutError for a corpus in the layout before ``corpus/docs/``."""
    c = Path(root) / CORPUS
    if not (c / DOCS).exists() and any(c.glob(f"{OLD_META}/*.json")):
        raise OldLayoutError(
            f"{c}: the corpus is in the old layout (meta/, normalized/, exclusions/); "
            "run `claimcorpus index --migrate` to move it to corpus/docs/"
        )


def read_stored(root: str | Path, doc_id: str) -> StoredDocument:
    """One document's file; OSError when it is missing, ValueError when it is not a document."""
    path = doc_path(root, doc_id)
    if not path.exists():
        check_layout(root)
    obj = read_json(path)
    try:
        return StoredDocument(obj["meta"], obj["normalized"], obj["exclusions"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a corpus document (no {exc})") from None


def write_stored(
    root: str | Path, doc: StoredDocument, fsync: bool = True, path: Path | None = None
) -> None:
    """Write one document's file atomically (temporary name, then rename); ``fsync=False``
    for a writer whose index commit makes the run durable (index.py); ``path``: its
    ``doc_path``, when the caller has it."""
    data = dumps_document(doc.to_json()).encode("utf-8")
    atomic_write_bytes(path or doc_path(root, doc.doc_id), data, fsync=fsync)


def write_document(
    path: Path, meta: dict[str, Any], norm: NormalizedText, exclusions: list[dict]
) -> None:
    """``write_stored`` for ingest: encoded by ``dumps_stored``, not flushed (the index
    commit makes the run durable, index.py)."""
    atomic_write_bytes(path, dumps_stored(meta, norm, exclusions).encode("utf-8"), fsync=False)


def normalized_record(doc_id: str, n: Normalized) -> NormalizedText:
    """What the store keeps of a normalizer's output (``normalized`` in ``corpus/docs/<doc_id>.json``)."""
    return NormalizedText(
        doc_id=doc_id,
        normalizer_version=NORMALIZER_VERSION,
        text=n.text,
        text_sha256=sha256_bytes(n.text.encode("utf-8")),
        title=n.title,
        paragraphs=tuple(n.paragraphs),
        sentences=tuple(n.sentences),
        offset_map=OffsetMap.from_json(n.offset_map()),
    )


def read_normalized(root: str | Path, doc_id: str) -> NormalizedText:
    """A document's normalized text as the store holds it."""
    return NormalizedText.from_json(read_stored(root, doc_id).normalized)


def doc_ids(root: str | Path) -> list[str]:
    """Every stored doc_id, sorted (the document files are the truth, not the index)."""
    check_layout(root)
    d = Path(root) / CORPUS / DOCS
    return sorted(p.stem for p in d.glob("*.json")) if d.exists() else []


def load_document(root: str | Path, doc_id: str) -> dict[str, Any]:
    """Metadata and normalized text of one document, merged into one dict."""
    stored = read_stored(root, doc_id)
    doc = dict(stored.meta)
    doc.update({k: v for k, v in stored.normalized.items() if k != "title"})
    doc["exclusions"] = stored.exclusions
    return doc


def load_documents(root: str | Path) -> list[dict[str, Any]]:
    """Every document, sorted by doc_id (doc_id, text, text_sha256, paragraphs, meta ...)."""
    return [load_document(root, d) for d in doc_ids(root)]
