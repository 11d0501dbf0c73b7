"""Marked README blocks: each benchmark script rewrites its own block with the numbers it
measured (here: numbers from a results file), labelled with date and command, and nothing
else; a README without the block is refused untouched, before anything is measured."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

from claimcorpus.core import blocks

SCRIPTS = (
    "bench_scale",
    "bench_build",
    "bench_evaluate",
    "bench_labelstudio",
    "bench_ingest",
    "bench_normalize",
    "bench_train",
    "bench_stories",
    "bench_ingest_scale",
)
META = {"date": "2031-02-03", "command": "python scripts/x.py --n 7", "cpus": 3}


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _readme(tmp_path: Path, name: str) -> Path:
    start, end = blocks.markers(name)
    path = tmp_path / "README.md"
    path.write_text(f"# Title\n\nbefore\n\n{start}\nOLD 9.9 s\n{end}\n\nafter <!-- x -->\n")
    return path


def _outside(text: str, name: str) -> str:
    start, end = blocks.markers(name)
    return text.split(start)[0] + text.split(end)[1]


def test_replace_block_changes_only_the_block():
    text = "a\n<!-- t:start -->\nold\n<!-- t:end -->\nb <!-- u:start --> c\n"
    out = blocks.replace_block(text, "t", "new\n")
    assert out == "a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb <!-- u:start --> c\n"
    assert blocks.read_block(out, "t") == "new"
    assert blocks.replace_block(out, "t", "new") == out


@pytest.mark.parametrize(
    "text",
    [
        "no block at all\n",
        "<!-- t:start -->\nonly a start\n",
        "<!-- t:end -->\nend first\n<!-- t:start -->\n",
        "<!-- t:start -->\n1\n<!-- t:end -->\n<!-- t:start -->\n2\n<!-- t:end -->\n",
    ],
)
def test_a_missing_or_ambiguous_block_is_refused_and_the_file_kept(tmp_path, text):
    path = tmp_path / "README.md"
    path.write_text(text)
    with pytest.raises(blocks.BlockError, match=r"README\.md: needs exactly one <!-- t:start -->"):
        blocks.write_block(path, "t", "new")
    assert path.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]  # no temp file left


def test_measurement_keeps_what_was_measured_and_drops_where_it_went():
    meta = blocks.measurement(
        "scripts/b.py",
        ["--sizes", "1,2", "--readme", "README.md", "--json=o.json", "--repeat", "2"],
        skip=("--readme", "--json"),
    )
    assert meta["command"] == "python scripts/b.py --sizes 1,2 --repeat 2"
    assert len(meta["date"]) == 10 and meta["date"][4] == "-" and meta["cpus"] >= 1
    note = blocks.measured_note(meta, "scripts/b.py")
    assert meta["date"] in note and "`python scripts/b.py --sizes 1,2 --repeat 2`" in note
    assert "not recorded" in blocks.measured_note(None, "scripts/b.py")


def test_the_readme_has_one_block_per_benchmark_script_each_labelled():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in SCRIPTS:
        body = blocks.read_block(readme, name)  # raises unless exactly one block
        assert body.startswith(("_Measured ", "Not measured for this README yet")), name
        assert f"scripts/{name}.py" in body, name
    assert blocks.read_block(readme, "bench_scale").startswith("_Measured 2026-11-22 ")


def _write_json(tmp_path: Path, results) -> Path:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"measured": META, "results": results}))
    return path


def _run_from_json(name: str, tmp_path: Path, results) -> str:
    """`scripts/NAME.py --from-json FILE --readme README.md`: the new README text."""
    readme = _readme(tmp_path, name)
    before = readme.read_text()
    code = _script(name).main(
        ["--from-json", str(_write_json(tmp_path, results)), "--readme", str(readme)]
    )
    assert code in (0, 1)  # 1: a target was missed, which the block reports too
    text = readme.read_text()
    assert _outside(text, name) == _outside(before, name)
    body = blocks.read_block(text, name)
    assert "OLD 9.9 s" not in body
    assert body.startswith("_Measured 2031-02-03 with `python scripts/x.py --n 7` on 3 CPUs")
    return body


def _engine(seconds: float, rss: int, **extra) -> dict:
    return {
        "seconds": seconds,
        "peak_rss_mb": rss,
        "cpu_s": seconds,
        "load_before": 1.0,
        "load_after": 2.0,
        "normalize_s": seconds / 2,
        "group_s": seconds / 4,
        "summary": {"excluded": {"empty": 1}},
        **extra,
    }


def _scale_result(size: int, local1: float, local2: float, spark: float) -> dict:
    grouping = {
        "docs": size,
        "planted": 10,
        "same_story_id": 1.0,
        "mine": {"seconds": 2.0, "docs_per_s": size / 2, "stories": 5, "recall": 0.95},
        "datasketch": {"seconds": 20.0, "docs_per_s": size / 20, "stories": 5, "recall": 0.9},
    }
    for g in (grouping["mine"], grouping["datasketch"]):
        g["recall_true_j_ge_0.5"] = 1.0
    spark_extra = {"spark_job_s": spark - 1, "driver_group_s": 1.0, "startup_s": 9.5}
    return {
        "size": size,
        "repeat": 2,
        "local1": _engine(local1, 300),
        "local2": _engine(local2, 600),
        "spark2": _engine(spark, 1100, **spark_extra),
        "grouping": grouping,
    }


def test_bench_scale_writes_its_block_from_results(tmp_path: Path):
    body = _run_from_json("bench_scale", tmp_path, [_scale_result(20_000, 40.0, 20.0, 30.0)])
    row = next(line for line in body.splitlines() if line.startswith("| 20,000 |"))
    assert row.startswith("| 20,000 | 40.0 s | 20.0 s (2.00x in-process) | 30.0 s (0.67x")
    assert "2.0 s vs 20.0 s (10.0x); recall of planted duplicates 0.950 vs 0.900" in row
    assert "300 / 600 / 1,100 MB at 20k" in body and "(9.5 s at 20k)" in body
    assert "faster of 2 interleaved run(s)" in body and "100.00% at 20k" in body


def test_a_readme_without_the_block_is_refused_before_anything_is_measured(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    work = tmp_path / "work"
    code = _script("bench_scale").main(
        ["--sizes", "10", "--workdir", str(work), "--readme", str(readme)]
    )
    assert code == 2 and readme.read_text() == "# no markers\n"
    assert not work.exists()  # not one article was generated


def _build_result(size: int, ingest_s: float, build_s: float) -> dict:
    phases = {
        "group_stories": 1.0,
        "make_splits": 0.1,
        "pass2_rows_parquet_and_other": 2.0,
        "write_card": 0.1,
        "results_table": 0.5,
        "write_croissant": 0.1,
        "write_checksums": 0.1,
    }
    return {
        "size": size,
        "articles": size,
        "raw_bytes": size * 4000,
        "ingest_s": ingest_s,
        "build_s": build_s,
        "ingest_cpu_s": ingest_s,
        "build_cpu_s": build_s,
        "rss_after_ingest_mb": 100,
        "rss_after_build_mb": 200,
        "normalize_s": 2.0,
        "regex_s": 1.0,
        "normalize_cpu_s": 2.0,
        "regex_cpu_s": 1.0,
        "build_phases": phases,
        "stories": size // 3,
        "largest_story": 4,
        "story_edges": {"near-duplicate": 3},
        "corpus_mb_on_disk": 12,
    }


def test_bench_build_writes_its_block_from_results(tmp_path: Path):
    body = _run_from_json("bench_build", tmp_path, [_build_result(1000, 6.0, 4.0)])
    # 1,000 articles of 4 MB in 10 s: 100 articles/s and 0.40 MB/s; normalize 2x the regex
    assert "| 1,000 | 1,000 | 4.0 | 6.0 | 4.0 | 100 | 0.40 | 200 | 2.00 | 4.0 | 2.0x |" in body
    assert "Targets:" in body and "normalize within 10x of regex (CPU): 1,000: 2.0x" in body


def _built(
    seconds: float, rss: int, encode_s: float, sums: str = "ab", cpu: float | None = None
) -> dict:
    return {
        "build_s": seconds,
        "build_cpu_s": seconds if cpu is None else cpu,
        "encode_s": encode_s,
        "peak_rss_mb": rss,
        "peak_after_reset": False,
        "sha256sums": sums,
    }


def test_bench_build_writes_its_annotated_table_from_results(tmp_path: Path):
    result = _build_result(1000, 6.0, 4.0)
    result["annotated"] = {
        "gold": {"documents": 1000, "annotated": 990, "attributions": 2970, "gold_s": 1.0},
        "unannotated": _built(2.0, 300, 0.1, cpu=1.0),
        "columnar": {
            **_built(5.0, 400, 0.5, cpu=3.0),
            "steps": {
                "check_and_group": {"s": 1.5, "cpu_s": 1.2, "peak_mb": 350},
                "card": {"s": 2.0, "cpu_s": 1.0, "peak_mb": 400},
            },
        },
        "encode_example": _built(10.0, 700, 6.0, sums="cd"),
    }
    body = _run_from_json("bench_build", tmp_path, [result])
    row = (
        "| 1,000 | 2,970 | 2.0 | 300 | 5.0 | 400 | 2.50x | 1.0 / 3.0 | 3.00x "
        "| 10.0 | 700 | 2.00x | 0.5 / 6.0 | 12.0x | NO |"
    )
    assert row in body
    assert (
        "- annotated build <= 2x the unannotated build (wall): 1,000: 2.50x (CPU: 1,000: 3.00x)"
        in body
    )
    assert "- columnar and encode_example writers give byte-identical releases: NO" in body
    assert "annotated peak RSS < 1000 MB at 100k: not run" in body
    assert "| 1,000 | - | 1.5 / 1.2 (350) | - | - | 2.0 / 1.0 (400) | - |" in body  # by step
    assert "| 1,000 | 2.00 | 1.00 | 5.00 | 3.00 | 1.00x |" in body  # seconds per 1,000 articles


def test_bench_evaluate_measures_then_writes_its_block_from_the_saved_run(tmp_path: Path):
    saved = tmp_path / "run.json"
    bench = _script("bench_evaluate")
    assert bench.main(["--docs", "200", "--seed", "1", "--json", str(saved)]) == 0
    run = json.loads(saved.read_text())
    assert run["measured"]["command"] == "python scripts/bench_evaluate.py --docs 200 --seed 1"
    body = _run_from_json("bench_evaluate", tmp_path, run["results"])
    assert f"200 synthetic documents, {run['results']['gold_spans']:,} gold" in body
    wall, cpu = run["results"]["times"]["columns"]
    row = next(line for line in body.splitlines() if "claimcorpus, columnar input" in line)
    assert f"| {wall:8.3f} | {cpu:8.3f} |" in row
    assert "- identical to nervaluate: all 4 schemes" in body


def test_bench_labelstudio_writes_its_block_from_results(tmp_path: Path):
    phases = {
        name: {"seconds": s, "peak_rss_mb": 80}
        for name, s in (
            ("bare_import", 2.0),
            ("push", 3.0),
            ("repush", 1.0),
            ("setup_annotated", 5.0),
            ("bare_export", 4.0),
            ("pull", 8.0),
        )
    }
    result = {
        "n": 1000,
        "push_ratio": 1.5,
        "repush_ratio": 0.5,
        "pull_ratio": 2.0,
        "server_peak_rss_mb": 512,
        "phases": phases,
    }
    body = _run_from_json("bench_labelstudio", tmp_path, result)
    assert "| step (n=1,000) | seconds | ratio | peak RSS MB |" in body
    assert "| push | 3.0 | 1.50x | 80 |" in body and "| pull | 8.0 | 2.00x | 80 |" in body
    assert "- push: 1.50x the bare call (target <= 1.5x): met" in body
    assert "- pull: 2.00x the bare call (target <= 1.5x): MISSED" in body
    assert "server peak RSS: 512 MB" in body


def test_bench_labelstudio_writes_the_campaign_table(tmp_path: Path):
    steps = {
        "create": {"ours": 3.0, "bare": 2.0},
        "submit": {"ours": 9.0, "bare": None},
        "status": {"ours": 4.0, "bare": 1.0},
        "pull": {"ours": 2.5, "bare": 2.0},
        "agreement": {"ours": 0.1, "bare": None},
        "adjudicate": {"ours": 6.0, "bare": 3.0},
    }
    campaign = {
        "n": 100,
        "annotations": 200,
        "complete": 100,
        "disputed_docs": 34,
        "gold_written": 66,
        "steps": steps,
    }
    body = _run_from_json("bench_labelstudio", tmp_path, {"n": 100, "campaign": campaign})
    assert "Campaign run: 100 documents, 2 annotators, overlap 2 (200 annotations" in body
    assert "| create | 3.00 | bare create + import | 2.00 | 1.50x |" in body
    assert "| status | 4.00 | bare list + export | 1.00 | 4.00x |" in body
    assert "| agreement | 0.10 | none | - | - |" in body
    assert "| step (n=" not in body and "Push and pull: not part of this run" in body


def test_bench_ingest_writes_its_block_from_results(tmp_path: Path):
    result = {
        "pages": 300,
        "pages_mb": 1.5,
        "html": [
            ["bare trafilatura.extract", 600.0, 3.0, 1.0],
            ["page_article (+ checks, doc id)", 300.0, 1.5, 2.0],
        ],
        "warc": [["bare FastWARC iteration", 40.0, 1.0], ["reader iter_responses", 42.0, 0.95]],
        "boilerplate": [["boilerplate.classify (lines)", 2.5, 14.0]],
        "memory": [
            {"label": "full ingest", "n": 2000, "mb": 5.5, "seconds": 8.0, "rss_mb": 126.4},
            {"label": "pass 1 only", "n": 100000, "mb": 273.0, "seconds": 50.0, "rss_mb": 184},
        ],
    }
    body = _run_from_json("bench_ingest", tmp_path, result)
    assert "HTML extraction (300 pages, 1.5 MB):" in body
    assert "| page_article (+ checks, doc id) | 300 | 1.50 | 2.00x |" in body
    assert "| reader iter_responses | 42.0 | 0.95x |" in body
    assert "| boilerplate.classify (lines) | 2.5 | 14.00x |" in body
    assert "| full ingest | 2,000 | 6 | 8.0 | 250 | 4.00 | 126 | - |" in body
    assert "| pass 1 only | 100,000 | 273 | 50.0 | 2,000 | 0.50 | 184 | - |" in body
    assert "not run (no full ingest of >= 100,000 records)" in body
    result["memory"] = [
        {"label": "full ingest", "mode": "full", "n": n, "mb": n / 400, "seconds": s, "rss_mb": m}
        for n, s, m in ((10_000, 20.0, 110.0), (30_000, 75.0, 150.0), (100_000, 250.0, 1150.0))
    ]
    body = _run_from_json("bench_ingest", tmp_path, result)
    assert "| full ingest | 30,000 | 75 | 75.0 | 400 | 2.50 | 150 | 2.00 |" in body
    assert "| full ingest | 100,000 | 250 | 250.0 | 400 | 2.50 | 1150 | 14.29 |" in body
    assert "1150 MB at 100,000 records (MISSED)" in body
    assert "time per record at 100,000 records 1.25x that at 10,000" in body
    assert "(linear: <= 1.5x, met)" in body


def _train_row(scores: tuple[float, ...], rate: float, train: dict | None = None) -> dict:
    names = (
        "partial CLAIM",
        "partial SOURCE",
        "partial CUE",
        "strict micro",
        "partial micro",
        "attribution strict",
        "attribution overlap",
    )
    return {"scores": dict(zip(names, scores, strict=True)), "docs_per_s": rate, "train": train}


def test_bench_train_writes_its_block_from_results(tmp_path: Path):
    script = _script("bench_train")
    crf = _train_row(
        (0.5, 0.6, 0.7, 0.5, 0.6, 0.25, 0.45), 80.0, {"wall_seconds": 600.0, "rss_mb": 900.0}
    )
    rules = _train_row((0.3, 0.4, 0.5, 0.3, 0.4, 0.1, 0.47), 200.0)
    res = {
        "rows": {"rules": rules, "crf (chosen)": crf},
        "note": "crf: 100 iterations.",
        "errors": [["missed claim", "d1", "gold claim «x»"]],
    }
    res["targets"] = script.targets(res)
    body = _run_from_json("bench_train", tmp_path, res)
    assert (
        "| crf (chosen) | 0.500 | 0.600 | 0.700 | 0.500 | 0.250 | 0.450 | 10.0 min | 900 MB" in body
    )
    assert "| attribution overlap F1 >= 2x rules | 0.96x | no |" in body
    assert "| span partial F1 SOURCE > rules | 0.600 vs 0.400 | yes |" in body
    assert "92.3%" in body and "gold claim" not in body  # error examples (texts) stay out


def _stories_size(size: int, rss: int) -> dict:
    def run(seconds: float, largest: int, p: float) -> dict:
        return {
            "seconds": seconds,
            "peak_rss_mb": rss,
            "precision": p,
            "recall": 0.6,
            "stories": 40,
            "largest": largest,
            "true_stories": 30,
        }

    return {"size": size, "baseline": run(2.0, 70, 0.2), "grouping": run(3.0, 9, 0.99)}


def test_bench_stories_writes_its_block_from_results(tmp_path: Path):
    labelled = {
        "fixture": {"pairs": 210, "positives": 12, "precision": 1.0, "recall": 0.75},
        "seeds": {"pairs": 10, "positives": 3, "precision": 1.0, "recall": 0.333},
    }
    results = {
        "sizes": [_stories_size(10_000, 300), _stories_size(100_000, 1500)],
        "labelled": labelled,
    }
    body = _run_from_json("bench_stories", tmp_path, results)
    assert "| 10,000 | 2.0 | 3.0 | 1.50x | 300 / 300 |" in body  # grouping, then baseline
    assert "| fixture | 210 | 12 | 1.0 | 0.75 |" in body
    assert "Targets missed: 100,000 articles: grouping peak RSS 1500 MB > 400 MB" in body
    assert "10,000 articles" not in body.split("Targets missed:")[1]  # 300 MB is within


def test_bench_train_predict_only_block_gives_the_speed_ratio_and_identity(tmp_path: Path):
    script = _script("bench_train")
    crf = _train_row((0.5, 0.6, 0.7, 0.5, 0.6, 0.25, 0.45), 62.0, None)
    rules = _train_row((0.3, 0.4, 0.5, 0.3, 0.4, 0.1, 0.47), 200.0)
    res = {"rows": {"rules": rules, "crf (chosen)": crf}, "note": "crf: a model.", "errors": []}
    res["speed"] = {
        "documents": 84,
        "repeat": 3,
        "identical": True,
        "old_wall": 31.0,
        "new_wall": 62.0,
        "old_cpu": 40.0,
        "new_cpu": 70.0,
        "load": (3.5, 4.0),
    }
    res["targets"] = script.targets(res)
    assert [t for t, _, _ in res["targets"]][-1] == "prediction >= 50 articles/s"
    assert not any(t.startswith("training") for t, _, _ in res["targets"])  # not measured
    body = _run_from_json("bench_train", tmp_path, res)
    assert "| prediction >= 50 articles/s | 62/s | yes |" in body
    assert "**2.00x** wall, 1.75x CPU" in body
    assert "Predictions identical on all 84 articles: yes" in body


def test_bench_ingest_scale_writes_its_block_from_results(tmp_path: Path):
    bulk = {
        "articles": 9000,
        "ingest_cpu_s": 20.0,
        "ingest_sys_s": 5.0,
        "ingest_cpu_per_s": 450.0,
        "normalize_cpu_per_s": 1000.0,
        "ratio": 0.45,
    }
    layout = {
        "files_per_article": 2.03,
        "bytes_per_raw_byte": 3.3,
        "old_files_per_article": 4.0,
        "old_bytes_per_raw_byte": 3.8,
    }
    row = {
        "size": 10000,
        "bulk": bulk,
        "one_file_s": 0.03,
        "empty_s": 0.025,
        "ratio": 1.2,
        "noop": {"files": 1000, "wall_s": 0.4, "opened": 0},
        "full_noop": {"files": 10000, "wall_s": 3.5, "opened": 0},
        "layout": layout,
    }
    body = _run_from_json("bench_ingest_scale", tmp_path, {"sizes": [row]})
    assert "| 10,000 | 30.0 ms | 25.0 ms | 1.20x | 0.40 s (0) | 3.50 s (10,000 files) |" in body
    assert "| 450 (+9,000) | 1000 | 0.45x | 25% | 1222 |" in body  # µs beyond normalize
    assert "| 10,000 | 2.03 | 3.30 | 4 | 3.80 |" in body
    assert "1.20x the empty corpus (target <= 1.5x: met)" in body
    assert "0.45x-0.45x of normalization alone (target >= 0.5x: missed)" in body
