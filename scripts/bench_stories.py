"""Story grouping: speed, peak RSS and pair precision/recall at scale, and on labelled pairs.

Usage: python scripts/bench_stories.py [--sizes 10000,100000] [--seed N] [--readme README.md]
       [--json FILE] [--from-json FILE]

For each size N, in a fresh subprocess (so peak RSS is per size), ``scripts/bench_build.py``'s
generator streams N synthetic articles story by story (stories of a few articles sharing a
seed article and a made-up entity vocabulary, paragraphs sampled, words substituted, a few
paragraphs borrowed from other seeds: chains of reuse) into a temporary JSONL file; two
groupings then stream that file in the same process (the texts are never all held):

1. the named baseline, the rule before issue 16: near-duplicate (5-shingle MinHash >= 0.5)
   and entity-signature (>= 0.35) LSH pairs, connected components without a guard;
2. ``claimcorpus.stories.components.group_stories``: near-duplicates, same-event evidence
   blocks, the average-linkage guard.

Reported: seconds (and the ratio to the baseline), peak RSS after each (``ru_maxrss``; the
grouping runs first, so its figure is its own and the baseline's is at least as large), stories, the largest story, and pair precision/recall
against the generator's stories. Then ``scripts/eval_stories.py``'s P/R on the labelled
fixture pairs and on the seeds. ``--readme`` rewrites the README's ``bench_stories`` block.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from claimcorpus.core import blocks
from claimcorpus.stories.banding import band_pairs, verified
from claimcorpus.stories.components import group_stories, near_edges, story_ids
from claimcorpus.stories.rules import BANDS, EVENT_RULES, NEAR_DUP, SAME_STORY
from claimcorpus.stories.signatures import signatures

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# story grouping's share of the build's 1 GB for 100k annotated articles (issue 16, item 7)
MEMORY_MB = 400


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def stream(n: int, seed: int, truth: dict[str, int]):
    """(doc_id, text, None) for n synthetic articles; ``truth`` gets each one's story."""
    bench = _module("bench_build")
    gen = bench.Generator(bench.load_seeds(bench.SEEDS), seed)
    i = 0
    for sid, story in enumerate(gen.stories()):
        for text in story:
            doc_id = f"art_{i:07d}"
            truth[doc_id] = sid
            yield doc_id, text, None
            i += 1
            if i == n:
                return


def baseline(docs) -> tuple[dict[str, str], list]:
    """The pre-issue-16 rule: both signatures' LSH pairs verified, plain components."""
    ids, near, same, texts = [], [], [], []
    for doc_id, text, _ in docs:
        ids.append(doc_id)
        texts.append(text)
        if len(texts) == 500:
            a, b = signatures(texts)
            near.append(a), same.append(b)
            texts = []
    a, b = signatures(texts)
    near.append(a), same.append(b)
    edges = []
    for sig, t in ((np.concatenate(near), NEAR_DUP), (np.concatenate(same), SAME_STORY)):
        pairs, scores = verified(sig, band_pairs(sig, *BANDS["near-duplicate"]), t)
        edges += near_edges(ids, pairs, scores)
    free = type(EVENT_RULES)(linkage=0.0)
    return story_ids(ids, edges, {}, free)


def pair_scores(story: dict[str, str], truth: dict[str, int]) -> dict:
    """Pair precision and recall of predicted stories against true ones."""

    def pairs(counts) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    said = pairs(Counter(story.values()).values())
    true = pairs(Counter(truth.values()).values())
    both = pairs(Counter((story[d], truth[d]) for d in story).values())
    return {
        "precision": round(both / said, 4) if said else None,
        "recall": round(both / true, 4) if true else None,
        "stories": len(set(story.values())),
        "largest": max(Counter(story.values()).values()),
        "true_stories": len(set(truth.values())),
    }


def _read(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            doc_id, text = json.loads(line)
            yield doc_id, text, None


def child(n: int, seed: int) -> dict:
    """Generate once into a temporary JSONL file (timed apart), then group it twice."""
    out: dict = {"size": n}
    truth: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        t0 = time.perf_counter()
        with path.open("w", encoding="utf-8") as f:
            for doc_id, text, _ in stream(n, seed, truth):
                f.write(json.dumps([doc_id, text]) + "\n")
        out["generate_s"] = round(time.perf_counter() - t0, 2)
        out["mb"] = round(path.stat().st_size / 2**20, 1)
        # grouping first: its peak RSS is its own (the baseline's, after it, is the larger)
        for name, fn in (("grouping", group_stories), ("baseline", baseline)):
            out[name] = _timed(fn, path, truth)
    return out


def _timed(fn, path: Path, truth: dict[str, int]) -> dict:
    t0 = time.perf_counter()
    story, _ = fn(_read(path))
    return {
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **pair_scores(story, truth),
    }


def labelled() -> dict:
    ev = _module("eval_stories")
    docs, truth, _ = ev.fixture_docs()
    out = {}
    for name, r in (("fixture", ev.score(docs, truth)), ("seeds", ev.score(*ev.seed_docs()))):
        out[name] = {k: r[k] for k in ("pairs", "positives", "precision", "recall", "tp", "fp")}
    return out


def report(results: list[dict], pairs: dict) -> tuple[str, list[str]]:
    rows = [
        "| articles | baseline s | grouping s | ratio | peak RSS MB (grouping / then baseline) "
        "| stories (true) | largest: baseline / grouping | P baseline / grouping "
        "| R baseline / grouping |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    missed = []
    for r in results:
        b, g = r["baseline"], r["grouping"]
        rows.append(
            f"| {r['size']:,} | {b['seconds']:.1f} | {g['seconds']:.1f} "
            f"| {g['seconds'] / b['seconds']:.2f}x | {g['peak_rss_mb']} / {b['peak_rss_mb']} "
            f"| {g['stories']:,} ({g['true_stories']:,}) | {b['largest']:,} / {g['largest']:,} "
            f"| {b['precision']} / {g['precision']} | {b['recall']} / {g['recall']} |"
        )
        if g["peak_rss_mb"] > MEMORY_MB:
            missed.append(
                f"{r['size']:,} articles: grouping peak RSS {g['peak_rss_mb']} MB > {MEMORY_MB} MB"
            )
    rows += ["", "Labelled pairs (`scripts/eval_stories.py`, grouped without curated hints):", ""]
    rows += ["| set | pairs | same-event | precision | recall |", "|---|---:|---:|---:|---:|"]
    for name, p in pairs.items():
        rows.append(
            f"| {name} | {p['pairs']} | {p['positives']} | {p['precision']} | {p['recall']} |"
        )
    return "\n".join(rows), missed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--readme", help="rewrite this file's bench_stories block")
    ap.add_argument("--json", help="save the results here")
    ap.add_argument("--from-json", help="write the block from saved results, measure nothing")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.seed)))
        return 0
    if args.readme and not blocks.readme_ready(args.readme, "bench_stories"):
        return 2
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        meta, results = saved["measured"], saved["results"]
    else:
        meta = blocks.measurement(
            "scripts/bench_stories.py",
            sys.argv[1:] if argv is None else argv,
            skip=("--readme", "--json"),
        )
        sizes = [int(s) for s in args.sizes.split(",")]
        me = [sys.executable, str(Path(__file__).resolve()), "--seed", str(args.seed)]
        runs = [json.loads(subprocess.check_output([*me, "--child", str(n)])) for n in sizes]
        results = {"sizes": runs, "labelled": labelled()}
        if args.json:
            Path(args.json).write_text(json.dumps({"measured": meta, "results": results}))
    table, missed = report(results["sizes"], results["labelled"])
    print(table)
    for m in missed:
        print(f"target missed: {m}")
    body = f"{blocks.measured_note(meta, 'scripts/bench_stories.py')}\n\n{table}"
    if missed:
        body += "\n\nTargets missed: " + "; ".join(missed) + "."
    if args.readme and not blocks.update_readme(args.readme, "bench_stories", body):
        return 2
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
