"""The release build as steps, run in order over one ``BuildState``.

Each step declares what it reads and writes (state fields and release files) and returns a
report of its counts; ``build_summary.json`` is the union of the reports of the steps that
say ``summary=True``, so no number in it is assembled by hand. The two passes over the
documents (``check_and_group``, ``write_rows``) stream them, and gold records are read one at
a time in each (``core/layers.LazyLayer``), so memory grows with neither the article text nor
the annotations.

=================  ==========================================  =================================
step               reads                                       writes
=================  ==========================================  =================================
read               scheme, gold ids, clusters, source ids      state: scheme, gold, clusters
check_and_group    source (pass 1), gold                       state: story_of, edges, problems
split              story_of, outlet_of, previous splits        state: manifest
write_rows         source (pass 2), gold, manifest             data/<config>/<split>-*.parquet
write_summary      the reports above, manifest                 splits.json, build_summary.json
card               summary, manifest, card sections            README.md, croissant.json
checksums          every file written                          SHA256SUMS
=================  ==========================================  =================================
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_json
from claimcorpus.core.problems import InputError, Problem, has_errors
from claimcorpus.core.scheme import CONFIGS, Scheme, features, load_scheme
from claimcorpus.release import rows, splits
from claimcorpus.release.card import write_card
from claimcorpus.release.checksums import write_checksums
from claimcorpus.release.croissant import write_croissant
from claimcorpus.release.fixed import card_meta, fixed_manifest
from claimcorpus.release.sources import CorpusSource, EngineSource
from claimcorpus.release.tokens import TokenWriter
from claimcorpus.release.writer import SplitWriter
from claimcorpus.stories import components

# a card section: given the release folder written so far and whether it is the project's own
# corpus (else another corpus brought into the scheme), the Markdown to append to its card
CardSection = Callable[[Path, bool], str]


@dataclass
class BuildState:
    """What the steps share: the inputs, then each step's results."""

    root: Path
    version: str
    out: Path
    source: CorpusSource | EngineSource
    previous: dict[str, list[str]] | None = None
    card_sections: Sequence[CardSection] = ()
    scheme: Scheme | None = None
    gold: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)
    outlet_of: dict[str, str | None] = field(default_factory=dict)
    excluded_by_rule: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)  # of gold spans, counted in pass 1
    stances: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    story_of: dict[str, str] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[[BuildState], dict[str, Any]]
    summary: bool = False  # does its report go into build_summary.json?


def read(state: BuildState) -> dict[str, Any]:
    """Load scheme and clusters, list the gold records (each is read when a pass needs it);
    refuse an input with no document."""
    state.scheme = load_scheme(state.root)
    state.gold = ann.open_layer(state.root, "gold")
    state.clusters = ann.load_clusters(state.root)
    if not state.source.ids:
        if isinstance(state.source, CorpusSource):
            raise InputError(
                f"{state.root / 'corpus'}: no documents; run `claimcorpus ingest` first"
            )
        raise InputError("--input: no record could be normalized; nothing to release")
    report: dict[str, Any] = {
        "version": state.version,
        "scheme_version": state.scheme.version,
        "documents": len(state.source.ids),
        "annotated_documents": len(state.gold),
    }
    if state.source.excluded:  # only engine input has records that failed normalization
        kinds = Counter(r["kind"] for r in state.source.excluded)
        report["input_exclusions"] = dict(sorted(kinds.items()))
        report["input_excluded_records"] = state.source.excluded
    return report


def _check_gold(state: BuildState, doc: dict[str, Any]) -> None:
    d = doc["doc_id"]
    state.outlet_of[d] = doc.get("outlet")
    state.excluded_by_rule.update(e["rule"] for e in doc["exclusions"])
    if d in state.gold:
        gold = state.gold[d]
        state.labels.update(s["label"] for s in gold["spans"])
        if state.scheme.has("stance"):  # a record of a scheme without it may lack the key
            state.stances.update(a["stance"] for a in gold["attributions"])
        state.problems.extend(
            ann.check_record(
                gold,
                doc["text"],
                state.scheme,
                file=f"annotations/gold/{d}.json",
                paragraphs=[(p["start"], p["end"]) for p in doc["paragraphs"]],
                clusters=state.clusters,
                text_sha256=doc["text_sha256"],
            )
        )


def check_and_group(state: BuildState) -> dict[str, Any]:
    """Pass 1: check each gold record against its document and group stories, in one scan."""
    ids = state.source.ids
    with tqdm(total=len(ids), unit="doc", desc="pass 1: check, group", disable=None) as bar:

        def visit(doc: dict[str, Any]) -> None:
            _check_gold(state, doc)
            bar.update()

        state.story_of, state.edges = state.source.scan(visit)
    orphans = sorted(set(state.gold) - set(ids))
    if orphans:
        raise InputError(
            f"annotations/gold: records for documents not in the build's input {orphans}"
        )
    if has_errors(state.problems):
        errors = "\n".join(str(p) for p in state.problems if p.level == "error")
        raise InputError(f"gold annotations have errors:\n{errors}")
    return {
        "labels": dict(sorted(state.labels.items())),
        "stances": dict(sorted(state.stances.items())) if state.scheme.has("stance") else {},
        "exclusions_by_rule": dict(sorted(state.excluded_by_rule.items())),
        "stories": dict(sorted(Counter(state.story_of.values()).items())),
        "story_edges": components.joins(state.edges),
        "warnings": [str(p) for p in state.problems],
    }


def split(state: BuildState) -> dict[str, Any]:
    """Parts, folds and views: a corpus's own fixed splits (``release.fixed``: PolNeAR's
    compartments, a part may be absent), else computed ones where released documents keep
    their part (``splits.make_splits``)."""
    fixed = fixed_manifest(state.root, state.story_of)
    if fixed is not None:
        state.manifest = fixed
        return {}
    state.manifest = splits.make_splits(
        state.story_of, state.outlet_of, previous=state.previous, edges=state.edges
    )
    empty = splits.empty_parts_error(state.manifest, state.story_of)
    if empty:
        raise InputError(f"cannot split the build's documents: {empty}")
    report = splits.split_report(state.manifest, state.story_of)
    # only when there is something to look at (a quiet build's summary is unchanged)
    return {"split_report": report} if report else {}


def _data_file(out: Path, config: str, part: str) -> Path:
    return out / "data" / config / f"{part}-00000-of-00001.parquet"


def write_rows(state: BuildState) -> dict[str, Any]:
    """Pass 2: one Parquet file per config and standard split, in doc_id order."""
    scheme, gold, out = state.scheme, state.gold, state.out
    target = scheme.target["statement"]
    counts: dict[str, dict[str, int]] = {c: {} for c in CONFIGS}
    nbytes: dict[str, dict[str, int]] = {c: {} for c in CONFIGS}
    for part in splits.STANDARD:
        ids = state.manifest["splits"][part]
        writers = {
            c: SplitWriter(_data_file(out, c, part), features(scheme, c))
            for c in CONFIGS
            if c != "tokens"
        }
        tokens = TokenWriter(
            _data_file(out, "tokens", part), features(scheme, "tokens"), scheme.span_labels
        )
        docs = state.source.documents(ids)
        for doc in tqdm(docs, total=len(ids), unit="doc", desc=f"pass 2: {part}", disable=None):
            d, g = doc["doc_id"], gold.get(doc["doc_id"])
            story = state.story_of[d]
            writers["documents"].add([rows.document_row(doc, story, g)])
            if g is not None:
                writers["claims"].add(rows.claim_rows(doc, story, g, state.clusters, target))
                tokens.add_document(doc, g)
        for config, w in (*writers.items(), ("tokens", tokens)):
            w.close()
            counts[config][part] = w.rows
            nbytes[config][part] = w.nbytes
    return {"rows": counts, "arrow_bytes": nbytes}


def write_summary(state: BuildState) -> dict[str, Any]:
    """``build_summary.json`` from the reports of the summary steps; ``splits.json``."""
    summary: dict[str, Any] = {}
    for step in STEPS:
        if step.summary and step.name in state.reports:
            report = state.reports[step.name]
            twice = set(summary) & set(report)
            if twice:  # a programming error: two steps would claim one summary field
                raise RuntimeError(f"build step {step.name} reports {sorted(twice)} again")
            summary.update(report)
    state.summary = summary
    atomic_write_json(state.out / "splits.json", {**state.manifest, "story_of": state.story_of})
    atomic_write_json(state.out / "build_summary.json", summary)
    return {"files": 2}


def card(state: BuildState) -> dict[str, Any]:
    """The dataset card (then each card section, computed on the release as written so far),
    a corpus's own datasheet when it has one, and the Croissant description."""
    args = (state.root, state.out, state.version, state.scheme, state.summary, state.manifest)
    meta = card_meta(state.root)
    own = not meta and not state.manifest.get("fixed")  # the project's corpus, or another's
    write_card(*args)
    if state.card_sections:
        extra = "".join(section(state.out, own) for section in state.card_sections)
        write_card(*args, extra=extra)
    if meta.get("datasheet"):  # a corpus's own datasheet travels with its release
        shutil.copyfile(state.root / meta["datasheet"], state.out / "DATASHEET.md")
    write_croissant(state.out, state.version, state.scheme, state.summary, meta=meta)
    return {"sections": len(state.card_sections), "datasheet": bool(meta.get("datasheet"))}


def checksums(state: BuildState) -> dict[str, Any]:
    return {"files": write_checksums(state.out)}


STEPS: tuple[Step, ...] = (
    Step(
        "read",
        ("schema/scheme.yaml", "annotations/gold", "source ids"),
        ("scheme", "gold"),
        read,
        True,
    ),
    Step(
        "check_and_group",
        ("source", "gold"),
        ("story_of", "edges", "problems"),
        check_and_group,
        True,
    ),
    Step("split", ("story_of", "outlet_of", "previous"), ("manifest",), split, True),
    Step("write_rows", ("source", "gold", "manifest"), ("data/",), write_rows, True),
    Step(
        "write_summary",
        ("reports", "manifest"),
        ("splits.json", "build_summary.json"),
        write_summary,
    ),
    Step("card", ("summary", "manifest"), ("README.md", "croissant.json"), card),
    Step("checksums", ("release files",), ("SHA256SUMS",), checksums),
)


def run_steps(state: BuildState, steps: Sequence[Step] = STEPS) -> dict[str, Any]:
    """Run ``steps`` in order; return the build summary."""
    for step in steps:
        state.reports[step.name] = step.run(state)
    return state.summary
