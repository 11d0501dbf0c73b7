"""The `ingest` command: add articles (text, HTML, crawls, manifests) to the corpus store."""

from __future__ import annotations

import argparse
from pathlib import Path

from claimcorpus.ingest.articles import store_article
from claimcorpus.ingest.index import Index
from claimcorpus.ingest.readers.text import read_text_file
from claimcorpus.ingest.run import run_ingest
from claimcorpus.ingest.sites import load_repeated, site_of
from claimcorpus.ingest.store import DEFAULT_LICENCE, MAX_BYTES


def ingest_file(
    root: Path,
    path: Path,
    *,
    force: bool = False,
    sidecar_dir: Path | None = None,
    licence: str = DEFAULT_LICENCE,
    max_bytes: int = MAX_BYTES,
    index: Index | None = None,
) -> tuple[str, str]:
    """Ingest one article file. Returns (doc_id, status) with status added/unchanged/replaced.

    Everything is checked before anything is written; each file is written to a temporary
    path and renamed, so a refused article leaves the corpus as it was. With ``index`` (one
    ``Index.open(root)`` shared by many calls) the caller commits it; without, this call
    opens and commits its own.
    """
    idx = index if index is not None else Index.open(root)
    (art,) = read_text_file(path, sidecar_dir, max_bytes)
    repeated = load_repeated(root).get(site_of(art.meta) or "")
    try:
        return store_article(root, art, force=force, index=idx, repeated=repeated, licence=licence)
    finally:
        if index is None:
            idx.commit()


# ----------------------------------------------------------------------------- commands
def ingest_command(args: argparse.Namespace) -> int:
    return run_ingest(
        Path(args.root),
        [Path(p) for p in args.paths],
        force=args.force,
        sidecar_dir=Path(args.sidecar_dir) if args.sidecar_dir else None,
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="add articles to corpus/ (text, HTML, WARC crawls, JSONL/Parquet manifests)",
        description="Add articles to corpus/: plain-text UTF-8 files (.txt), HTML pages "
        "(.html, main text by trafilatura), WARC crawls (.warc, .warc.gz) and manifests with "
        "one article per record (.jsonl, .jsonl.gz, .parquet: text or html, plus url, title, "
        "published, outlet, language, licence). Folders are read recursively. Re-ingesting "
        "identical bytes is a no-op; changed bytes under an existing doc_id are refused "
        "without --force. Metadata comes from the input, a sidecar <stem>.meta.json and the "
        "text; unknown fields stay null. A crawl's bad records are skipped and reported by "
        "kind; the exit status is 1 when anything was refused or skipped.",
    )
    p.add_argument("paths", nargs="+", help="files or folders (read recursively)")
    p.add_argument("--force", action="store_true", help="replace a document whose bytes changed")
    p.add_argument("--sidecar-dir", help="folder of <doc_id>.meta.json metadata sidecars")
    p.set_defaults(func=ingest_command, writes=True)
