"""``claimcorpus view``: a static, offline HTML viewer of a release's gold annotations.

Writes ``index.html`` (documents with counts, ``--per-page`` a page: index-2.html, ...;
a document without gold is listed and marked "not annotated") and ``doc/<doc_id>.html`` (one page per
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow.parquet as pq

from claimcorpus.core.io import atomic_write_bytes, read_json
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import Scheme, load_scheme
from claimcorpus.release.load import iter_documents
from claimcorpus.report.viewer_assets import label_colors, page, stylesheet, token

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
PER_PAGE = 500  # documents per index page: a 10,000-document release is 20 small pages
NOT_ANNOTATED = "not annotated"
UNANNOTATED = "Not annotated: this document has no gold annotations in the release."


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
    notice = (
        "" if doc.get("annotated", True) else f'<p class="notice unannotated">{UNANNOTATED}</p>'
    )
    body = (
        f"{nav}<header><h1>{esc(doc.get('title') or doc['doc_id'])}</h1>"
        f"{_meta_list(doc)}{notice}</header>\n"
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


@dataclass(frozen=True)
class Entry:
    """A document's line in the index: what the table shows, without its text."""

    doc_id: str
    cells: tuple[str, ...]  # split, story, outlet
    counts: tuple[int, ...]  # chars, spans per label, attributions, attributions per stance
    annotated: bool


def entry(d: dict[str, Any], scheme: Scheme) -> Entry:
    labels = Counter(s["label"] for s in d.get("spans") or [])
    stances = Counter(a["stance"] for a in d.get("attributions") or [])
    nums = [len(d["text"]), *(labels[x] for x in scheme.span_labels)]
    nums += [len(d.get("attributions") or []), *(stances[x] for x in scheme.stances)]
    cells = tuple(str(d.get(k) or "") for k in ("split", "story_id", "outlet"))
    return Entry(d["doc_id"], cells, tuple(nums), bool(d.get("annotated", True)))


def index_name(page_no: int) -> str:
    """index.html, then index-2.html, index-3.html, ... (page numbers from 1)."""
    return "index.html" if page_no == 1 else f"index-{page_no}.html"


def _pages_nav(page_no: int, pages: int) -> str:
    if pages == 1:
        return ""
    links = [
        f"<strong>{k}</strong>" if k == page_no else f'<a href="{index_name(k)}">{k}</a>'
        for k in range(1, pages + 1)
    ]
    return f'<nav class="pages">page {page_no} of {pages}: ' + "".join(links) + "</nav>"


def render_index(
    entries: list[Entry],
    scheme: Scheme,
    version: str,
    page_no: int = 1,
    pages: int = 1,
    total: int | None = None,
    annotated: int | None = None,
) -> str:
    """One index page: split, story, outlet and counts per label and stance; a document
    without gold is marked; with several pages, links to every page."""
    head = ["document", "split", "story", "outlet", "chars", *scheme.span_labels]
    head += ["attributions", *scheme.stances]
    rows = []
    for e in entries:
        mark = "" if e.annotated else f' <span class="muted">({NOT_ANNOTATED})</span>'
        cells = [f'<td><a href="{esc(doc_href(e.doc_id))}">{esc(e.doc_id)}</a>{mark}</td>']
        cells += [f"<td>{esc(c)}</td>" for c in e.cells]
        cells += [f'<td class="n">{n:d}</td>' for n in e.counts]
        cls = "" if e.annotated else ' class="unannotated"'
        rows.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    total = len(entries) if total is None else total
    annotated = sum(e.annotated for e in entries) if annotated is None else annotated
    note = f" ({annotated} annotated)" if annotated < total else ""
    nav = _pages_nav(page_no, pages)
    body = (
        f'<div class="index"><h1>claimcorpus {esc(version)}: {total} documents{note}</h1>'
        f"{nav}<table><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table>{nav}</div>"
    )
    return page(f"claimcorpus {version}", body, stylesheet(scheme), script=False)


# ----------------------------------------------------------------------------- release
def load_release(release: Path) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, Any]]:
    """(every document with its split, annotated or not, cluster id -> statement, build
    summary) of a release; ``view`` itself streams the documents (``write_site``)."""
    _, clusters, summary = release_index(release)
    docs = sorted(iter_documents(release), key=lambda d: d["doc_id"])
    return docs, clusters, summary


def release_index(release: Path) -> tuple[list[str], dict[str, str], dict[str, Any]]:
    """(sorted doc ids, cluster id -> statement, build summary): all but the texts."""
    if not (release / "splits.json").exists():
        raise InputError(f"{release}: not a release folder (no splits.json)")
    ids = sorted(d["doc_id"] for d in iter_documents(release, ["doc_id"]))
    clusters: dict[str, str] = {}
    for f in sorted((release / "data" / "claims").glob("*.parquet")):
        t = pq.read_table(f, columns=["cluster_id", "cluster_statement"]).to_pylist()
        clusters.update({r["cluster_id"]: r["cluster_statement"] for r in t if r["cluster_id"]})
    return ids, clusters, read_json(release / "build_summary.json")


def write_site(
    docs: Iterable[dict[str, Any]],
    scheme: Scheme,
    out: Path,
    version: str,
    clusters: dict[str, str],
    *,
    ids: Sequence[str] | None = None,
    per_page: int = PER_PAGE,
) -> list[Path]:
    """Write doc/<doc_id>.html as the documents stream by, then the index, ``per_page``
    documents a page (index.html, index-2.html, ...); ``ids``: every doc id, when known
    beforehand, so a page links back to its own index page. Returns the written paths."""
    if ids is None:
        docs = list(docs)
        ids = [d["doc_id"] for d in docs]
    order = {d: k for k, d in enumerate(sorted(ids))}
    entries: list[Entry] = []
    written = []
    for d in docs:
        back = index_name(order[d["doc_id"]] // per_page + 1)
        path = out / doc_href(d["doc_id"])
        text = render_document(d, scheme, clusters=clusters, index_href=f"../{back}")
        atomic_write_bytes(path, text.encode("utf-8"))
        written.append(path)
        entries.append(entry(d, scheme))
    entries.sort(key=lambda e: e.doc_id)
    pages = max(1, -(-len(entries) // per_page))
    annotated = sum(e.annotated for e in entries)
    index = []
    for k in range(pages):
        chunk = entries[k * per_page : (k + 1) * per_page]
        html_ = render_index(chunk, scheme, version, k + 1, pages, len(entries), annotated)
        index.append(out / index_name(k + 1))
        atomic_write_bytes(index[-1], html_.encode("utf-8"))
    return index + written


def view_command(args: argparse.Namespace) -> int:
    root, release = Path(args.root), Path(args.release)
    try:
        scheme = load_scheme(root)
        ids, clusters, summary = release_index(release)
        version = str(summary.get("version") or release.name)
        if summary.get("scheme_version") != scheme.version:
            got = summary.get("scheme_version")
            print(f"notice: release scheme {got} != {scheme.version} in {root}", file=sys.stderr)
        out = Path(args.out) if args.out else root / "viewer" / version
        docs = iter_documents(release)
        written = write_site(docs, scheme, out, version, clusters, ids=ids, per_page=args.per_page)
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
    p.add_argument(
        "--per-page",
        type=int,
        default=PER_PAGE,
        help=f"documents per index page (default {PER_PAGE}: index.html, index-2.html, ...)",
    )
    p.set_defaults(func=view_command)
