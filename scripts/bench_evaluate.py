"""Benchmark the columnar span scorer against nervaluate on the same synthetic data.

Usage: python scripts/bench_evaluate.py [--docs 100000] [--seed 0]

Generates documents with ~10 gold and ~10 predicted spans each (exact copies, relabelled
copies, shifted boundaries, nested spans, misses and spurious spans), scores them with
nervaluate 1.2.1 (Evaluator, loader "default", list-of-dicts, inclusive ends) and with
claimcorpus.evaluate, checks that every scheme's counts, precision, recall and F1 agree
exactly overall and per label, and prints timings. Exit 1 on any disagreement.

``--readme README.md`` rewrites the README's ``bench_evaluate`` block (the timing table and
the verdicts, labelled with the date, command and CPUs); ``--json FILE`` keeps the results
and ``--from-json FILE --readme README.md`` writes the block from them without measuring.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from claimcorpus.core import blocks
from claimcorpus.evaluate.columns import SpanColumns, spans_from_documents  # noqa: E402
from claimcorpus.evaluate.labels import OUTCOMES, SCHEMES, SPAN_LABELS  # noqa: E402
from claimcorpus.evaluate.metrics import span_prf  # noqa: E402
from claimcorpus.evaluate.schemes import span_counts  # noqa: E402

LABELS = list(SPAN_LABELS)
SCRIPT = "scripts/bench_evaluate.py"
BLOCK = "bench_evaluate"
NOT_MEASURED = ("--readme", "--json", "--from-json")  # options that only say where
TARGET = 50  # columnar scoring at least 50x nervaluate's speed (CPU time)
SCORERS = (
    ("nervaluate 1.2.1 (list of dicts)", "nervaluate"),
    ("claimcorpus, columnar input", "columns"),
    ("claimcorpus, dicts -> columns -> score", "dicts"),
)


def synthesize(n_docs: int, seed: int) -> tuple[SpanColumns, SpanColumns]:
    """Gold and predicted span columns, canonical order, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    k = rng.poisson(9.5, n_docs)
    n = int(k.sum())
    doc = np.repeat(np.arange(n_docs), k)
    gap, length = rng.integers(1, 40, n), rng.integers(1, 60, n)
    pos = np.cumsum(gap + length)
    first = np.concatenate(([0], np.cumsum(k)[:-1]))[k > 0]
    base = np.repeat(pos[first] - gap[first] - length[first], k[k > 0])
    start = pos - length - base
    end = start + length
    label = rng.integers(0, 3, n)
    # Nested gold spans (a claim inside a claim), about 5%.
    nest = (rng.random(n) < 0.05) & (length > 3)
    g_doc = np.concatenate((doc, doc[nest]))
    g_start = np.concatenate((start, start[nest] + 1))
    g_end = np.concatenate((end, end[nest] - 1))
    g_label = np.concatenate((label, label[nest]))
    gold = SpanColumns.build(g_doc, g_start, g_end, g_label, n_docs).canonical()

    roll = rng.random(n)
    keep = roll > 0.1  # 10% missed
    p_start, p_end, p_label = start.copy(), end.copy(), label.copy()
    shift = roll > 0.7  # 30% with moved boundaries
    p_start[shift] += rng.integers(-6, 7, int(shift.sum()))
    p_end[shift] += rng.integers(-6, 7, int(shift.sum()))
    p_start = np.maximum(p_start, 0)
    p_end = np.maximum(p_end, p_start + 1)
    relabel = (roll > 0.6) & (roll <= 0.7)  # 10% wrong label
    p_label[relabel] = (p_label[relabel] + 1) % 3
    m = rng.poisson(1.0, n_docs)  # spurious spans
    s_doc = np.repeat(np.arange(n_docs), m)
    s_start = rng.integers(0, 500, int(m.sum()))
    s_end = s_start + rng.integers(1, 40, int(m.sum()))
    pred = SpanColumns.build(
        np.concatenate((doc[keep], s_doc)),
        np.concatenate((p_start[keep], s_start)),
        np.concatenate((p_end[keep], s_end)),
        np.concatenate((p_label[keep], rng.integers(0, 3, int(m.sum())))),
        n_docs,
    ).canonical()
    return gold, pred


def as_nervaluate(cols: SpanColumns) -> list[list[dict]]:
    """nervaluate's list-of-dicts input; its ends are inclusive."""
    out: list[list[dict]] = [[] for _ in range(cols.n_docs)]
    for d, s, e, lab in zip(
        cols.doc.tolist(), cols.start.tolist(), cols.end.tolist(), cols.label.tolist(), strict=True
    ):
        out[d].append({"label": LABELS[lab], "start": s, "end": e - 1})
    return out


def as_records(cols: SpanColumns) -> list[dict]:
    """claimcorpus document records (half-open ends) for the from-dicts timing."""
    nested = as_nervaluate(cols)
    return [
        {
            "doc_id": str(i),
            "spans": [{"label": s["label"], "start": s["start"], "end": s["end"] + 1} for s in doc],
        }
        for i, doc in enumerate(nested)
    ]


def compare(ours: dict[str, np.ndarray], theirs: dict) -> list[str]:
    """Every disagreement between our totals and nervaluate's results."""
    problems = []
    for scheme in SCHEMES:
        total = ours[scheme].sum(axis=-1)
        prf = span_prf(total, scheme)
        groups = [("overall", theirs["overall"][scheme])] + [
            (lab, theirs["entities"][lab][scheme] if lab in theirs["entities"] else None)
            for lab in LABELS
        ]
        for g, (name, res) in enumerate(groups):
            mine = {o: int(total[g, i]) for i, o in enumerate(OUTCOMES)}
            mine.update({m: float(prf[m][g]) for m in ("precision", "recall", "f1")})
            if res is None:
                want = dict.fromkeys(mine, 0)
            else:
                want = {key: getattr(res, key) for key in mine}
            if mine != want:
                problems.append(f"{scheme}/{name}: ours {mine} != nervaluate {want}")
    return problems


class Clock:
    """Wall and CPU seconds per named block; CPU time is robust to a busy machine."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[float, float]] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.times[name] = (time.perf_counter() - wall, time.process_time() - cpu)


def measure(n_docs: int, seed: int) -> dict:
    """Score the same spans with nervaluate and with claimcorpus; times, counts, problems."""
    from nervaluate import Evaluator

    gold, pred = synthesize(n_docs, seed)
    print(f"{n_docs} documents, {len(gold)} gold spans, {len(pred)} predicted spans")
    nv_true, nv_pred = as_nervaluate(gold), as_nervaluate(pred)
    rec_gold, rec_pred = as_records(gold), as_records(pred)
    index = {r["doc_id"]: i for i, r in enumerate(rec_gold)}

    clock = Clock()
    with clock("nervaluate"):
        theirs = Evaluator(nv_true, nv_pred, LABELS, loader="default").evaluate()
    span_counts(pred, gold, len(LABELS))  # warm-up (imports, allocator)
    with clock("columns"):
        ours = span_counts(pred, gold, len(LABELS))
    with clock("dicts"):
        g2 = spans_from_documents(rec_gold, index)
        p2 = spans_from_documents(rec_pred, index)
        ours2 = span_counts(p2, g2, len(LABELS))
    totals = {scheme: ours[scheme].sum(axis=-1) for scheme in SCHEMES}
    return {
        "docs": n_docs,
        "gold_spans": len(gold),
        "predicted_spans": len(pred),
        "times": clock.times,
        "counts": {k: v.tolist() for k, v in totals.items()},
        "f1": {k: span_prf(v, k)["f1"].tolist() for k, v in totals.items()},
        "problems": compare(ours, theirs) + compare(ours2, theirs),
    }


def timing_table(res: dict) -> list[str]:
    """Wall and CPU seconds per scorer, and the speed-up over nervaluate."""
    nv_wall, nv_cpu = res["times"]["nervaluate"]
    lines = [
        f"| {'scorer':40s} | {'wall s':>8s} | {'CPU s':>8s} | {'docs/s (CPU)':>12s} "
        f"| {'vs nervaluate (CPU)':>19s} | {'(wall)':>7s} |",
        f"|{'-' * 42}|{'-' * 9}:|{'-' * 9}:|{'-' * 13}:|{'-' * 20}:|{'-' * 8}:|",
    ]
    for name, key in SCORERS:
        wall, cpu = res["times"][key]
        lines.append(
            f"| {name:40s} | {wall:8.3f} | {cpu:8.3f} | {res['docs'] / cpu:12,.0f} "
            f"| {nv_cpu / cpu:18.1f}x | {nv_wall / wall:6.1f}x |"
        )
    return lines


def verdict(res: dict) -> list[str]:
    """Agreement with nervaluate (every disagreement listed) and the speed target."""
    if res["problems"]:
        return ["DISAGREEMENT with nervaluate:", *res["problems"]]
    speedup = res["times"]["nervaluate"][1] / res["times"]["columns"][1]
    met = "meets" if speedup >= TARGET else "MISSES"
    return [
        "identical to nervaluate: all 4 schemes, overall and per label (counts, P, R, F1)",
        f"speed-up on columnar input (CPU time): {speedup:.1f}x ({met} the >= {TARGET}x target)",
    ]


def report(res: dict) -> str:
    """Everything the script prints: timings, the counts of each scheme, the verdict."""
    lines = ["", *timing_table(res), ""]
    lines += ["| scheme | group | correct | incorrect | partial | missed | spurious | F1 |"]
    lines += ["|---|---|---:|---:|---:|---:|---:|---:|"]
    for scheme in SCHEMES:
        for g, name in enumerate(["overall", *LABELS]):
            cells = " | ".join(str(int(x)) for x in res["counts"][scheme][g])
            lines.append(f"| {scheme} | {name} | {cells} | {res['f1'][scheme][g]:.6f} |")
    return "\n".join([*lines, "", *verdict(res)])


def readme_block(res: dict, meta: dict | None) -> str:
    """The README's block: the timing table and the verdict, labelled with their run."""
    size = (
        f"{res['docs']:,} synthetic documents, {res['gold_spans']:,} gold and "
        f"{res['predicted_spans']:,} predicted spans:"
    )
    lines = [blocks.measured_note(meta, SCRIPT), "", size, "", *timing_table(res), ""]
    return "\n".join(lines + [f"- {v}" for v in verdict(res)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000, help="documents (default 100000)")
    ap.add_argument("--seed", type=int, default=0)
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
        res = measure(args.docs, args.seed)
        if args.json:
            Path(args.json).write_text(json.dumps({"measured": meta, "results": res}, indent=2))
    print(report(res))
    if args.readme and not blocks.update_readme(args.readme, BLOCK, readme_block(res, meta)):
        return 2
    return 1 if res["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
