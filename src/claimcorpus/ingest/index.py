"""The ingest index: what ingest needs to know about the corpus without opening it.

``corpus/index/<xx>.json`` (256 shards, ``xx`` two hex digits) hold ``docs`` (doc_id ->
raw sha256 and source file, in the shard of the doc_id's sha256) and ``digests`` (raw
sha256 -> doc_ids, in the shard of the digest). A new file costs the two or three shards
it touches, whatever the corpus size, and a no-op re-ingest reads the index, not the
documents. A shard is read as its file's lines and an entry parsed only when asked for
(shard_lines.py): a bulk run touching every shard of a large index splits 256 files into
lines in C instead of parsing them into dicts. The documents (``corpus/docs/``) are the truth; the index is derived from them
and can always be rebuilt (``claimcorpus index --rebuild``; ``validate`` checks it).

Order of writes, and why a crash cannot leave a wrong index behind:

1. the doc_id is appended to ``corpus/index/journal.jsonl`` (with, before the run's first
   document, the run's new repeated lines: ingest/sites.py); a bulk run names the next
   256 articles' doc_ids in one write (``announce``), not one write per document;
2. the document is written (raw bytes, then ``corpus/docs/<doc_id>.json``, each renamed
   into place, not flushed one by one);
3. at the end of the run the repeated lines and the dirty shards are written beside their
   files, everything is flushed (one ``os.sync`` for a bulk run, else each file), they are
   renamed into place, their folders flushed, and the journal is removed last.

A run that dies anywhere in between leaves the journal; the next ``Index.open`` re-reads
the documents it names (only those), saves the repeated lines it holds, rewrites their
index entries and removes it (a document that a power cut left unreadable gets no entry
and is named; ``validate`` reports it and ingesting the article again rewrites it). A shard
is replaced only once its new bytes are on the disk, so it is whole, old or new, after a
power cut too; one that cannot be read is an error naming the file.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from claimcorpus.core.io import StagedWrites, atomic_write_bytes, fsync_path
from claimcorpus.core.problems import InputError, Problem
from claimcorpus.ingest.shard_json import dumps_shard
from claimcorpus.ingest.shard_lines import CorruptIndex, Shard, read_whole
from claimcorpus.ingest.shard_lines import load as load_shard
from claimcorpus.ingest.sites import Repeated, load_repeated, merge_repeated, repeated_files
from claimcorpus.ingest.store import CORPUS, check_layout, doc_ids, doc_path, read_stored

INDEX = "index"
JOURNAL = "journal.jsonl"
# tests only: the process exits right after writing this doc_id's document, as a crash would
FAULT_ENV = "CLAIMCORPUS_FAULT_EXIT_AFTER_DOC"
FAULT_EXIT_CODE = 87
_json_str = json.encoder.encode_basestring_ascii  # a str as json.dumps writes it
SYNC_EACH_MAX = 32  # up to this many unflushed files are flushed one by one, else os.sync


@dataclass(frozen=True)
class Entry:
    """What the index keeps of one document."""

    raw_sha256: str
    source_file: str


def _doc_shard(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:2]


def index_dir(root: str | Path) -> Path:
    return Path(root) / CORPUS / INDEX


class Index:
    """The index of one corpus, shards loaded when first touched, written on ``commit``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.dir = index_dir(root)
        # each shard as its file's lines, an entry parsed when asked for (shard_lines.py)
        self._shards: dict[str, Shard] = {}
        self._changed: set[str] = set()  # shards with entries set or removed
        self._journal: IO[str] | None = None
        # files written without a flush, synced on commit: kept by name only up to
        # SYNC_EACH_MAX (past that one os.sync flushes them), so a crawl of 100,000 articles
        # does not hold 200,000 paths for the garbage collector to walk again and again
        self._written: list[Path] = []
        self._n_written = 0
        self.pending_repeated: Repeated = {}  # journaled before the run's first document
        self._announced: set[str] = set()  # doc_ids already in the journal (announce)

    @classmethod
    def open(cls, root: str | Path) -> Index:
        """The corpus's index: rebuilt when missing, recovered when a run left a journal."""
        check_layout(root)
        idx = cls(root)
        if not idx.dir.exists():
            if doc_ids(root):
                n = rebuild(root)
                print(f"notice: {idx.dir} was missing; rebuilt from {n} documents", file=sys.stderr)
        elif (idx.dir / JOURNAL).exists():
            idx._recover()
        return idx

    # ------------------------------------------------------------------ reading
    def _shard(self, name: str) -> Shard:
        if name not in self._shards:
            self._shards[name] = load_shard(self.dir / f"{name}.json")
        return self._shards[name]

    def _put(self, name: str, part: str, key: str, value: Any) -> None:
        self._shard(name).put(part, key, value)
        self._changed.add(name)

    def entry(self, doc_id: str) -> Entry | None:
        got = self._shard(_doc_shard(doc_id)).get("docs", doc_id)
        return Entry(got["raw_sha256"], got["source_file"]) if got else None

    def owner(self, digest: str) -> str | None:
        """The (first) document with these raw bytes, or None."""
        ids = self._shard(digest[:2]).get("digests", digest)
        return ids[0] if ids else None

    # ------------------------------------------------------------------ writing
    def _journal_lines(self, doc_ids: list[str]) -> None:
        if self._journal is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.dir / JOURNAL, "a", encoding="utf-8")
            if self.pending_repeated:
                rows = {s: sorted(h) for s, h in sorted(self.pending_repeated.items())}
                self._journal.write(json.dumps({"repeated": rows}) + "\n")
        # json.dumps' bytes, in one write: the lines reach the OS before any of the documents
        self._journal.write("".join([f'{{"doc": {_json_str(d)}}}\n' for d in doc_ids]))
        self._journal.flush()

    def announce(self, doc_ids: list[str]) -> None:
        """Journal the doc_ids of the next documents a run may write, in one write (step 1
        for a batch, instead of a write per document). Naming one that is then not written
        (unchanged, refused) is safe: recovery takes each named document's entry from its
        file as it is, or removes none when there is no file and no entry."""
        new = [d for d in doc_ids if d not in self._announced]
        if new:
            self._journal_lines(new)
            self._announced.update(new)

    def begin(self, doc_id: str) -> None:
        """Journal that ``doc_id``'s document is about to be written (step 1), unless
        ``announce`` did."""
        if doc_id not in self._announced:
            self._journal_lines([doc_id])

    def wrote(self, doc_id: str, *paths: str | Path) -> None:
        """Called right after a document's ``paths`` are written (unflushed); also the
        test-only crash hook."""
        self._n_written += len(paths)
        if self._n_written <= SYNC_EACH_MAX:
            self._written.extend(map(Path, paths))
        if os.environ.get(FAULT_ENV) == doc_id:
            os._exit(FAULT_EXIT_CODE)

    def set(self, doc_id: str, entry: Entry | None) -> None:
        """Record ``doc_id``'s entry (None: the document is gone)."""
        name = _doc_shard(doc_id)
        old = self._shard(name).get("docs", doc_id)
        if old is not None:
            self._unlink_digest(old["raw_sha256"], doc_id)
        if entry is None:
            self._put(name, "docs", doc_id, None)
        else:
            value = {"raw_sha256": entry.raw_sha256, "source_file": entry.source_file}
            self._put(name, "docs", doc_id, value)
            h = entry.raw_sha256
            ids = self._shard(h[:2]).get("digests", h) or ()
            self._put(h[:2], "digests", h, sorted({*ids, doc_id}))

    def _unlink_digest(self, digest: str, doc_id: str) -> None:
        ids = self._shard(digest[:2]).get("digests", digest) or ()
        rest = [d for d in ids if d != doc_id]
        self._put(digest[:2], "digests", digest, rest or None)

    def commit(self, repeated: Repeated | None = None) -> None:
        """Make the run durable, then drop the journal (step 3): the repeated lines and the
        dirty shards are written beside their files, the documents (written without a flush
        each) and those are flushed together (one ``os.sync`` for a bulk run, else a flush
        per file), the shards and tables renamed into place and their folders flushed."""
        staged = StagedWrites(spares=True)  # shards are rewritten run after run
        try:
            for path, data in repeated_files(self.root, repeated or {}, set(repeated or ())):
                staged.add(path, data)
            for name in sorted(self._changed):
                path = self.dir / f"{name}.json"
                data = self._shards[name].dump()
                if data:
                    staged.add(path, data)
                else:
                    path.unlink(missing_ok=True)
            many = self._n_written + len(staged) > SYNC_EACH_MAX
            if many:
                os.sync()  # one flush for a bulk run (it also flushes other processes' writes)
            else:  # a few files: flush just these, and the folders they were renamed into
                for path in self._written:
                    if path.exists():  # not replaced again later in the run under another name
                        fsync_path(path)
                for folder in sorted({p.parent for p in self._written}):
                    fsync_path(folder)
            staged.commit(synced=many)
        finally:
            staged.discard()
        self._written.clear()
        self._n_written = 0
        self._changed.clear()
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self._announced.clear()
        (self.dir / JOURNAL).unlink(missing_ok=True)
        self.pending_repeated = {}

    def _recover(self) -> None:
        """Finish what an interrupted run left in the journal."""
        path = self.dir / JOURNAL
        ids: set[str] = set()
        growth: Repeated = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut off by the crash: its document was never begun
            if not isinstance(rec, dict):
                raise CorruptIndex(f"{path}: line {n}: not a journal record")
            if "repeated" in rec:
                growth = {s: frozenset(h) for s, h in rec["repeated"].items()}
            elif "doc" in rec:
                ids.add(str(rec["doc"]))
        recovered = 0  # named documents with a file or an entry (not those named ahead only)
        for doc_id in sorted(ids):
            try:
                found = entry_of(self.root, doc_id)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                found = None
                print(
                    f"warning: {doc_path(self.root, doc_id)}: unreadable ({exc})", file=sys.stderr
                )
            if found is not None or self.entry(doc_id) is not None:
                recovered += 1
            self.set(doc_id, found)
        table = merge_repeated(load_repeated(self.root), growth) if growth else None
        self.commit({s: table[s] for s in growth} if table else None)
        print(
            f"notice: recovered the index entries of {recovered} document(s) an interrupted run "
            f"left in {path}",
            file=sys.stderr,
        )


def entry_of(root: Path, doc_id: str) -> Entry | None:
    """A document's entry as its file says (None: no such document)."""
    if not doc_path(root, doc_id).exists():
        return None
    meta = read_stored(root, doc_id).meta
    return Entry(meta["raw_sha256"], meta["source_file"])


def _empty() -> dict[str, dict]:
    return {"docs": {}, "digests": {}}


def _write_shard(path: Path, shard: dict[str, dict]) -> None:
    """Write one (non-empty) shard anew, flushed (a rebuild)."""
    atomic_write_bytes(path, dumps_shard(shard).encode("utf-8"))


def _scan(root: Path, skipped: set[str] | None = None) -> dict[str, dict[str, dict]]:
    """Every shard as the documents say. A document that cannot be read is an InputError
    naming it (a rebuild), or, given ``skipped``, added to it (a check: ``validate`` names
    the document, and its index entries are not judged)."""
    shards: dict[str, dict[str, dict]] = {}
    for doc_id in doc_ids(root):
        try:
            e = entry_of(root, doc_id)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if skipped is None:
                raise InputError(
                    f"{doc_path(root, doc_id)}: cannot be read ({type(exc).__name__}: {exc}); "
                    "the index is made from the documents: repair or remove it first"
                ) from None
            skipped.add(doc_id)
            continue
        if e is None:  # gone since it was listed
            continue
        shards.setdefault(_doc_shard(doc_id), _empty())["docs"][doc_id] = {
            "raw_sha256": e.raw_sha256,
            "source_file": e.source_file,
        }
        digests = shards.setdefault(e.raw_sha256[:2], _empty())["digests"]
        digests.setdefault(e.raw_sha256, []).append(doc_id)  # doc_ids come sorted
    return shards


def rebuild(root: str | Path) -> int:
    """Write the index anew from the documents; returns the number of documents. A new
    folder is written beside it and swapped in (a crash leaves the old one, or none, which
    the next ``Index.open`` rebuilds)."""
    root = Path(root)
    shards = _scan(root)
    final = index_dir(root)
    tmp, old = final.with_name(".index.new"), final.with_name(".index.old")
    for d in (tmp, old):
        shutil.rmtree(d, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, shard in sorted(shards.items()):
        _write_shard(tmp / f"{name}.json", shard)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return sum(len(s["docs"]) for s in shards.values())


def check(root: str | Path) -> list[Problem]:
    """Every way the index disagrees with the documents (empty: it agrees)."""
    root = Path(root)
    d = index_dir(root)
    rel = str(d.relative_to(root))
    if not d.exists():
        return (
            [Problem("index-missing", "error", rel, "no ingest index", field=None)]
            if doc_ids(root)
            else []
        )
    out: list[Problem] = []
    if (d / JOURNAL).exists():
        out.append(
            Problem(
                "index-journal",
                "warning",
                f"{rel}/{JOURNAL}",
                "an interrupted run left "
                "its journal; the next ingest or `claimcorpus index --rebuild` finishes it",
            )
        )
    skipped: set[str] = set()
    want = _scan(root, skipped)
    names = sorted({*want, *(p.stem for p in d.glob("*.json"))})
    for name in names:
        try:
            have = read_whole(d / f"{name}.json")
        except CorruptIndex as exc:
            out.append(Problem("index-unreadable", "error", f"{rel}/{name}.json", str(exc)))
            continue
        out += _compare(f"{rel}/{name}.json", have, want.get(name, _empty()), skipped)
    return out


def _compare(
    file: str, have: dict[str, dict], want: dict[str, dict], skipped: set[str]
) -> list[Problem]:
    out = []
    for part in ("docs", "digests"):
        for key in sorted({*have[part], *want[part]}):
            h, w = have[part].get(key), want[part].get(key)
            if part == "docs" and key in skipped:
                continue
            if part == "digests" and h is not None:
                h = [d for d in h if d not in skipped] or None
            if h != w:
                msg = f"{part}[{key!r}] is {_short(h)}, the documents say {_short(w)}"
                doc = key if part == "docs" else None
                out.append(Problem("index-mismatch", "error", file, msg, doc, field=part))
    return out


def _short(v: Any) -> str:
    return "absent" if v is None else json.dumps(v, sort_keys=True)
