"""scripts/bench_normalize.py: a small real run, and its README block from saved results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from test_readme_blocks import _run_from_json, _script

from claimcorpus.normalize import text

ROWS = ("bare", "old", "new", "classify", "text_pass", "line_floor", "classify_old")


def _result(bare: float, new: float, same: bool = True, old_classify: float = 0.0) -> dict:
    seconds = {"bare": bare, "old": 10.0, "new": new, "classify": new * 0.7, "text_pass": 0.3}
    if old_classify:
        seconds["classify_old"] = old_classify
    return {"articles": 100, "mb": 2.0, "seconds": seconds, "same_output": same}


def test_a_small_run_measures_every_pass_and_compares_the_outputs(tmp_path: Path):
    saved = tmp_path / "run.json"
    code = _script("bench_normalize").main(["--mb", "0.05", "--repeat", "1", "--json", str(saved)])
    assert code in (0, 1)
    run = json.loads(saved.read_text())
    assert run["measured"]["command"] == "python scripts/bench_normalize.py --mb 0.05 --repeat 1"
    got = run["results"]["texts"]
    assert set(got) == {"synthetic news", "non-ASCII news", "seed articles"}
    for r in got.values():
        assert r["articles"] > 0 and r["same_output"] is True
        assert set(r["seconds"]) == set(ROWS) and all(s > 0 for s in r["seconds"].values())
    # the non-ASCII text has more bytes than characters: its letters are Cyrillic
    assert got["non-ASCII news"]["mb"] > 1.5 * got["synthetic news"]["mb"]


def test_bench_normalize_writes_its_block_from_results(tmp_path: Path):
    results = {
        "repeat": 3,
        "texts": {
            "synthetic news": _result(0.5, 2.0, old_classify=2.8),
            "non-ASCII news": _result(0.5, 0.8, same=False),
        },
    }
    body = _run_from_json("bench_normalize", tmp_path, results)
    assert "synthetic news (100 articles, 2.0 MB):" in body
    assert "| normalize_bytes | 2.000 | 1.0 | 0.25x |" in body
    assert "| ... of which the text pass (rules given) | 0.300 | 6.7 | 1.67x |" in body
    assert "normalize_bytes 5.0x faster than the old normalizer; same output: yes." in body
    assert "same output: NO." in body
    assert "synthetic news 0.25x (MISSED); non-ASCII news 0.62x (met)" in body
    assert "non-ASCII news: output differs from the old normalizer" in body
    # classify 1.4 of 2.0 s; the old normalizer's own work 10.0 - 1.4 = 8.6 s, now 0.3 s
    assert "boilerplate.classify is 70% of normalize_bytes" in body
    assert "took about 8.600 s before (old minus classify: 0.06x the bare regex)" in body
    assert "0.300 s now (28.7x faster)" in body
    assert "(normalize_bytes without boilerplate.classify): synthetic news 1.67x" in body
    # the detector before its speed-up: 2.8 s against 1.4 s now; 0.3 + 2.8 s with it
    assert (
        "| boilerplate.classify before its speed-up (tests/reference_boilerplate) | 2.800 |" in body
    )
    assert "boilerplate.classify 2.00x faster than before its speed-up (0.18x -> 0.36x" in body
    assert "with the detector before (text pass + old classify, derived): about 0.16x" in body
    assert body.count("faster than before its speed-up") == 1  # saved results without the row
    assert "the budget" not in body  # saved results without the floor row


def test_the_budget_line_sets_the_floor_against_what_the_target_leaves(tmp_path: Path):
    # 0.5 s bare: the target allows 1.0 s in all; the text pass takes 0.3, leaving 0.7 s =
    # 1.40 units; the floor 0.1 s = 0.20 units; classify 0.7 * 2.0 = 1.4 s = 2.80 units
    result = _result(0.5, 2.0)
    result["seconds"]["line_floor"] = 0.1
    body = _run_from_json("bench_normalize", tmp_path, {"repeat": 1, "texts": {"t": result}})
    assert (
        "| floor of any line detector: a word count and a repeat count per line | 0.100 |" in body
    )
    assert "t: 1.40 units left, floor 0.20, classify 2.80" in body


def test_before_loads_a_revisions_normalizer_beside_todays(tmp_path: Path):
    """--before: the normalizer of a git revision, imported while today's modules are set
    aside and put back; at HEAD it gives today's output, and today's modules stay loaded."""
    bench = _script("bench_normalize")
    before = bench.load_before("HEAD", tmp_path)
    assert sys.modules["claimcorpus.normalize.text"] is text
    assert before["normalize_bytes"] is not text.normalize_bytes
    data = b"Home > World\n\nThe minister said on Monday that the talks would go on.\n"
    old, new = before["normalize_bytes"](data), text.normalize_bytes(data)
    assert (old.text, old.exclusions, old.offset_map()) == (
        new.text,
        new.exclusions,
        new.offset_map(),
    )
