"""Benchmark ingest + normalize + build on synthetic corpora of growing size.

Usage: python scripts/bench_build.py [--sizes 1000,10000,100000] [--annotated] [--workdir DIR]
       [--seed N]

For each size N it:

1. writes a synthetic corpus of N plain-text articles made by recombining the seed articles'
   paragraphs (lines): stories of a few articles each share a seed article and a made-up
   entity vocabulary (so unrelated stories do not all look like one story), paragraphs are
   sampled and reordered, words substituted, and noise added (extra spaces, non-breaking
   spaces, zero-width characters, a few decomposed accents, CRLF line ends in some files)
   plus the seeds' own boilerplate lines (cookie banner, "Leave a Comment", "Source link",
   "See also ...", the donation-plea block, ...) in some files. Deterministic for a seed.
2. in a fresh subprocess (so peak RSS is per size) ingests every file with
   ``claimcorpus.corpus.ingest_file`` into a fresh project root (a copy of schema/ and an
   empty annotations/gold; one shared ingest index), then runs
   ``claimcorpus.pipeline.build_release``; reports articles/s and raw MB/s per stage and
   overall, and peak RSS (ru_maxrss of the process and its children).
3. in the same subprocess, after the build, times a bare ``re.sub(r"\\s+", " ", text)`` pass
   over the decoded raw texts and a bare ``normalize_bytes`` pass over the raw bytes, and
   reports normalize/regex.
4. prints markdown tables and checks the targets: the largest size's build peaks under
   1 GB RSS (when it is >= 100k), cost per article grows at most 1.5x from the smallest size
   (linear), and normalization is within 10x of the bare regex pass.

``--annotated`` adds, per size, builds of the same articles in fresh processes (not the
one that ingested): the unannotated build; then gold records for every article (``gold_record``:
up to 3 attributions, one per sentence, SOURCE + CUE + CLAIM spans, valid under
``claimcorpus validate``) written into annotations/gold/ of the bench root; then the
annotated build with the columnar release writer and, in that same process, with the
``encode_example`` writer it replaced (``tests/reference_writer.py``, the named baseline).
It reports time and peak RSS of each, the annotated/unannotated ratio (target <= 2x), the
time inside the writer's encoding, and whether the two writers' releases are byte-identical.

``--readme README.md`` rewrites the README's ``bench_build`` block (the first table and the
targets, labelled with the date, command and CPUs); ``--from-json FILE --readme README.md``
writes it from results saved by ``--json`` without measuring again.

Diagnostics: ``--no-fsync`` replaces os.fsync by a no-op inside the measured process (to
separate disk-flush time from CPU time); ``--profile DIR`` writes cProfile stats of ingest
and build per size and prints the top functions; ``--keep`` keeps the generated data.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# the tree measured: a child is told it by the parent's --src (set here, before the first
# claimcorpus import, or that import would bind the package to this repo's src)
SRC = Path(os.environ.get("CLAIMCORPUS_BENCH_SRC") or REPO / "src")
sys.path.insert(0, str(SRC))
import claimcorpus  # noqa: E402
from claimcorpus.core import blocks  # noqa: E402

SCRIPT = "scripts/bench_build.py"


def _measured_src(src: str) -> None:
    """Refuse to measure a tree other than ``src`` (the package is imported at the top)."""
    here = Path(claimcorpus.__file__).resolve().parent
    if not here.is_relative_to(Path(src).resolve()):
        raise SystemExit(f"bench_build: measuring {here}, not --src {src}")


BLOCK = "bench_build"
# options that only say where things go, not what is measured
NOT_MEASURED = ("--readme", "--json", "--from-json", "--workdir", "--profile", "--seeds-dir")

SEEDS = Path("/work/shared/seeds")
MB = 1_000_000
RSS_LIMIT_MB = 1000  # target: the 100k build peaks under 1 GB RSS
LINEAR_TOLERANCE = 1.5  # per-article cost at any size at most this times the smallest size's
RATIO_TARGET = 10.0  # normalize_bytes within 10x of the bare regex pass
BATCH = 2000  # files per batch in the bare regex / normalize passes (bounded memory)
ATTRIBUTIONS = 3  # per article in --annotated mode
ANNOTATED_RATIO_TARGET = 2.0  # target: the annotated build at most 2x the unannotated one

# Capitalized words that start sentences everywhere; never replaced by story entities.
COMMON_CAPS = {
    "A",
    "According",
    "After",
    "An",
    "And",
    "As",
    "At",
    "Before",
    "But",
    "By",
    "Despite",
    "During",
    "Earlier",
    "For",
    "He",
    "However",
    "I",
    "If",
    "In",
    "It",
    "Its",
    "Last",
    "No",
    "Once",
    "One",
    "Our",
    "She",
    "That",
    "The",
    "These",
    "They",
    "This",
    "Thank",
    "To",
    "Two",
    "We",
    "While",
    "Your",
}
_ENTITY = re.compile(r"\b(?:[A-Z][\w'’-]*|\d[\d.,%]*)")
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")
_GAP = re.compile(r" ")
_SYLLABLES = (
    "ka",
    "ro",
    "vin",
    "tel",
    "mar",
    "sa",
    "lo",
    "den",
    "bri",
    "ta",
    "gor",
    "ul",
    "fen",
    "an",
    "mi",
    "zo",
    "ber",
    "ith",
    "qu",
    "es",
    "dra",
    "kov",
    "lin",
    "ha",
    "pe",
    "nor",
    "vas",
    "ty",
)
_ACCENTED = ("é", "ö", "ñ", "á", "ü", "ç")


# ----------------------------------------------------------------------------- seeds
def load_seeds(seed_dir: Path) -> dict:
    """Content paragraphs, title-like lines and boilerplate lines (by rule) of the seeds."""
    from claimcorpus.normalize import boilerplate

    articles, boiler, donation = [], {}, []
    for path in sorted(seed_dir.glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        paras, titles, block = [], [], []
        for line, rule in zip(lines, boilerplate.classify(lines), strict=True):
            if rule is not None and rule.block:
                block.append(line)
            elif rule is not None:
                boiler.setdefault(rule.id, []).append(line)
            elif len(line.split()) >= 8 and line[-1] in '.!?"”’:':
                paras.append(line)
            elif 3 <= len(line.split()) <= 20:
                titles.append(line)
        if block:
            donation = block
        articles.append({"name": path.name, "paras": paras, "titles": titles})
    if not articles:
        raise SystemExit(f"{seed_dir}: no seed articles (*.txt)")
    vocab = sorted({w for a in articles for p in a["paras"] for w in _LOWER_WORD.findall(p)})
    return {"articles": articles, "boiler": boiler, "donation": donation, "vocab": vocab}


# ----------------------------------------------------------------------------- generator
class Generator:
    """Deterministic stream of synthetic articles, story by story."""

    def __init__(self, seeds: dict, seed: int, shared_vocab: bool = False) -> None:
        self.s = seeds
        self.seed = seed
        self.shared_vocab = shared_vocab
        self.rng = random.Random(f"{seed}:stories")

    def _name(self, rng: random.Random) -> str:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.1:
            i = rng.randrange(1, len(word))
            word = word[:i] + rng.choice(_ACCENTED) + word[i:]
        return word.capitalize()

    def _entity_map(self, rng: random.Random):
        mapping: dict[str, str] = {}

        def repl(m: re.Match) -> str:
            tok = m.group(0)
            if self.shared_vocab or tok in COMMON_CAPS or len(tok) == 1:
                return tok
            if tok not in mapping:
                if rng.random() < 0.1:
                    mapping[tok] = tok  # a few entities (China, Russia) stay shared
                elif tok[0].isdigit():
                    mapping[tok] = str(rng.randint(2, 10 ** len(tok.rstrip("%.,"))))
                    mapping[tok] += "%" if tok.endswith("%") else ""
                else:
                    mapping[tok] = self._name(rng)
            return mapping[tok]

        return repl

    def _substitute(self, text: str, rng: random.Random, rate: float) -> str:
        vocab = self.s["vocab"]
        return _LOWER_WORD.sub(
            lambda m: rng.choice(vocab) if rng.random() < rate else m.group(0), text
        )

    def _noise(self, text: str, rng: random.Random, level: tuple[float, float, float]) -> str:
        p_space, p_nbsp, p_zw = level
        if p_space or p_nbsp:

            def gap(_m: re.Match) -> str:
                r = rng.random()
                if r < p_space:
                    return rng.choice(("  ", "   ", " \t", "  "))
                if r < p_space + p_nbsp:
                    return rng.choice(("\u00a0", " \u00a0", "\u2009", "\u00a0"))
                return " "

            text = _GAP.sub(gap, text)
        if p_zw:
            out, last = [], 0
            for m in _LOWER_WORD.finditer(text):
                if rng.random() < p_zw:
                    cut = m.start() + rng.randint(1, len(m.group(0)) - 1)
                    out += [text[last:cut], rng.choice(("\u200b", "\u200b", "\u200d", "\u2060"))]
                    last = cut
            text = "".join(out) + text[last:]
        if rng.random() < 0.02:
            text = unicodedata.normalize("NFD", text)
        if rng.random() < 0.05:
            text = rng.choice((" ", "  ", "\t", "\u00a0")) + text
        if rng.random() < 0.05:
            text += rng.choice((" ", "  ", "\u00a0 "))
        return text

    def stories(self):
        """Yield lists of article texts, one list per story, forever."""
        arts = self.s["articles"]
        sid = 0
        while True:
            size = 1
            while size < 12 and self.rng.random() < 0.6:  # mean ~2.5 articles per story
                size += 1
            rng = random.Random(f"{self.seed}:story:{sid}")
            yield list(self._story(rng, arts, size))
            sid += 1

    def _story(self, rng: random.Random, arts: list[dict], size: int):
        base = rng.choice([a for a in arts if a["paras"]])
        ent = self._entity_map(rng)
        mapped = [_ENTITY.sub(ent, p) for p in base["paras"]]
        titles = [_ENTITY.sub(ent, t) for t in base["titles"]] or [
            _ENTITY.sub(ent, " ".join(base["paras"][0].split()[:8]).rstrip(".,;:"))
        ]
        prev: list[str] | None = None
        for _ in range(size):
            if prev is not None and rng.random() < 0.15:
                paras = [self._substitute(p, rng, 0.01) for p in prev]  # near-duplicate
            else:
                n = len(mapped)
                k = rng.randint(max(2, int(n * 0.4)), n)
                idx = sorted(rng.sample(range(n), k))
                if rng.random() < 0.3:
                    rng.shuffle(idx)
                paras = [self._substitute(mapped[i], rng, 0.12) for i in idx]
                extra = rng.choice((0, 0, 0, 1, 2))
                if rng.random() < 0.04:
                    extra = rng.randint(10, 30)  # a few long articles
                for _ in range(extra):
                    other = rng.choice(arts)
                    if other["paras"]:
                        p = _ENTITY.sub(ent, rng.choice(other["paras"]))
                        paras.insert(rng.randint(0, len(paras)), self._substitute(p, rng, 0.12))
            prev = paras
            yield self._render(rng, rng.choice(titles), paras)

    def _render(self, rng: random.Random, title: str, paras: list[str]) -> str:
        b = self.s["boiler"]
        level = rng.choice(
            ((0, 0, 0), (0, 0, 0), (0.02, 0.005, 0.002), (0.02, 0.005, 0.002), (0.1, 0.03, 0.01))
        )
        lines: list[str] = []

        def pick(rule: str, p: float) -> list[str]:
            return [rng.choice(b[rule])] if rule in b and rng.random() < p else []

        lines += pick("language-switcher", 0.05)
        if rng.random() < 0.85:
            if rng.random() < 0.08:
                lines.append(f"Home » {title}")
            lines.append(title)
            if rng.random() < 0.05:
                lines.append(f"{title} {self._name(rng)} (photo: Getty Images)")
            lines += pick("byline-placeholder", 0.05)
            lines += pick("subscribe-prompt", 0.08)
        body = [self._noise(p, rng, level) for p in paras]
        if len(body) > 2 and rng.random() < 0.15:
            teaser = rng.choice(b.get("related-teaser", ["See also"]))
            body.insert(rng.randint(1, len(body) - 1), teaser)
        lines += body
        lines += pick("contact-line", 0.05)
        lines += pick("source-link", 0.15)
        if rng.random() < 0.15:
            lines += b.get("comment-prompt", [])
        if rng.random() < 0.15:
            lines += b.get("cookie-banner", [])
        if self.s["donation"] and rng.random() < 0.08:
            lines += self.s["donation"]
        eol = "\r\n" if rng.random() < 0.2 else "\n"
        sep = eol * 2 if rng.random() < 0.5 else eol
        return sep.join(lines) + (eol if rng.random() < 0.7 else "")


def write_corpus(seeds: dict, n: int, folder: Path, seed: int, shared_vocab: bool) -> dict:
    """Write n articles into folder; return counts (files, raw bytes, stories)."""
    folder.mkdir(parents=True)
    names = list(range(n))
    random.Random(f"{seed}:names:{n}").shuffle(names)
    gen = Generator(seeds, seed, shared_vocab)
    seen: set[bytes] = set()
    written, nbytes, nstories, crlf = 0, 0, 0, 0
    for story in gen.stories():
        nstories += 1
        for text in story:
            data = text.encode("utf-8")
            while hashlib.sha256(data).digest() in seen:  # ingest refuses duplicate bytes
                data += b"\n" + text.splitlines()[-1].encode()
            seen.add(hashlib.sha256(data).digest())
            (folder / f"art_{names[written]:07d}.txt").write_bytes(data)
            written += 1
            nbytes += len(data)
            crlf += b"\r\n" in data
            if written == n:
                return {
                    "files": n,
                    "raw_bytes": nbytes,
                    "true_stories": nstories,
                    "crlf_files": crlf,
                }
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------- measured child
def _maxrss_mb() -> float:
    self_ = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (self_ + kids) / 1024  # ru_maxrss is in KiB on Linux


def _cur_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _timed(module, name: str, phases: dict) -> None:
    """Wrap module.name to record its wall time and the peak RSS after it (if it exists)."""
    if isinstance(module, str):
        import importlib

        try:
            module = importlib.import_module(module)
        except ImportError:
            return
    fn = getattr(module, name, None)
    if fn is None:
        return

    def wrapper(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - t
            phases.setdefault(name + ".maxrss_mb", _maxrss_mb())  # after the first call

    setattr(module, name, wrapper)


def _profiled(prof_dir: str | None, label: str):
    if not prof_dir:
        return contextlib.nullcontext()
    import cProfile

    @contextlib.contextmanager
    def run():
        p = cProfile.Profile()
        p.enable()
        try:
            yield
        finally:
            p.disable()
            p.dump_stats(str(Path(prof_dir) / f"{label}.prof"))

    return run()


def child(cfg: dict) -> dict:
    """Runs in a fresh process: ingest, build, then the bare regex / normalize passes."""
    if cfg["no_fsync"]:
        os.fsync = lambda fd: None  # diagnostic only: what the flushes cost
    _measured_src(cfg["src"])
    import datasets  # noqa: F401  (imported by the build; keep import time out of it)

    from claimcorpus import pipeline
    from claimcorpus.ingest.command import ingest_file
    from claimcorpus.ingest.index import Index
    from claimcorpus.normalize.text import normalize_bytes
    from claimcorpus.release import splits
    from claimcorpus.release import steps as build_steps
    from claimcorpus.stories import components

    root, articles, out = Path(cfg["root"]), Path(cfg["articles"]), Path(cfg["releases"])
    files = sorted(articles.glob("*.txt"))
    res: dict = {"rss_start_mb": _maxrss_mb()}
    progress = sys.__stderr__
    index = Index.open(root)  # one index for the run, as `ingest` shares one
    statuses: Counter = Counter()
    step = max(1, len(files) // 10)
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):  # CRLF notices
        with _profiled(cfg["profile"], f"ingest_{len(files)}"):
            t0, c0 = time.perf_counter(), time.process_time()
            for i, f in enumerate(files, 1):
                statuses[ingest_file(root, f, index=index)[1]] += 1
                if i % step == 0:
                    el = time.perf_counter() - t0
                    print(
                        f"  ingest {i}/{len(files)} {el:.1f}s ({i / el:.0f}/s)",
                        file=progress,
                        flush=True,
                    )
            index.commit()
            res["ingest_s"] = time.perf_counter() - t0
            res["ingest_cpu_s"] = time.process_time() - c0
    res["ingest_status"] = dict(statuses)
    res["rss_after_ingest_mb"] = _maxrss_mb()

    phases: dict = {}
    _timed(components, "group_stories", phases)  # pass 1: load every document + MinHash + LSH
    _timed(splits, "make_splits", phases)
    # the build steps call these by the names they imported
    _timed(build_steps, "write_card", phases)
    _timed(build_steps, "write_checksums", phases)
    _timed(build_steps, "write_croissant", phases)
    # called by the card's results section (report.results_card.card_section)
    _timed("claimcorpus.report.results_card", "results_table", phases)
    with _profiled(cfg["profile"], f"build_{len(files)}"):
        t0, c0 = time.perf_counter(), time.process_time()
        folder, status = pipeline.build_release(root, "0.0.1", out)
        res["build_s"] = time.perf_counter() - t0
        res["build_cpu_s"] = time.process_time() - c0
    res["rss_after_build_mb"] = _maxrss_mb()
    rest = res["build_s"] - sum(v for k, v in phases.items() if not k.endswith("_mb"))
    res["build_phases"] = {**phases, "pass2_rows_parquet_and_other": rest}
    summary = json.loads((folder / "build_summary.json").read_text(encoding="utf-8"))
    res["stories"] = len(summary["stories"])
    res["story_edges"] = Counter(e["kind"] for e in summary["story_edges"])
    res["largest_story"] = max(summary["stories"].values())
    res["release_mb"] = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB
    res["corpus_mb_on_disk"] = (
        sum(p.stat().st_size for p in (root / "corpus").rglob("*") if p.is_file()) / MB
    )
    print(f"  build {status} in {res['build_s']:.1f}s", file=progress, flush=True)

    # Bare passes, interleaved file by file so both see the same machine load; CPU time
    # (process_time) is what the ratio uses, wall time is kept for reference.
    ws = re.compile(r"\s+")
    t_regex = t_norm = c_regex = c_norm = 0.0
    nbytes = 0
    pc, pt = time.perf_counter, time.process_time
    for a in range(0, len(files), BATCH):
        raws = [f.read_bytes() for f in files[a : a + BATCH]]
        texts = [r.decode("utf-8") for r in raws]
        nbytes += sum(map(len, raws))
        for raw, text in zip(raws, texts, strict=True):
            w0, k0 = pc(), pt()
            ws.sub(" ", text)
            w1, k1 = pc(), pt()
            normalize_bytes(raw)
            w2, k2 = pc(), pt()
            t_regex += w1 - w0
            t_norm += w2 - w1
            c_regex += k1 - k0
            c_norm += k2 - k1
    res.update(regex_s=t_regex, normalize_s=t_norm, regex_cpu_s=c_regex, normalize_cpu_s=c_norm)
    res.update(raw_bytes=nbytes, articles=len(files))
    res["rss_end_mb"] = _maxrss_mb()
    res["rss_current_end_mb"] = _cur_rss_mb()
    return res


# ----------------------------------------------------------------------------- annotated
def gold_record(doc: dict, scheme, rng: random.Random) -> dict | None:
    """A gold record of up to ATTRIBUTIONS attributions, one per sentence (of >= 4 words,
    inside a paragraph): SOURCE its first word, CUE the second, CLAIM the rest."""
    from claimcorpus.core.gold_rules import ANONYMOUS_TYPES

    text, paras = doc["text"], [(p["start"], p["end"]) for p in doc["paragraphs"]]
    spans, attributions = [], []
    for x in doc["sentences"]:
        words = list(re.finditer(r"\S+", text[x["start"] : x["end"]]))
        if len(words) < 4 or not any(a <= x["start"] and x["end"] <= b for a, b in paras):
            continue
        n = len(attributions) + 1
        cut = [(x["start"] + w.start(), x["start"] + w.end()) for w in words[:3]]
        for sid, label, a, z in (
            (f"s{n}", "SOURCE", *cut[0]),
            (f"q{n}", "CUE", *cut[1]),
            (f"c{n}", "CLAIM", cut[2][0], x["start"] + words[-1].end()),
        ):
            claim = label == "CLAIM"
            topic = rng.choice(scheme.topic_stances) if claim and scheme.topic_stances else None
            spans.append(
                {"antecedent": None, "cluster": None, "end": z, "id": sid, "label": label}
                | {"start": a, "text": text[a:z], "topic_stance": topic}
            )
        kind = rng.choice(scheme.source_types) if scheme.source_types else None
        attributions.append(
            {"anonymous_source": kind in ANONYMOUS_TYPES, "claim": f"c{n}", "cue": f"q{n}"}
            | {"id": f"a{n}", "source": f"s{n}", "source_type": kind}
            | {"stance": rng.choice(scheme.stances) if scheme.stances else None}
            | {"unattributed": False}
        )
        if n == ATTRIBUTIONS:
            break
    if not attributions:
        return None
    head = {"annotator": "bench", "doc_id": doc["doc_id"], "layer": "gold"}
    return head | {
        "scheme_version": scheme.version,
        "spans": spans,
        "attributions": attributions,
        "text_sha256": doc["text_sha256"],
    }


def child_gold(cfg: dict) -> dict:
    """Annotate every ingested article (deterministic for the seed): annotations/gold/."""
    _measured_src(cfg["src"])
    from claimcorpus.core.layers import write_record
    from claimcorpus.core.scheme import load_scheme
    from claimcorpus.ingest.store import doc_ids, load_document

    root = Path(cfg["root"])
    scheme = load_scheme(root)
    t0 = time.perf_counter()
    counts: Counter = Counter()
    for d in doc_ids(root):
        record = gold_record(load_document(root, d), scheme, random.Random(f"{cfg['seed']}:{d}"))
        counts["documents"] += 1
        if record is not None:
            write_record(root, "gold", record)
            counts["annotated"] += 1
            counts["attributions"] += len(record["attributions"])
    return {**counts, "gold_s": time.perf_counter() - t0}


def _reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM), so a second build reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _time_steps(build_module, steps_module, record: dict) -> None:
    """Make the build run its steps as ``steps.run_steps`` does, recording each step's wall
    seconds and this process's peak RSS (VmHWM) after it into ``record``."""

    def run_steps(state, steps=steps_module.STEPS):
        for step in steps:
            t, c = time.perf_counter(), time.process_time()
            state.reports[step.name] = step.run(state)
            record[step.name] = {
                "s": time.perf_counter() - t,
                "cpu_s": time.process_time() - c,
                "peak_mb": _peak_mb(),
            }
        return state.summary

    build_module.run_steps = run_steps


def child_build(cfg: dict) -> dict:
    """Build the project once per writer, in this one process: time, CPU, peak RSS, time
    and peak per build step, the seconds inside the writer's encoding, and SHA256SUMS."""
    _measured_src(cfg["src"])
    sys.path.insert(0, str(REPO / "tests"))
    import datasets  # noqa: F401  (imported by the build; keep import time out of it)
    import reference_writer  # tests/: the encode_example writer (before issue 14)

    from claimcorpus import pipeline
    from claimcorpus.release import build as build_module
    from claimcorpus.release import steps as steps_module
    from claimcorpus.release.writer import RowEncoder

    columnar = RowEncoder.table
    encodings = {"columnar": columnar, "encode_example": reference_writer.table}
    spent = [0.0]
    out: dict = {}
    for n, name in enumerate(cfg["writers"]):
        encode = encodings[name]

        def timed(self, rows, where="rows", first=0, encode=encode):
            t = time.perf_counter()
            try:
                return encode(self, rows, where, first)
            finally:
                spent[0] += time.perf_counter() - t

        RowEncoder.table = timed
        spent[0] = 0.0
        per_step: dict = {}
        _time_steps(build_module, steps_module, per_step)
        reset = n > 0 and _reset_peak()
        base = Path(cfg["releases"]) / name  # one version, so the two releases can be compared
        label = f"build_{cfg['label']}_{name}_{cfg['size']}"
        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):  # progress
            with _profiled(cfg["profile"], label):
                t0, c0 = time.perf_counter(), time.process_time()
                folder, _ = pipeline.build_release(cfg["root"], "0.0.1", base)
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        out[name] = {
            "build_s": wall,
            "build_cpu_s": cpu,
            "encode_s": spent[0],
            # the first build's peak is the process's; a later one's is VmHWM since a reset
            "peak_rss_mb": _peak_mb() if reset else _maxrss_mb(),
            "peak_after_reset": reset,
            "steps": per_step,
            "sha256sums": hashlib.sha256((folder / "SHA256SUMS").read_bytes()).hexdigest(),
        }
        print(f"  {cfg['label']} build ({name}) in {wall:.1f}s", file=sys.__stderr__, flush=True)
    RowEncoder.table = columnar
    return out


# ----------------------------------------------------------------------------- report
def _rate(x: float, s: float) -> str:
    return f"{x / s:,.0f}" if s > 0 else "-"


def _phase(r: dict, name: str) -> float:
    return r["build_phases"].get(name, 0.0)


def size_table(results: list[dict]) -> list[str]:
    """One row per size: wall times, throughput, peak RSS, normalize vs the bare regex."""
    lines = [
        "| size | articles | MB | ingest s | build s | total articles/s | MB/s | peak RSS MB "
        "| normalize MB/s | regex MB/s | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        mb, total = r["raw_bytes"] / MB, r["ingest_s"] + r["build_s"]
        lines.append(
            f"| {r['size']:,} | {r['articles']:,} | {mb:.1f} | {r['ingest_s']:.1f} "
            f"| {r['build_s']:.1f} "
            f"| {r['articles'] / total:,.0f} | {mb / total:.2f} | {r['rss_after_build_mb']:.0f} "
            f"| {mb / r['normalize_cpu_s']:.2f} | {mb / r['regex_cpu_s']:.1f} "
            f"| {r['normalize_cpu_s'] / r['regex_cpu_s']:.1f}x |"
        )
    return lines


def annotated_table(results: list[dict]) -> list[str]:
    """--annotated: the unannotated and annotated builds of each size, and the two writers."""
    runs = [r for r in results if "annotated" in r]
    if not runs:
        return []
    lines = [
        "Annotated (`--annotated`): after the run above, each size is built again in fresh "
        f"processes: without annotations, then with up to {ATTRIBUTIONS} attributions per "
        "article (gold records in annotations/gold) by the columnar writer and, in that same "
        "process, by the `encode_example` writer it replaced (the named baseline: "
        "tests/reference_writer.py; it runs second, on warm caches; its peak RSS is VmHWM "
        "since a reset). Wall seconds; writer = time inside `RowEncoder.table`; CPU = the "
        "build process's CPU seconds (on a shared machine the steadier of the two ratios).",
        "",
        "| size | attributions | unannotated build s | RSS MB | annotated build s | RSS MB "
        "| annotated / unannotated | CPU s: unannotated / annotated | CPU ratio "
        "| encode_example build s | RSS MB | build speed-up "
        "| writer s: columnar / encode_example | writer speed-up | same bytes |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        a = r["annotated"]
        plain, new, old = a["unannotated"], a["columnar"], a.get("encode_example")
        cells = (
            f"{old['build_s']:.1f} | {old['peak_rss_mb']:.0f} | "
            f"{old['build_s'] / new['build_s']:.2f}x | {new['encode_s']:.1f} / "
            f"{old['encode_s']:.1f} | {old['encode_s'] / new['encode_s']:.1f}x | "
            f"{'yes' if new['sha256sums'] == old['sha256sums'] else 'NO'}"
            if old
            else f"not run | - | - | {new['encode_s']:.1f} / - | - | -"
        )
        lines.append(
            f"| {r['size']:,} | {a['gold']['attributions']:,} | {plain['build_s']:.1f} "
            f"| {plain['peak_rss_mb']:.0f} | {new['build_s']:.1f} | {new['peak_rss_mb']:.0f} "
            f"| {new['build_s'] / plain['build_s']:.2f}x "
            f"| {plain['build_cpu_s']:.1f} / {new['build_cpu_s']:.1f} "
            f"| {new['build_cpu_s'] / plain['build_cpu_s']:.2f}x | {cells} |"
        )
    lines += ["", *linearity_table(runs)]
    steps = ("read", "check_and_group", "split", "write_rows", "card", "checksums")
    lines += [
        "",
        "Annotated build (columnar writer) by step: wall s / CPU s, and in brackets the "
        "process's peak RSS MB after it; check_and_group includes story grouping; card "
        "includes the results table (it reads the release back); write_rows includes the "
        "writer's encoding (above):",
        "",
        "| size | " + " | ".join(steps) + " |",
        "|---:|" + "---:|" * len(steps),
    ]
    for r in runs:
        done = r["annotated"]["columnar"].get("steps", {})
        cells = [
            f"{done[k]['s']:.1f} / {done[k].get('cpu_s', float('nan')):.1f} "
            f"({done[k]['peak_mb']:.0f})"
            if k in done
            else "-"
            for k in steps
        ]
        lines.append(f"| {r['size']:,} | " + " | ".join(cells) + " |")
    return lines


def linearity_table(runs: list[dict]) -> list[str]:
    """Seconds per 1,000 articles of each size's two builds (wall and CPU), and the annotated
    build's CPU per article against the smallest size's."""
    lines = [
        "Seconds per 1,000 articles (linear growth keeps each column flat):",
        "",
        "| size | unannotated wall | unannotated CPU | annotated wall | annotated CPU "
        "| annotated CPU per article vs smallest size |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    base = None
    for r in runs:
        a, k = r["annotated"], r["articles"] / 1000
        plain, new = a["unannotated"], a["columnar"]
        per = new["build_cpu_s"] / k
        base = per if base is None else base
        lines.append(
            f"| {r['size']:,} | {plain['build_s'] / k:.2f} | {plain['build_cpu_s'] / k:.2f} "
            f"| {new['build_s'] / k:.2f} | {per:.2f} | {per / base:.2f}x |"
        )
    return lines


def annotated_targets(results: list[dict]) -> tuple[list[str], list[str]]:
    """Target lines and misses of --annotated: <= 2x the unannotated build, < 1 GB at 100k,
    linear (CPU per article), and the two writers' releases byte-identical."""
    runs = [r for r in results if "annotated" in r]
    if not runs:
        return [], []
    missed = []
    ratio = {
        r["size"]: r["annotated"]["columnar"]["build_s"] / r["annotated"]["unannotated"]["build_s"]
        for r in runs
    }
    missed += [
        f"annotated build at {n:,}: {x:.2f}x the unannotated one "
        f"(target <= {ANNOTATED_RATIO_TARGET:.0f}x)"
        for n, x in ratio.items()
        if x > ANNOTATED_RATIO_TARGET
    ]
    big = [r for r in runs if r["size"] >= 100_000]
    missed += [
        f"annotated peak RSS at {r['size']:,}: {r['annotated']['columnar']['peak_rss_mb']:.0f} MB"
        f" (target < {RSS_LIMIT_MB} MB)"
        for r in big
        if r["annotated"]["columnar"]["peak_rss_mb"] >= RSS_LIMIT_MB
    ]
    per = {r["size"]: r["annotated"]["columnar"]["build_cpu_s"] / r["articles"] for r in runs}
    growth = {n: v / per[runs[0]["size"]] for n, v in per.items()}
    missed += [
        f"annotated build CPU per article at {n:,}: {g:.2f}x the {runs[0]['size']:,} one"
        for n, g in growth.items()
        if g > LINEAR_TOLERANCE
    ]
    differ = [
        r["size"]
        for r in runs
        if "encode_example" in r["annotated"]
        and r["annotated"]["columnar"]["sha256sums"]
        != r["annotated"]["encode_example"]["sha256sums"]
    ]
    missed += [f"the two writers' releases differ at {n:,}" for n in differ]
    lines = [
        f"- annotated build <= {ANNOTATED_RATIO_TARGET:.0f}x the unannotated build (wall): "
        + ", ".join(f"{n:,}: {x:.2f}x" for n, x in ratio.items())
        + " (CPU: "
        + ", ".join(
            f"{r['size']:,}: {r['annotated']['columnar']['build_cpu_s'] / r['annotated']['unannotated']['build_cpu_s']:.2f}x"
            for r in runs
        )
        + ")",
        f"- annotated peak RSS < {RSS_LIMIT_MB} MB at 100k: "
        + (
            "; ".join(f"{r['annotated']['columnar']['peak_rss_mb']:.0f} MB" for r in big)
            if big
            else "not run (no size >= 100k)"
        ),
        f"- annotated build linear (CPU per article <= {LINEAR_TOLERANCE}x the smallest size's): "
        + ", ".join(f"{n:,}: {g:.2f}x" for n, g in growth.items()),
        "- columnar and encode_example writers give byte-identical releases: "
        + ("yes" if not differ else "NO"),
    ]
    return lines, missed


def report(results: list[dict]) -> tuple[str, list[str]]:
    lines = size_table(results)
    lines += [
        "",
        "ingest/build/total: wall time; normalize/regex: CPU time of the bare passes, run file "
        "by file interleaved after the build (wall-time ratio in the next table). Peak RSS: "
        "ru_maxrss of the measured process (+ children), which runs one size only.",
        "",
        "Per stage (ingest = read + sha256 + duplicate check + normalize + 4 fsynced writes "
        "per article; build = build_release):",
        "",
        "| size | ingest articles/s | ingest MB/s | ingest CPU s | build articles/s | build MB/s "
        "| build CPU s | normalize articles/s | wall ratio | RSS after ingest MB "
        "| after pass 1 | after pass 2 | after results table | after build |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        mb = r["raw_bytes"] / MB
        rss = {
            k: r["build_phases"].get(f"{k}.maxrss_mb", float("nan"))
            for k in ("group_stories", "write_card", "results_table")
        }
        lines.append(
            f"| {r['size']:,} | {_rate(r['articles'], r['ingest_s'])} | {mb / r['ingest_s']:.2f} "
            f"| {r['ingest_cpu_s']:.1f} | {_rate(r['articles'], r['build_s'])} "
            f"| {mb / r['build_s']:.2f} | {r['build_cpu_s']:.1f} "
            f"| {_rate(r['articles'], r['normalize_cpu_s'])} "
            f"| {r['normalize_s'] / r['regex_s']:.1f}x | {r['rss_after_ingest_mb']:.0f} "
            f"| {rss['group_stories']:.0f} | {rss['write_card']:.0f} "
            f"| {rss['results_table']:.0f} | {r['rss_after_build_mb']:.0f} |"
        )
    lines += [
        "",
        "Build phases (wall s): pass 1 = group_stories (loads every document, MinHash, LSH); "
        "pass 2 = rows + Parquet (and whatever else is not listed):",
        "",
        "| size | pass 1 | make_splits | pass 2 + other | card | results table | croissant "
        "| checksums | stories | largest | edges | corpus MB on disk |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        edges = ", ".join(f"{k} {v}" for k, v in sorted(r["story_edges"].items())) or "none"
        lines.append(
            f"| {r['size']:,} | {_phase(r, 'group_stories'):.1f} | {_phase(r, 'make_splits'):.2f} "
            f"| {_phase(r, 'pass2_rows_parquet_and_other'):.1f} "
            f"| {_phase(r, 'write_card'):.2f} | {_phase(r, 'results_table'):.1f} "
            f"| {_phase(r, 'write_croissant'):.2f} | {_phase(r, 'write_checksums'):.2f} "
            f"| {r['stories']:,} | {r['largest_story']} | {edges} | {r['corpus_mb_on_disk']:.0f} |"
        )
    # linearity: per-article cost relative to the smallest size
    base = results[0]
    keys = {
        "ingest wall": lambda r: r["ingest_s"],
        "ingest CPU": lambda r: r["ingest_cpu_s"],
        "build wall": lambda r: r["build_s"],
        "build CPU": lambda r: r["build_cpu_s"],
        "total CPU": lambda r: r["ingest_cpu_s"] + r["build_cpu_s"],
        "pass 1": lambda r: _phase(r, "group_stories"),
        "make_splits": lambda r: _phase(r, "make_splits"),
        "pass 2": lambda r: _phase(r, "pass2_rows_parquet_and_other"),
        "results table": lambda r: _phase(r, "results_table"),
        "normalize CPU": lambda r: r["normalize_cpu_s"],
    }
    judged = ("ingest CPU", "build CPU", "total CPU")
    lines += [
        "",
        f"Per-article time relative to the smallest size ({base['size']:,}); linear? judges "
        f"CPU time of ingest, build and both (<= {LINEAR_TOLERANCE}x), because wall time on a "
        "shared machine moves with other load:",
        "",
        "| size | " + " | ".join(keys) + " | linear? |",
        "|---:|" + "---:|" * len(keys) + "---|",
    ]
    missed = []
    for r in results:
        rel = {}
        for k, f in keys.items():
            b0 = f(base) / base["articles"]
            rel[k] = (f(r) / r["articles"]) / b0 if b0 > 0 else float("nan")
        ok = max(rel[k] for k in judged) <= LINEAR_TOLERANCE
        lines.append(
            f"| {r['size']:,} | "
            + " | ".join(f"{v:.2f}x" for v in rel.values())
            + f" | {'yes' if ok else 'NO'} |"
        )
        if not ok:
            worst = ", ".join(f"{k} {v:.2f}x" for k, v in rel.items() if v > LINEAR_TOLERANCE)
            missed.append(
                f"linear growth at {r['size']:,}: per-article cost vs {base['size']:,}: {worst}"
            )
    for r in results:
        ratio = r["normalize_cpu_s"] / r["regex_cpu_s"]
        if ratio > RATIO_TARGET:
            missed.append(
                f"normalize/regex at {r['size']:,}: {ratio:.1f}x (target <= {RATIO_TARGET:.0f}x)"
            )
    big = [r for r in results if r["size"] >= 100_000]
    for r in big:
        if r["rss_after_build_mb"] >= RSS_LIMIT_MB:
            missed.append(
                f"peak RSS at {r['size']:,}: {r['rss_after_build_mb']:.0f} MB "
                f"(target < {RSS_LIMIT_MB} MB)"
            )
    extra = annotated_table(results)
    lines += ["", *extra] if extra else []
    more, missed_annotated = annotated_targets(results)
    missed += missed_annotated
    lines += ["", "Targets:"]
    lines.append(
        f"- peak RSS < {RSS_LIMIT_MB} MB at 100k: "
        + (
            "; ".join(f"{r['size']:,}: {r['rss_after_build_mb']:.0f} MB" for r in big)
            if big
            else "not run (no size >= 100k)"
        )
    )
    lines.append(
        f"- linear growth (<= {LINEAR_TOLERANCE}x per article, CPU): "
        + ("yes" if not any(m.startswith("linear") for m in missed) else "NO")
    )
    lines.append(
        f"- normalize within {RATIO_TARGET:.0f}x of regex (CPU): "
        + ", ".join(
            f"{r['size']:,}: {r['normalize_cpu_s'] / r['regex_cpu_s']:.1f}x" for r in results
        )
    )
    lines += more
    lines += ["", "MISSED: " + "; ".join(missed) if missed else "All targets met."]
    return "\n".join(lines), missed


def readme_block(results: list[dict], meta: dict | None) -> str:
    """The README's block: the per-size table and the targets, labelled with their run."""
    full, _ = report(results)
    targets = full[full.index("Targets:") :]
    extra = annotated_table(results)
    parts = [blocks.measured_note(meta, SCRIPT), "", *size_table(results), ""]
    return "\n".join([*parts, *extra, *([""] if extra else []), targets])


def load_results(path: Path) -> tuple[list[dict], dict | None]:
    """Results saved by ``--json`` (a bare list from older runs records no date or command)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data, None
    return data["results"], data.get("measured")


def print_profile(prof_dir: Path, limit: int = 25) -> None:
    import pstats

    for p in sorted(prof_dir.glob("*.prof")):
        print(f"\n## cProfile {p.stem} (top {limit} by tottime)\n")
        pstats.Stats(str(p), stream=sys.stdout).sort_stats("tottime").print_stats(limit)


# ----------------------------------------------------------------------------- main
def make_root(root: Path) -> None:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "annotations" / "gold").mkdir(parents=True)


def measure(args: argparse.Namespace) -> list[dict]:
    """Every size, each in a fresh subprocess; a temp work folder goes unless --keep."""
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench_build."))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _measure_sizes(args, work)
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run_child(cfg: dict, env: dict) -> dict:
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--_child", json.dumps(cfg)],
        check=True,
        env=env,
    )
    return json.loads(Path(cfg["result"]).read_text(encoding="utf-8"))


def measure_annotated(d: Path, n: int, cfg: dict, env: dict, seed: int) -> dict:
    """The unannotated build in a fresh process; gold for every article; the annotated
    build with the columnar writer, then (same process) with the encode_example one."""
    base = {"root": cfg["root"], "src": cfg["src"], "result": str(d / "step.json")}
    build = {**base, "kind": "build", "writers": ["columnar"], "profile": cfg["profile"], "size": n}
    plain = _run_child({**build, "label": "unannotated", "releases": str(d / "plain")}, env)
    gold = _run_child({**base, "kind": "gold", "seed": seed}, env)
    # the encode_example writer takes ~8x longer: above the cap only the columnar one runs
    both = ["columnar"] + (["encode_example"] if n <= cfg["writer_baseline_max"] else [])
    annotated = _run_child(
        {**build, "label": "annotated", "writers": both, "releases": str(d / "annotated")}, env
    )
    print(
        f"  gold: {gold['annotated']:,} of {gold['documents']:,} articles, "
        f"{gold['attributions']:,} attributions",
        file=sys.stderr,
    )
    return {"gold": gold, "unannotated": plain["columnar"], **annotated}


def _measure_sizes(args: argparse.Namespace, work: Path) -> list[dict]:
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    prof_dir = Path(args.profile).resolve() if args.profile else None
    if prof_dir:
        prof_dir.mkdir(parents=True, exist_ok=True)
    seeds = load_seeds(Path(args.seeds_dir))
    src = Path(args.src).resolve()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
        "CLAIMCORPUS_BENCH_SRC": str(src),
    }
    print(
        f"workdir {work}; seeds {len(seeds['articles'])} articles, "
        f"{sum(len(a['paras']) for a in seeds['articles'])} paragraphs; boilerplate rules "
        f"{sorted(seeds['boiler'])} + donation block of {len(seeds['donation'])} lines",
        file=sys.stderr,
    )
    results = []
    for n in sizes:
        d = work / f"n{n}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        tag = f"corpus-{n}-{args.seed}{'-shared' if args.shared_vocab else ''}"
        articles = work / tag if args.reuse_corpus else d / "articles"
        info_file = articles.with_name(tag + ".json") if args.reuse_corpus else None
        if info_file is not None and info_file.exists() and articles.is_dir():
            info = json.loads(info_file.read_text(encoding="utf-8"))
            print(f"[{n}] reusing {articles}", file=sys.stderr)
        else:
            if articles.exists():
                shutil.rmtree(articles)
            t0 = time.perf_counter()
            info = write_corpus(seeds, n, articles, args.seed, args.shared_vocab)
            print(
                f"[{n}] generated {info['files']} files, {info['raw_bytes'] / MB:.1f} MB, "
                f"{info['true_stories']} generated stories in {time.perf_counter() - t0:.1f}s",
                file=sys.stderr,
            )
            if info_file is not None:
                info_file.write_text(json.dumps(info), encoding="utf-8")
        make_root(d / "project")
        cfg = {
            "root": str(d / "project"),
            "articles": str(articles),
            "releases": str(d / "releases"),
            "result": str(d / "result.json"),
            "no_fsync": args.no_fsync,
            "profile": str(prof_dir) if prof_dir else None,
            "src": str(src),
            "writer_baseline_max": args.writer_baseline_max,
        }
        # datasets' cache (the build's baselines load the release) stays in this size's folder
        hf = {"HF_HOME": str(d / "hf_home"), "HF_DATASETS_CACHE": str(d / "hf_home" / "datasets")}
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--_child", json.dumps(cfg)],
            check=True,
            env={**env, **hf},
        )
        res = {"size": n, **info, **json.loads((d / "result.json").read_text(encoding="utf-8"))}
        if args.annotated:
            res["annotated"] = measure_annotated(d, n, cfg, {**env, **hf}, args.seed)
        results.append(res)
        print(
            f"[{n}] ingest {res['ingest_s']:.1f}s, build {res['build_s']:.1f}s, peak RSS "
            f"{res['rss_after_build_mb']:.0f} MB",
            file=sys.stderr,
        )
        if not args.keep:
            shutil.rmtree(d)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--workdir", help="where corpora and projects go (default: a new temp dir)")
    ap.add_argument("--seed", type=int, default=20240412, help="generator seed")
    ap.add_argument("--seeds-dir", default=str(SEEDS), help="seed articles (*.txt)")
    ap.add_argument(
        "--shared-vocab",
        action="store_true",
        help="keep the seeds' entities in every story (worst case for story grouping: every "
        "article shares the same names, so LSH candidates grow quadratically)",
    )
    ap.add_argument(
        "--annotated",
        action="store_true",
        help=f"also build each size with {ATTRIBUTIONS} attributions per article (gold written "
        "into the bench root), next to the unannotated build, with both the columnar writer "
        "and the encode_example one it replaced",
    )
    ap.add_argument(
        "--writer-baseline-max",
        type=int,
        default=10_000,
        metavar="N",
        help="--annotated: run the encode_example writer (the named baseline) only up to N "
        "articles (default 10,000; above it takes most of the run)",
    )
    ap.add_argument("--no-fsync", action="store_true", help="diagnostic: make os.fsync a no-op")
    ap.add_argument("--profile", metavar="DIR", help="write cProfile stats per size and stage")
    ap.add_argument("--keep", action="store_true", help="keep generated corpora and projects")
    ap.add_argument(
        "--reuse-corpus",
        action="store_true",
        help="keep each generated corpus in WORKDIR/corpus-N-SEED and reuse it on later runs",
    )
    ap.add_argument(
        "--src",
        default=str(SRC),
        help="claimcorpus source tree to measure (default: this repo's src; e.g. a patched copy)",
    )
    ap.add_argument("--json", metavar="FILE", help="also write the raw results as JSON")
    ap.add_argument("--readme", metavar="FILE", help=f"rewrite the {BLOCK} block of FILE")
    ap.add_argument("--from-json", metavar="FILE", help="render saved --json results, no runs")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args._child:
        cfg = json.loads(args._child)
        res = {"gold": child_gold, "build": child_build}.get(cfg.get("kind"), child)(cfg)
        Path(cfg["result"]).write_text(json.dumps(res), encoding="utf-8")
        return 0

    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return 2
    if args.from_json:
        results, meta = load_results(Path(args.from_json))
    else:
        meta = blocks.measurement(SCRIPT, sys.argv[1:] if argv is None else argv, NOT_MEASURED)
        results = measure(args)
    table, missed = report(results)
    if args.from_json:
        print(f"\n# bench_build (results of {args.from_json})\n")
    else:
        print(
            f"\n# bench_build (seed {args.seed}{', no fsync' if args.no_fsync else ''}"
            f"{', shared vocab' if args.shared_vocab else ''}; src {Path(args.src).resolve()}; "
            f"{os.cpu_count()} CPUs; load average at the end {os.getloadavg()[0]:.1f})\n"
        )
    print(table)
    if args.json and not args.from_json:
        Path(args.json).write_text(
            json.dumps({"measured": meta, "results": results}, indent=2, default=str),
            encoding="utf-8",
        )
    if args.readme and not blocks.update_readme(args.readme, BLOCK, readme_block(results, meta)):
        return 2
    if args.profile and not args.from_json:
        print_profile(Path(args.profile).resolve())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
