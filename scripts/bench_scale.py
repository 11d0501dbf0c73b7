"""Scale-out benchmark: in-process vs worker processes vs Spark, and MinHash vs datasketch.

Synthetic articles recombine the seed articles' paragraphs with a share of their words and
names swapped for random ones (so unrelated articles share few shingles and entities, as
real ones do), sprinkle boilerplate lines and bad records, and plant near-duplicates
(lightly edited copies of an earlier article). Every measured run is a fresh subprocess so
its peak RSS (the whole process tree: pool workers, the JVM and Spark's Python workers) is
its own. Spark session start-up is timed apart from the job.

    .venv/bin/python scripts/bench_scale.py --sizes 20000 [--json out.json] [--readme README.md]

``--readme README.md`` rewrites the README's ``bench_scale`` block (labelled with the date,
command and CPUs); ``--from-json out.json --readme README.md`` writes it from saved results
without measuring again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from claimcorpus.core import blocks  # noqa: E402

SCRIPT = "scripts/bench_scale.py"
BLOCK = "bench_scale"
NOT_MEASURED = ("--readme", "--json", "--from-json", "--workdir")  # options that only say where
SEEDS = ROOT.parent / "shared" / "seeds"
if not SEEDS.exists():
    SEEDS = ROOT / "corpus" / "raw"
MODES = ("local1", "local2", "spark2", "grouping")


def _pools() -> tuple[list[str], list[str]]:
    from claimcorpus.normalize.text import normalize_bytes

    content, junk = [], []
    for p in sorted(SEEDS.glob("*.txt")):
        n = normalize_bytes(p.read_bytes())
        content += n.text.split("\n\n")
        junk += [
            e["text"]
            for e in n.exclusions
            if e["rule"] not in ("donation-plea", "repeated-headline")
        ]
    return content, junk


def _vocab(rng: random.Random, n: int, cap: bool) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        w = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))
        out.add(w.capitalize() if cap else w)
    return sorted(out)


def _rewrite(rng: random.Random, line: str, p_word: float, p_name: float, words, names) -> str:
    out = []
    for tok in line.split(" "):
        core = tok.strip(".,;:!?“”\"'’()")
        if core and (core[0].isupper() or core[0].isdigit()) and rng.random() < p_name:
            new = rng.choice(names) if core[0].isupper() else str(rng.randint(2, 99999))
            tok = tok.replace(core, new, 1)
        elif core and core[0].islower() and rng.random() < p_word:
            tok = tok.replace(core, rng.choice(words), 1)
        out.append(tok)
    return " ".join(out)


def synthetic_articles(
    n: int, seed: int = 0, dup_rate: float = 0.1, bad_rate: float = 0.01
) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    """(doc_id, raw bytes) records and the planted near-duplicate pairs (original, copy)."""
    rng = random.Random(seed)
    content, junk = _pools()
    words, names = _vocab(rng, 20000, False), _vocab(rng, 8000, True)
    bad = {
        "empty": lambda: b"",
        "binary": lambda: b"\x00\x01PK\x03\x04" * 20,
        "invalid-utf8": lambda: "Café au lait, ".encode("latin-1") * 3,
        "all-boilerplate": lambda: "\n".join(rng.sample(junk, 2)).encode(),
    }
    docs: list[tuple[str, bytes]] = []
    good: list[int] = []
    planted: list[tuple[str, str]] = []
    for i in range(n):
        doc_id = f"syn-{i:07d}"
        if rng.random() < bad_rate:
            docs.append((doc_id, bad[rng.choice(sorted(bad))]()))
            continue
        if good and rng.random() < dup_rate:
            j = rng.choice(good)
            edit = rng.uniform(0.01, 0.06)
            lines = [
                _rewrite(rng, ln, edit, edit, words, names)
                for ln in docs[j][1].decode().split("\n")
            ]
            if rng.random() < 0.5:
                lines.append(_rewrite(rng, rng.choice(content), 0.35, 0.7, words, names))
            planted.append((docs[j][0], doc_id))
        else:
            picked = rng.sample(content, rng.randint(9, 18))
            lines = [_rewrite(rng, p, 0.35, 0.7, words, names) for p in picked]
            if rng.random() < 0.3:
                lines.insert(rng.randrange(len(lines) + 1), rng.choice(junk))
        good.append(i)
        docs.append((doc_id, "\n".join(lines).encode()))
    return docs, planted


def write_input(n: int, path: Path, batch_size: int = 500, **kw) -> list[tuple[str, str]]:
    """Synthetic input Parquet (a row group per batch); returns the planted pairs."""
    import pyarrow as pa

    from claimcorpus.ingest import batch

    docs, planted = synthetic_articles(n, **kw)
    rows = [{"doc_id": d, "source_file": f"{d}.txt", "raw": r} for d, r in docs]
    batches = pa.Table.from_pylist(rows).to_batches(max_chunksize=batch_size)
    batch.write_input(batches, path)
    return planted


class PeakRSS:
    """Samples the summed RSS of this process and all its descendants (from /proc), and
    their CPU seconds (pool workers, the JVM and Spark's Python workers included)."""

    def __init__(self, every: float = 0.5) -> None:
        self.peak, self.every, self._stop = 0, every, threading.Event()
        self.cpu_ticks: dict[int, int] = {}
        self._t = threading.Thread(target=self._run, daemon=True)

    def _tree_rss(self) -> int:
        kids: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        ticks: dict[int, int] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
                kids.setdefault(int(stat[1]), []).append(int(d))
                rss[int(d)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
                ticks[int(d)] = int(stat[11]) + int(stat[12])
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [os.getpid()]
        while todo:
            p = todo.pop()
            total += rss.get(p, 0)
            if p in ticks:
                self.cpu_ticks[p] = max(self.cpu_ticks.get(p, 0), ticks[p])
            todo.extend(kids.get(p, []))
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._tree_rss())


def child(mode: str, input_path: Path, out: Path, planted_path: Path, batch_size: int) -> dict:
    """One measured run, in its own process."""
    res: dict = {"mode": mode}
    if mode == "grouping":
        return grouping(out, json.loads(planted_path.read_text()))
    with PeakRSS() as rss:
        if mode == "spark2":
            from claimcorpus.engines.spark import run_spark, spark_session

            t0 = time.perf_counter()
            spark = spark_session(2, batch_size)
            res["startup_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            summary = run_spark(input_path, out, 2, spark=spark, batch_size=batch_size, timings=res)
            res["seconds"] = time.perf_counter() - t0
            spark.stop()
        else:
            from claimcorpus.engines.local import build

            t0 = time.perf_counter()
            summary = build(input_path, out, 1 if mode == "local1" else 2, batch_size, timings=res)
            res["seconds"] = time.perf_counter() - t0
    cpu = sum(rss.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")
    res.update(summary=summary, peak_rss_mb=round(rss.peak / 2**20), cpu_tree_s=round(cpu, 1))
    return res


def grouping(out: Path, planted: list[list[str]]) -> dict:
    """datasketch's default pipeline vs claimcorpus.stories on the same normalized texts."""
    import pyarrow.parquet as pq
    import reference_stories as stories  # tests/: the datasketch reference (test extras)

    from claimcorpus.stories import components

    t = pq.read_table(out / "documents", columns=["doc_id", "text", "error_kind"])
    docs = [(d, x, None) for d, x, k in zip(*t.to_pydict().values(), strict=True) if k is None]
    texts = {d: x for d, x, _ in docs}
    pairs = [tuple(sorted(p)) for p in planted if p[0] in texts and p[1] in texts]
    true_j = {}
    for a, b in pairs:
        sa, sb = stories.shingles(texts[a]), stories.shingles(texts[b])
        true_j[(a, b)] = len(sa & sb) / len(sa | sb)
    res: dict = {"mode": "grouping", "docs": len(docs), "planted": len(pairs)}
    res["planted_true_j_ge_0.5"] = sum(j >= 0.5 for j in true_j.values())
    for name, fn in (("mine", components.group_stories), ("datasketch", stories.group_stories)):
        t0 = time.perf_counter()
        story_of, edges = fn(docs)
        sec = time.perf_counter() - t0
        # a planted pair is found when it lands in one story (only joining pairs are edges)
        found = {p for p in pairs if story_of[p[0]] == story_of[p[1]]}
        res[name] = {
            "seconds": sec,
            "docs_per_s": len(docs) / sec,
            "recall": sum(p in found for p in pairs) / max(len(pairs), 1),
            "recall_true_j_ge_0.5": sum(p in found for p, j in true_j.items() if j >= 0.5)
            / max(res["planted_true_j_ge_0.5"], 1),
            "stories": len(set(story_of.values())),
            "story_of": story_of,
        }
    a, b = res["mine"].pop("story_of"), res["datasketch"].pop("story_of")
    res["same_story_id"] = sum(a[d] == b[d] for d in a) / max(len(a), 1)
    return res


def _measure(mode: str, n: int, inp: Path, planted: Path, work: Path, batch_size: int) -> dict:
    dest = work / f"out-{n}-{'local1' if mode == 'grouping' else mode}"
    if mode != "grouping":
        shutil.rmtree(dest, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", mode, "--input", str(inp), "--out", str(dest)]
    cmd += ["--planted", str(planted), "--batch-size", str(batch_size)]
    before, load0 = resource.getrusage(resource.RUSAGE_CHILDREN), os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    after, load1 = resource.getrusage(resource.RUSAGE_CHILDREN), os.getloadavg()[0]
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"error": proc.stderr[-2000:]}
    res = json.loads(lines[-1])
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    res.update(cpu_s=round(cpu, 1), load_before=load0, load_after=load1)
    return res


def run_size(n: int, work: Path, batch_size: int, repeat: int = 1) -> dict:
    """Each engine ``repeat`` times, interleaved; the fastest run of each is kept."""
    inp, planted = work / f"input-{n}.parquet", work / f"planted-{n}.json"
    t0 = time.perf_counter()
    planted.write_text(json.dumps(write_input(n, inp, batch_size)))
    out: dict = {"size": n, "generate_s": time.perf_counter() - t0, "repeat": repeat}
    for _ in range(repeat):
        for mode in MODES[:-1]:
            res = _measure(mode, n, inp, planted, work, batch_size)
            print(f"  {n} {mode}: {json.dumps(res)[:300]}", file=sys.stderr, flush=True)
            best = out.get(mode)
            if best is None or "error" in best or res.get("seconds", 1e18) < best["seconds"]:
                out[mode] = res
    out["grouping"] = _measure("grouping", n, inp, planted, work, batch_size)
    print(f"  {n} grouping: {json.dumps(out['grouping'])[:300]}", file=sys.stderr, flush=True)
    return out


def table(results: list[dict]) -> str:
    rows = [
        "| docs | run | seconds | docs/s | vs in-process | peak RSS MB | CPU s | load 1-min | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        n, base = r["size"], r["local1"].get("seconds")
        for mode, label in (
            ("local1", "in-process"),
            ("local2", "--workers 2"),
            ("spark2", "Spark local[2]"),
        ):
            m = r[mode]
            if "error" in m:
                rows.append(f"| {n:,} | {label} | failed | | | | | | {m['error'][-120:]!r} |")
                continue
            if mode == "spark2":  # one Spark job: normalize, shuffle, buckets; then verify
                note = (
                    f"Spark job {m['spark_job_s']:.1f} s + driver {m['driver_group_s']:.1f} s;"
                    f" session start {m['startup_s']:.1f} s (not included)"
                )
            else:
                note = f"normalize {m['normalize_s']:.1f} s + group {m['group_s']:.1f} s"
            note += f" excluded {m['summary']['excluded']}" if mode == "local1" else ""
            rows.append(
                f"| {n:,} | {label} | {m['seconds']:.1f} | {n / m['seconds']:,.0f} | "
                f"{base / m['seconds']:.2f}x | {m['peak_rss_mb']:,} | {m.get('cpu_tree_s', m['cpu_s'])} | "
                f"{m['load_before']:.1f}→{m['load_after']:.1f} | {note} |"
            )
        g = r["grouping"]
        if "error" not in g:
            for name in ("mine", "datasketch"):
                x = g[name]
                rows.append(
                    f"| {g['docs']:,} | grouping: {name} | {x['seconds']:.1f} | {x['docs_per_s']:,.0f} | "
                    f"{g['datasketch']['seconds'] / x['seconds']:.1f}x datasketch | | | | recall {x['recall']:.3f} "
                    f"(true J>=0.5: {x['recall_true_j_ge_0.5']:.3f}) of {g['planted']} planted; "
                    f"{x['stories']:,} stories |"
                )
            rows.append(
                f"| | grouping agreement | | | | | | | same story_id for {g['same_story_id']:.4f} of docs |"
            )
    return "\n".join(rows + [""] + verdicts(results))


def verdicts(results: list[dict]) -> list[str]:
    """The issue's targets, each met or missed, from the runs above."""
    out = []
    for r in results:
        n, local1, local2, spark = r["size"], r["local1"], r["local2"], r["spark2"]
        if any("error" in m for m in (local1, local2, spark)):
            out.append(f"- {n:,}: a run failed; no verdict")
            continue
        w = local1["seconds"] / local2["seconds"]
        s = spark["seconds"] / local2["seconds"]
        out.append(
            f"- {n:,}: --workers 2 is {w:.2f}x in-process (target >= 1.7x): "
            + ("met" if w >= 1.7 else "MISSED")
        )
        out.append(
            f"- {n:,}: Spark local[2] takes {s:.2f}x the time of --workers 2 "
            "(target <= 1.5x, session start apart): " + ("met" if s <= 1.5 else "MISSED")
        )
        g = r["grouping"]
        if "error" not in g:
            x = g["datasketch"]["seconds"] / g["mine"]["seconds"]
            ok = x >= 4 and g["mine"]["recall"] >= g["datasketch"]["recall"]
            out.append(
                f"- {n:,}: grouping {x:.1f}x datasketch, recall {g['mine']['recall']:.3f} vs "
                f"{g['datasketch']['recall']:.3f} (target >= 4x, recall >=): "
                + ("met" if ok else "MISSED")
            )
    return out


def _secs(m: dict, base: dict | None = None, label: str = "") -> str:
    """``12.3 s (1.74x label)``: wall seconds, and how many times faster than ``base``."""
    if "error" in m:
        return "failed"
    if base is None or "error" in base:
        return f"{m['seconds']:.1f} s"
    return f"{m['seconds']:.1f} s ({base['seconds'] / m['seconds']:.2f}x{label})"


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def readme_block(results: list[dict], meta: dict | None) -> str:
    """The README's block: a labelled summary table, peak RSS, agreement, session start."""
    rows = [
        blocks.measured_note(meta, SCRIPT),
        "",
        "| articles | in-process | `--workers 2` | Spark `local[2]` "
        "| grouping: `claimcorpus.stories` vs datasketch |",
        "|---:|---:|---:|---:|---|",
    ]
    for i, r in enumerate(results):
        local1, local2, spark, g = r["local1"], r["local2"], r["spark2"], r["grouping"]
        cells = [f"{r['size']:,}", _secs(local1)]
        cells += [_secs(local2, local1, " in-process" if i == 0 else "")]
        cells += [_secs(spark, local2, " `--workers 2`" if i == 0 else "")]
        if "error" in g:
            cells.append("failed")
        else:
            mine, ds = g["mine"], g["datasketch"]
            what = "recall of planted duplicates" if i == 0 else "recall"
            cells.append(
                f"{mine['seconds']:.1f} s vs {ds['seconds']:.1f} s "
                f"({ds['seconds'] / mine['seconds']:.1f}x); "
                f"{what} {mine['recall']:.3f} vs {ds['recall']:.3f}"
            )
        rows.append("| " + " | ".join(cells) + " |")
    ok = [r for r in results if not any("error" in r[m] for m in MODES)]
    rss = " and ".join(
        " / ".join(f"{r[m]['peak_rss_mb']:,}" for m in MODES[:-1]) + f" MB at {_size(r['size'])}"
        for r in ok
    )
    agreed = [f"{r['grouping']['same_story_id']:.2%} at {_size(r['size'])}" for r in ok]
    start = ", ".join(f"{r['spark2']['startup_s']:.1f} s at {_size(r['size'])}" for r in ok)
    repeat = results[0].get("repeat", 1) if results else 1
    rows += [
        "",
        f"Peak RSS of the whole process tree: {rss} (in-process / 2 workers / Spark with its "
        f"JVM). Story ids agreed with datasketch's pipeline for {', '.join(agreed)} of the "
        f"documents. Wall seconds, the faster of {repeat} interleaved run(s) per engine; "
        f"Spark's session start ({start}) not included.",
    ]
    return "\n".join(rows)


def load_results(path: Path) -> tuple[list[dict], dict | None]:
    """Results saved by ``--json``: ``{"measured": ..., "results": [...]}`` (or a bare list,
    as older runs wrote, which recorded no date or command)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data, None
    return data["results"], data.get("measured")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="20000,100000", help="comma-separated article counts")
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1, help="runs per engine (fastest kept)")
    ap.add_argument("--workdir", help="keep inputs and outputs here (default: a temp folder)")
    ap.add_argument("--json", help="also write the raw results (and when, how) here")
    ap.add_argument("--readme", metavar="FILE", help=f"rewrite the {BLOCK} block of FILE")
    ap.add_argument("--from-json", metavar="FILE", help="render saved --json results, no runs")
    ap.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--planted", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        res = child(
            args.child, Path(args.input), Path(args.out), Path(args.planted), args.batch_size
        )
        print(json.dumps(res))
        return 0
    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return 2
    if args.from_json:
        results, meta = load_results(Path(args.from_json))
    else:
        argv = sys.argv[1:] if argv is None else argv
        meta = blocks.measurement(SCRIPT, argv, NOT_MEASURED)
        results = measure(args, meta)
    print(table(results))
    if args.readme and not blocks.update_readme(args.readme, BLOCK, readme_block(results, meta)):
        return 2
    return 0


def measure(args: argparse.Namespace, meta: dict) -> list[dict]:
    """Every size, each engine in its own process; a temp work folder is always removed."""
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench_scale-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            results.append(run_size(n, work, args.batch_size, args.repeat))
            if args.json:
                Path(args.json).write_text(
                    json.dumps({"measured": meta, "results": results}, indent=2)
                )
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    sys.exit(main())
