"""The corpus on disk: raw articles, their metadata, normalized text and exclusions.

Layout (one file per document, joined by ``doc_id``)::

    corpus/raw/<source_file>              the article, byte for byte as ingested
    corpus/meta/<doc_id>.json             provenance: sha256, source file, outlet, title,
                                          date, URL (null when unknown), language, licence
    corpus/normalized/<doc_id>.json       normalized text, paragraphs, sentences, offset map
    corpus/exclusions/<doc_id>.json       every line normalization removed, with its rule
    corpus/sidecars/<doc_id>.meta.json    hand-curated metadata given at ingest (optional)

``doc_id`` is the source file's stem, lower-cased, so it is stable across versions and
across re-normalization; the raw bytes' sha256 detects a changed or duplicated article.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from claimcorpus.core.io import read_json, sha256_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.records import NormalizedText, OffsetMap
from claimcorpus.ingest.metadata import validate_meta
from claimcorpus.normalize.text import NORMALIZER_VERSION, Normalized

CORPUS = Path("corpus")


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


def detect_language(text: str) -> str | None:
    """'en' when English function words are frequent, else None (unknown, never guessed)."""
    words = re.findall(r"[a-z]+", text.lower())
    if len(words) < 20:
        return None
    return "en" if sum(w in _EN_WORDS for w in words) / len(words) > 0.12 else None


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


def paths(root: Path, doc_id: str) -> dict[str, Path]:
    c = root / CORPUS
    return {
        "meta": c / "meta" / f"{doc_id}.json",
        "normalized": c / "normalized" / f"{doc_id}.json",
        "exclusions": c / "exclusions" / f"{doc_id}.json",
    }


def normalized_record(doc_id: str, n: Normalized) -> NormalizedText:
    """What the store keeps of a normalizer's output (``corpus/normalized/<doc_id>.json``)."""
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
    return NormalizedText.from_json(read_json(paths(Path(root), doc_id)["normalized"]))


class RawHashes:
    """The raw sha256 of every ingested article, indexed both ways, so that the duplicate
    check of each new file is one lookup, not a scan of the corpus (ingest stays linear)."""

    def __init__(self, by_doc: dict[str, str]) -> None:
        self.by_doc = dict(by_doc)
        self.by_digest: dict[str, str] = {}
        for d, h in sorted(self.by_doc.items()):
            self.by_digest.setdefault(h, d)

    def owner(self, digest: str) -> str | None:
        """The (first) document with these raw bytes, or None."""
        return self.by_digest.get(digest)

    def set(self, doc_id: str, digest: str) -> None:
        old = self.by_doc.get(doc_id)
        if old is not None and self.by_digest.get(old) == doc_id:
            del self.by_digest[old]
        self.by_doc[doc_id] = digest
        self.by_digest.setdefault(digest, doc_id)


def raw_hashes(root: Path) -> RawHashes:
    d = root / CORPUS / "meta"
    return RawHashes(
        {p.stem: read_json(p)["raw_sha256"] for p in sorted(d.glob("*.json"))} if d.exists() else {}
    )


def doc_ids(root: str | Path) -> list[str]:
    d = Path(root) / CORPUS / "meta"
    return sorted(p.stem for p in d.glob("*.json")) if d.exists() else []


def load_document(root: str | Path, doc_id: str) -> dict[str, Any]:
    """Metadata and normalized text of one document, merged into one dict."""
    p = paths(Path(root), doc_id)
    doc = read_json(p["meta"])
    norm = read_json(p["normalized"])
    doc.update({k: v for k, v in norm.items() if k != "title"})
    doc["exclusions"] = read_json(p["exclusions"]) if p["exclusions"].exists() else []
    return doc


def load_documents(root: str | Path) -> list[dict[str, Any]]:
    """Every document, sorted by doc_id (doc_id, text, text_sha256, paragraphs, meta ...)."""
    return [load_document(root, d) for d in doc_ids(root)]
