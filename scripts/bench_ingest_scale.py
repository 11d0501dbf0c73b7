"""Benchmark what ingest costs as the corpus grows (issue 14 item 3: ingest costs what it adds).

Usage: python scripts/bench_ingest_scale.py [--sizes 1000,10000,100000] [--probes 5]
       [--noop 1000] [--full-noop-max 10000] [--readme README.md] [--json FILE]
       [--from-json FILE]

One corpus is grown once, in one process, through the sizes (articles made by
``scripts/bench_build.write_corpus`` from the seeds' paragraphs; the same generator the build
benchmark uses). At the empty corpus and at each size it measures, with ``run_ingest`` (what
``claimcorpus ingest`` runs, without the interpreter's start):

1. **one new file**: ``--probes`` single-file ingests of new articles, the median wall time;
   the target is the largest size at most 1.5x the empty corpus;
2. **no-op re-ingest**: ``--noop`` already-ingested files again (the same files at every
   size), and every ingested file again up to ``--full-noop-max``; the number of document
   files opened is counted by an audit hook on ``open`` (it must be 0: the index decides);
3. **bulk ingest** of the articles that grow the corpus to the next size, in runs of 2,000
   files: articles/s of CPU, next to ``normalize_bytes`` alone over the same bytes in the
   same process, chunk by chunk (target >= 0.5x);
4. **files and bytes per article** of the corpus folder at each size, next to what the layout
   before ``corpus/docs/`` wrote for the same documents (``meta/``, ``normalized/``,
   ``exclusions/`` as indented JSON: computed from the same records with ``dumps_json``).

``--readme README.md`` rewrites the README's ``bench_ingest_scale`` block; ``--json FILE``
keeps the results; ``--from-json FILE --readme README.md`` renders saved results.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
import bench_build  # noqa: E402

from claimcorpus.core import blocks  # noqa: E402
from claimcorpus.core.io import dumps_json  # noqa: E402
from claimcorpus.ingest.run import run_ingest  # noqa: E402
from claimcorpus.ingest.store import doc_ids, read_stored  # noqa: E402
from claimcorpus.normalize.text import normalize_bytes  # noqa: E402

SCRIPT = "scripts/bench_ingest_scale.py"
BLOCK = "bench_ingest_scale"
NOT_MEASURED = ("--readme", "--json", "--from-json", "--workdir")
OPENED: list[str] = []
_WATCH: list[bool] = [False]


def _audit(event: str, args: tuple) -> None:
    if _WATCH[0] and event == "open" and isinstance(args[0], str) and "/corpus/docs/" in args[0]:
        OPENED.append(args[0])


def quiet_ingest(root: Path, inputs: list[Path]) -> tuple[float, float, int, int]:
    """run_ingest with its output swallowed: (wall s, CPU s, exit code, documents opened)."""
    OPENED.clear()
    _WATCH[0] = True
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        t0, c0 = time.perf_counter(), time.process_time()
        code = run_ingest(root, inputs)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    _WATCH[0] = False
    return wall, cpu, code, len(OPENED)


def probe(empty: Path, root: Path, files: list[Path]) -> dict:
    """One-file ingests of new articles, alternately into a (nearly) empty corpus and into
    ``root``, so both see the same state of a shared machine's disk: medians and the median
    of the pairwise ratios."""
    small, big = [], []
    for i, (a, b) in enumerate(zip(files[::2], files[1::2], strict=True)):
        order = [(empty, a, small), (root, b, big)]
        for target, f, out in order[:: 1 if i % 2 == 0 else -1]:  # alternate who goes first
            wall, _, code, _ = quiet_ingest(target, [f])
            assert code == 0, f
            out.append(wall)
    return {
        "empty_s": statistics.median(small),
        "one_file_s": statistics.median(big),
        "ratio": statistics.median(b / a for a, b in zip(small, big, strict=True)),
        "empty_all_s": small,
        "one_file_all_s": big,
    }


def bulk(root: Path, folder: Path, chunk: int = 2000) -> dict:
    """Bulk ingest of a folder next to normalize_bytes alone over the same bytes, chunk by
    chunk (each chunk normalized alone, then ingested as one run), so both see the same
    moments of a shared machine."""
    files = sorted(folder.glob("*.txt"))
    norm_cpu = cpu = user = system = wall = 0.0
    for i in range(0, len(files), chunk):
        part = files[i : i + chunk]
        data = [p.read_bytes() for p in part]
        c0 = time.process_time()
        for d in data:
            normalize_bytes(d)
        norm_cpu += time.process_time() - c0
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        w, c, code, _ = quiet_ingest(root, part)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        assert code == 0
        wall, cpu = wall + w, cpu + c
        user += r1.ru_utime - r0.ru_utime
        system += r1.ru_stime - r0.ru_stime
    n = len(files)
    return {
        "articles": n,
        "chunk": chunk,
        "ingest_user_s": user,
        "ingest_sys_s": system,
        "ingest_wall_s": wall,
        "ingest_cpu_s": cpu,
        "ingest_cpu_per_s": n / cpu,
        "normalize_cpu_per_s": n / norm_cpu,
        "ratio": (n / cpu) / (n / norm_cpu),
    }


def layout(root: Path) -> dict:
    """Files and bytes of corpus/ now, and what the old layout wrote for the same records."""
    c = root / "corpus"
    files = [p for p in c.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in (c / "raw").iterdir())
    n = len(list((c / "docs").iterdir()))
    old_bytes = 0
    for d in doc_ids(root):
        s = read_stored(root, d)
        old_bytes += sum(len(dumps_json(x).encode()) for x in (s.meta, s.normalized, s.exclusions))
    return {
        "documents": n,
        "files_per_article": len(files) / n,
        "bytes_per_raw_byte": sum(p.stat().st_size for p in files) / raw,
        "old_files_per_article": 4.0,  # raw/, meta/, normalized/, exclusions/
        "old_bytes_per_raw_byte": (old_bytes + raw) / raw,
    }


def prepare(work: Path, sizes: list[int], probes: int) -> tuple[list[Path], list[Path]]:
    """Articles for the probes and one folder per growth step."""
    seeds = bench_build.load_seeds(REPO / "corpus" / "raw")
    n_probe = 2 * probes * len(sizes) + 1  # the last one warms up
    every = work / "all"
    bench_build.write_corpus(seeds, sizes[-1] + n_probe, every, seed=14, shared_vocab=False)
    names = sorted(every.glob("*.txt"))
    probe_dir = work / "probes"
    probe_dir.mkdir()
    probe_files = []
    for p in names[:n_probe]:
        probe_files.append(probe_dir / p.name)
        p.rename(probe_files[-1])
    steps, start = [], n_probe
    for i, size in enumerate(sizes):
        step = work / f"step{i}"
        step.mkdir()
        for p in names[start : start + size - (sizes[i - 1] if i else 0)]:
            p.rename(step / p.name)
        start += size - (sizes[i - 1] if i else 0)
        steps.append(step)
    return probe_files, steps


def measure(args: argparse.Namespace) -> dict:
    sys.addaudithook(_audit)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-scale-", dir=args.workdir))
    try:
        probe_files, steps = prepare(work, sizes, args.probes)
        # the articles just generated are flushed now, not by the first run's os.sync (whose
        # system CPU would count the generator's hundreds of MB against that run)
        os.sync()
        empty, root = work / "empty", work / "root"
        bench_build.make_root(empty)
        bench_build.make_root(root)
        quiet_ingest(work / "empty", [probe_files[-1]])  # imports and first calls: not measured
        res: dict = {"sizes": []}
        per = 2 * args.probes
        for i, (size, step) in enumerate(zip(sizes, steps, strict=True)):
            print(f"growing to {size} ...", file=sys.stderr, flush=True)
            row: dict = {"size": size, "bulk": bulk(root, step)}
            row.update(probe(empty, root, probe_files[i * per : (i + 1) * per]))
            noop = sorted(steps[0].glob("*.txt"))[: args.noop]
            wall, _, code, opened = quiet_ingest(root, noop)
            row["noop"] = {"files": len(noop), "wall_s": wall, "opened": opened, "code": code}
            if size <= args.full_noop_max:
                wall, _, code, opened = quiet_ingest(root, steps[: i + 1])
                row["full_noop"] = {"files": size, "wall_s": wall, "opened": opened}
            row["layout"] = layout(root)
            res["sizes"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)


def overhead_us(b: dict) -> float:
    """CPU microseconds per article that ingest spends beyond ``normalize_bytes`` (what stays
    when normalization gets faster: the ratio alone moves with the normalizer)."""
    return 1e6 * (1 / b["ingest_cpu_per_s"] - 1 / b["normalize_cpu_per_s"])


def tables(res: dict) -> list[str]:
    out = [
        "| corpus size | one new file (median) | into the empty corpus, same moments | ratio "
        "(median of pairs) | no-op re-ingest of 1,000 files (documents opened) | no-op "
        "re-ingest of every file | bulk ingest, articles/s CPU | normalize only, articles/s "
        "CPU | ingest / normalize | of which system CPU | ingest CPU beyond normalize, µs/article |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["sizes"]:
        b, n = r["bulk"], r["noop"]
        full = r.get("full_noop")
        full_s = f"{full['wall_s']:.2f} s ({full['files']:,} files)" if full else "not run"
        out.append(
            f"| {r['size']:,} | {r['one_file_s'] * 1000:.1f} ms | {r['empty_s'] * 1000:.1f} ms "
            f"| {r['ratio']:.2f}x "
            f"| {n['wall_s']:.2f} s ({n['opened']}) | {full_s} | {b['ingest_cpu_per_s']:.0f} "
            f"(+{b['articles']:,}) | {b['normalize_cpu_per_s']:.0f} | {b['ratio']:.2f}x "
            f"| {b['ingest_sys_s'] / b['ingest_cpu_s']:.0%} | {overhead_us(b):.0f} |"
        )
    out += [
        "",
        "| corpus size | files per article | bytes per raw byte | before: files per article "
        "| before: bytes per raw byte |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in res["sizes"]:
        lay = r["layout"]
        out.append(
            f"| {r['size']:,} | {lay['files_per_article']:.2f} | {lay['bytes_per_raw_byte']:.2f} "
            f"| {lay['old_files_per_article']:.0f} | {lay['old_bytes_per_raw_byte']:.2f} |"
        )
    last = res["sizes"][-1]
    ratios = [r["bulk"]["ratio"] for r in res["sizes"]]
    out += [
        "",
        f"Targets: one new file into {last['size']:,} articles "
        f"{last['ratio']:.2f}x the empty corpus (target <= 1.5x: "
        f"{'met' if last['ratio'] <= 1.5 else 'missed'}); bulk ingest "
        f"{min(ratios):.2f}x-{max(ratios):.2f}x of normalization alone (target >= 0.5x: "
        f"{'met' if min(ratios) >= 0.5 else 'missed'}).",
    ]
    return out


def readme_block(res: dict, meta: dict | None) -> str:
    return "\n".join([blocks.measured_note(meta, SCRIPT), "", *tables(res)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--probes", type=int, default=5, help="one-file ingests per size")
    ap.add_argument("--noop", type=int, default=1000, help="files re-ingested at every size")
    ap.add_argument("--full-noop-max", type=int, default=10000, help="largest full re-ingest")
    ap.add_argument("--workdir", help="where the corpus is grown (default: the temp folder)")
    ap.add_argument("--json", metavar="FILE", help="also write the results (and when, how) here")
    ap.add_argument("--readme", metavar="FILE", help=f"rewrite the {BLOCK} block of FILE")
    ap.add_argument("--from-json", metavar="FILE", help="render saved --json results, no runs")
    args = ap.parse_args(argv)
    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return 2
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        res, meta = saved["results"], saved.get("measured")
    else:
        meta = blocks.measurement(SCRIPT, sys.argv[1:] if argv is None else argv, NOT_MEASURED)
        res = measure(args)
        if args.json:
            Path(args.json).write_text(json.dumps({"measured": meta, "results": res}, indent=2))
    print("\n".join(tables(res)))
    if args.readme and not blocks.update_readme(args.readme, BLOCK, readme_block(res, meta)):
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TQDM_DISABLE", "1")
    sys.exit(main())
