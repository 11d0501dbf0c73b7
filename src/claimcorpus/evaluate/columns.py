"""Columnar span tables: the scorer works on arrays, never on per-span Python objects.

Converting dicts to arrays costs more than scoring them, so callers that already hold
arrays (benchmarks, model outputs) build a :class:`SpanColumns` directly and skip
:func:`spans_from_documents`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimcorpus.evaluate.labels import SPAN_LABELS


@dataclass(frozen=True)
class SpanColumns:
    """Spans of many documents as parallel int64 arrays.

    ``doc`` is the document index (0 .. n_docs-1), ``start``/``end`` half-open code-point
    offsets, ``label`` an index into the label tuple the scorer is given. Rows must be grouped
    by document in ascending ``doc`` order; the order of rows inside a document is the list
    order nervaluate would see (its greedy matching depends on it).
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    n_docs: int

    @classmethod
    def build(
        cls,
        doc: Any,
        start: Any,
        end: Any,
        label: Any,
        n_docs: int | None = None,
    ) -> SpanColumns:
        """Validate and, when rows are not grouped by document, stably group them."""
        arrays = [np.ascontiguousarray(a, dtype=np.int64) for a in (doc, start, end, label)]
        d, s, e, lab = arrays
        if not (len(d) == len(s) == len(e) == len(lab)):
            raise ValueError("doc, start, end and label must have the same length")
        if len(d) and np.any(d[1:] < d[:-1]):
            order = np.argsort(d, kind="stable")
            d, s, e, lab = d[order], s[order], e[order], lab[order]
        if n_docs is None:
            n_docs = int(d[-1]) + 1 if len(d) else 0
        if len(d) and (d[0] < 0 or d[-1] >= n_docs):
            raise ValueError("doc index out of range")
        if len(d) and np.any(s >= e):
            raise ValueError("every span needs start < end")
        return cls(d, s, e, lab, int(n_docs))

    @classmethod
    def empty(cls, n_docs: int) -> SpanColumns:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, n_docs)

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, rows: np.ndarray) -> SpanColumns:
        """Subset of rows (a boolean mask or sorted indices keeps the grouping)."""
        return SpanColumns(
            self.doc[rows], self.start[rows], self.end[rows], self.label[rows], self.n_docs
        )

    def canonical(self) -> SpanColumns:
        """Rows sorted by (doc, start, end, label): scores stop depending on file order."""
        order = np.lexsort((self.label, self.end, self.start, self.doc))
        return self.take(order)


def spans_from_documents(
    docs: Sequence[Mapping[str, Any]],
    doc_index: Mapping[str, int],
    labels: Sequence[str] = SPAN_LABELS,
) -> SpanColumns:
    """Columns for the spans of document records, in canonical order.

    ``doc_index`` maps doc_id to row index, so gold and predictions share document numbers
    even when predictions skip documents. Labels outside ``labels`` raise ``KeyError``.
    """
    code = {name: i for i, name in enumerate(labels)}
    per_doc = [(doc_index[r["doc_id"]], r.get("spans") or ()) for r in docs]
    spans = [s for _, doc_spans in per_doc for s in doc_spans]
    doc = np.repeat(
        np.array([i for i, _ in per_doc], dtype=np.int64),
        np.array([len(doc_spans) for _, doc_spans in per_doc], dtype=np.int64),
    )
    return SpanColumns.build(
        doc,
        [s["start"] for s in spans],
        [s["end"] for s in spans],
        [code[s["label"]] for s in spans],
        n_docs=len(doc_index),
    ).canonical()
