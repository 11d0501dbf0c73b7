"""Benchmark the learned baseline: two libraries on PolNeAR validation, against the rules.

Usage: python scripts/bench_train.py [--release R] [--crf-iterations 200] [--spacy-epochs 1]
       [--skip-spacy [--keep-spacy-row]] [--workdir DIR] [--errors 10] [--json OUT]
       [--readme README.md]
       python scripts/bench_train.py --predict-only MODEL [--base SAVED.json] [--repeat 3] ...

Candidates, each trained in its own subprocess on the release's train split (wall time and
peak RSS of that process), then scored on validation with ``claimcorpus.evaluate`` in this
process, next to the rule baseline measured in the same run:

* **crf**: ``claimcorpus train`` (sklearn-crfsuite 0.5: one BIO CRF per label with lexical,
  quotation and cue-lexicon features, L-BFGS for ``--crf-iterations``) and its linker.
* **spacy**: a blank English pipeline (``tok2vec`` + ``ner``, spaCy's own ``init config``
  efficiency preset, no vectors, nothing downloaded) trained by ``spacy.cli.train`` for
  ``--spacy-epochs`` epochs (one by default: a short run, to keep the shared machine free).
  ``ner`` takes no overlapping spans, so spans nested in another (a claim's inner source and
  cue) are dropped from its training data, outermost first; the bench reports how many.
  Its spans are linked by the crf model's linker, so the comparison is of span extraction.
  ``--skip-spacy --keep-spacy-row`` keeps the spacy row of the README block as it was (and
  says so) instead of training spaCy again.

The crf model is also scored with the decoding of model format 1 (``learn/assemble.FORMAT_1``:
the linker alone on the tagged spans, every claim attributed), the named baseline of this
version's decoding, in the same run; the block counts each gold attribution's first error
under both (``learn/diagnose``) and gives the linker's score on the gold spans (the upper
bound of linking).
  spaCy is not a runtime dependency: ``pip install -e '.[bench]'`` installs it.

Targets (PolNeAR validation): the learned model's attribution overlap F1 >= 2x the rules',
its partial span F1 above the rules' on every label; training < 30 min and peak RSS < 4 GB
on 2 cores; prediction >= 50 articles/s. PolNeAR's published attribution-wise inter-annotator
agreement, 92.3%, is the ceiling quoted beside them. ``--errors N`` prints N validation
errors of the crf model with their type (to stdout only: PolNeAR's texts are not ours to
commit). ``--readme README.md`` rewrites the README's ``bench_train`` block; ``--from-json
FILE --readme README.md`` writes it from results saved by ``--json``, without measuring.
Exit 1 when a target is missed (the block says which).

``--predict-only MODEL`` trains nothing: it times prediction with an already trained model
folder, the fast path (``claimcorpus.learn``) against the old extraction path kept in
``tests/learn_reference.py`` (the named baseline), interleaved in this process, ``--repeat``
runs each (best wall time and best CPU time; the per-word feature cache is cleared before
every fast run, so each is a cold start like one ``claimcorpus predict``), and checks that
the two give identical predictions on every validation document. ``--base SAVED.json`` (a
``--json`` file of a full run) keeps that run's training and spaCy figures in the block,
with the crf row's prediction speed replaced by this measurement (its scores must match).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimcorpus.baseline import rules
from claimcorpus.baseline.run import predict
from claimcorpus.cli import main as claimcorpus_main
from claimcorpus.core import blocks
from claimcorpus.evaluate.score import evaluate_documents, gold_has_stance
from claimcorpus.learn.assemble import FORMAT_1
from claimcorpus.learn.diagnose import error_counts
from claimcorpus.learn.features import word_features
from claimcorpus.learn.model import LearnedModel, load_model
from claimcorpus.learn.predict import predict_documents
from claimcorpus.release.load import load_documents

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import learn_reference  # noqa: E402 - tests/: the extraction path before the speed-up

SCRIPT = "scripts/bench_train.py"
BLOCK = "bench_train"
NOT_MEASURED = ("--readme", "--json", "--workdir", "--errors", "--from-json", "--base")
BEFORE = "crf, format-1 decoding"  # the same model, linked as model format 1 did
DEFAULT_RELEASE = "/work/data/polnear-root/releases/1.0.0"
LABELS = ("CLAIM", "SOURCE", "CUE")
CEILING = 0.923  # PolNeAR's attribution-wise agreement (Newell, Margolin & Ruths, LREC 2018)


def child_crf(release: str, out: Path, iterations: int) -> dict[str, Any]:
    """Train the crf candidate through the command line, in this (child) process."""
    cfg = out.parent / "crf.yaml"
    cfg.write_text(f"max_iterations: {iterations}\n", encoding="utf-8")
    started = time.perf_counter()
    rc = claimcorpus_main(
        ["train", "--release", release, "--out", str(out), "--config", str(cfg), "--quiet"]
    )
    if rc:
        raise SystemExit(rc)
    return {"seconds": time.perf_counter() - started}


def nested_free(spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], int]:
    """Outermost spans first, dropping any that overlaps one kept: (kept, dropped)."""
    kept: list[tuple[int, int, str]] = []
    for a, b, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if all(b <= k0 or a >= k1 for k0, k1, _ in kept):
            kept.append((a, b, label))
    return kept, len(spans) - len(kept)


def child_spacy(release: str, out: Path, epochs: int) -> dict[str, Any]:
    """Train the spaCy candidate with spaCy's own config and training loop (spaCy is
    imported here, not at the top: it is the bench extra's, and only this candidate's)."""
    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = load_documents(release, "train")
    started = time.perf_counter()
    dropped = total = 0
    bins = {"train": DocBin(), "dev": DocBin()}
    for i, d in enumerate(docs):
        doc = nlp.make_doc(d["text"])
        spans = [(s["start"], s["end"], s["label"]) for s in d["spans"]]
        kept, lost = nested_free(spans)
        dropped, total = dropped + lost, total + len(spans)
        ents = [doc.char_span(a, b, label=lab, alignment_mode="contract") for a, b, lab in kept]
        doc.ents = [e for e in ents if e is not None]
        bins["train"].add(doc)
        if i % 40 == 0:  # spaCy's dev set: a slice of train (validation is what we score)
            bins["dev"].add(doc)
    for name, b in bins.items():
        b.to_disk(out.parent / f"{name}.spacy")
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency")
    cfg_path = out.parent / "spacy.cfg"
    config.to_disk(cfg_path)
    overrides = {
        "paths.train": str(out.parent / "train.spacy"),
        "paths.dev": str(out.parent / "dev.spacy"),
        "training.max_epochs": epochs,
        "training.max_steps": 0,
        "training.eval_frequency": 1000,
        "system.seed": 0,
    }
    train(cfg_path, out, overrides=overrides)
    return {"seconds": time.perf_counter() - started, "dropped": dropped, "spans": total}


def run_child(kind: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Train one candidate in a fresh process: its own wall time and peak RSS."""
    out = work / kind / "model"
    out.parent.mkdir(parents=True, exist_ok=True)
    result = work / kind / "result.json"
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--release",
        args.release,
        "--crf-iterations",
        str(args.crf_iterations),
        "--spacy-epochs",
        str(args.spacy_epochs),
        "--workdir",
        str(work),
    ]
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - started
    found = json.loads(result.read_text(encoding="utf-8"))
    return {**found, "wall_seconds": wall, "model": str(out)}


def spacy_extract(model_dir: Path, linker_of: Any) -> Any:
    """An Extractor from the spaCy model: its entities as spans, linked by the crf linker."""
    import spacy

    nlp = spacy.load(model_dir / "model-last")

    def extract(doc_id: str, text: str, sentences: Any = None) -> dict[str, Any]:
        starts = [a for a, _ in sentences] if sentences else [0]
        doc = nlp(text)
        found: dict[str, list[tuple[int, int]]] = {lab: [] for lab in LABELS}
        for e in doc.ents:
            found[e.label_].append((e.start_char, e.end_char))
        return linker_of.record(doc_id, text, starts, found)

    return extract


def scores(gold: list[dict], pred: list[dict]) -> dict[str, float]:
    r = evaluate_documents(gold, pred, n_resamples=0, with_stance=gold_has_stance(gold))
    out = {f"partial {lab}": r["spans"]["partial"][lab]["f1"] for lab in LABELS}
    out["strict micro"] = r["spans"]["strict"]["micro"]["f1"]
    out["partial micro"] = r["spans"]["partial"]["micro"]["f1"]
    out["attribution strict"] = r["attributions"]["strict"]["f1"]
    out["attribution overlap"] = r["attributions"]["overlap"]["f1"]
    return out


def timed_predict(extract: Any, gold: list[dict]) -> tuple[list[dict], float]:
    started = time.perf_counter()
    pred = predict(gold, extract, {})
    return pred, len(gold) / (time.perf_counter() - started)


def _spans(doc: dict) -> dict[str, tuple[int, int, str]]:
    return {sp["id"]: (sp["start"], sp["end"], sp["text"]) for sp in doc["spans"]}


def _overlaps(a: tuple[int, int, str] | None, b: tuple[int, int, str] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def error_examples(gold: list[dict], pred: list[dict], n: int) -> list[tuple[str, str, str]]:
    """(error type, doc_id, what happened) for up to ``n`` errors, taken round-robin over
    the types so every kind shows: missed, spurious and mis-bounded claims, wrong or
    missing source and cue of an otherwise found attribution."""
    by_type: dict[str, list[tuple[str, str, str]]] = {}
    short = lambda t: (t[2][:90] + "…") if len(t[2]) > 90 else t[2]  # noqa: E731
    for g, p in zip(gold, pred, strict=True):
        gs, ps = _spans(g), _spans(p)
        p_atts = [
            (ps[a["claim"]], ps.get(a["source"]), ps.get(a["cue"])) for a in p["attributions"]
        ]
        for a in g["attributions"]:
            claim = gs.get(a["claim"])
            if claim is None:
                continue
            src, cue = gs.get(a.get("source")), gs.get(a.get("cue"))
            hit = [t for t in p_atts if _overlaps(t[0], claim)]
            if not hit:
                kind, say = "missed claim", f"gold claim «{short(claim)}»"
            elif (hit[0][0][0], hit[0][0][1]) != claim[:2]:
                kind, say = (
                    "claim boundary",
                    f"gold «{short(claim)}» / predicted «{short(hit[0][0])}»",
                )
            elif src is not None and not _overlaps(hit[0][1], src):
                got = short(hit[0][1]) if hit[0][1] else "none"
                kind, say = "wrong or missing source", f"gold source «{src[2]}» / predicted «{got}»"
            elif cue is not None and not _overlaps(hit[0][2], cue):
                got = short(hit[0][2]) if hit[0][2] else "none"
                kind, say = "wrong or missing cue", f"gold cue «{cue[2]}» / predicted «{got}»"
            else:
                continue
            by_type.setdefault(kind, []).append((kind, g["doc_id"], say))
        g_claims = [gs[a["claim"]] for a in g["attributions"] if a["claim"] in gs]
        for t in p_atts:
            if not any(_overlaps(t[0], c) for c in g_claims):
                by_type.setdefault("spurious claim", []).append(
                    ("spurious claim", g["doc_id"], f"predicted «{short(t[0])}»")
                )
    out: list[tuple[str, str, str]] = []
    lists = [v[::7] for _, v in sorted(by_type.items())]  # spread over the documents
    while len(out) < n and any(lists):
        for lst in lists:
            if lst and len(out) < n:
                out.append(lst.pop(0))
    return out


def markdown(res: dict[str, Any], meta: dict[str, Any] | None) -> str:
    """The README block: the comparison table, then the targets."""
    cols = [f"partial {lab}" for lab in LABELS] + [
        "strict micro",
        "attribution strict",
        "attribution overlap",
    ]
    head = [
        "model",
        *(
            c.replace("partial ", "span partial F1 ").replace("strict micro", "span strict F1")
            for c in cols
        ),
        "train time",
        "train peak RSS",
        "predict docs/s",
    ]
    lines = [
        blocks.measured_note(meta, SCRIPT),
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    for name, row in res["rows"].items():
        if "kept" in row:
            lines.append(row["kept"])
            continue
        train = row.get("train")
        cells = [
            name,
            *(f"{row['scores'][c]:.3f}" for c in cols),
            f"{train['wall_seconds'] / 60:.1f} min" if train else "-",
            f"{train['rss_mb']:.0f} MB" if train else "-",
            f"{row['docs_per_s']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'yes' if ok else 'no'} |" for t, m, ok in res["targets"]]
    lines += [
        "",
        f"Ceiling: PolNeAR's attribution-wise inter-annotator agreement, "
        f"{CEILING:.1%}. {res['note']}",
    ]
    if res.get("diagnosis"):
        lines += diagnosis_markdown(res["diagnosis"])
    if res.get("speed"):
        lines += ["", speed_markdown(res["speed"])]
    return "\n".join(lines)


def speed_markdown(sp: dict[str, Any]) -> str:
    """The prediction-speed paragraph of a ``--predict-only`` run."""
    return (
        f"Prediction speed (`--predict-only`, {sp['documents']} validation articles, best of "
        f"{sp['repeat']} interleaved runs each, load average {sp['load'][0]:.1f} before and "
        f"{sp['load'][1]:.1f} after): the fast path {sp['new_wall']:.1f} articles/s wall "
        f"({sp['new_cpu']:.1f}/s per CPU-second), the old path (`tests/learn_reference.py`) "
        f"{sp['old_wall']:.1f}/s wall ({sp['old_cpu']:.1f}/s per CPU-second) in the same "
        f"process: **{sp['new_wall'] / sp['old_wall']:.2f}x** wall, "
        f"{sp['new_cpu'] / sp['old_cpu']:.2f}x CPU. Predictions identical on all "
        f"{sp['documents']} articles: {'yes' if sp['identical'] else 'NO'}. "
        f"{sp.get('note', '')}"
    ).rstrip()


def targets(res: dict[str, Any]) -> list[tuple[str, str, bool]]:
    crf, rule = res["rows"]["crf (chosen)"], res["rows"]["rules"]
    ratio = crf["scores"]["attribution overlap"] / max(rule["scores"]["attribution overlap"], 1e-9)
    out = [("attribution overlap F1 >= 2x rules", f"{ratio:.2f}x", ratio >= 2)]
    for lab in LABELS:
        c, r = crf["scores"][f"partial {lab}"], rule["scores"][f"partial {lab}"]
        out.append((f"span partial F1 {lab} > rules", f"{c:.3f} vs {r:.3f}", c > r))
    t = crf.get("train")
    if t:
        out += [
            (
                "training < 30 min (2 cores)",
                f"{t['wall_seconds'] / 60:.1f} min",
                t["wall_seconds"] < 1800,
            ),
            ("training peak RSS < 4 GB", f"{t['rss_mb']:.0f} MB", t["rss_mb"] < 4096),
        ]
    out.append(
        ("prediction >= 50 articles/s", f"{crf['docs_per_s']:.0f}/s", crf["docs_per_s"] >= 50)
    )
    return out


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    keep = args.skip_spacy and args.keep_spacy_row
    kept = kept_row(args.readme, "spacy ner") if keep else None  # before hours of training
    gold = load_documents(args.release, "validation")
    rows: dict[str, Any] = {}
    pred, rate = timed_predict(rules.extract, gold)
    rows["rules"] = {"scores": scores(gold, pred), "docs_per_s": rate}
    crf_train = run_child("crf", args, work)
    model = load_model(crf_train["model"])
    old = replace(model, decoding=FORMAT_1)
    old_pred, old_rate = timed_predict(old.extract, gold)
    pred, rate = timed_predict(model.extract, gold)
    rows[BEFORE] = {"scores": scores(gold, old_pred), "docs_per_s": old_rate}
    rows["crf (chosen)"] = {"scores": scores(gold, pred), "docs_per_s": rate, "train": crf_train}
    crf_pred = pred
    note = f"crf: {args.crf_iterations} L-BFGS iterations per label."
    diagnosis = {
        "errors": {BEFORE: error_counts(gold, old_pred), "crf (chosen)": error_counts(gold, pred)},
        "gold spans": scores(gold, gold_span_records(model, gold)),
        "decoding": dict(model.manifest["decoding"]),
    }
    if kept is not None:
        rows["spacy ner"] = {"kept": kept}
        note += (
            " spacy: not re-run; its row is kept from the previous block (one epoch, its spans "
            "linked by the format-1 decoding of the model of that run)."
        )
    if not args.skip_spacy:
        sp_train = run_child("spacy", args, work)
        sp_pred, rate = timed_predict(spacy_extract(Path(sp_train["model"]), model), gold)
        rows["spacy ner"] = {"scores": scores(gold, sp_pred), "docs_per_s": rate, "train": sp_train}
        note += (
            f" spacy: {args.spacy_epochs} epoch(s) (a short run), its training data without "
            f"{sp_train['dropped']} of {sp_train['spans']} gold spans nested in another "
            "(ner takes no overlaps); its spans linked by the crf model's linker."
        )
    res = {"rows": rows, "note": note, "diagnosis": diagnosis}
    res["targets"] = targets(res)
    res["errors"] = error_examples(gold, crf_pred, args.errors)
    return res


def gold_span_records(model: LearnedModel, gold: list[dict]) -> list[dict]:
    """The model's linking and decoding on the gold spans: the upper bound of linking."""
    out = []
    for d in gold:
        found: dict[str, list[tuple[int, int]]] = {lab: [] for lab in LABELS}
        for s in d["spans"]:
            found[s["label"]].append((s["start"], s["end"]))
        starts = [s["start"] for s in d.get("sentences") or ()]
        out.append(model.record(d["doc_id"], d["text"], starts, found))
    return out


def kept_row(readme: Path | None, name: str) -> str:
    """The table line of row ``name`` in the README's current block, as it is."""
    if readme is None:
        raise SystemExit("--keep-spacy-row needs --readme (the block the row is kept from)")
    body = blocks.read_block(readme.read_text(encoding="utf-8"), BLOCK)
    for line in body.splitlines():
        if line.startswith(f"| {name} |"):
            return line
    raise SystemExit(f"{readme}: the {BLOCK} block has no {name!r} row to keep")


def diagnosis_markdown(dg: dict[str, Any]) -> list[str]:
    """The error kinds before and after, and the linking upper bound on gold spans."""
    names = list(dg["errors"])
    lines = [
        "",
        "| validation (2190 gold attributions in PolNeAR 1.0.0) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    kinds = list(dg["errors"][names[-1]])
    lines += [
        f"| {k} | " + " | ".join(str(dg["errors"][n].get(k, 0)) for n in names) + " |"
        for k in kinds
    ]
    g = dg["gold spans"]
    return lines + [
        "",
        f"On the gold spans, the same linker and decoding reach attribution strict F1 "
        f"{g['attribution strict']:.3f} and overlap F1 {g['attribution overlap']:.3f}: the "
        f"upper bound of linking. Decoding: {json.dumps(dg['decoding'])}.",
    ]


def _timed(run: Any, model: Any, gold: list[dict]) -> tuple[list[dict], float, float]:
    """Predictions, wall seconds and CPU seconds of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    pred = run(model, gold)
    return pred, time.perf_counter() - wall, time.process_time() - cpu


def _fast(model: Any, gold: list[dict]) -> list[dict]:
    word_features.cache_clear()  # a cold start, as one `claimcorpus predict` has
    return predict_documents(model, gold)


def measure_predict(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--predict-only`` run: rules, then the old and the fast crf path, interleaved."""
    gold = load_documents(args.release, "validation")
    model = load_model(args.predict_only)
    load_before = os.getloadavg()[0]
    pred, rate = timed_predict(rules.extract, gold)
    rows: dict[str, Any] = {"rules": {"scores": scores(gold, pred), "docs_per_s": rate}}
    times: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
    preds: dict[str, list[dict]] = {}
    for _ in range(args.repeat):
        for name, run in (("old", learn_reference.predict_documents), ("new", _fast)):
            preds[name], wall, cpu = _timed(run, model, gold)
            times[name].append((wall, cpu))
    n = len(gold)
    speed = {"documents": n, "repeat": args.repeat, "identical": preds["old"] == preds["new"]}
    for name, ts in times.items():
        speed[f"{name}_wall"] = n / min(w for w, _ in ts)
        speed[f"{name}_cpu"] = n / min(c for _, c in ts)
    speed["load"] = (load_before, os.getloadavg()[0])
    crf = {"scores": scores(gold, preds["new"]), "docs_per_s": speed["new_wall"]}
    rows["crf (chosen)"] = crf
    res = {"rows": rows, "note": f"crf: the model in {Path(args.predict_only).name}/."}
    if args.base:
        res = with_base(json.loads(args.base.read_text(encoding="utf-8"))["results"], res)
        speed["note"] = (
            f"Training figures, the spaCy row and the note above: the `--base` run "
            f"({args.base.name}); the rules' and crf's predict docs/s: this run."
        )
    res["speed"] = speed
    res["targets"] = targets(res)
    res["errors"] = error_examples(gold, preds["new"], args.errors)
    return res


def with_base(base: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    """A full run's results with this run's prediction speeds (scores must agree)."""
    for name, row in res["rows"].items():
        old = base["rows"][name]["scores"]
        if any(abs(old[k] - v) > 1e-12 for k, v in row["scores"].items()):
            raise SystemExit(f"--base: the {name} scores differ from this run's: not its model")
        base["rows"][name]["docs_per_s"] = row["docs_per_s"]
    return base


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--release", default=DEFAULT_RELEASE)
    ap.add_argument("--crf-iterations", type=int, default=200)
    ap.add_argument("--spacy-epochs", type=int, default=1)
    ap.add_argument("--skip-spacy", action="store_true")
    ap.add_argument(
        "--keep-spacy-row",
        action="store_true",
        help="with --skip-spacy: keep the spacy row of the --readme block as it is",
    )
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--errors", type=int, default=10)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--readme", type=Path)
    ap.add_argument("--from-json", type=Path, help="render saved --json results, no runs")
    ap.add_argument("--predict-only", help="time prediction with this trained model folder")
    ap.add_argument("--base", type=Path, help="with --predict-only: a full run's --json")
    ap.add_argument("--repeat", type=int, default=3, help="with --predict-only: runs per path")
    ap.add_argument("--child", choices=("crf", "spacy"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        out = args.workdir / args.child / "model"
        train = child_crf if args.child == "crf" else child_spacy
        found = train(
            args.release, out, args.crf_iterations if args.child == "crf" else args.spacy_epochs
        )
        found["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        (out.parent / "result.json").write_text(json.dumps(found), encoding="utf-8")
        return 0
    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return 2
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        res, meta = saved["results"], saved.get("measured")
    else:
        meta = blocks.measurement(SCRIPT, sys.argv[1:] if argv is None else argv, NOT_MEASURED)
        if args.predict_only:
            res = measure_predict(args)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                res = measure(args, args.workdir or Path(tmp))
        if args.json:
            saved = {"measured": meta, "results": res}
            args.json.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    body = markdown(res, meta)
    print(body)
    print(f"\n{len(res['errors'])} errors of the crf model on validation:")
    for kind, doc, say in res["errors"]:
        print(f"- [{kind}] {doc}: {say}")
    if args.readme and not blocks.update_readme(args.readme, BLOCK, body):
        return 2
    return 0 if all(ok for _, _, ok in res["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
