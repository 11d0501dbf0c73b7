"""Boilerplate recall and body loss of the normalizer on labelled pages you bring.

Usage: python scripts/eval_boilerplate.py [-v] [--json] PATH [PATH ...]

PATH is a labelled file or a folder of them (``*.txt``, read recursively), in the format of
``tests/fixtures/boilerplate/pages.txt``: a ``### name`` line (optionally ``### name | url``)
starts a page; every other non-empty line that does not start with ``#`` is
``LABEL<TAB>line``, LABEL one of ``B`` (boilerplate), ``K`` (article text), ``T`` (the
headline: article text that should also be the title) or ``?`` (either; not scored). A page
is normalized exactly as ingest would (``normalize_bytes``, no site repetition: one page
per outlet is the unseen case) and every labelled line is scored against the exclusions.
``--site`` normalizes as a crawl of each outlet would instead: the pages that share a
``### name`` (across all the files given) count each other's lines
(``repetition.SiteLines``, as ``ingest`` does in its first pass), so a line that recurs in
``MIN_SITE_DOCS`` or more of an outlet's pages can be removed as ``repeated-in-site``;
an outlet with fewer pages has no such evidence.

Prints, per file and in total: boilerplate lines removed, article lines removed (body loss),
titles right; ``-v`` also lists every boilerplate line kept and every article line lost, with
the rule that removed it. ``--justext`` scores jusText (``justext.justext``, default settings,
each line one paragraph, the stoplist of the page's language as ``normalize.context`` picks
it; English when none is picked) on the same lines instead, as a comparison. Exit 1 when a
file cannot be read. Keep real pages outside the
repository (their text is not ours to commit); this script only reads them.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import justext  # noqa: E402

from claimcorpus.normalize.context import page_language  # noqa: E402
from claimcorpus.normalize.repetition import SiteLines  # noqa: E402
from claimcorpus.normalize.text import normalize_bytes  # noqa: E402

LABELS = {"B", "K", "T", "?"}


@dataclass
class Page:
    name: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Score:
    pages: int = 0
    boiler: int = 0
    removed: int = 0
    body: int = 0
    lost: int = 0
    titles: int = 0
    titles_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k in ("pages", "boiler", "removed", "body", "lost", "titles", "titles_right"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.misses += other.misses

    def summary(self) -> dict[str, float | int]:
        return {
            "pages": self.pages,
            "boilerplate_lines": self.boiler,
            "boilerplate_removed": self.removed,
            "recall": round(self.removed / self.boiler, 4) if self.boiler else 0.0,
            "article_lines": self.body,
            "article_lines_removed": self.lost,
            "titles": self.titles,
            "titles_right": self.titles_right,
        }


def read_pages(path: Path) -> list[Page]:
    """The labelled pages of one file; ValueError naming the file and line on a bad row."""
    pages: list[Page] = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("### "):
            pages.append(Page(line[4:].split(" | ")[0].strip()))
            continue
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, text = line.partition("\t")
        if not tab or label not in LABELS or not pages:
            raise ValueError(f"{path}:{no}: expected 'B|K|T|?<TAB>line' after a '### name' line")
        pages[-1].rows.append((label, text))
    return pages


def justext_removed(page: Page) -> dict[int, str]:
    """Line number (1-based) -> "justext:<class>" for every line jusText calls boilerplate."""
    lines = [text for _, text in page.rows]
    doc = "".join(f"<p>{html.escape(t)}</p>" for t in lines)
    stoplist = justext.get_stoplist(page_language(lines) or "English")
    paragraphs = justext.justext(f"<html><body>{doc}</body></html>".encode(), stoplist)
    # one paragraph per line, in order (an empty line gives none: the rows have no empty line)
    return {
        no: f"justext:{p.class_type}"
        for no, p in enumerate(paragraphs, start=1)
        if p.is_boilerplate
    }


def site_repeated(pages: list[Page]) -> dict[str, frozenset[int]]:
    """Per page name (an outlet), the hashes of the lines repeated across its pages."""
    lines = SiteLines()
    for page in pages:
        lines.add(page.name, (text.strip() for _, text in page.rows))
    return lines.repeated()


def score_page(
    page: Page, use_justext: bool = False, repeated: frozenset[int] | None = None
) -> Score:
    raw = "\n".join(text for _, text in page.rows).encode("utf-8")
    n = normalize_bytes(raw, page.name, repeated)
    removed = {e["line"]: e["rule"] for e in n.exclusions}
    if use_justext:
        removed = justext_removed(page)
    s = Score(pages=1)
    for no, (label, text) in enumerate(page.rows, start=1):
        if label == "B":
            s.boiler += 1
            if no in removed:
                s.removed += 1
            else:
                s.misses.append(f"{page.name}: KEPT  {text[:110]}")
        elif label in "KT":
            s.body += 1
            if no in removed:
                s.lost += 1
                s.misses.append(f"{page.name}: LOST [{removed[no]}] {text[:110]}")
    heads = [" ".join(t.split()) for label, t in page.rows if label == "T"]
    if heads:
        s.titles = 1
        s.titles_right = int(n.title in heads)
        if not s.titles_right:
            s.misses.append(f"{page.name}: TITLE {n.title!r}, not {heads[0][:80]!r}")
    return s


def files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted(p.rglob("*.txt")) if p.is_dir() else [p]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument("--justext", action="store_true", help="score jusText instead (comparison)")
    ap.add_argument(
        "--site", action="store_true", help="pages of one name count each other's lines (a crawl)"
    )
    args = ap.parse_args(argv)
    total = Score()
    per_file: dict[str, dict[str, float | int]] = {}
    by_file: dict[Path, list[Page]] = {}
    for path in files(args.paths):
        try:
            by_file[path] = read_pages(path)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    repeated = site_repeated([p for ps in by_file.values() for p in ps]) if args.site else {}
    for path, pages in by_file.items():
        s = Score()
        for page in pages:
            s.add(score_page(page, args.justext, repeated.get(page.name)))
        per_file[str(path)] = s.summary()
        total.add(s)
    if args.json:
        print(json.dumps({"files": per_file, "total": total.summary()}, indent=1))
    else:
        rows = [*per_file.items(), *([("total", total.summary())] if len(per_file) > 1 else [])]
        for name, d in rows:
            print(
                f"{name}: {d['pages']} pages; boilerplate removed {d['boilerplate_removed']}/"
                f"{d['boilerplate_lines']} ({100 * d['recall']:.1f}%); article lines removed "
                f"{d['article_lines_removed']}/{d['article_lines']}; titles right "
                f"{d['titles_right']}/{d['titles']}"
            )
    if args.verbose:
        print("\n".join(total.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
