"""Benchmark the ingest readers and the boilerplate detector next to the bare libraries.

Usage: python scripts/bench_ingest.py [--pages 300] [--sizes 10000,30000,100000] [--pass1 0]
       [--readme README.md] [--json FILE] [--from-json FILE]

All in one run (absolute speeds drift on a shared machine; compare the ratios):

1. **HTML**: pages made from the hand-written fixtures (tests/fixtures/html, paragraphs
   shuffled and renumbered per page); bare ``trafilatura.extract`` next to the reader's
   ``extract`` (``bare_extraction`` with metadata, date search on markup only) and
   ``page_article`` (plus metadata checks and the URL doc id). Pages/s and MB/s.
2. **WARC**: those pages in one WARC.gz (plus an image record per ten pages) written by
   warcio; bare FastWARC iteration (payload read), bare warcio iteration, and the reader's
   ``iter_responses`` (length and digest checks, HTTP parsing; no extraction). MB/s.
3. **Boilerplate**: the extracted texts and the labelled fixture pages repeated to about
   ``--text-mb`` MB; bare ``re.sub(r"\\s+", " ")`` next to ``boilerplate.classify`` on the
   lines and the whole ``normalize_bytes``. MB/s.
4. **Ingest memory**: in a fresh subprocess per size (``--sizes``, default 10k, 30k and
   100k), a JSONL crawl of N text records from 50 sites ingested with ``run_ingest`` (the
   crawl path of ``claimcorpus ingest``) into an empty project: seconds per 1,000 records,
   peak RSS and its growth per 1,000 records; issue 16's targets are checked (peak RSS of
   the 100k crawl under 1 GB, time per record at most 1.5x the smallest size's); and pass 1
   alone (read, count site lines, spool) over ``--pass1`` records.

``--readme README.md`` rewrites the README's ``bench_ingest`` block with these tables,
labelled with the date, command and CPUs; ``--json FILE`` keeps the results and
``--from-json FILE --readme README.md`` writes the block from them without measuring.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from claimcorpus.core import blocks  # noqa: E402

HTML = REPO / "tests" / "fixtures" / "html"
PAGES_TXT = REPO / "tests" / "fixtures" / "boilerplate" / "pages.txt"
MB = 1_000_000
SCRIPT = "scripts/bench_ingest.py"
BLOCK = "bench_ingest"
NOT_MEASURED = ("--readme", "--json", "--from-json")  # options that only say where
RSS_LIMIT_MB = 1000  # issue 16: a 100k-article crawl ingest peaks under 1 GB
LINEAR = 1.5  # and its time per record at the largest size is at most this times the smallest's


def make_pages(n: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    bases = [
        p.read_text(encoding="utf-8")
        for p in sorted(HTML.glob("*.html"))
        if "no-main" not in p.name
    ]
    out = []
    for i in range(n):
        page = bases[i % len(bases)]
        paras = re.findall(r"<p>[^<]{60,}</p>", page)
        shuffled = paras[:]
        rng.shuffle(shuffled)
        for old, new in zip(paras, shuffled, strict=True):
            page = page.replace(old, new.replace("</p>", f" Update {i}.</p>"), 1)
        page = page.replace(
            "<head>", f'<head><link rel="canonical" href="https://b{i % 50}.example/a/{i}">', 1
        )
        out.append(page.encode("utf-8"))
    return out


def rate(n_bytes: int, seconds: float) -> float:
    return n_bytes / MB / seconds if seconds else float("inf")


def timed(fn, *a):
    t = time.perf_counter()
    out = fn(*a)
    return out, time.perf_counter() - t


def bench_html(pages: list[bytes]) -> tuple[list[str], list[tuple]]:
    import trafilatura

    from claimcorpus.ingest.readers.html import extract, page_article

    size = sum(map(len, pages))
    _, bare = timed(lambda: [trafilatura.extract(p) for p in pages])
    texts, ours = timed(lambda: [extract(p, "bench")[0] for p in pages])
    _, full = timed(lambda: [page_article(p, "bench", {}) for p in pages])
    rows = [
        ("bare trafilatura.extract", len(pages) / bare, rate(size, bare), 1.0),
        ("reader extract (with metadata)", len(pages) / ours, rate(size, ours), ours / bare),
        ("page_article (+ checks, doc id)", len(pages) / full, rate(size, full), full / bare),
    ]
    return texts, rows


def bench_warc(pages: list[bytes], folder: Path) -> list[tuple]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from claimcorpus.ingest.readers.warc import iter_responses

    path = folder / "bench.warc.gz"
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        for i, body in enumerate(pages):
            ctype = "text/html" if i % 10 else "image/png"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(
                w.create_warc_record(
                    f"https://b.example/{i}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                )
            )
    size = path.stat().st_size

    def fast():
        with open(path, "rb") as s:
            return sum(
                len(r.reader.read())
                for r in ArchiveIterator(s, record_types=WarcRecordType.response)
            )

    def warcio_():
        with open(path, "rb") as s:
            return sum(
                len(r.content_stream().read())
                for r in WarcioIterator(s)
                if r.rec_type == "response"
            )

    def ours():
        return sum(1 for _ in iter_responses(path))

    _, t_fast = timed(fast)
    _, t_wio = timed(warcio_)
    _, t_ours = timed(ours)
    return [
        ("bare FastWARC iteration", rate(size, t_fast), 1.0),
        ("bare warcio iteration", rate(size, t_wio), t_wio / t_fast),
        ("reader iter_responses (checks, HTTP)", rate(size, t_ours), t_ours / t_fast),
    ]


def bench_boilerplate(texts: list[str], target_mb: float) -> list[tuple]:
    from claimcorpus.normalize import boilerplate
    from claimcorpus.normalize.text import normalize_bytes

    plain = [
        "\n".join(line.partition("\t")[2] for line in block.splitlines()[1:] if "\t" in line)
        for block in PAGES_TXT.read_text(encoding="utf-8").split("\n### ")
    ]
    docs = [t for t in texts + plain if t.strip()]
    docs = docs * max(1, int(target_mb * MB / sum(len(d.encode()) for d in docs)))
    size = sum(len(d.encode()) for d in docs)
    space = re.compile(r"\s+")
    _, bare = timed(lambda: [space.sub(" ", d) for d in docs])
    _, det = timed(
        lambda: [
            boilerplate.classify([x.strip() for x in d.splitlines() if x.strip()]) for d in docs
        ]
    )
    _, norm = timed(lambda: [normalize_bytes(d.encode()) for d in docs])
    seeds = [p.read_bytes() for p in sorted((REPO / "corpus" / "raw").glob("*.txt"))]
    seeds = seeds * max(1, int(target_mb * MB / sum(map(len, seeds))))
    seed_size = sum(map(len, seeds))
    _, seed_bare = timed(lambda: [space.sub(" ", d.decode()) for d in seeds])
    _, seed_norm = timed(lambda: [normalize_bytes(d) for d in seeds])
    return [
        (f'bare re.sub(r"\\s+", " ") ({size / MB:.1f} MB of pages)', rate(size, bare), 1.0),
        ("boilerplate.classify (lines)", rate(size, det), det / bare),
        ("normalize_bytes (whole normalizer)", rate(size, norm), norm / bare),
        (
            f"bare re.sub on the seed articles ({seed_size / MB:.1f} MB)",
            rate(seed_size, seed_bare),
            1.0,
        ),
        ("normalize_bytes on the seed articles", rate(seed_size, seed_norm), seed_norm / seed_bare),
    ]


# ----------------------------------------------------------------------------- memory
WORDS = "officials said the ministry port trade export rules talks week city council report".split()


def write_crawl(path: Path, n: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    footer = {
        s: f"Site {s} is published by Media Group {s}. Support our journalism today."
        for s in range(50)
    }
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            site = i % 50
            body = "\n".join(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 40))).capitalize()
                + f" {i}."
                for _ in range(rng.randint(8, 20))
            )
            text = (
                f"Menu\nHeadline number {i} about the {rng.choice(WORDS)}\n{body}\n{footer[site]}\n"
            )
            f.write(json.dumps({"url": f"https://s{site}.example/n/{i}", "text": text}) + "\n")


def child(cfg: dict) -> dict:
    from claimcorpus.ingest.readers.paths import expand
    from claimcorpus.ingest.run import Report, Spool, _pass1, run_ingest
    from claimcorpus.normalize.repetition import SiteLines

    crawl = Path(cfg["crawl"])
    t = time.perf_counter()
    if cfg["mode"] == "pass1":
        with tempfile.TemporaryDirectory() as tmp:
            spool, lines = Spool(Path(tmp)), SiteLines()
            _pass1(expand([crawl]), None, spool, lines, Report())
            lines.repeated()
    else:
        root = Path(cfg["root"])
        (root / "schema").mkdir(parents=True)
        shutil.copy(REPO / "schema" / "scheme.yaml", root / "schema")
        (root / "annotations" / "gold").mkdir(parents=True)
        with open(Path(cfg["root"]) / "out.txt", "w") as out:
            sys.stdout = out
            run_ingest(root, [crawl])
            sys.stdout = sys.__stdout__
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rss_mb": rss}


def measure(mode: str, n: int, folder: Path) -> dict:
    crawl = folder / f"crawl-{n}.jsonl"
    if not crawl.exists():
        write_crawl(crawl, n)
    cfg = {"mode": mode, "crawl": str(crawl), "root": str(folder / f"root-{mode}-{n}")}
    r = subprocess.run(
        [sys.executable, __file__, "--_child", json.dumps(cfg)],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(r.stdout.strip().splitlines()[-1])
    return {**res, "n": n, "mb": crawl.stat().st_size / MB}


def measure_all(args: argparse.Namespace) -> dict:
    """Every measurement of one run, as plain data (what ``--json`` keeps)."""
    pages = make_pages(args.pages)
    texts, html_rows = bench_html(pages)
    res: dict = {"pages": len(pages), "pages_mb": sum(map(len, pages)) / MB, "html": html_rows}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp)
        res["warc"] = bench_warc(pages, folder)
        res["boilerplate"] = bench_boilerplate(texts, args.text_mb)
        runs = [("full ingest", "full", int(s)) for s in args.sizes.split(",") if s]
        runs += [("pass 1 only", "pass1", args.pass1)] if args.pass1 else []
        res["memory"] = [
            {"label": label, "mode": mode, **measure(mode, n, folder)} for label, mode, n in runs
        ]
    return res


def tables(res: dict) -> list[str]:
    """The four tables of one run (printed, and the README block's body)."""
    lines = [f"HTML extraction ({res['pages']} pages, {res['pages_mb']:.1f} MB):", ""]
    lines += ["| step | pages/s | MB/s | time vs bare |", "|---|---:|---:|---:|"]
    lines += [f"| {n} | {ps:,.0f} | {mbs:.2f} | {r:.2f}x |" for n, ps, mbs, r in res["html"]]
    lines += ["", "WARC reading:", ""]
    lines += ["| reader | MB/s (compressed) | time vs FastWARC |", "|---|---:|---:|"]
    lines += [f"| {n} | {mbs:.1f} | {r:.2f}x |" for n, mbs, r in res["warc"]]
    lines += ["", "Boilerplate detection:", ""]
    lines += ["| pass | MB/s | time vs bare regex |", "|---|---:|---:|"]
    lines += [f"| {n} | {mbs:.1f} | {r:.2f}x |" for n, mbs, r in res["boilerplate"]]
    lines += ["", "Ingest memory (JSONL crawl, 50 sites, `run_ingest` into an empty project):", ""]
    lines += [
        "| run | records | MB | seconds | records/s | seconds per 1k | peak RSS MB "
        "| RSS MB per 1k more records |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for r in res["memory"]:
        grow = "-"
        if prev is not None and _mode(r) == _mode(prev) == "full":
            grow = f"{(r['rss_mb'] - prev['rss_mb']) / ((r['n'] - prev['n']) / 1000):.2f}"
        lines.append(
            f"| {r['label']} | {r['n']:,} | {r['mb']:.0f} | {r['seconds']:.1f} | "
            f"{r['n'] / r['seconds']:,.0f} | {r['seconds'] / r['n'] * 1000:.2f} "
            f"| {r['rss_mb']:.0f} | {grow} |"
        )
        prev = r
    return lines + ["", *memory_targets(res["memory"])]


def _mode(row: dict) -> str:
    """A row's mode; results saved before rows kept it say it by their label."""
    return row.get("mode") or ("pass1" if row["label"].startswith("pass 1") else "full")


def memory_targets(rows: list[dict]) -> list[str]:
    """Issue 16: a 100k-record crawl ingest peaks under 1 GB RSS and grows linearly (time per
    record at the largest size at most 1.5x the smallest's)."""
    full = [r for r in rows if _mode(r) == "full"]
    if not full:
        return ["Targets: no full crawl ingest was run."]
    big, small = full[-1], full[0]
    per = (big["seconds"] / big["n"]) / (small["seconds"] / small["n"])
    rss = "not run (no full ingest of >= 100,000 records)"
    if big["n"] >= 100_000:
        ok = "met" if big["rss_mb"] < RSS_LIMIT_MB else "MISSED"
        rss = f"{big['rss_mb']:.0f} MB at {big['n']:,} records ({ok})"
    lin = "met" if per <= LINEAR else "MISSED"
    return [
        f"Targets: peak RSS of the crawl ingest under {RSS_LIMIT_MB} MB: {rss}; "
        f"time per record at {big['n']:,} records {per:.2f}x that at {small['n']:,} "
        f"(linear: <= {LINEAR}x, {lin})."
    ]


def readme_block(res: dict, meta: dict | None) -> str:
    """The README's block: the tables, labelled with their run."""
    return "\n".join([blocks.measured_note(meta, SCRIPT), "", *tables(res)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--text-mb", type=float, default=5.0)
    ap.add_argument("--sizes", default="10000,30000,100000", help="crawl sizes for the full ingest")
    ap.add_argument("--pass1", type=int, default=0, help="crawl size for pass 1 alone (0: skip)")
    ap.add_argument("--json", metavar="FILE", help="also write the results (and when, how) here")
    ap.add_argument("--readme", metavar="FILE", help=f"rewrite the {BLOCK} block of FILE")
    ap.add_argument("--from-json", metavar="FILE", help="render saved --json results, no runs")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        print(json.dumps(child(json.loads(args._child))))
        return 0
    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return 2
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        res, meta = saved["results"], saved.get("measured")
    else:
        meta = blocks.measurement(SCRIPT, sys.argv[1:] if argv is None else argv, NOT_MEASURED)
        res = measure_all(args)
        if args.json:
            Path(args.json).write_text(json.dumps({"measured": meta, "results": res}, indent=2))
    print("\n".join(tables(res)))
    if args.readme and not blocks.update_readme(args.readme, BLOCK, readme_block(res, meta)):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
