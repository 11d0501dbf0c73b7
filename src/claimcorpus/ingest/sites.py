"""The corpus's memory of lines repeated across a site's documents (boilerplate evidence).

``corpus/repeated/<site>.json`` lists, per site (an outlet, or a URL host), the hashes of
the lines that an ingest run found repeated across that site's documents
(``normalize.repetition``). Later runs add to it, and ``claimcorpus normalize`` reads it,
so a re-normalized document loses exactly the lines its ingest removed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from claimcorpus.core.io import dumps_json, read_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.readers.record import url_host
from claimcorpus.ingest.store import CORPUS

Repeated = dict[str, frozenset[int]]
_SLUG = re.compile(r"[^a-z0-9.]+")


def site_of(meta: dict[str, Any]) -> str | None:
    """The outlet, else the URL's host, else None (no site: no repetition evidence)."""
    if meta.get("outlet"):
        return str(meta["outlet"])
    return url_host(meta["url"]) if meta.get("url") else None


def _file(root: Path, site: str) -> Path:
    slug = _SLUG.sub("-", site.lower()).strip("-.")[:60] or "site"
    tag = hashlib.sha256(site.encode("utf-8")).hexdigest()[:8]  # two sites, one slug
    return root / CORPUS / "repeated" / f"{slug}-{tag}.json"


def load_repeated(root: Path) -> Repeated:
    """Every site's table; a file that cannot be read raises InputError naming it."""
    d = root / CORPUS / "repeated"
    out: Repeated = {}
    for f in sorted(d.glob("*.json")) if d.exists() else []:
        try:
            rec = read_json(f)
            site, lines = str(rec["site"]), {int(h) for h in rec["lines"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{f}: not a table of repeated lines ({type(exc).__name__}: {exc})"
            ) from exc
        out[site] = frozenset(out.get(site, frozenset()) | lines)
    return out


def merge_repeated(old: Repeated, new: Repeated) -> Repeated:
    return {s: old.get(s, frozenset()) | new.get(s, frozenset()) for s in sorted({*old, *new})}


def repeated_files(root: Path, table: Repeated, sites: set[str]) -> list[tuple[Path, bytes]]:
    """The files of ``sites``' tables and their bytes (index.py writes them with its shards)."""
    return [
        (_file(root, site), dumps_json({"site": site, "lines": sorted(table[site])}).encode())
        for site in sorted(sites)
        if table.get(site)
    ]
