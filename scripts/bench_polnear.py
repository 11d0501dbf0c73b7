"""Benchmark the PolNeAR path: import and build of train+dev, next to a bare read of the files.

Usage: python scripts/bench_polnear.py [--polnear ../shared/polnear] [--workdir DIR] [--keep]

Each step runs the real command line in its own process, so its wall time and peak RSS
(ru_maxrss of that process tree) are its own:

1. bare read: every train and dev ``.txt`` and ``.ann`` read, decoded and split into lines;
2. ``claimcorpus init`` + ``import polnear --compartments train,dev --skip-invalid``;
3. ``claimcorpus build --version 1.0.0`` (with the baselines in the card);
4. ``load_dataset`` of the three configs, offline, from a cold cache;
5. ``claimcorpus agreement --no-gamma`` (PolNeAR's measures beside the published figures).

It prints a markdown table and the counts the lead's note needs. Everything is written under
the work folder (a temporary one unless ``--workdir``), never into the repository: PolNeAR
texts and releases built from them must not be committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "dt = time.perf_counter() - t\n"
    "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
    "print(f'@@ {dt:.2f} {rss:.0f} {r.returncode}')\n"
)
BARE = (
    "import sys, pathlib\n"
    "n = 0\n"
    "for comp in ('train', 'dev'):\n"
    "    base = pathlib.Path(sys.argv[1]) / 'data' / comp\n"
    "    for p in sorted(base.glob('text/*.txt')) + sorted(base.glob('attributions/*.ann')):\n"
    "        n += len(p.read_bytes().decode('utf-8').split('\\n'))\n"
    "print(n, 'lines')\n"
)
LOAD = (
    "import sys\n"
    "from datasets import load_dataset\n"
    "for c in ('documents', 'claims', 'tokens'):\n"
    "    ds = load_dataset(sys.argv[1], c)\n"
    "    print(c, {s: d.num_rows for s, d in ds.items()})\n"
)


def measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """(seconds, peak RSS MB, stdout, stderr) of one command in its own process tree."""
    r = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, env=env
    )
    *out, last = r.stdout.rstrip("\n").split("\n")
    _, dt, rss, code = last.split()
    if int(code) != 0:
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{r.stderr[-3000:]}")
    return float(dt), float(rss), "\n".join(out), r.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", default=str(REPO.parent / "shared" / "polnear"))
    ap.add_argument("--workdir", help="keep everything here (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    polnear = Path(args.polnear).resolve()
    if not (polnear / "data" / "metadata.tsv").exists():
        sys.exit(f"{polnear}: no PolNeAR copy (data/metadata.tsv)")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-polnear-")).resolve()
    if REPO in work.parents or work == REPO:
        sys.exit("--workdir must be outside the repository (PolNeAR texts are never committed)")
    work.mkdir(parents=True, exist_ok=True)
    root = work / "polnear"
    if root.exists():
        shutil.rmtree(root)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HF_HOME": str(work / "hf"),
           "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}  # fmt: skip
    cc = [sys.executable, "-m", "claimcorpus"]
    rows = []
    dt, rss, out, _ = measured([sys.executable, "-c", BARE, str(polnear)], env)
    rows.append(("bare read of the .txt and .ann files", dt, rss, out))
    measured([*cc, "init", str(root)], env)
    dt, rss, out, err = measured(
        [*cc, "--root", str(root), "import", "polnear", str(polnear), "--compartments",
         "train,dev", "--skip-invalid"], env)  # fmt: skip
    rows.append(("import polnear (train+dev)", dt, rss, out.splitlines()[0]))
    dt, rss, out, _ = measured([*cc, "--root", str(root), "build", "--version", "1.0.0"], env)
    rows.append(("build --version 1.0.0 (with baselines)", dt, rss, out.splitlines()[0]))
    release = root / "releases" / "1.0.0"
    dt, rss, out, _ = measured([sys.executable, "-c", LOAD, str(release)], env)
    rows.append(("load_dataset, 3 configs, cold cache", dt, rss, out.replace("\n", "; ")))
    dt, rss, agreement, _ = measured([*cc, "--root", str(root), "agreement", "--no-gamma"], env)
    rows.append(("agreement --no-gamma", dt, rss, "see below"))
    print("| step | wall s | peak RSS MB | result |\n|---|---:|---:|---|")
    for name, dt, rss, note in rows:
        print(f"| {name} | {dt:.1f} | {rss:.0f} | {note} |")
    summary = json.loads((release / "build_summary.json").read_text())
    log = json.loads((root / "annotations" / "import" / "polnear.json").read_text())
    print(f"\nrelease rows: {json.dumps(summary['rows'])}")
    print(f"span labels: {json.dumps(summary['labels'])}")
    print(f"import counts: {json.dumps(log['counts'], indent=1)}")
    print(f"skipped: {len(log['skipped'])} ({len(log['warnings'])} warnings in the import log)")
    print(agreement[agreement.find("Corpus-level") :])
    if not args.workdir and not args.keep:
        shutil.rmtree(work)
    else:
        print(f"\nkept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
