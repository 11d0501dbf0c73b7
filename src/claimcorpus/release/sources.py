"""Where a build's documents come from: the project's ``corpus/`` or an engine's output.

A release is written in one place (``release.build_into``) whatever produced the documents.
Both sources hand it the same things, so the release bytes do not depend on the path taken:

* ``ids``: every normalized doc_id, sorted;
* ``scan(visit)``: pass 1, calls ``visit(doc)`` once per document and returns
  ``(story_of, edges)`` from ``stories.components``;
* ``documents(ids)``: pass 2, the documents of ``ids`` (sorted) as dicts shaped like
  ``corpus.load_document`` (metadata, normalized text, spans of paragraphs and sentences,
  offset map, exclusions);
* ``excluded``: input records that could not be normalized, with their reason (engine
  input only: ``claimcorpus ingest`` refuses such files before they reach ``corpus/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from claimcorpus.engines.output import read_edges
from claimcorpus.ingest.store import doc_ids, load_document
from claimcorpus.stories import components

Visit = Callable[[dict[str, Any]], None]
# the engine output columns a document dict is made of (signatures and notices stay behind)
DOC_COLUMNS = (
    "doc_id",
    "source_file",
    "story",
    "raw_sha256",
    "normalizer_version",
    "text",
    "text_sha256",
    "title",
    "outlet",
    "published",
    "url",
    "language",
    "licence",
    "paragraphs",
    "sentences",
    "offset_map",
    "exclusions",
)
# what pass 1 looks at (exclusion rules, outlet; text and paragraphs for the gold checks)
SCAN_COLUMNS = ("doc_id", "story", "text", "text_sha256", "outlet", "paragraphs", "exclusions")
CHUNK = 1000  # rows turned into Python objects at a time


class CorpusSource:
    """The documents of ``root/corpus`` (one JSON record set per document)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.ids = doc_ids(self.root)
        self.excluded: list[dict[str, Any]] = []

    def scan(self, visit: Visit) -> tuple[dict[str, str], list[dict]]:
        def docs():
            for d in self.ids:
                doc = load_document(self.root, d)
                visit(doc)
                yield d, doc["text"], doc.get("story"), doc.get("published")

        return components.group_stories(docs())

    def documents(self, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
        for d in ids:
            yield load_document(self.root, d)


class EngineSource:
    """An engine output folder (``claimcorpus.engines``): documents/*.parquet in any order,
    stories.parquet and edges.parquet; story grouping was done by the engine."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.dataset = pads.dataset(self.out / "documents", format="parquet")
        index = self.dataset.to_table(columns=["doc_id", "source_file", "error_kind", "error"])
        failed = pc.is_valid(index.column("error_kind"))
        self.ids = sorted(index.filter(pc.invert(failed)).column("doc_id").to_pylist())
        bad = index.filter(failed).to_pylist()
        self.excluded = sorted(
            (
                {
                    "doc_id": r["doc_id"],
                    "source_file": r["source_file"],
                    "kind": r["error_kind"],
                    "error": r["error"],
                }
                for r in bad
            ),
            key=lambda r: (r["doc_id"] or "", r["source_file"] or ""),
        )

    def _rows(
        self, ids: Sequence[str] | None, columns: Sequence[str] = DOC_COLUMNS
    ) -> Iterator[dict[str, Any]]:
        """Normalized rows (of ``ids`` when given) sorted by doc_id, CHUNK at a time.

        Only the selected rows' Arrow columns are held, never Python objects for all."""
        ok = pc.field("error_kind").is_null()
        if ids is not None:
            ok = ok & pc.field("doc_id").isin(pa.array(list(ids), pa.string()))
        table = self.dataset.to_table(columns=list(columns), filter=ok).sort_by("doc_id")
        for i in range(0, table.num_rows, CHUNK):
            yield from table.slice(i, CHUNK).to_pylist()

    def scan(self, visit: Visit) -> tuple[dict[str, str], list[dict]]:
        for doc in self._rows(None, SCAN_COLUMNS):
            visit(doc)
        stories = pq.read_table(self.out / "stories.parquet").to_pydict()
        story_of = dict(zip(stories["doc_id"], stories["story_id"], strict=True))
        return {d: story_of[d] for d in self.ids}, read_edges(self.out)

    def documents(self, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
        want = list(ids)
        if want != sorted(want):
            raise ValueError("EngineSource.documents: ids must be sorted")
        got = self._rows(want)
        for d in want:
            doc = next(got)
            if doc["doc_id"] != d:
                raise ValueError(f"engine output: expected document {d!r}, found {doc['doc_id']!r}")
            yield doc
