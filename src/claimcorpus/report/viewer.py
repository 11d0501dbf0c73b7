"""``claimcorpus view``: a static, offline HTML viewer of a release's gold annotations.

Writes ``index.html`` (documents with counts) and ``doc/<doc_id>.html`` (one page per
article) under ``viewer/<version>/`` of the project root, not inside the release, because
releases are immutable. Spans nest but never cross, so the text renders as a tree of
``<mark>`` elements whose text is exactly ``text[start:end]``. Every string from the data
goes through ``html.escape`` on the way into markup; the page script only reads ``data-*``
attributes and toggles classes, so article text can never become markup or script.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from claimcorpus.core.io import atomic_write_bytes, read_json
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import Scheme, load_scheme
from claimcorpus.release import splits
from claimcorpus.report.viewer_assets import label_colors, page, stylesheet, token

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def esc(value: Any) -> str:
    """Escape for text and quoted attributes; a CR becomes a reference so offsets survive."""
    return html.escape("" if value is None else str(value), quote=True).replace("\r", "&#13;")


# ----------------------------------------------------------------------------- text
def _links(doc: dict[str, Any]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """span id -> source types of its attributions; claim id -> stances of its attributions."""
    types: dict[str, set[str]] = defaultdict(set)
    stances: dict[str, set[str]] = defaultdict(set)
    for a in doc.get("attributions") or []:
        for role in ("claim", "source", "cue"):
            if a.get(role):
                types[a[role]].add(a["source_type"])
        stances[a["claim"]].add(a["stance"])
    return types, stances


def _open_tag(s: dict[str, Any], types: set[str], stances: set[str]) -> str:
    classes = ["span", f"lab-{token(s['label'])}"]
    if s["label"] == "CLAIM" and stances:
        classes.append(f"st-{token(next(iter(stances)))}" if len(stances) == 1 else "st-mixed")
    tip = [f"{s['label']} {s['id']}"]
    if s.get("topic_stance"):
        tip.append(f"topic: {s['topic_stance']}")
    if s.get("cluster"):
        tip.append(f"cluster: {s['cluster']}")
    if stances:
        tip.append("stance: " + ", ".join(sorted(stances)))
    focus = ' tabindex="0"' if s["label"] == "CLAIM" else ""
    return (
        f'<mark class="{esc(" ".join(classes))}" '
        f'data-start="{s["start"]:d}" data-end="{s["end"]:d}" '
        f'data-label="{esc(s["label"])}" data-span-id="{esc(s["id"])}" '
        f'data-types="{esc("|".join(sorted(types)))}" title="{esc(" · ".join(tip))}"{focus}>'
    )


def render_text(text: str, spans: list[dict[str, Any]], doc: dict[str, Any], scheme: Scheme) -> str:
    """Escaped text with nested ``<mark>`` elements; raises ValueError on crossing spans."""
    rank = {lab: i for i, lab in enumerate(scheme.span_labels)}
    ordered = sorted(
        spans, key=lambda s: (s["start"], -s["end"], rank.get(s["label"], 99), s["id"])
    )
    root: dict[str, Any] = {"start": 0, "end": len(text), "kids": []}
    stack = [root]
    for s in ordered:
        if not 0 <= s["start"] < s["end"] <= len(text):
            raise ValueError(f"span {s['id']} [{s['start']},{s['end']}) is outside the text")
        while len(stack) > 1 and stack[-1]["end"] <= s["start"]:
            stack.pop()
        if s["end"] > stack[-1]["end"]:
            raise ValueError(f"span {s['id']} crosses span {stack[-1]['span']['id']}")
        node = {"start": s["start"], "end": s["end"], "span": s, "kids": []}
        stack[-1]["kids"].append(node)
        stack.append(node)
    types, stances = _links(doc)
    out: list[str] = []

    def emit(node: dict[str, Any]) -> None:
        pos = node["start"]
        for kid in node["kids"]:
            sid = kid["span"]["id"]
            out.append(esc(text[pos : kid["start"]]))
            out.append(_open_tag(kid["span"], types.get(sid, set()), stances.get(sid, set())))
            emit(kid)
            out.append("</mark>")
            pos = kid["end"]
        out.append(esc(text[pos : node["end"]]))

    emit(root)
    return "".join(out)


# ----------------------------------------------------------------------------- pages
def _attribution_items(doc: dict[str, Any], clusters: dict[str, str]) -> list[str]:
    spans = {s["id"]: s for s in doc.get("spans") or []}
    atts = sorted(
        doc.get("attributions") or [],
        key=lambda a: (spans.get(a["claim"], {}).get("start", 0), a["id"]),
    )
    items = []
    for a in atts:
        claim, src, cue = (spans.get(a.get(k) or "") for k in ("claim", "source", "cue"))
        st = a["stance"]
        meta = [f"source type: {a['source_type']}"]
        if claim and claim.get("topic_stance"):
            meta.append(f"topic stance: {claim['topic_stance']}")
        if claim and claim.get("cluster"):
            c = claim["cluster"]
            meta.append(f"cluster: {c}" + (f" ({clusters[c]})" if c in clusters else ""))
        items.append(
            f'<li class="attr st-{esc(token(st))}" tabindex="0" data-attr-id="{esc(a["id"])}" '
            f'data-claim="{esc(a["claim"])}" data-source="{esc(a.get("source") or "")}" '
            f'data-cue="{esc(a.get("cue") or "")}" data-stance="{esc(st)}" '
            f'data-source-type="{esc(a["source_type"])}">'
            f'<span class="src">{esc(src["text"]) if src else "<em>(author)</em>"}</span> '
            f'<span class="arrow">—{esc(cue["text"]) if cue else ""}→</span> '
            f'<span class="claim">{esc(claim["text"]) if claim else esc(a["claim"])}</span> '
            f'<span class="badge st-{esc(token(st))}">[{esc(st)}]</span>'
            f'<br><span class="meta">{esc(" · ".join(meta))}</span></li>'
        )
    return items


def _checkbox(kind: str, value: str, n: int, swatch: str = "") -> str:
    return (
        f'<label><input type="checkbox" class="filter" data-kind="{kind}" value="{esc(value)}" '
        f'checked> {swatch}{esc(value)} <span class="muted">({n})</span></label>'
    )


def _meta_list(doc: dict[str, Any]) -> str:
    rows = []
    for key in ("doc_id", "outlet", "published", "story_id", "split", "url"):
        v = doc.get(key)
        if v is None:
            continue
        if key == "url" and str(v).startswith(("https://", "http://")):
            value = f'<a href="{esc(v)}" rel="noreferrer">{esc(v)}</a>'
        else:
            value = esc(v)
        rows.append(f"<dt>{esc(key)}</dt><dd>{value}</dd>")
    return '<dl class="meta">' + "".join(rows) + "</dl>"


def render_document(
    doc: dict[str, Any],
    scheme: Scheme,
    *,
    clusters: dict[str, str] | None = None,
    index_href: str | None = None,
) -> str:
    """One self-contained HTML page of a document dict (release row shape, label names)."""
    clusters = clusters or {}
    spans = doc.get("spans") or []
    atts = doc.get("attributions") or []
    labels = Counter(s["label"] for s in spans)
    types = Counter(a["source_type"] for a in atts)
    colors = label_colors(scheme)
    label_boxes = [
        _checkbox("label", lab, labels[lab], f'<span class="swatch lab-{esc(token(lab))}"></span> ')
        for lab in [*scheme.span_labels, *sorted(set(labels) - set(colors))]
    ]
    type_boxes = [_checkbox("type", t, types[t]) for t in scheme.source_types if types[t]]
    type_boxes += [
        _checkbox("type", t, types[t]) for t in sorted(set(types) - set(scheme.source_types))
    ]
    used = sorted({s["cluster"] for s in spans if s.get("cluster")})
    cluster_items = "".join(
        f"<li><strong>{esc(c)}</strong>: {esc(clusters.get(c, ''))}</li>" for c in used
    )
    nav = f'<nav><a href="{esc(index_href)}">← all documents</a></nav>\n' if index_href else ""
    text = render_text(doc["text"], spans, doc, scheme)
    body = (
        f"{nav}<header><h1>{esc(doc.get('title') or doc['doc_id'])}</h1>"
        f"{_meta_list(doc)}</header>\n"
        '<section class="filters"><fieldset><legend>Labels</legend>'
        + "".join(label_boxes)
        + "</fieldset><fieldset><legend>Source types</legend>"
        + ("".join(type_boxes) or '<span class="muted">none</span>')
        + "</fieldset></section>\n<main>\n"
        f'<article class="text" id="text">{text}</article>\n'
        f"<aside><h2>Attributions ({len(atts)})</h2>"
        '<p class="muted">SOURCE —cue→ CLAIM [stance]; hover or click to link it in the text.</p>'
        '<ol class="attrs">' + "".join(_attribution_items(doc, clusters)) + "</ol>"
        f"<h2>Clusters ({len(used)})</h2><ul>{cluster_items}</ul></aside>\n</main>"
    )
    return page(f"{doc['doc_id']} · claimcorpus", body, stylesheet(scheme), script=True)


def doc_href(doc_id: str) -> str:
    if not _SAFE_ID.match(doc_id):
        raise InputError(f"doc_id {doc_id!r} is not a safe file name")
    return f"doc/{quote(doc_id)}.html"


def render_index(docs: list[dict[str, Any]], scheme: Scheme, version: str) -> str:
    """The document list: split, story, outlet and counts per label and stance."""
    head = [
        "document",
        "split",
        "story",
        "outlet",
        "chars",
        *scheme.span_labels,
        "attributions",
        *scheme.stances,
    ]
    rows = []
    for d in docs:
        labels = Counter(s["label"] for s in d.get("spans") or [])
        stances = Counter(a["stance"] for a in d.get("attributions") or [])
        nums = [
            len(d["text"]),
            *(labels[x] for x in scheme.span_labels),
            len(d.get("attributions") or []),
        ]
        nums += [stances[x] for x in scheme.stances]
        cells = [f'<td><a href="{esc(doc_href(d["doc_id"]))}">{esc(d["doc_id"])}</a></td>']
        cells += [f"<td>{esc(d.get(k) or '')}</td>" for k in ("split", "story_id", "outlet")]
        cells += [f'<td class="n">{n:d}</td>' for n in nums]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = (
        f'<div class="index"><h1>claimcorpus {esc(version)}: {len(docs)} documents</h1>'
        "<table><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
    return page(f"claimcorpus {version}", body, stylesheet(scheme), script=False)


# ----------------------------------------------------------------------------- release
def load_release(release: Path) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, Any]]:
    """(documents with their split, cluster id -> statement, build summary) of a release."""
    import pyarrow.parquet as pq

    from claimcorpus.release.load import load_documents

    if not (release / "splits.json").exists():
        raise InputError(f"{release}: not a release folder (no splits.json)")
    docs = []
    for split in splits.STANDARD:
        for d in load_documents(release, split):
            docs.append({**d, "split": split})
    clusters: dict[str, str] = {}
    for f in sorted((release / "data" / "claims").glob("*.parquet")):
        t = pq.read_table(f, columns=["cluster_id", "cluster_statement"]).to_pylist()
        clusters.update({r["cluster_id"]: r["cluster_statement"] for r in t if r["cluster_id"]})
    return (
        sorted(docs, key=lambda d: d["doc_id"]),
        clusters,
        read_json(release / "build_summary.json"),
    )


def write_site(
    docs: list[dict[str, Any]], scheme: Scheme, out: Path, version: str, clusters: dict[str, str]
) -> list[Path]:
    """Write index.html and doc/<doc_id>.html; returns the written paths."""
    written = [out / "index.html"]
    atomic_write_bytes(written[0], render_index(docs, scheme, version).encode("utf-8"))
    for d in docs:
        path = out / doc_href(d["doc_id"])
        text = render_document(d, scheme, clusters=clusters, index_href="../index.html")
        atomic_write_bytes(path, text.encode("utf-8"))
        written.append(path)
    return written


def view_command(args: argparse.Namespace) -> int:
    root, release = Path(args.root), Path(args.release)
    try:
        scheme = load_scheme(root)
        docs, clusters, summary = load_release(release)
        version = str(summary.get("version") or release.name)
        if summary.get("scheme_version") != scheme.version:
            got = summary.get("scheme_version")
            print(f"notice: release scheme {got} != {scheme.version} in {root}", file=sys.stderr)
        out = Path(args.out) if args.out else root / "viewer" / version
        written = write_site(docs, scheme, out, version, clusters)
    except (InputError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} pages to {out}; open {out / 'index.html'}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "view",
        help="write a static offline HTML viewer of a release (spans, attributions, filters)",
        description="Write index.html and one page per document showing gold spans, attribution "
        "links, stances and clusters. Pages are self-contained (no network).",
    )
    p.add_argument("--release", required=True, help="release folder, e.g. releases/1.0.0")
    p.add_argument("--out", help="output folder (default: viewer/<version>/ under --root)")
    p.set_defaults(func=view_command)
