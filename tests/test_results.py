"""`claimcorpus results`: one table across corpora, n/a where a field is missing, the README
block, clear failures; a second extractor and a learned model plug in.

Scored on a copy of the committed release 1.0.0; the texts of the n/a case are written here."""

from __future__ import annotations

import json
import shutil
import types
from pathlib import Path

import datasets.config
import pytest
from conftest import REPO, run_cli

from claimcorpus.baseline import rules
from claimcorpus.core import blocks
from claimcorpus.evaluate.score import evaluate_documents
from claimcorpus.learn.spans import CrfConfig
from claimcorpus.learn.train import train_model
from claimcorpus.report import results_cli
from claimcorpus.report.results import Corpus, Model, Row, corpus_block, score_row, transfer_block
from claimcorpus.report.results_table import block_table, cell

README = "# Project\n\nbefore\n\n<!-- results:start -->\nold\n<!-- results:end -->\n\nafter\n"


@pytest.fixture()
def release(tmp_path: Path, offline_hf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(offline_hf / "datasets"))
    shutil.copytree(REPO / "releases" / "1.0.0", tmp_path / "rel")
    return tmp_path / "rel"


def _args(*argv: str):
    import argparse

    main = argparse.ArgumentParser(prog="claimcorpus")
    results_cli.add_parser(main.add_subparsers(dest="command", required=True))
    return main.parse_args(["results", *argv])


TEXT = "Officials said China helps Russia. The sky is blue."


def _doc(spans: list[dict], atts: list[dict]) -> dict:
    return {"doc_id": "d", "text": TEXT, "spans": spans, "attributions": atts}


def test_a_field_the_corpus_lacks_is_na_and_a_miss_is_zero():
    c = TEXT.index("China")
    claim = {"id": "c1", "label": "CLAIM", "start": c, "end": c + 18}
    source = {"id": "s1", "label": "SOURCE", "start": 0, "end": 9}
    gold = [_doc([claim, source], [{"id": "a1", "claim": "c1", "source": "s1"}])]
    pred = [_doc([claim], [{"id": "a1", "claim": "c1", "source": None}])]
    result = evaluate_documents(gold, pred, n_resamples=10, with_stance=False)
    row = Row("x", "test", 1, result, stance=False)
    assert cell(row, ("spans", "strict", "CLAIM", "f1")).startswith("1.000 [1.000, 1.000]")
    assert cell(row, ("spans", "strict", "SOURCE", "f1")).startswith("0.000")  # missed: a 0
    assert cell(row, ("spans", "strict", "CUE", "f1")) == "n/a"  # no CUE in gold: n/a
    assert cell(row, ("stance", "macro_f1")) == "n/a"
    assert block_table(types.SimpleNamespace(rows=(row,))).splitlines()[2].endswith("| n/a |")
    gold[0]["attributions"][0]["stance"] = "support"  # gold with stance, a row without
    silent = score_row("x", "test", gold, pred, 10, 0)
    assert not silent.stance and cell(silent, ("stance", "macro_f1")) == "n/a"
    assert silent.result["attributions"]["strict"]["f1"] == 0.0  # (claim, source) tuples
    assert cell(Row("x", "test", 0, None, False), ("attributions", "strict", "f1")) == "n/a"


def test_the_command_writes_its_readme_block_and_only_that(release, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(README)
    out = tmp_path / "r.json"
    args = _args("--release", f"seeds={release}", "--bootstrap", "20", "--readme", str(readme))
    args.json = str(out)
    assert args.func(args) == 0
    text = readme.read_text()
    assert text.startswith("# Project\n\nbefore\n\n<!-- results:start -->\n")
    assert text.endswith("<!-- results:end -->\n\nafter\n")
    body = blocks.read_block(text, "results")
    assert body in capsys.readouterr().out
    assert "**seeds (the union of its grouped fold test parts, 5 annotated documents)**" in body
    assert "| rules | folds | 5 |" in body and "| rules + stance | folds | 5 |" in body
    assert "| seeds | source stance | 122 | 5 | 3 |" in body
    data = json.loads(out.read_text())
    rules_row = data["blocks"][0]["rows"][1]
    assert rules_row["name"] == "rules" and rules_row["documents"] == 5
    assert data["table"] == body


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--release", "seeds=/no/such/release"], "/no/such/release"),
        (["--release", "seeds"], "want NAME=PATH"),
        (["--release", "a={rel}", "--transfer", "a->b"], "--transfer 'a->b'"),
        (["--release", "a={rel}", "--model", "b:m=/x"], "no --release named 'b'"),
    ],
)
def test_bad_input_exits_2_naming_it_and_leaves_the_readme(release, tmp_path, argv, message):
    readme = tmp_path / "README.md"
    readme.write_text(README)
    argv = [a.replace("{rel}", str(release)) for a in argv]
    r = run_cli("results", *argv, "--readme", str(readme), "--bootstrap", "5")
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert readme.read_text() == README


def test_a_readme_without_the_block_is_refused_before_scoring(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# none\n")
    r = run_cli("results", "--release", "x=/no/such", "--readme", str(readme))
    assert r.returncode == 2 and "results:start" in r.stderr
    assert readme.read_text() == "# none\n"


def claims_only(doc_id, text, sentences):
    """A second extractor: the rule baseline's claims, without sources or cues."""
    rec = rules.extract(doc_id, text, sentences)
    keep = [s for s in rec["spans"] if s["label"] == "CLAIM"]
    atts = [dict(a, source=None, cue=None) for a in rec["attributions"]]
    return {"doc_id": doc_id, "spans": keep, "attributions": atts}


def test_a_registered_extractor_and_a_learned_model_get_their_rows(release):
    corpus = Corpus.read("seeds", release)
    model = Model("learned", "seeds", rules.extract)
    block = corpus_block(
        corpus, [model], 10, 0, baselines={"rules": rules.extract, "claims_only": claims_only}
    )
    rows = {r.name: r for r in block.rows}
    assert list(rows) == ["claims_only", "rules", "rules + stance", "learned", "learned + stance"]
    assert cell(rows["claims_only"], ("spans", "strict", "SOURCE", "f1")).startswith("0.000")
    assert (
        rows["claims_only"].result["spans"]["strict"]["CLAIM"]
        == (rows["rules"].result["spans"]["strict"]["CLAIM"])
    )
    # trained on the release's train split: scored only on the fold documents outside it
    assert (rows["learned"].scored_on, rows["learned"].documents) == ("folds outside train", 2)
    other = transfer_block(corpus, corpus, [model], 10, 0)
    assert [r.name for r in other.rows] == ["trivial", "rules", "learned"]
    assert {r.documents for r in other.rows} == {5}


def test_model_option_loads_a_trained_model(release, tmp_path, capsys):
    model = tmp_path / "models" / "crf"
    train_model(release, model, CrfConfig(max_iterations=15), seed=0, progress=False)
    args = _args(
        "--release", f"seeds={release}", "--release", f"again={release}",
        "--model", f"seeds:={model}", "--transfer", "seeds->again", "--bootstrap", "5",
    )  # fmt: skip
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "| crf | folds outside train | 2 |" in out and "| crf + stance |" in out
    assert "**transfer: trained on seeds train, scored on again (5 docs)**" in out
    corrupt = tmp_path / "models" / "corrupt"
    shutil.copytree(model, corrupt)
    (corrupt / "manifest.json").write_text("{not json", encoding="utf-8")
    bad = _args("--release", f"seeds={release}", "--model", f"m={corrupt}")
    assert bad.func(bad) == 2
    err = capsys.readouterr().err
    assert f"--model m={corrupt}: cannot load:" in err and "manifest.json" in err


def test_the_card_leaves_the_stance_classifier_out_above_its_limit(release, monkeypatch):
    from claimcorpus.report import results_card

    full = results_card.results_table(release, n_resamples=5)
    assert "| rules + stance |" in full and "source stance" in full
    monkeypatch.setattr(results_card, "STANCE_LIMIT", 100)  # the seeds have 122
    lean = results_card.results_table(release, n_resamples=5)
    assert "| rules + stance |" not in lean and "source stance" not in lean
    assert "more than 100 attributions (this one has 122)" in lean
    assert [r for r in lean.splitlines() if r.startswith("| rules |")] == [
        r for r in full.splitlines() if r.startswith("| rules |")
    ]
