"""Import a folder of brat ``.txt`` + ``.ann`` pairs: all of it, or nothing.

Files pair by name: ``<doc>.ann`` is the document's gold; ``<doc>_<annotator>.ann`` is that
annotator's raw layer (``annotations/raw/<annotator>/``), the document being the longest
``.txt`` stem the name starts with. With ``single_as_gold`` a document whose only file is one
annotator's becomes gold (annotator kept); with ``adjudicate`` a document with several
annotator files and no gold gets gold by the project's majority policy
(``annotate.vote.merge``: an item needs ⌊n/2⌋+1 identical votes) and a log in
``annotations/adjudication/``.

Every problem of every file (bad line, offsets, stored text, unknown type, missing
reference, a ``.ann`` without its ``.txt``, a fragment with no exact place in the normalized
text, a record the scheme refuses) is collected first. With any error nothing is written,
unless ``skip_invalid``: then each ``.ann`` with an error is left out and listed, and the
rest is written. A document without any valid annotation file is not added.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcorpus.annotate.adjudicate import ADJUDICATION
from claimcorpus.annotate.adjudication_io import LOG_DIR
from claimcorpus.annotate.vote import merge, threshold
from claimcorpus.core.io import atomic_write_json, read_json
from claimcorpus.core.layers import canonical, check_record, layer_dir
from claimcorpus.core.problems import InputError, Problem, has_errors
from claimcorpus.core.scheme import Scheme
from claimcorpus.corpora import documents
from claimcorpus.corpora.brat import parse_ann
from claimcorpus.corpora.brat_records import BratMap, to_record
from claimcorpus.corpora.textmap import TextMap
from claimcorpus.ingest.index import Index

IMPORT_LOG_DIR = Path("annotations") / "import"


@dataclass
class Plan:
    """What an import would write, and why it would not."""

    documents: dict[str, documents.NewDocument] = field(default_factory=dict)
    layers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (layer, doc)
    logs: dict[str, dict[str, Any]] = field(default_factory=dict)  # adjudication logs by doc
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def pair_files(text_dir: Path, ann_dir: Path) -> tuple[dict[str, list[Path]], list[Problem]]:
    """``.txt`` path -> its ``.ann`` files; an ``.ann`` whose ``.txt`` is missing is a problem."""
    texts = {p.stem: p for p in sorted(text_dir.glob("*.txt"))}
    pairs: dict[str, list[Path]] = {str(p): [] for p in texts.values()}
    problems = []
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        doc = stem if stem in texts else None
        if doc is None:
            cands = [t for t in texts if stem.startswith(t + "_") and len(stem) > len(t) + 1]
            doc = max(cands, key=len) if cands else None
        if doc is None:
            problems.append(
                Problem(
                    "brat-no-text",
                    "error",
                    str(ann),
                    f"no {stem}.txt (nor a prefix of it) in {text_dir}",
                    field="file",
                )
            )
            continue
        pairs[str(texts[doc])].append(ann)
    return pairs, problems


def annotator_of(ann: Path, txt: Path) -> str | None:
    """None for ``<doc>.ann``; the annotator for ``<doc>_<annotator>.ann``."""
    return None if ann.stem == txt.stem else ann.stem[len(txt.stem) + 1 :]


def conform(record: dict[str, Any], scheme: Scheme) -> dict[str, Any]:
    """The record without keys for fields the scheme lacks (merge writes them all)."""
    drop = set(scheme.lacks()) | ({"anonymous_source"} if not scheme.has("source_type") else set())
    return {
        **record,
        "spans": [{k: v for k, v in s.items() if k not in drop} for s in record["spans"]],
        "attributions": [
            {k: v for k, v in a.items() if k not in drop} for a in record["attributions"]
        ],
    }


def _record(doc: documents.NewDocument, layer: str, annotator: str, spans, atts, scheme) -> dict:
    return {
        "doc_id": doc.doc_id,
        "layer": "gold" if layer == "gold" else "raw",
        "annotator": annotator,
        "scheme_version": scheme.version,
        "text_sha256": doc.norm.text_sha256,
        "spans": spans,
        "attributions": atts,
    }


def read_layer(
    doc: documents.NewDocument,
    ann: Path,
    tmap: TextMap,
    bmap: BratMap,
    scheme: Scheme,
    layer: tuple[str, str],
) -> tuple[dict[str, Any] | None, list[Problem], Counter[str]]:
    """One ``.ann`` as a checked record for ``layer`` ((layer, annotator)); None on errors."""
    try:
        content = ann.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem("brat-encoding", "error", str(ann), f"not UTF-8: {exc}")], Counter()
    parsed, problems = parse_ann(content, tmap.text, str(ann))
    spans, atts, more, counts = to_record(parsed, tmap, bmap, scheme, str(ann))
    problems += more
    record = _record(doc, layer[0], layer[1], spans, atts, scheme)
    if not has_errors(problems):
        problems += check_record(
            record,
            doc.norm.text,
            scheme,
            file=str(ann),
            paragraphs=list(doc.norm.paragraphs),
            text_sha256=doc.norm.text_sha256,
        )
    for p in problems:
        counts[f"{p.level} {p.id}"] += 1
    return (None if has_errors(problems) else record), problems, counts


@dataclass(frozen=True)
class Options:
    """How files become layers (see the module docstring)."""

    annotator: str = "brat"  # the annotator named in gold read from <doc>.ann
    single_as_gold: bool = False
    adjudicate: bool = False
    replace: bool = False  # replace layer records that exist with other content
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)  # txt stem -> meta


def _layers_of(txt: Path, anns: list[Path], opts: Options) -> list[tuple[Path, tuple[str, str]]]:
    """Each ``.ann`` with its (layer, annotator)."""
    named = [(a, annotator_of(a, txt)) for a in anns]
    single = opts.single_as_gold and len(named) == 1 and named[0][1] is not None
    out = []
    for ann, who in named:
        if who is None:
            out.append((ann, ("gold", opts.annotator)))
        elif single:
            out.append((ann, ("gold", who)))
        else:
            out.append((ann, (f"raw/{who}", who)))
    return out


def plan_document(
    root: Path,
    txt: Path,
    anns: list[Path],
    bmap: BratMap,
    scheme: Scheme,
    opts: Options,
    plan: Plan,
) -> None:
    """Read one document and its annotation files into ``plan``."""
    try:
        doc = documents.prepare(root, txt, opts.metadata.get(txt.stem))
    except InputError as exc:
        plan.problems.append(Problem("brat-text", "error", str(txt), str(exc), field="file"))
        plan.skipped.append(f"{txt}: {exc}")
        return
    tmap = TextMap(doc.raw, doc.norm, doc.exclusions)
    got: dict[tuple[str, str], dict[str, Any]] = {}
    for ann, layer in _layers_of(txt, anns, opts):
        record, problems, counts = read_layer(doc, ann, tmap, bmap, scheme, layer)
        plan.problems += [Problem(**{**p.to_dict(), "doc_id": doc.doc_id}) for p in problems]
        plan.counts.update(counts)
        if record is None:
            plan.skipped.append(f"{ann}: {sum(p.level == 'error' for p in problems)} error(s)")
        else:
            got[layer] = record
    if anns and not got:
        plan.skipped.append(f"{txt}: no valid annotation file, document not added")
        return
    raw = {who: r for (layer, who), r in got.items() if layer.startswith("raw/")}
    if opts.adjudicate and len(raw) >= 2 and not any(k[0] == "gold" for k in got):
        got[("gold", ADJUDICATION)], plan.logs[doc.doc_id] = adjudicated(doc, raw, scheme)
        plan.counts["documents given gold by adjudication"] += 1
    plan.documents[doc.doc_id] = doc
    for (layer, _), record in got.items():
        plan.layers[(layer, doc.doc_id)] = canonical(record)
    plan.counts["documents"] += 1
    plan.counts[f"annotation files read ({len(anns)} per document)"] += 1


def adjudicated(
    doc: documents.NewDocument, raw: dict[str, dict[str, Any]], scheme: Scheme
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Gold by the majority policy over the raw records, and its log (adjudicate's format).

    ``merge`` compares spans by (label, start, end); a discontinuous span's fragments are
    taken from the voters who produced that span (the commonest variant)."""
    k = threshold(len(raw), "majority", None)
    spans, atts, disputes, notes = merge(raw, k)
    pieces: dict[tuple, Counter] = defaultdict(Counter)
    for r in raw.values():
        for s in r["spans"]:
            frags = tuple((a, b) for a, b in s.get("fragments") or ())
            pieces[(s["label"], s["start"], s["end"])][frags] += 1
    if scheme.has("fragments"):
        for s in spans:
            best = pieces[(s["label"], s["start"], s["end"])].most_common(1)[0][0]
            s["fragments"] = [[a, b] for a, b in best] or None
    record = conform(_record(doc, "gold", ADJUDICATION, spans, atts, scheme), scheme)
    problems = check_record(
        record,
        doc.norm.text,
        scheme,
        file=f"gold/{doc.doc_id}",
        paragraphs=list(doc.norm.paragraphs),
        text_sha256=doc.norm.text_sha256,
    )
    log = {
        "doc_id": doc.doc_id,
        "policy": "majority",
        "threshold": k,
        "annotators": sorted(raw),
        "stale_annotators": [],
        "adjudicator": None,
        "accepted": {"spans": len(spans), "attributions": len(atts)},
        "disputes": disputes,
        "notes": notes,
        "gold_problems": [p.to_dict() for p in problems],
    }
    return record, log


def check_existing(root: Path, plan: Plan, replace: bool) -> None:
    """A layer record that exists with other content is an error unless ``replace``."""
    for (layer, doc_id), record in sorted(plan.layers.items()):
        path = layer_dir(root, layer) / f"{doc_id}.json"
        if path.exists() and read_json(path) != record:
            if replace:
                plan.counts["layer records replaced"] += 1
                continue
            plan.problems.append(
                Problem(
                    "brat-layer-exists",
                    "error",
                    str(path),
                    "exists with other content; pass --replace to replace it",
                    doc_id,
                    field="file",
                )
            )


def plan_import(
    root: Path, text_dir: Path, ann_dir: Path, bmap: BratMap, scheme: Scheme, opts: Options
) -> Plan:
    """Everything the import would do, and every problem, without writing anything."""
    plan = Plan()
    pairs, problems = pair_files(text_dir, ann_dir)
    plan.problems += problems
    plan.skipped += [f"{p.file}: {p.message}" for p in problems]
    for txt, anns in sorted(pairs.items()):
        plan_document(root, Path(txt), anns, bmap, scheme, opts, plan)
    check_existing(root, plan, opts.replace)
    return plan


def commit(root: Path, plan: Plan, name: str, source: str) -> Path:
    """Write a checked plan: documents, layer records, adjudication logs, the import log."""
    index = Index.open(root)
    try:
        for doc in plan.documents.values():
            documents.write(root, doc, index)
    finally:
        index.commit()
    for (layer, doc_id), record in sorted(plan.layers.items()):
        atomic_write_json(layer_dir(root, layer) / f"{doc_id}.json", record)
    for doc_id, log in sorted(plan.logs.items()):
        atomic_write_json(root / LOG_DIR / f"{doc_id}.json", log)
    log_path = root / IMPORT_LOG_DIR / f"{name}.json"
    atomic_write_json(
        log_path,
        {
            "source": source,
            "documents": sorted(plan.documents),
            "layers": dict(
                sorted(Counter(layer.split("/")[0] for layer, _ in plan.layers).items())
            ),
            "counts": dict(sorted(plan.counts.items())),
            "skipped": plan.skipped,
            "warnings": [str(p) for p in plan.problems if p.level == "warning"],
        },
    )
    return log_path
