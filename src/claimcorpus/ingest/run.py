"""One `claimcorpus ingest` run over files, folders and crawls, in two streaming passes.

Pass 1 reads every input through its reader (readers/), counts each site's lines for the
repetition evidence (normalize/repetition.py) and spools the articles to a temporary file,
so a crawl is extracted once and never held in memory. Pass 2 normalizes each spooled
article with its site's repeated lines and stores it (articles.py). The run's new repeated
lines are saved with the documents and the index at the end (index.py), and only when a
document was added or replaced: a refused run leaves ``corpus/repeated/`` as it was. A file
that is one
article (text, HTML) is refused as a whole; a crawl's bad records are skipped, listed and
counted by kind; the run exits 1 when anything was refused or a record was broken (a
crawl's images, scripts and redirects are listed as not articles, not as errors).
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from claimcorpus.core.io import sha256_bytes
from claimcorpus.core.lock import writer_lock
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.articles import store_article
from claimcorpus.ingest.index import CorruptIndex, Index
from claimcorpus.ingest.readers.html import read_html_file
from claimcorpus.ingest.readers.manifest import read_jsonl, read_parquet
from claimcorpus.ingest.readers.paths import expand
from claimcorpus.ingest.readers.record import Article, BadRecord
from claimcorpus.ingest.readers.text import check_size, read_text_file
from claimcorpus.ingest.readers.warc import read_warc
from claimcorpus.ingest.sites import Repeated, load_repeated, merge_repeated, site_of
from claimcorpus.ingest.store import doc_id_for, read_sidecar
from claimcorpus.normalize.repetition import SiteLines

ANNOUNCE = 256  # doc_ids journaled in one write (a crash re-reads at most this many more)
SHOWN_PER_KIND = 20  # bad records printed one by one per kind; the rest only counted
# a crawl's records that are not articles (images, scripts, redirects): skipped, not errors
NOT_ARTICLES = {"not-html", "http-status"}


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)  # added / unchanged / replaced
    refused: int = 0
    bad: Counter[str] = field(default_factory=Counter)  # records that are broken
    other: Counter[str] = field(default_factory=Counter)  # records that are not articles

    def refuse(self, exc: InputError) -> None:
        print(f"error: {exc}", file=sys.stderr)
        self.refused += 1

    def skip(self, rec: BadRecord) -> None:
        counter = self.other if rec.kind in NOT_ARTICLES else self.bad
        counter[rec.kind] += 1
        if counter[rec.kind] <= SHOWN_PER_KIND:
            print(f"skipped [{rec.kind}] {rec.origin}: {rec.message}", file=sys.stderr)

    def summary(self) -> str:
        c = self.counts
        line = (
            f"{c['added']} added, {c['unchanged']} unchanged, {c['replaced']} replaced, "
            f"{self.refused} refused"
        )
        for what, counter in (("bad", self.bad), ("not articles", self.other)):
            if counter:
                kinds = ", ".join(f"{k} {n}" for k, n in sorted(counter.items()))
                line += f", {sum(counter.values())} crawl records skipped as {what} ({kinds})"
        return line


def read_input(path: Path, kind: str | None, sidecar_dir: Path | None) -> Iterator:
    """The articles (and, for a crawl, bad records) of one input file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if kind == "text":
        yield from read_text_file(path, sidecar_dir)
    elif kind == "html":
        check_size(path)
        yield from read_html_file(path, read_sidecar(path, sidecar_dir, doc_id_for(path)))
    elif kind == "warc":
        yield from read_warc(path)
    elif kind == "jsonl":
        yield from read_jsonl(path)
    elif kind == "parquet":
        yield from read_parquet(path)
    else:
        raise InputError(
            f"{path}: unknown kind of file; ingest reads .txt, .html, .warc(.gz), "
            ".jsonl(.gz) and .parquet"
        )


class Spool:
    """Articles on disk between the passes: one pickle per article in a private temporary
    file this run writes and reads (raw bytes kept as bytes; no text round trip)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "articles.pickle"
        self.n = 0
        self.ids: list[str] = []  # in spool order: pass 2 journals them ahead (Index.announce)
        self._out = open(self.path, "wb")

    def add(self, a: Article) -> None:  # a pickler per article: no memo holding them all
        row = (a.doc_id, a.source_file, a.data, a.origin, a.meta, a.provenance)
        pickle.dump(row, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self.ids.append(a.doc_id)
        self.n += 1

    def __iter__(self) -> Iterator[Article]:
        self._out.close()
        with open(self.path, "rb") as f:
            for _ in range(self.n):
                yield Article(*pickle.load(f))


def _pass1(files, sidecar_dir, spool: Spool, lines: SiteLines, report: Report) -> None:
    bar = tqdm(unit="doc", desc="read", disable=None)
    for path, kind in files:
        try:
            for item in read_input(path, kind, sidecar_dir):
                if isinstance(item, BadRecord):
                    report.skip(item)
                    continue
                site = site_of(item.meta)
                if site is not None:  # no site, no repetition evidence to count
                    text = item.data.decode("utf-8", "replace")
                    lines.add(site, (ln.strip() for ln in text.splitlines()))
                spool.add(item)
                bar.update()
        except InputError as exc:
            report.refuse(exc)
    bar.close()


def _store_all(
    root: Path, spool: Spool, index: Index, table: Repeated, force: bool, report: Report
) -> None:
    """Pass 2: normalize and store every spooled article (refusals are counted)."""
    seen: dict[str, tuple[str, str]] = {}  # doc_id -> (sha256, origin) in this run
    bar = tqdm(spool, total=spool.n, unit="doc", desc="normalize", disable=None)
    for i, art in enumerate(bar):
        if i % ANNOUNCE == 0:  # one journal write for the next ANNOUNCE documents
            index.announce(spool.ids[i : i + ANNOUNCE])
        digest = sha256_bytes(art.data)
        earlier = seen.get(art.doc_id)
        if earlier is not None and earlier[0] != digest:
            report.refuse(
                InputError(
                    f"{art.origin}: doc_id {art.doc_id!r} collides with {earlier[1]} "
                    "(same URL, different text); the later record is refused"
                )
            )
            continue
        seen.setdefault(art.doc_id, (digest, art.origin))
        try:
            doc_id, status = store_article(
                root,
                art,
                force=force,
                index=index,
                repeated=table.get(site_of(art.meta) or ""),
                digest=digest,
            )
        except CorruptIndex:
            raise
        except InputError as exc:
            report.refuse(exc)
            continue
        report.counts[status] += 1
        print(f"{status:9s} {doc_id}  ({art.origin})")


def run_ingest(
    root: Path, inputs: list[Path], *, force: bool = False, sidecar_dir: Path | None = None
) -> int:
    """One ingest run, holding the project's writer lock (core/lock.py): a second writer
    at the same moment is refused (CorpusLocked) before anything is read or written."""
    with writer_lock(root, "ingest"):
        return _run(root, inputs, force, sidecar_dir)


def _run(root: Path, inputs: list[Path], force: bool, sidecar_dir: Path | None) -> int:
    report = Report()
    try:  # before reading anything: a broken table or index stops the run
        stored = load_repeated(root)
        index = Index.open(root)
    except InputError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    lines = SiteLines()
    with tempfile.TemporaryDirectory(prefix="claimcorpus-ingest-") as tmp:
        spool = Spool(Path(tmp))
        _pass1(expand(inputs), sidecar_dir, spool, lines, report)
        found = lines.repeated()
        table = merge_repeated(stored, found)
        grown = {s: table[s] for s in found if found[s] - stored.get(s, frozenset())}
        index.pending_repeated = grown  # journaled before the first document is written
        try:
            _store_all(root, spool, index, table, force, report)
        except CorruptIndex as exc:
            print(f"error: {exc}", file=sys.stderr)
            report.refused += 1
        finally:
            stored_any = report.counts["added"] + report.counts["replaced"] > 0
            index.commit(grown if stored_any else None)
    print(report.summary())
    return 1 if report.refused or report.bad else 0
