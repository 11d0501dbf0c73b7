"""``claimcorpus stats``: corpus statistics as a table, JSON, markdown and PNG figures.

Works on a release (``--release``: its documents config and build summary) or on the
working tree (corpus/ plus annotations/gold, stories grouped as a build would), so the
datasheet can be refreshed before a release exists. Tokens are counted with the release's
tokenizer (rows.TOKEN) inside paragraphs, so they match the ``tokens`` config. Figures use
matplotlib's Agg renderer with default style and no Software stamp, so reruns give the same
bytes; markdown tables start at ``###`` so they nest under a DATASHEET.md section.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_bytes, atomic_write_json, read_json
from claimcorpus.core.problems import InputError
from claimcorpus.core.project import require_root
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest import store
from claimcorpus.release import load as release_load
from claimcorpus.report.stats_tally import compute_stats
from claimcorpus.stories import components

FIGURES = (
    "label_counts.png",
    "stance_by_source_type.png",
    "span_lengths.png",
    "claims_per_story.png",
)
STANCE_COLORS = {"support": "#1e8e3e", "refute": "#d93025", "neutral": "#80868b"}
CORPUS_KEYS = ("documents", "annotated_documents", "paragraphs", "sentences", "tokens")
CORPUS_KEYS += ("characters", "spans", "attributions")
Table = tuple[str, list[str], list[list[Any]]]


# ----------------------------------------------------------------------------- tables
def tables(st: dict[str, Any]) -> list[Table]:
    """The summary as (title, header, rows) tables, shared by the console and markdown."""
    corpus = [[k.replace("_", " "), st[k]] for k in CORPUS_KEYS] + [
        ["clusters", st["clusters"]["count"]],
        ["stories", len(st["documents_per_story"])],
    ]
    lens = st["span_length_chars"]
    stances = list(st["attributions_per_stance"])
    total = st["attributions"] or 1
    clusters = st["clusters"]
    unclustered = clusters["claims_without_cluster"]
    return [
        ("Corpus", ["item", "count"], corpus),
        (
            "Spans per label (length in characters)",
            ["label", "spans", "mean", "median", "max"],
            [
                [lab, n, lens[lab]["mean"], lens[lab]["median"], lens[lab]["max"]]
                for lab, n in st["spans_per_label"].items()
            ],
        ),
        (
            "Attributions per stance",
            ["stance", "attributions", "share"],
            [[s, n, f"{100 * n / total:.1f}%"] for s, n in st["attributions_per_stance"].items()],
        ),
        (
            "Attributions per source type",
            ["source type", "attributions", *stances],
            [
                [t, n, *(st["stance_by_source_type"].get(t, {}).get(s, 0) for s in stances)]
                for t, n in st["attributions_per_source_type"].items()
            ],
        ),
        (
            "Claims per topic stance",
            ["topic stance", "claims"],
            [[k, n] for k, n in st["claims_per_topic_stance"].items()],
        ),
        (
            f"Clusters ({clusters['count']}; claims without one: {unclustered})",
            ["cluster", "documents", "claims"],
            [
                [c, n, clusters["claims_per_cluster"][c]]
                for c, n in clusters["documents_per_cluster"].items()
            ],
        ),
        (
            "Stories",
            ["story", "documents", "claims"],
            [
                [s, n, st["claims_per_story"].get(s, 0)]
                for s, n in st["documents_per_story"].items()
            ],
        ),
        (
            "Boilerplate lines removed per rule",
            ["rule", "lines"],
            [[r, n] for r, n in st["boilerplate_lines_removed"].items()],
        ),
    ]


def _num(v: Any) -> bool:
    return isinstance(v, int | float) or (isinstance(v, str) and v.endswith("%"))


def stats_text(st: dict[str, Any]) -> str:
    out = []
    for title, head, rows in tables(st):
        cells = [head, *[[str(c) for c in r] for r in rows]]
        w = [max(len(r[i]) for r in cells) for i in range(len(head))]
        out.append(title)
        for i, r in enumerate(cells):
            num = [bool(i) and _num(x) for x in (rows[i - 1] if i else head)]
            line = "  ".join(c.rjust(w[j]) if num[j] else c.ljust(w[j]) for j, c in enumerate(r))
            out.append("  " + line.rstrip())
        out.append("")
    return "\n".join(out)


def stats_markdown(st: dict[str, Any]) -> str:
    """The same tables as GitHub markdown (``###`` headings, numbers right-aligned)."""
    out = []
    for title, head, rows in tables(st):
        align = ["---:" if rows and _num(rows[0][i]) else "---" for i in range(len(head))]
        out += [f"### {title}", "", "| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
        out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- figures
def write_figures(
    st: dict[str, Any], out: Path, colors: dict[str, str] | None = None
) -> list[Path]:
    """Write the four PNGs; byte-identical across runs for the same stats and matplotlib."""
    import matplotlib.style

    colors, grey = colors or {}, "#5f6368"
    labels, by_type = st["spans_per_label"], st["stance_by_source_type"]
    paths = []
    with matplotlib.style.context("default"):
        fig, (ax,) = _figure(5, 3.5)
        ax.bar(list(labels), list(labels.values()), color=[colors.get(x, grey) for x in labels])
        ax.set(title="Spans per label", ylabel="spans")
        paths.append(_save(fig, out / FIGURES[0]))

        fig, (ax,) = _figure(7, 4)
        bottom = [0] * len(by_type)
        for s in st["attributions_per_stance"]:
            vals = [by_type[t].get(s, 0) for t in by_type]
            ax.bar(list(by_type), vals, bottom=bottom, label=s, color=STANCE_COLORS.get(s, grey))
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        ax.set(title="Attribution stance by source type", ylabel="attributions")
        ax.tick_params(axis="x", labelrotation=30)
        if by_type:
            ax.legend()
        paths.append(_save(fig, out / FIGURES[1]))

        w, counts = st["span_length_histogram"]["bin_width"], st["span_length_histogram"]["counts"]
        fig, axes = _figure(6, 2 + 1.6 * len(labels), rows=max(1, len(labels)))
        for ax, lab in zip(axes, labels, strict=False):
            x = [i * w for i in range(len(counts[lab]))]
            ax.bar(x, counts[lab], width=w, align="edge", color=colors.get(lab, grey), ec="white")
            ax.set_ylabel(lab)
        axes[0].set_title("Span length (characters)")
        paths.append(_save(fig, out / FIGURES[2]))

        per_story = st["claims_per_story"]
        fig, (ax,) = _figure(7, 1.5 + 0.35 * len(per_story))
        ax.barh(
            list(per_story)[::-1], list(per_story.values())[::-1], color=colors.get("CLAIM", grey)
        )
        ax.set(title="Claims per story", xlabel="CLAIM spans")
        paths.append(_save(fig, out / FIGURES[3]))
    return paths


def _figure(width: float, height: float, rows: int = 1) -> tuple[Any, list[Any]]:
    """A pyplot-free Figure (no global state, no GUI backend) and its axes, top to bottom."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, list(fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0])


def _save(fig: Any, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    atomic_write_bytes(path, buf.getvalue())
    return path


# ----------------------------------------------------------------------------- inputs
def root_documents(root: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """corpus/ documents with their gold spans, story ids as a build assigns them."""
    docs = store.load_documents(root)
    if not docs:
        raise InputError(f"{root / 'corpus'}: no documents; run `claimcorpus ingest` first")
    gold = ann.load_layer(root, "gold")
    story_of, _ = components.group_stories(
        (d["doc_id"], d["text"], d.get("story"), d.get("published")) for d in docs
    )
    rules: Counter = Counter(e["rule"] for d in docs for e in d["exclusions"])
    for d in docs:
        g = gold.get(d["doc_id"])
        d.update(story_id=story_of[d["doc_id"]], annotated=g is not None)
        d.update(spans=(g or {}).get("spans", []), attributions=(g or {}).get("attributions", []))
    return docs, dict(rules)


RELEASE_COLUMNS = ["doc_id", "story_id", "text", "paragraphs", "sentences", "annotated"]
RELEASE_COLUMNS += ["spans", "attributions"]


def release_documents(release: Path) -> tuple[Iterator[dict[str, Any]], dict[str, int]]:
    """Every document of a release, annotated or not, streamed a batch at a time (only the
    columns the summary counts), and the boilerplate removed per rule."""
    summary = read_json(release / "build_summary.json")
    docs = release_load.iter_documents(release, RELEASE_COLUMNS)
    return docs, dict(summary.get("exclusions_by_rule") or {})


def stats_command(args: argparse.Namespace) -> int:
    root = None if args.root is None else Path(args.root)  # None: outside any project
    try:
        scheme = load_scheme(root) if root is not None and (root / "schema").exists() else None
        docs, rules = (
            release_documents(Path(args.release))
            if args.release
            else root_documents(require_root(root, " (or summarize a release with --release R)"))
        )
        st = compute_stats(docs, rules, scheme)
    except (InputError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(stats_text(st), end="")
    if args.json:
        atomic_write_json(args.json, st)
    if args.markdown:
        atomic_write_bytes(args.markdown, stats_markdown(st).encode("utf-8"))
    if args.figures:
        written = write_figures(st, Path(args.figures), scheme.colors if scheme else None)
        print(f"wrote {len(written)} figures to {args.figures}")
    if args.datasheet:
        figures = Path(args.figures) if args.figures else None
        try:
            update_datasheet(Path(args.datasheet), st, figures)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"updated {args.datasheet}")
    return 0


BEGIN, END = "<!-- BEGIN generated: stats -->", "<!-- END generated: stats -->"


def update_datasheet(path: Path, st: dict[str, Any], figures: Path | None) -> None:
    """Replace the generated block of the datasheet, so its numbers never drift by hand."""
    text = path.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        raise InputError(f"{path}: needs exactly one {BEGIN} ... {END} block")
    body = stats_markdown(st)
    if figures is not None:
        base = figures.relative_to(path.parent) if figures.is_absolute() else figures
        names = sorted(p.name for p in figures.glob("*.png"))
        links = [f"![{n[:-4].replace('_', ' ')}]({(base / n).as_posix()})" for n in names]
        body += "\n" + "\n".join(links) + "\n"
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    atomic_write_bytes(path, f"{head}{BEGIN}\n{body}\n{END}{tail}".encode())


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="print corpus statistics; optionally write JSON, markdown and PNG figures",
        description="Summarize a release (--release) or the working tree (corpus/ + "
        "annotations/gold): counts, spans per label, stances, source types, clusters, "
        "stories, span lengths and boilerplate removed per rule.",
    )
    p.add_argument(
        "--release", help="release folder (default: corpus/ and annotations/gold of --root)"
    )
    p.add_argument("--figures", help="folder for label_counts.png, stance_by_source_type.png, ...")
    p.add_argument("--json", help="write the statistics as JSON to this file")
    p.add_argument("--markdown", help="write the tables as markdown to this file")
    p.add_argument("--datasheet", help="rewrite the generated block of this DATASHEET.md")
    p.set_defaults(func=stats_command, reads=lambda a: not a.release)
