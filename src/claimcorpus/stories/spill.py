"""Same-event keys spilled to disk by key range while articles stream in.

Why: at 100k articles the keys are some 20 million rows (13 bytes each: key, row number,
kind), and most keys are held by one article only, so they never make a block. Held in
memory until the end they were the grouping's largest array. Here each batch's rows go to
``PARTS`` files by the key's top bits (a key lands in one file, so a file's blocks are
whole), and ``blocks`` reads one file at a time and keeps only the members of blocks of
2..limit articles (``evidence.Blocks.of``): the blocks are those of all rows at once,
byte for byte, since candidates are counted per pair code whatever the order of blocks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from claimcorpus.stories.evidence import Blocks, blocks_of
from claimcorpus.stories.features import KEY_KINDS, Features
from claimcorpus.stories.rules import EVENT_RULES, SameEvent

PARTS = 16  # key ranges: one range's rows are read back at a time
_SHIFT = np.uint64(60)  # top 4 bits of a 64-bit key: PARTS ranges


class KeySpill:
    """Rows of ``Features`` batches appended to ``folder``, one set of files per key range."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.rows = 0

    def _path(self, part: int, column: str) -> Path:
        return self.folder / f"keys-{part:02d}.{column}"

    def add(self, feats: Features, offset: int) -> None:
        """Append a batch's rows, their row numbers shifted by ``offset``."""
        part = (feats.key >> _SHIFT).astype(np.int64)
        order = np.argsort(part, kind="stable")
        cuts = np.searchsorted(part[order], np.arange(PARTS + 1))
        doc = feats.doc.astype(np.int32) + np.int32(offset)
        for p in range(PARTS):
            at = order[cuts[p] : cuts[p + 1]]
            if len(at):
                for column, values in (("key", feats.key), ("doc", doc), ("kind", feats.kind)):
                    with self._path(p, column).open("ab") as f:
                        values[at].tofile(f)
        self.rows += len(feats.key)

    def blocks(self, n_docs: int, rules: SameEvent = EVENT_RULES) -> list[Blocks]:
        """Each kind's blocks over every row added, one key range in memory at a time."""
        per_kind: list[list[Blocks]] = [[] for _ in KEY_KINDS]
        for p in range(PARTS):
            if not self._path(p, "key").exists():
                continue
            key = np.fromfile(self._path(p, "key"), np.uint64)
            doc = np.fromfile(self._path(p, "doc"), np.int32)
            kind = np.fromfile(self._path(p, "kind"), np.int8)
            for k, b in enumerate(blocks_of(key, doc, kind, n_docs, rules)):
                per_kind[k].append(b)
            del key, doc, kind
            for column in ("key", "doc", "kind"):
                self._path(p, column).unlink()
        return [Blocks.concat(parts) for parts in per_kind]
