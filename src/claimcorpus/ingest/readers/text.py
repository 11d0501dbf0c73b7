"""Plain-text files: one file is one article, ``doc_id`` from the file name (as always)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

from claimcorpus.core.problems import InputError
from claimcorpus.ingest.readers.html import read_html_file
from claimcorpus.ingest.readers.paths import refuse_disguised, sniff
from claimcorpus.ingest.readers.record import Article
from claimcorpus.ingest.store import MAX_BYTES, doc_id_for, read_sidecar


def check_size(path: Path, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a missing or oversized file before reading it."""
    try:
        st = path.stat()  # one call for both questions
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: no such file")
    size = st.st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit for one article"
        )


def read_text_file(
    path: Path, sidecar_dir: Path | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[Article]:
    """The article of one ``.txt`` file; an HTML page named ``.txt`` is read as HTML."""
    check_size(path, max_bytes)
    data = path.read_bytes()
    found = sniff(data)
    if found == "html":
        yield from read_html_file(path, read_sidecar(path, sidecar_dir, doc_id_for(path)), data)
        return
    if found is not None:
        refuse_disguised(path, found)
    doc_id = doc_id_for(path)
    yield Article(doc_id, path.name, data, str(path), read_sidecar(path, sidecar_dir, doc_id))
