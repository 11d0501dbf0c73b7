"""A plain (non-editable) wheel install works outside any checkout (issue 15).

The wheel is built from this tree, installed into a fresh venv with pip, and the commands a
researcher would run (init, ingest, import, build, evaluate, validate --release) run in an
empty folder far from the repository. The venv borrows the test interpreter's installed
dependencies through a .pth line (no network); the package itself must come from the
wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SEEDS

FIX = Path(__file__).parent / "fixtures" / "brat"


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, f"{cmd}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


def test_wheel_install_runs_init_to_validate_outside_a_checkout(tmp_path):
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    # pip must not see the source tree on PYTHONPATH (it would call the package installed)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    pip = [sys.executable, "-m", "pip"]
    run([*pip, "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)], tmp_path, clean)
    wheel = next(dist.glob("claimcorpus-*.whl"))
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, clean)
    py = venv / "bin" / "python"
    run([*pip, "--python", str(py), "install", "-q", "--no-deps", str(wheel)], tmp_path, clean)
    purelib = run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], work)
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib.stdout.strip()) / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}  # fmt: skip
    where = run([str(py), "-c", "import claimcorpus; print(claimcorpus.__file__)"], work, env)
    assert where.stdout.startswith(str(venv)), where.stdout  # the wheel's copy, not the checkout
    cc = str(venv / "bin" / "claimcorpus")
    run([cc, "init", "corpus", "--scheme", str(FIX / "scheme.yaml")], work, env)
    root = work / "corpus"
    brat = [
        "--relation",
        "Attribution,Attribution-no-source",
        "--ignore",
        "Discuss",
        "--adjudicate",
    ]
    run(
        [
            cc,
            "import",
            "brat",
            str(FIX / "good"),
            "--map",
            "Source=SOURCE,Cue=CUE,Content=CLAIM",
            *brat,
        ],
        root,
        env,
    )
    run([cc, "ingest", str(sorted(SEEDS.glob("*.txt"))[0])], root, env)
    run([cc, "build", "--version", "1.0.0"], root, env)
    gold = {p.stem: p.read_text() for p in (root / "annotations/gold").glob("*.json")}
    manifest = json.loads((root / "releases/1.0.0/splits.json").read_text())["splits"]
    scored = 0
    for split in ("train", "validation", "test"):
        preds, out = work / f"{split}.jsonl", work / f"{split}.json"
        lines = [json.dumps(json.loads(gold[d])) for d in manifest[split] if d in gold]
        preds.write_text("".join(line + "\n" for line in lines))
        run([cc, "evaluate", "--predictions", str(preds), "--release", "corpus/releases/1.0.0",
             "--split", split, "--json", str(out)], work, env)  # fmt: skip
        result = json.loads(out.read_text())
        if result["documents"]:
            scored += 1
            assert result["attributions"]["strict"]["f1"] == 1.0
    # every part holding an annotated document was scored; the ingested seed has no gold
    with_gold = [s for s in ("train", "validation", "test") if set(manifest[s]) & set(gold)]
    assert scored == len(with_gold) >= 2
    downloads = tmp_path / "elsewhere"
    shutil.copytree(root / "releases" / "1.0.0", downloads / "1.0.0")
    r = run([cc, "validate", "--release", str(downloads / "1.0.0")], tmp_path, env)
    assert "0 errors" in r.stderr
