"""The numbers of ``claimcorpus stats``, counted in one pass over the documents.

Why a pass and not lists: a release is streamed a batch at a time (``stats.release_documents``),
so nothing here may hold the documents; only per-span lengths are kept (medians need them).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from claimcorpus.core.scheme import Scheme
from claimcorpus.release.rows import TOKEN


def _ordered(counts: Counter, declared: list[str] | None) -> dict[str, int]:
    """Declared names first in scheme order (zeros kept), then any others sorted."""
    names = list(declared or []) + sorted(set(counts) - set(declared or []))
    return {n: counts[n] for n in names}


@dataclass
class Tally:
    """What the summary needs of the documents, gathered one document at a time, so a
    release is streamed rather than held (per-span lengths stay: medians need them)."""

    documents: int = 0
    annotated: int = 0
    paragraphs: int = 0
    sentences: int = 0
    tokens: int = 0
    characters: int = 0
    labels: Counter = field(default_factory=Counter)
    lengths: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    stances: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    by_type: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    topic: Counter = field(default_factory=Counter)
    cluster_docs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cluster_claims: Counter = field(default_factory=Counter)
    unclustered: int = 0
    story_of: dict[str, str] = field(default_factory=dict)
    story_claims: Counter = field(default_factory=Counter)

    def add(self, d: Mapping[str, Any]) -> None:
        """Count one document (release-row shape, label names)."""
        spans, atts = d.get("spans") or [], d.get("attributions") or []
        self.documents += 1
        self.annotated += bool(d.get("annotated", d.get("spans")))
        self.paragraphs += len(d["paragraphs"])
        self.sentences += len(d["sentences"])
        self.characters += len(d["text"])
        self.tokens += sum(
            sum(1 for _ in TOKEN.finditer(d["text"], p["start"], p["end"])) for p in d["paragraphs"]
        )
        story = self.story_of[d["doc_id"]] = d.get("story_id") or d["doc_id"]
        for s in spans:
            self.labels[s["label"]] += 1
            self.lengths[s["label"]].append(s["end"] - s["start"])
            if s["label"] != "CLAIM":
                continue
            self.story_claims[story] += 1
            self.topic[s.get("topic_stance") or "(none)"] += 1
            if s.get("cluster"):
                self.cluster_docs[s["cluster"]].add(d["doc_id"])
                self.cluster_claims[s["cluster"]] += 1
            else:
                self.unclustered += 1
        for a in atts:
            self.stances[a["stance"]] += 1
            self.types[a["source_type"]] += 1
            self.by_type[a["source_type"]][a["stance"]] += 1


def compute_stats(
    documents: Iterable[Mapping[str, Any]],
    exclusions_by_rule: dict[str, int],
    scheme: Scheme | None = None,
) -> dict[str, Any]:
    """Every number of the summary, from documents in release-row shape (label names), read
    once in any order (a list, or a release streamed by ``release_documents``)."""
    sc, t = scheme, Tally()
    for d in documents:
        t.add(d)
    labels = _ordered(t.labels, sc and sc.span_labels)
    types = _ordered(t.types, sc and sc.source_types)
    stories = sorted(set(t.story_of.values()))
    return {
        "documents": t.documents,
        "annotated_documents": t.annotated,
        "paragraphs": t.paragraphs,
        "sentences": t.sentences,
        "tokens": t.tokens,
        "characters": t.characters,
        "spans": sum(t.labels.values()),
        "attributions": sum(t.stances.values()),
        "spans_per_label": labels,
        "attributions_per_stance": _ordered(t.stances, sc and sc.stances),
        "attributions_per_source_type": types,
        "stance_by_source_type": {k: _ordered(t.by_type[k], sc and sc.stances) for k in types},
        "claims_per_topic_stance": _ordered(t.topic, sc and sc.topic_stances),
        "clusters": {
            "count": len(t.cluster_docs),
            "claims_without_cluster": t.unclustered,
            "documents_per_cluster": {c: len(t.cluster_docs[c]) for c in sorted(t.cluster_docs)},
            "claims_per_cluster": dict(sorted(t.cluster_claims.items())),
        },
        "documents_per_story": dict(sorted(Counter(t.story_of.values()).items())),
        "claims_per_story": {s: t.story_claims[s] for s in stories},
        "span_length_chars": {lab: _summary(t.lengths[lab]) for lab in labels},
        "span_length_histogram": _histogram({lab: t.lengths[lab] for lab in labels}),
        "boilerplate_lines_removed": dict(sorted(exclusions_by_rule.items())),
    }


def _summary(values: list[int]) -> dict[str, float | int]:
    if not values:
        return {"mean": 0.0, "median": 0.0, "max": 0}
    mean, median = round(statistics.fmean(values), 1), float(statistics.median(values))
    return {"mean": mean, "median": median, "max": max(values)}


def _histogram(lengths: dict[str, list[int]]) -> dict[str, Any]:
    """Counts in shared bins of a multiple of 5 chars, about 25 bins; the last is closed."""
    longest = max((n for v in lengths.values() for n in v), default=0)
    width = max(5, 5 * math.ceil(longest / 25 / 5))
    bins = max(1, math.ceil(longest / width))
    counts = {lab: Counter(min(n // width, bins - 1) for n in v) for lab, v in lengths.items()}
    return {
        "bin_width": width,
        "counts": {k: [c[i] for i in range(bins)] for k, c in counts.items()},
    }
