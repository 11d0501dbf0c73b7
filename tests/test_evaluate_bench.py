"""The benchmark script runs and finds our counts identical to nervaluate's (small run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_evaluate.py"


def test_bench_script_agrees_with_nervaluate_on_a_small_corpus(capsys):
    spec = importlib.util.spec_from_file_location("bench_evaluate", SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--docs", "300", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "identical to nervaluate" in out
    assert "DISAGREEMENT" not in out
