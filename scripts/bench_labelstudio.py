#!/usr/bin/env python
"""Benchmark `ls push` and `ls pull` against bare Label Studio calls on the same tasks.

Why ratios: absolute speeds drift between runs on a shared machine; comparing our push to a
bare single-call import, and our pull to a bare JSON snapshot export, of the same tasks in
the same run says what our reconciliation, conversion and checks cost. Target: within 1.5x.

    python scripts/bench_labelstudio.py [--n 10000] [--url URL --token T]
        [--parts push-pull,campaign] [--campaign-n 100]

``--parts campaign`` runs only the campaign run (scripts/bench_ls_campaign.py: create,
status, pull, agreement and adjudicate of a two-annotator campaign, each next to the bare
Label Studio calls it wraps); it needs the server this script starts (annotators' passwords
are set on its data dir).

Without --url it starts a fresh server (temp data dir, free port, random credentials) from
.ls/venv and stops it at the end. Each phase runs in its own process so peak RSS is per
phase; the server's own peak RSS (VmHWM) is reported too.

``--readme README.md`` rewrites the README's ``bench_labelstudio`` block (labelled with the
date, command and CPUs); ``--from-json FILE --readme README.md`` writes it from results
saved by ``--json`` without measuring again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
from bench_ls_campaign import campaign_table, measure_campaign  # noqa: E402

from claimcorpus.core import blocks  # noqa: E402

SCRIPT = "scripts/bench_labelstudio.py"
BLOCK = "bench_labelstudio"
# options that only say where things go (or which server), not what is measured
NOT_MEASURED = ("--readme", "--json", "--from-json", "--url", "--token", "--venv", "--data-dir")
STEPS = (  # (phase, the bare call it is compared with)
    ("bare_import", None),
    ("push", "bare_import"),
    ("repush", "bare_import"),
    ("bare_export", None),
    ("pull", "bare_export"),
)
WORDS = (
    "china russia officials said report weapons supply drones chips trade embassy military "
    "support sanctions claims denied according analysts government war ukraine components "
    "exports factories beijing moscow washington"
).split()


def synth_doc(doc_id: str, rng: random.Random) -> tuple[str, dict]:
    """~4 KB of text in five paragraphs and a record with 3 spans + 1 attribution per paragraph."""
    text, spans, atts = "", [], []
    for p in range(5):
        if p:
            text += "\n\n"
        lead = [rng.choice(WORDS) for _ in range(rng.randint(8, 14))]
        src, cue = rng.choice(WORDS).capitalize(), "said"
        claim = " ".join(rng.choice(WORDS) for _ in range(9))
        tail = " ".join(rng.choice(WORDS) for _ in range(rng.randint(95, 110)))
        base = len(text) + len(" ".join(lead)) + 2
        para = " ".join(lead) + ". " + f"{src} {cue} {claim}. " + tail + "."
        s0, q0 = base, base + len(src) + 1
        c0 = q0 + len(cue) + 1
        for sid, label, a, t in (
            ("s", "SOURCE", s0, src),
            ("q", "CUE", q0, cue),
            ("c", "CLAIM", c0, claim),
        ):
            spans.append(
                {
                    "id": f"{sid}{p}",
                    "label": label,
                    "start": a,
                    "end": a + len(t),
                    "text": t,
                    "topic_stance": "favor" if label == "CLAIM" else None,
                    "cluster": None,
                    "antecedent": None,
                }
            )
        atts.append(
            {
                "id": f"a{p}",
                "claim": f"c{p}",
                "source": f"s{p}",
                "cue": f"q{p}",
                "stance": "support",
                "source_type": "expert",
                "anonymous_source": False,
                "unattributed": False,
            }
        )
        text += para
    sha = hashlib.sha256(text.encode()).hexdigest()
    record = {
        "doc_id": doc_id,
        "layer": "gold",
        "annotator": "bench",
        "scheme_version": "1.0.0",
        "text_sha256": sha,
        "spans": spans,
        "attributions": atts,
    }
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]
    return text, record


def make_root(root: Path, n: int) -> None:
    """A project root with schema/, n documents in corpus/ and their gold records."""
    from claimcorpus.core.io import atomic_write_json

    (root / "schema").mkdir(parents=True)
    (root / "schema" / "scheme.yaml").write_bytes((REPO / "schema" / "scheme.yaml").read_bytes())
    (root / "annotations").mkdir()
    (root / "annotations" / "GUIDELINES.md").write_bytes(
        (REPO / "annotations" / "GUIDELINES.md").read_bytes()
    )
    rng = random.Random(42)
    for i in range(n):
        doc_id = f"b{i:06d}"
        text, rec = synth_doc(doc_id, rng)
        paras, pos = [], 0
        for part in text.split("\n\n"):
            paras.append({"start": pos, "end": pos + len(part)})
            pos += len(part) + 2
        atomic_write_json(
            root / "corpus" / "docs" / f"{doc_id}.json",
            {
                "doc_id": doc_id,
                "meta": {"doc_id": doc_id},
                "exclusions": [],
                "normalized": {
                    "doc_id": doc_id,
                    "text": text,
                    "text_sha256": rec["text_sha256"],
                    "paragraphs": paras,
                    "sentences": paras,
                },
            },
        )
        atomic_write_json(root / "annotations" / "gold" / f"{doc_id}.json", rec)


def _payloads(root: Path, with_annotations: bool) -> list[dict]:
    from claimcorpus.core.layers import load_layer
    from claimcorpus.ingest.store import load_documents
    from claimcorpus.labelstudio.convert import record_to_results

    gold = load_layer(root, "gold")
    out = []
    for d in load_documents(root):
        res = record_to_results(gold[d["doc_id"]])
        task = {
            "data": {"text": d["text"], "doc_id": d["doc_id"], "text_sha256": d["text_sha256"]},
            "predictions": [{"model_version": "bench", "score": 1.0, "result": res}],
        }
        if with_annotations:
            task["annotations"] = [{"result": res}]
        out.append(task)
    return out


def phase(name: str, root: Path, url: str, token: str) -> dict:
    """One timed step, in this process; returns seconds and this process's peak RSS."""
    from claimcorpus.core.scheme import load_scheme
    from claimcorpus.labelstudio.client import NO_RETRY, connect
    from claimcorpus.labelstudio.config import label_config

    conn = connect(url, token)
    ls = conn.client
    cfg = label_config(load_scheme(root))
    extra: dict = {}
    if name == "bare_import":
        payload = _payloads(root, False)
        pid = ls.projects.create(title="bench-bare", label_config=cfg).id
        t = time.perf_counter()
        ls.projects.import_tasks(
            id=pid, request=payload, return_task_ids=True, request_options=NO_RETRY
        )
    elif name in ("push", "repush"):
        from claimcorpus.labelstudio.push import push

        t = time.perf_counter()
        rep, _ = push(
            conn,
            root,
            title="bench-push",
            predictions="gold",
            model_version="bench",
            preannotate="prefill",
        )
        extra = {"imported": len(rep.imported), "unchanged": len(rep.unchanged)}
    elif name == "setup_annotated":
        payload = _payloads(root, True)
        pid = ls.projects.create(title="bench-pull", label_config=cfg).id
        t = time.perf_counter()
        ls.projects.import_tasks(id=pid, request=payload, request_options=NO_RETRY)
    elif name == "bare_export":
        from claimcorpus.labelstudio.client import find_project

        pid = find_project(conn, "bench-pull").id
        t = time.perf_counter()
        ex = ls.projects.exports.create(id=pid, title="bare")
        while ls.projects.exports.get(id=pid, export_pk=ex.id).status != "completed":
            time.sleep(0.2)
        tasks = json.loads(
            b"".join(ls.projects.exports.download(id=pid, export_pk=ex.id, export_type="JSON"))
        )
        extra = {"tasks": len(tasks)}
    elif name == "pull":
        from claimcorpus.labelstudio.pull import pull

        t = time.perf_counter()
        rep = pull(conn, root, title="bench-pull")
        extra = {
            "written": len(rep.written),
            "errors": len(rep.errors),
            "problems": len(rep.problems),
        }
    else:
        raise ValueError(name)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"phase": name, "seconds": round(seconds, 2), "peak_rss_mb": round(rss), **extra}


def run_phase(name: str, root: Path, url: str, token: str) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--root",
        str(root),
        "--url",
        url,
        "--token",
        token,
    ]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def server_hwm(pid: int) -> int | None:
    """Peak RSS (MB) of the server's process tree root, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def table(result: dict) -> list[str]:
    """The push/pull table (if run), then the campaign table (if run)."""
    out = (
        push_pull_table(result)
        if result.get("phases")
        else ["Push and pull: not part of this run (`--parts push-pull` measures them)."]
    )
    if result.get("campaign"):
        out += ([""] if out else []) + campaign_table(result["campaign"])
    return out


def push_pull_table(result: dict) -> list[str]:
    """Seconds, ratio to the bare call and peak RSS per step, then the server's peak RSS."""
    rows = result["phases"]
    lines = [f"| step (n={result['n']:,}) | seconds | ratio | peak RSS MB |", "|---|---|---|---|"]
    for name, base in STEPS:
        r = rows[name]
        ratio = f"{r['seconds'] / rows[base]['seconds']:.2f}x" if base else "1.00x"
        lines.append(f"| {name} | {r['seconds']:.1f} | {ratio} | {r['peak_rss_mb']} |")
    return lines + ["", f"server peak RSS: {result['server_peak_rss_mb']} MB"]


def readme_block(result: dict, meta: dict | None) -> str:
    """The README's block: the table and the 1.5x target, labelled with their run."""
    checks = [
        (name, result[key])
        for name, key in (
            ("push", "push_ratio"),
            ("re-push", "repush_ratio"),
            ("pull", "pull_ratio"),
        )
        if key in result
    ]
    verdicts = [
        f"- {name}: {x:.2f}x the bare call (target <= 1.5x): {'met' if x <= 1.5 else 'MISSED'}"
        for name, x in checks
    ]
    return "\n".join([blocks.measured_note(meta, SCRIPT), "", *table(result), "", *verdicts])


def push_pull(root: Path, url: str, token: str, handle: object | None) -> dict:
    """The push and pull phases, each in its own process."""
    rows = {}
    for name in ("bare_import", "push", "repush", "setup_annotated", "bare_export", "pull"):
        rows[name] = run_phase(name, root, url, token)
        print(json.dumps(rows[name]), flush=True)
    return {
        "push_ratio": rows["push"]["seconds"] / rows["bare_import"]["seconds"],
        "repush_ratio": rows["repush"]["seconds"] / rows["bare_import"]["seconds"],
        "pull_ratio": rows["pull"]["seconds"] / rows["bare_export"]["seconds"],
        "server_peak_rss_mb": server_hwm(handle.pid) if handle else None,  # type: ignore[attr-defined]
        "phases": rows,
    }


def measure(args: argparse.Namespace) -> dict:
    """Every phase against one server (a fresh one unless --url); the work folder goes."""
    from claimcorpus.labelstudio.server import free_port, start_server

    work = Path(tempfile.mkdtemp(prefix="ls-bench-"))
    handle = None
    try:
        t = time.perf_counter()
        if "push-pull" in args.parts:
            make_root(work / "project", args.n)
            print(f"generated {args.n} documents in {time.perf_counter() - t:.1f} s", flush=True)
        url, token = args.url, args.token
        if not url:
            token = secrets.token_hex(20)
            t = time.perf_counter()
            handle = start_server(
                username="bench@example.org",
                password=secrets.token_urlsafe(12),
                token=token,
                venv=args.venv,
                data_dir=work / "ls-data",
                port=free_port(),
                timeout=600,
            )
            url = handle.url
            print(f"server up at {url} in {time.perf_counter() - t:.0f} s", flush=True)
        out: dict = {"n": args.n}
        if "push-pull" in args.parts:
            out.update(push_pull(work / "project", url, token or "", handle))
        if "campaign" in args.parts:
            data_dir = handle.data_dir if handle is not None else args.data_dir
            if data_dir is None:
                raise SystemExit("--parts campaign with --url needs that server's --data-dir")
            croot = work / "campaign"
            make_root(croot, args.campaign_n)
            out["campaign"] = measure_campaign(croot, url, token or "", args.venv, Path(data_dir))
            print(json.dumps(out["campaign"]), flush=True)
        return out
    finally:
        if handle is not None:
            handle.stop()
        if os.environ.get("KEEP_BENCH") is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--parts", default="push-pull,campaign", help="push-pull, campaign or both")
    ap.add_argument("--campaign-n", type=int, default=100, help="documents in the campaign run")
    ap.add_argument("--url")
    ap.add_argument("--token")
    ap.add_argument("--data-dir", help="with --url: that server's data dir (campaign run)")
    ap.add_argument("--venv", default=str(REPO / ".ls" / "venv"))
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="also write the results (and when, how) here")
    ap.add_argument("--readme", metavar="FILE", help=f"rewrite the {BLOCK} block of FILE")
    ap.add_argument("--from-json", metavar="FILE", help="render saved --json results, no runs")
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.root), args.url, args.token)))
        return 0
    if args.readme and not blocks.readme_ready(args.readme, BLOCK):
        return 2
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        result, meta = (
            (saved["results"], saved.get("measured")) if "results" in saved else (saved, None)
        )
    else:
        meta = blocks.measurement(SCRIPT, sys.argv[1:] if argv is None else argv, NOT_MEASURED)
        result = measure(args)
        if args.json:
            Path(args.json).write_text(json.dumps({"measured": meta, "results": result}, indent=2))
    print("\n" + "\n".join(table(result)))
    if args.readme and not blocks.update_readme(args.readme, BLOCK, readme_block(result, meta)):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
