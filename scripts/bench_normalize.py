"""Benchmark the normalizer against a bare ``re.sub(r"\\s+", " ", text)`` over the same text.

Usage: python scripts/bench_normalize.py [--mb 4] [--repeat 3] [--seed 1] [--before REV]
       [--readme README.md] [--json FILE] [--from-json FILE]

All in one process, on three texts of about ``--mb`` MB each:

1. **synthetic news**: ``scripts/bench_build.py``'s generator (the seed articles' paragraphs
   recombined, words and names swapped, the seeds' boilerplate lines, CRLF in a fifth of the
   files, extra and non-breaking spaces, zero-width characters, a few decomposed accents);
2. **non-ASCII news**: the same articles with every Latin letter replaced by a Cyrillic one
   (two UTF-8 bytes a letter; no sentence boundary is found, since none starts with A-Z);
3. **seed articles**: the five seeds, repeated.

Rows, each timed on every article of the text: the bare regex pass over the decoded text
(the baseline: throughput 1.00x); the normalizer before issue 14 (``tests/reference_normalize.py``,
the named baseline for the speed-up; it calls today's ``boilerplate.classify``);
``normalize_bytes``; and its two parts:
``boilerplate.classify`` on the stripped lines (and, as a row of its own, the detector before
its speed-up, ``tests/reference_boilerplate``), and the text pass (everything else: decode,
lines, character rules, offset anchors, title, sentences) with the lines' rules given.
``--before REV`` adds two rows: ``normalize_bytes`` and ``boilerplate.classify`` as they were at
the git revision REV (its ``src/`` extracted with ``git archive`` and imported under the
same package name, in the same process), and checks that they decide the same.
CPU seconds (``time.process_time``), the best of ``--repeat`` interleaved rounds (the machine
is shared; compare ratios, not MB/s). The old and new normalizers' outputs are compared on
every article (text, paragraphs, sentences, exclusions, offset map, title, notices), and so
are the detector's before and after its speed-up (``tests/reference_boilerplate``: every line's
rule and the title line); "same output" covers both. With ``--before``, the articles that
today's rules normalize otherwise than REV's are counted (rules written since change
decisions on purpose; that count is reported, not checked).

Target (issue 14): ``normalize_bytes`` >= 0.5x the bare regex's throughput.

``--readme README.md`` rewrites the README's ``bench_normalize`` block with these tables,
labelled with the date, command and CPUs; ``--json FILE`` keeps the results and
``--from-json FILE --readme README.md`` writes the block from them without measuring.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from claimcorpus.core import blocks  # noqa: E402

SCRIPT = "scripts/bench_normalize.py"
BLOCK = "bench_normalize"
NOT_MEASURED = ("--readme", "--json", "--from-json")  # options that only say where
SEEDS = REPO.parent / "shared" / "seeds"
if not SEEDS.exists():
    SEEDS = REPO / "corpus" / "raw"
MB = 1_000_000
TARGET = 0.5  # normalize_bytes >= 0.5x the bare regex throughput
_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CYRILLIC = "абцдефгхийклмнопярстужвьызАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗ"
ROWS = (
    "bare",
    "old",
    "new",
    "classify",
    "text_pass",
    "line_floor",
    "classify_old",
    "before",
    "classify_before",
)
LABELS = {
    "bare": 'bare re.sub(r"\\s+", " ") (baseline)',
    "old": "old normalizer (tests/reference_normalize.py)",
    "new": "normalize_bytes",
    "classify": "... of which boilerplate.classify (lines given)",
    "classify_old": "boilerplate.classify before its speed-up (tests/reference_boilerplate)",
    "text_pass": "... of which the text pass (rules given)",
    "line_floor": "floor of any line detector: a word count and a repeat count per line",
    "before": "normalize_bytes at --before",
    "classify_before": "boilerplate.classify at --before",
}
BEFORE: dict[str, Callable] = {}  # normalize_bytes and classify at --before, when given


def load_before(rev: str, into: Path) -> dict[str, Callable]:
    """``normalize_bytes`` and ``boilerplate.classify`` of the git revision ``rev``: its
    ``src/`` extracted into ``into`` and imported as ``claimcorpus`` while today's modules
    are set aside (the functions keep their own modules' globals), then today's put back."""
    data = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    today = {k: v for k, v in sys.modules.items() if k.split(".")[0] == "claimcorpus"}
    for k in today:
        del sys.modules[k]
    sys.path.insert(0, str(into / "src"))
    try:
        text = importlib.import_module("claimcorpus.normalize.text")
        boilerplate = importlib.import_module("claimcorpus.normalize.boilerplate")
        return {"normalize_bytes": text.normalize_bytes, "classify": boilerplate.classify}
    finally:
        sys.path.remove(str(into / "src"))
        for k in [k for k in sys.modules if k.split(".")[0] == "claimcorpus"]:
            del sys.modules[k]
        sys.modules.update(today)


def _bench_build():
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "scripts/bench_build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def texts(mb: float, seed: int) -> dict[str, list[bytes]]:
    """The three texts, as lists of raw articles."""
    bb = _bench_build()
    gen = bb.Generator(bb.load_seeds(SEEDS), seed)
    news: list[bytes] = []
    for story in gen.stories():
        news += [t.encode() for t in story]
        if sum(map(len, news)) >= mb * MB:
            break
    table = str.maketrans(_LATIN, _CYRILLIC)
    cyrillic = [a.decode().translate(table).encode() for a in news]
    seeds = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    seeds = seeds * max(1, int(mb * MB / sum(map(len, seeds))))
    return {"synthetic news": news, "non-ASCII news": cyrillic, "seed articles": seeds}


def passes(docs: list[bytes]) -> dict[str, Callable[[], object]]:
    """The measured passes over ``docs``, by row."""
    sys.path.insert(0, str(REPO / "tests"))
    import reference_normalize as ref  # tests/: the normalizer before issue 14
    from reference_boilerplate import boilerplate as ref_boilerplate  # the detector before

    from claimcorpus.normalize import boilerplate
    from claimcorpus.normalize import text as t

    space = re.compile(r"\s+")
    lines = []
    for d in docs:
        decoded = d.decode()
        lines.append([decoded[ln[1] : ln[2]] for ln in t.scan(decoded)])
    rules = [boilerplate.classify(x) for x in lines]

    def line_floor() -> None:
        # the least a detector that reads word counts and repeated lines does per line
        for page in lines:
            seen: dict[str, int] = {}
            for line in page:
                len(line.split())
                seen[line] = seen.get(line, 0) + 1

    def text_pass() -> None:
        for d, r in zip(docs, rules, strict=True):
            decoded, notices = t.decode(d, "bench")
            scanned = t.scan(decoded)
            stripped = [decoded[ln[1] : ln[2]] for ln in scanned]
            t.assemble("bench", d, decoded, scanned, stripped, r, notices)

    before = {}
    if BEFORE:
        norm0, classify0 = BEFORE["normalize_bytes"], BEFORE["classify"]
        before = {
            "before": lambda: [norm0(d) for d in docs],
            "classify_before": lambda: [classify0(x) for x in lines],
        }
    return before | {
        "bare": lambda: [space.sub(" ", d.decode()) for d in docs],
        "old": lambda: [ref.normalize_bytes(d) for d in docs],
        "new": lambda: [t.normalize_bytes(d) for d in docs],
        "classify": lambda: [boilerplate.classify(x) for x in lines],
        "classify_old": lambda: [ref_boilerplate.classify(x) for x in lines],
        "text_pass": text_pass,
        "line_floor": line_floor,
    }


def same_output(docs: list[bytes]) -> bool:
    """Whether the old and new normalizers give the same result for every article."""
    sys.path.insert(0, str(REPO / "tests"))
    import reference_normalize as ref

    from claimcorpus.normalize.text import normalize_bytes

    def fields(n) -> tuple:
        return (
            n.text,
            n.paragraphs,
            n.sentences,
            n.exclusions,
            n.offset_map(),
            n.title,
            n.notices,
        )

    if not all(fields(normalize_bytes(d)) == fields(ref.normalize_bytes(d)) for d in docs):
        return False
    return all(_same_detector(d.decode()) for d in docs)


def changed_from_before(docs: list[bytes]) -> int | None:
    """How many articles ``normalize_bytes`` normalizes otherwise than at --before (None
    without it): rules written since then change decisions on purpose, so this is
    reported, not a check."""
    if not BEFORE:
        return None
    from claimcorpus.normalize.text import normalize_bytes

    def fields(n) -> tuple:
        return (n.text, n.sentences, n.exclusions, n.offset_map(), n.title)

    return sum(fields(normalize_bytes(d)) != fields(BEFORE["normalize_bytes"](d)) for d in docs)


def _same_detector(decoded: str) -> bool:
    """Whether boilerplate.classify and title_index decide as the detector before them."""
    from reference_boilerplate import boilerplate as ref_boilerplate

    from claimcorpus.normalize import boilerplate
    from claimcorpus.normalize import text as t

    lines = [decoded[ln[1] : ln[2]] for ln in t.scan(decoded)]
    new, old = boilerplate.classify(lines), ref_boilerplate.classify(lines)
    if [r and (r.id, r.reason) for r in new] != [r and (r.id, r.reason) for r in old]:
        return False
    return boilerplate.title_index(lines, new) == ref_boilerplate.title_index(lines, old)


def measure(docs: list[bytes], repeat: int) -> dict:
    """Best CPU seconds of each pass over ``repeat`` interleaved rounds."""
    runs = passes(docs)
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, fn in runs.items():
            t0 = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t0)
    return {
        "articles": len(docs),
        "mb": sum(map(len, docs)) / MB,
        "seconds": best,
        "same_output": same_output(docs),
        "changed_from_before": changed_from_before(docs),
    }


def measure_all(args: argparse.Namespace) -> dict:
    return {
        "repeat": args.repeat,
        "texts": {
            name: measure(docs, args.repeat) for name, docs in texts(args.mb, args.seed).items()
        },
    }


def tables(res: dict) -> tuple[list[str], list[str]]:
    """The tables of one run and the targets it missed."""
    lines = [
        f"CPU seconds, best of {res['repeat']} interleaved rounds; throughput relative to the "
        "bare regex over the same text in the same run (higher is faster):",
        "",
    ]
    missed: list[str] = []
    verdicts: list[str] = []

    def label(row: str) -> str:
        return LABELS[row].replace("--before", str(res.get("before", "--before")))

    for name, r in res["texts"].items():
        s = r["seconds"]
        lines += [f"{name} ({r['articles']:,} articles, {r['mb']:.1f} MB):", ""]
        lines += ["| pass | CPU s | MB/s | throughput vs bare regex |", "|---|---:|---:|---:|"]
        for row in (x for x in ROWS if x in s):  # results saved before a row was added lack it
            lines.append(
                f"| {label(row)} | {s[row]:.3f} | {r['mb'] / s[row]:.1f} | {s['bare'] / s[row]:.2f}x |"
            )
        speedup = s["old"] / s["new"]
        same = "yes" if r["same_output"] else "NO"
        own_old = s["old"] - s["classify"]  # derived: the old normalizer's own work
        lines += [
            "",
            f"boilerplate.classify is {s['classify'] / s['new']:.0%} of normalize_bytes. The "
            f"normalizer's own work (all but classify) took about {own_old:.3f} s before "
            f"(old minus classify: {s['bare'] / own_old:.2f}x the bare regex), "
            f"{s['text_pass']:.3f} s now ({own_old / s['text_pass']:.1f}x faster).",
        ]
        if "before" in s:
            lines += [
                "",
                f"Against --before in this run: normalize_bytes {s['before'] / s['new']:.2f}x "
                f"faster ({s['bare'] / s['before']:.3f}x -> {s['bare'] / s['new']:.3f}x the bare "
                f"regex), boilerplate.classify {s['classify_before'] / s['classify']:.2f}x faster "
                f"({s['bare'] / s['classify_before']:.3f}x -> {s['bare'] / s['classify']:.3f}x).",
            ]
            changed = r.get("changed_from_before")
            if changed is not None:
                lines[-1] += (
                    f" Articles normalized otherwise than at --before (rules changed since): "
                    f"{changed:,} of {r['articles']:,}."
                )
        detector = s.get("classify_old")
        if detector is not None:
            with_old = s["text_pass"] + detector  # derived: normalize_bytes with the old detector
            lines += [
                "",
                f"boilerplate.classify {detector / s['classify']:.2f}x faster than before its "
                f"speed-up ({s['bare'] / detector:.2f}x -> {s['bare'] / s['classify']:.2f}x the "
                f"bare regex); normalize_bytes with the detector before (text pass + old "
                f"classify, derived): about {s['bare'] / with_old:.2f}x the bare regex.",
            ]
        lines += [
            "",
            f"normalize_bytes {speedup:.1f}x faster than the old normalizer; same output: {same}.",
            "",
        ]
        ratio = s["bare"] / s["new"]
        ok = ratio >= TARGET
        verdicts.append(f"{name} {ratio:.2f}x ({'met' if ok else 'MISSED'})")
        if not ok:
            missed.append(
                f"normalize_bytes on {name}: {ratio:.2f}x the bare regex (target >= {TARGET}x)"
            )
        if not r["same_output"]:
            missed.append(f"{name}: output differs from the old normalizer")
    lines += [
        f"Target: normalize_bytes >= {TARGET}x the bare regex throughput: " + "; ".join(verdicts)
    ]
    lines += [
        "",
        "Not a target, for where the time goes: the text pass alone (normalize_bytes without "
        "boilerplate.classify): "
        + "; ".join(
            f"{name} {r['seconds']['bare'] / r['seconds']['text_pass']:.2f}x"
            for name, r in res["texts"].items()
        ),
    ]
    lines += ["", *_budget(res)]
    lines += ["", "MISSED: " + "; ".join(missed) if missed else "All targets met."]
    return lines, missed


def _budget(res: dict) -> list[str]:
    """What the target leaves the detector, next to the floor of any line detector: at 0.5x
    the whole normalizer may take 2 bare-regex units, of which the text pass takes its own."""
    parts = []
    for name, r in res["texts"].items():
        s = r["seconds"]
        if "line_floor" not in s:  # results saved before the row was added
            return []
        left = 1 / TARGET - s["text_pass"] / s["bare"]
        parts.append(
            f"{name}: {left:.2f} units left, floor {s['line_floor'] / s['bare']:.2f}, "
            f"classify {s['classify'] / s['bare']:.2f}"
        )
    return [
        "Not a target, the budget: at the target the text pass leaves the detector this many "
        "bare-regex units (1 unit = the bare regex's time over the same text), next to the "
        "floor row (a str.split word count and a dict count per line, nothing else) and what "
        "boilerplate.classify takes: " + "; ".join(parts)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=4.0, help="MB of raw text per text")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--before", metavar="REV", help="also time the normalizer of this git revision")
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
        with tempfile.TemporaryDirectory() as tmp:
            if args.before:
                BEFORE.update(load_before(args.before, Path(tmp)))
            res = measure_all(args)
        if args.before:
            res["before"] = args.before
        if args.json:
            Path(args.json).write_text(json.dumps({"measured": meta, "results": res}, indent=2))
    lines, missed = tables(res)
    print("\n".join(lines))
    body = "\n".join([blocks.measured_note(meta, SCRIPT), "", *lines])
    if args.readme and not blocks.update_readme(args.readme, BLOCK, body):
        return 2
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
