"""Annotation layers on disk, and the checks every annotation record must pass.

Layout (dolma-style: attributes apart from documents, joined by ``doc_id``)::

    annotations/gold/<doc_id>.json          adjudicated gold, one record per document
    annotations/raw/<project>/<annotator>/<doc_id>.json   a layer per Label Studio project
                                            and annotator (``ls pull``; project.yaml names it)
    annotations/raw/<annotator>/<doc_id>.json   a layer made by hand (or the old pull layout)
    annotations/clusters.yaml               cross-document claim clusters: id -> statement

A record's offsets are half-open code-point offsets into the normalized text whose sha256 it
stores as ``text_sha256``; ``check_record`` proves ``text[start:end] == span.text`` for every
span and enforces the scheme's structural rules. Problem ids are stable (see problems.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from claimcorpus.core.io import atomic_write_json, read_json
from claimcorpus.core.problems import Problem
from claimcorpus.core.scheme import Scheme, annotation_json_schema, load_scheme

ANNOTATIONS_DIR = Path("annotations")
CLUSTERS_PATH = ANNOTATIONS_DIR / "clusters.yaml"
ANONYMOUS_TYPES = {"anonymous_official", "anonymous_other"}
PROJECT_FILE = "project.yaml"  # marks annotations/raw/<project>/ (see labelstudio/layers.py)


def layer_dir(root: str | Path, layer: str) -> Path:
    """``gold``, ``raw/<annotator>`` or ``raw/<project>/<annotator>`` -> its folder."""
    parts = layer.split("/")
    ok = layer == "gold" or (
        parts[0] == "raw" and len(parts) in (2, 3) and all(p not in ("", ".", "..") for p in parts)
    )
    if not ok:
        raise ValueError(
            f"layer must be 'gold', 'raw/<annotator>' or 'raw/<project>/<annotator>', got {layer!r}"
        )
    return Path(root) / ANNOTATIONS_DIR / layer


def list_layers(root: str | Path) -> list[str]:
    """Every raw layer: a folder under raw/ is a layer, unless project.yaml makes it a
    project's folder, whose sub-folders are the layers (records directly in it count too)."""
    raw = Path(root) / ANNOTATIONS_DIR / "raw"
    out: list[str] = []
    for d in sorted(p for p in raw.iterdir() if p.is_dir()) if raw.exists() else []:
        project = (d / PROJECT_FILE).exists()
        if not project or any(d.glob("*.json")):
            out.append(f"raw/{d.name}")
        if project:
            out += [f"raw/{d.name}/{a.name}" for a in sorted(d.iterdir()) if a.is_dir()]
    return out


def resolve_layer(root: str | Path, name: str) -> str:
    """'gold' and 'raw/...' as given; a bare annotator name -> that annotator's one layer."""
    if name == "gold" or name.startswith("raw/"):
        return name
    found = [lay for lay in list_layers(root) if lay.rsplit("/", 1)[1] == name]
    if len(found) > 1:
        raise ValueError(f"{name!r} has layers in several projects, {found}: name one of them")
    return found[0] if found else f"raw/{name}"


def load_layer(root: str | Path, layer: str) -> dict[str, dict[str, Any]]:
    d = layer_dir(root, layer)
    if not d.exists():
        return {}
    return {p.stem: read_json(p) for p in sorted(d.glob("*.json"))}


def write_record(root: str | Path, layer: str, record: dict[str, Any]) -> Path:
    path = layer_dir(root, layer) / f"{record['doc_id']}.json"
    atomic_write_json(path, canonical(record))
    return path


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """Spans sorted by position, attributions by id, so diffs between versions stay small."""
    out = dict(record)
    out["spans"] = sorted(
        record["spans"], key=lambda s: (s["start"], -s["end"], s["label"], s["id"])
    )
    out["attributions"] = sorted(record["attributions"], key=lambda a: a["id"])
    return out


def load_clusters(root: str | Path) -> dict[str, str]:
    path = Path(root) / CLUSTERS_PATH
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


# ----------------------------------------------------------------------------- checks
def check_record(
    record: dict[str, Any],
    text: str,
    scheme: Scheme,
    *,
    file: str = "<record>",
    paragraphs: Iterable[tuple[int, int]] | None = None,
    clusters: dict[str, str] | None = None,
    text_sha256: str | None = None,
) -> list[Problem]:
    """Every problem of one annotation record against its document's normalized text."""
    doc = record.get("doc_id") if isinstance(record, dict) else None
    out: list[Problem] = []

    def err(pid: str, msg: str, rec: str | None = None, field: str | None = None, level="error"):
        out.append(Problem(pid, level, file, msg, doc, rec, field))

    validator = jsonschema.Draft202012Validator(annotation_json_schema(scheme))
    schema_errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
    for e in schema_errors:
        path = "/".join(str(p) for p in e.absolute_path) or "<root>"
        err("annotation-schema", f"{e.message} (at {path})", field=path)
    if schema_errors:
        return out
    if text_sha256 and record["text_sha256"] != text_sha256:
        err(
            "annotation-text-changed",
            "record was made on a different normalized text (text_sha256 differs); make it "
            "again on the current text (`claimcorpus anchor` from its authoring sheet, or "
            "`claimcorpus ls pull` for a raw layer): `claimcorpus normalize` re-anchors only "
            "the records of the texts it changes itself",
            field="text_sha256",
        )
        return out

    spans = record["spans"]
    by_id: dict[str, dict[str, Any]] = {}
    for s in spans:
        sid = s["id"]
        if sid in by_id:
            err("span-duplicate-id", f"span id {sid!r} used twice", sid, "id")
        by_id[sid] = s
        if not (0 <= s["start"] < s["end"] <= len(text)):
            err(
                "span-out-of-range",
                f"[{s['start']}, {s['end']}) not within text of length {len(text)}",
                sid,
                "start",
            )
            continue
        if text[s["start"] : s["end"]] != s["text"]:
            err(
                "span-text-mismatch",
                f"stored text {s['text']!r} != text[{s['start']}:{s['end']}] "
                f"{text[s['start'] : s['end']]!r}",
                sid,
                "text",
            )
        label = s["label"]
        for attr in ("topic_stance", "cluster"):
            if label != "CLAIM" and s.get(attr) is not None:
                err("span-attribute-misplaced", f"{attr} is only for CLAIM spans", sid, attr)
        if label != "SOURCE" and s.get("antecedent") is not None:
            err(
                "span-attribute-misplaced", "antecedent is only for SOURCE spans", sid, "antecedent"
            )
        if label == "CLAIM" and s.get("topic_stance") is None and scheme.has("topic_stance"):
            err("claim-missing-topic-stance", "CLAIM needs a topic_stance", sid, "topic_stance")
        if label == "CLAIM" and s.get("cluster") and clusters is not None:
            if s["cluster"] not in clusters:
                err(
                    "cluster-unknown",
                    f"cluster {s['cluster']!r} not in clusters.yaml",
                    sid,
                    "cluster",
                )
    for s in spans:
        ant = s.get("antecedent")
        if ant is not None and (ant not in by_id or by_id[ant]["label"] != "SOURCE"):
            err(
                "antecedent-missing",
                f"antecedent {ant!r} is not a SOURCE span",
                s["id"],
                "antecedent",
            )
    out.extend(_check_overlaps(spans, file, doc, scheme))
    out.extend(_check_fragments(spans, file, doc))
    if paragraphs is not None and scheme.rules.get("claim_within_paragraph", True):
        bounds = list(paragraphs)
        for s in spans:
            if s["label"] == "CLAIM" and not any(
                a <= s["start"] and s["end"] <= b for a, b in bounds
            ):
                err(
                    "claim-crosses-paragraph",
                    "a CLAIM must lie inside one paragraph",
                    s["id"],
                    "end",
                )
    out.extend(_check_attributions(record, by_id, file, doc, scheme))
    return out


def _check_fragments(spans: list[dict], file: str, doc: str | None) -> list[Problem]:
    """A discontinuous span's fragments: ordered, apart, and spanning exactly [start, end)."""
    out = []
    for s in spans:
        frags = s.get("fragments")
        if not frags:
            continue
        pairs = [(f[0], f[1]) for f in frags]
        ok = all(a < b for a, b in pairs) and all(
            pairs[i][1] < pairs[i + 1][0] for i in range(len(pairs) - 1)
        )
        if not ok or pairs[0][0] != s["start"] or pairs[-1][1] != s["end"]:
            out.append(
                Problem(
                    "span-fragments",
                    "error",
                    file,
                    f"fragments {pairs} must be ordered, apart and run from start {s['start']} "
                    f"to end {s['end']}",
                    doc,
                    s["id"],
                    "fragments",
                )
            )
    return out


def _check_overlaps(spans: list[dict], file: str, doc: str | None, scheme: Scheme) -> list[Problem]:
    """Spans may nest but never cross; the same label on identical offsets is a duplicate."""
    out = []
    ordered = sorted(spans, key=lambda s: (s["start"], -s["end"]))
    open_: list[dict] = []
    for s in ordered:
        open_ = [o for o in open_ if o["end"] > s["start"]]
        for o in open_:
            if s["end"] > o["end"] and not scheme.rules.get("allow_crossing", False):
                out.append(
                    Problem(
                        "span-crossing",
                        "error",
                        file,
                        f"span {s['id']} [{s['start']},{s['end']}) crosses {o['id']} "
                        f"[{o['start']},{o['end']})",
                        doc,
                        s["id"],
                        "start",
                    )
                )
            elif (o["start"], o["end"], o["label"]) == (s["start"], s["end"], s["label"]):
                out.append(
                    Problem(
                        "span-duplicate",
                        "error",
                        file,
                        f"span {s['id']} repeats {o['id']} (same label and offsets)",
                        doc,
                        s["id"],
                    )
                )
        open_.append(s)
    return out


def _check_attributions(
    record: dict, by_id: dict[str, dict], file: str, doc: str | None, scheme: Scheme
) -> list[Problem]:
    out = []

    def err(pid: str, msg: str, rec: str, field: str | None = None, level: str = "error") -> None:
        out.append(Problem(pid, level, file, msg, doc, rec, field))

    seen: set[str] = set()
    per_claim: dict[str, list[dict]] = defaultdict(list)
    for a in record["attributions"]:
        aid = a["id"]
        if aid in seen:
            err("attribution-duplicate-id", f"attribution id {aid!r} used twice", aid, "id")
        seen.add(aid)
        for role, want in (("claim", "CLAIM"), ("source", "SOURCE"), ("cue", "CUE")):
            ref = a.get(role)
            if ref is None:
                continue
            if ref not in by_id:
                err(
                    "attribution-missing-span",
                    f"{role} {ref!r} is not a span of this record",
                    aid,
                    role,
                )
            elif by_id[ref]["label"] != want:
                err(
                    "attribution-wrong-label",
                    f"{role} {ref!r} is a {by_id[ref]['label']}, not {want}",
                    aid,
                    role,
                )
        unattr = a.get("unattributed", False)
        typed = scheme.has("source_type")
        if unattr and (a.get("source") is not None or (typed and a["source_type"] != "author")):
            err(
                "attribution-flags-contradict",
                "unattributed needs source null" + (" and source_type author" if typed else ""),
                aid,
                "unattributed",
            )
        if not unattr and a.get("source") is None:
            err(
                "attribution-no-source",
                "attribution without source must set unattributed: true",
                aid,
                "source",
            )
        if typed and a.get("anonymous_source", False) != (a["source_type"] in ANONYMOUS_TYPES):
            err(
                "attribution-anonymous-flag",
                f"anonymous_source={a.get('anonymous_source')} disagrees with source_type {a['source_type']}",
                aid,
                "anonymous_source",
            )
        per_claim[a["claim"]].append(a)
    for claim, atts in per_claim.items():
        flags = {bool(a.get("unattributed")) for a in atts}
        if len(flags) > 1:
            err(
                "claim-contradictory-flags",
                f"claim {claim} is linked both as unattributed and to a source",
                claim,
                "unattributed",
            )
    for sid, s in by_id.items():
        if s["label"] == "CLAIM" and sid not in per_claim:
            err("claim-unlinked", "CLAIM has no attribution", sid, level="warning")
    return out


def check_layer(
    root: str | Path, layer: str, documents: dict[str, dict[str, Any]]
) -> list[Problem]:
    """Check every record of a layer against the corpus documents (by doc_id)."""
    scheme = load_scheme(root)
    clusters = load_clusters(root)
    out: list[Problem] = []
    d = layer_dir(root, layer)
    for path in sorted(d.glob("*.json")) if d.exists() else []:
        rel = str(path.relative_to(root))
        try:
            rec = read_json(path)
        except ValueError as exc:
            out.append(Problem("annotation-json", "error", rel, f"not valid JSON: {exc}"))
            continue
        doc_id = rec.get("doc_id") if isinstance(rec, dict) else None
        if doc_id != path.stem:
            out.append(
                Problem(
                    "annotation-doc-id",
                    "error",
                    rel,
                    f"doc_id {doc_id!r} != file name",
                    doc_id,
                    field="doc_id",
                )
            )
            continue
        doc = documents.get(doc_id)
        if doc is None:
            out.append(
                Problem(
                    "annotation-unknown-doc",
                    "error",
                    rel,
                    "no such document in corpus/",
                    doc_id,
                    field="doc_id",
                )
            )
            continue
        out.extend(
            check_record(
                rec,
                doc["text"],
                scheme,
                file=rel,
                paragraphs=[(p["start"], p["end"]) for p in doc["paragraphs"]],
                clusters=clusters,
                text_sha256=doc["text_sha256"],
            )
        )
    return out
