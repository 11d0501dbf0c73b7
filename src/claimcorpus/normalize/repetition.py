"""Lines that recur across one site's documents: menus, footers, pleas, "related" blocks.

The CCNet / Dolma line-deduplication idea, kept per site (an outlet, or the URL's host) so
that one outlet's template does not decide about another's text. ``SiteLines`` counts, in
one streaming pass, in how many documents of each site every line occurs; it keeps 8-byte
line hashes in NumPy arrays (16 bytes per distinct line of a document), so a 100k-article
crawl costs tens of MB. ``repeated()`` then gives, per site, the hashes of the lines that
are boilerplate by repetition:

* a line that is not prose (a menu item, a heading, a credit) in ``MIN_DOCS`` or more of
  the site's documents;
* a line of prose (a sentence) in ``MIN_DOCS`` or more documents and in at least
  ``PROSE_MIN_SHARE`` of them: an outlet's donation plea is in every article, while a
  background paragraph reused by a few follow-up stories is text, and stays.

Digits count as one digit ("© 2024" and "© 2025" are one line) and case does not count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np

from claimcorpus.normalize import linequality as lq

MIN_DOCS = 3  # a line must be in at least this many documents of a site
PROSE_MIN_SHARE = 0.5  # ... and a sentence in at least this share of them
MIN_SITE_DOCS = 3  # a site with fewer documents has no repetition evidence

_DIGITS = re.compile(r"\d+")
LEAD = " \t\u00a0•·▪►◦*|>»›–—-"  # bullets and arrows before a line's words
TRAIL = " \t\u00a0|:•·»›–—-"  # separators after them


def line_key(line: str) -> str:
    """What two lines must share to count as the same line."""
    text = line.lstrip(LEAD).rstrip(TRAIL)
    if lq.has_digit(text):  # most lines hold none: the substitution is skipped
        text = _DIGITS.sub("0", text)
    return " ".join(text.split()).casefold()


def line_hash(line: str) -> int:
    """A signed 64-bit hash of ``line_key(line)`` (fits an int64 array)."""
    return key_hash(line_key(line))


def key_hash(key: str) -> int:
    """``line_hash`` of a line whose ``line_key`` is ``key`` (a caller that has the key)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class SiteLines:
    """Per-site document counts of every line, filled one document at a time."""

    def __init__(self) -> None:
        self._chunks: dict[str, list[np.ndarray]] = {}
        self._prose: dict[str, list[np.ndarray]] = {}
        self._texts: set[int] = set()  # (site, lines) hashes already counted
        self.docs: dict[str, int] = {}

    def add(self, site: str | None, lines: Iterable[str]) -> None:
        """Count one document's stripped, non-empty lines (each line once per document).

        A second copy of a document (the same lines again: a re-crawl, a syndicated copy)
        is not counted, or a page fetched three times would look like all template.
        """
        if not site:
            return
        seen: dict[int, bool] = {}
        for line in lines:
            if line:
                seen.setdefault(line_hash(line), lq.info(line).prose)
        text = hash((site, tuple(seen)))
        if text in self._texts:
            return
        self._texts.add(text)
        self.docs[site] = self.docs.get(site, 0) + 1
        if seen:
            self._chunks.setdefault(site, []).append(np.fromiter(seen, np.int64, len(seen)))
            self._prose.setdefault(site, []).append(np.fromiter(seen.values(), np.bool_, len(seen)))

    def repeated(self) -> dict[str, frozenset[int]]:
        """Per site, the hashes of the lines that are boilerplate by repetition."""
        out: dict[str, frozenset[int]] = {}
        for site, chunks in self._chunks.items():
            n = self.docs[site]
            if n < MIN_SITE_DOCS:
                continue
            hashes = np.concatenate(chunks)
            prose = np.concatenate(self._prose[site])
            uniq, first, counts = np.unique(hashes, return_index=True, return_counts=True)
            need = np.where(prose[first], max(MIN_DOCS, PROSE_MIN_SHARE * n), MIN_DOCS)
            picked = uniq[counts >= need]
            if len(picked):
                out[site] = frozenset(int(h) for h in picked)
        return out
