"""Generative models: `export prompts` writes one prompt per document, `evaluate --quotes`
anchors the quotes of hand-written answers on a copy of releases/1.0.0 and scores them.

No model is called: the answers are written here, from the gold quotes."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import datasets.config
import jsonschema
import pytest
from conftest import REPO, run_cli

from claimcorpus.annotate.anchor import _all
from claimcorpus.core.scheme import load_scheme
from claimcorpus.evaluate import cli
from claimcorpus.release.prompts import answer_schema, build_prompt, guideline_excerpt

TEST_DOC = "000_e24865ecb7649ad0"  # the one document of split "test" in 1.0.0
TRAIN_DOC = "001_6c82bee824d52579"  # in train, not in test


@pytest.fixture()
def release(tmp_path: Path, offline_hf: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of releases/1.0.0 (the datasets cache under tmp_path too)."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(offline_hf / "datasets"))
    shutil.copytree(REPO / "releases" / "1.0.0", tmp_path / "rel")
    return tmp_path / "rel"


@pytest.fixture()
def gold(release: Path) -> dict[str, Any]:
    return cli.load_gold(release, "test").docs[0]


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="claimcorpus")
    main.add_argument("--root", default=None)
    cli.add_parser(main.add_subparsers(dest="command", required=True))
    return main


def context_for(text: str, start: int, end: int) -> str | None:
    """The shortest passage around ``text[start:end]`` that occurs once and holds it once
    (None when the quote alone is unique): what a careful model would add."""
    quote = text[start:end]
    if len(_all(text, quote)) == 1:
        return None
    for width in range(1, 200):
        for left in range(width + 1):
            a, b = start - left, end + width - left
            ctx = text[max(a, 0) : b]
            if a >= 0 and len(_all(text, ctx)) == 1 and len(_all(ctx, quote)) == 1:
                return ctx
    raise AssertionError(f"no unique context for {quote!r}")


def perfect_answer(doc: dict[str, Any]) -> dict[str, Any]:
    """Every gold attribution as quotes, with a context for each quote that repeats."""
    spans = {s["id"]: s for s in doc["spans"]}
    atts = []
    for a in doc["attributions"]:
        att: dict[str, Any] = {"stance": a["stance"], "source_type": a["source_type"]}
        for role in ("claim", "source", "cue"):
            span = spans.get(a[role]) if a[role] else None
            att[role] = span["text"] if span else None
            ctx = context_for(doc["text"], span["start"], span["end"]) if span else None
            if ctx is not None:
                att[f"{role}_context"] = ctx
        atts.append(att)
    return {"doc_id": doc["doc_id"], "attributions": atts}


def write_lines(path: Path, *lines: Any) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def evaluate(release: Path, answers: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "result.json"
    args = parser().parse_args(
        ["evaluate", "--quotes", str(answers), "--release", str(release), "--json", str(out)]
        + ["--bootstrap", "20", *extra]
    )
    code = args.func(args)
    return code, json.loads(out.read_text()) if out.exists() else {}


# ------------------------------------------------------------------------------- prompts
def test_a_prompt_holds_definitions_guidelines_text_and_a_schema_the_answers_meet(
    tmp_path, release, gold
):
    out = tmp_path / "prompts"
    done = run_cli(
        "export", "prompts", "--release", str(release), "--split", "test", "--out", str(out),
        root=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = (out / "prompts.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["doc_id"] for x in lines] == [TEST_DOC]
    prompt = json.loads(lines[0])["prompt"]
    scheme = load_scheme(REPO)
    for key in ("span_labels", "stances", "source_types"):
        for name, description in scheme.descriptions[key].items():
            assert f"- {name}: {description.strip()}" in prompt
    assert "## From the annotation guidelines (3.1 Boundaries)" in prompt
    assert "the smallest span that states the whole proposition" in prompt
    assert prompt.endswith(gold["text"])
    embedded = json.loads(prompt.split("```json\n", 1)[1].split("\n```", 1)[0])
    assert embedded == json.loads((out / "answer.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(embedded)
    answer = perfect_answer(gold)
    assert list(validator.iter_errors(answer)) == []
    paraphrased = dict(answer, attributions=[dict(answer["attributions"][0], claim="x y")])
    assert list(validator.iter_errors(paraphrased)) == []
    no_stance = {k: v for k, v in answer["attributions"][0].items() if k != "stance"}
    typo = dict(answer["attributions"][0], clam="x")
    assert not validator.is_valid({"attributions": [no_stance]})
    assert not validator.is_valid({"attributions": [typo]})


def test_a_scheme_without_stance_and_source_type_asks_for_neither(release, gold):
    full = load_scheme(REPO)
    lean = dataclasses.replace(
        full, fields=full.fields - {"stance", "source_type"}, stances=[], source_types=[]
    )
    schema = answer_schema(lean)
    item = schema["properties"]["attributions"]["items"]
    assert item["required"] == ["claim", "source", "cue"]
    assert "stance" not in item["properties"] and "source_type" not in item["properties"]
    prompt = build_prompt(TEST_DOC, gold["text"], lean, guideline_excerpt(REPO))
    assert "`stance`" not in prompt and "- support:" not in prompt and "- expert:" not in prompt
    assert "- CLAIM:" in prompt


def test_prompts_refuse_a_non_empty_out_and_a_missing_split(tmp_path, release):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = ["export", "prompts", "--release", str(release), "--out"]
    done = run_cli(*args, str(out), "--split", "test", root=REPO)
    assert done.returncode == 1 and "exists and is not empty" in done.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    done = run_cli(*args, str(tmp_path / "new"), "--split", "nope", root=REPO)
    assert done.returncode == 1 and "no split 'nope'" in done.stderr
    assert not (tmp_path / "new").exists()


# ------------------------------------------------------------------------ evaluate --quotes
def test_a_perfect_answer_from_the_gold_quotes_scores_one(tmp_path, release, gold, capsys):
    answers = write_lines(tmp_path / "model.jsonl", perfect_answer(gold))
    code, result = evaluate(release, answers, tmp_path)
    assert code == 0, capsys.readouterr().err
    assert result["attributions"]["strict"]["f1"] == 1.0
    assert result["spans"]["strict"]["micro"]["f1"] == 1.0
    assert result["stance"]["accuracy"] == 1.0
    q = result["quotes"]
    n_quotes = sum(1 for a in gold["attributions"] for r in ("claim", "source", "cue") if a[r])
    assert (q["given"], q["anchored"], q["unanchored"]) == (n_quotes, n_quotes, 0)
    assert q["attributions"] == {"given": 33, "scored": 33, "unscored": 0}
    assert "0 unanchored" in capsys.readouterr().out


def test_a_paraphrase_and_a_hallucinated_quote_are_counted_unanchored(
    tmp_path, release, gold, capsys
):
    answer = perfect_answer(gold)
    first = answer["attributions"][0]
    assert first["claim"] == "supplying Russia with parts for weapons"
    first["claim"] = "supplying parts for weapons to Russia"  # paraphrase
    invented = {"claim": "supplying Russia with parts for weapons", "cue": "said"}
    invented.update(source="the Pentagon", stance="support", source_type="government")
    answer["attributions"].append(invented)  # a source the text never names
    code, result = evaluate(release, write_lines(tmp_path / "m.jsonl", answer), tmp_path)
    assert code == 0
    q = result["quotes"]
    assert q["unanchored"] == 3  # the paraphrase, the invented source, the repeated "said"
    assert q["by_reason"] == {"not_in_text": 2, "ambiguous": 1}
    assert q["by_role"]["claim"]["unanchored"] == 1 and q["by_role"]["source"]["unanchored"] == 1
    assert q["attributions"] == {"given": 34, "scored": 32, "unscored": 2}
    failed = {(u["role"], u["quote"], u["reason"]) for u in q["unanchored_quotes"]}
    assert ("claim", "supplying parts for weapons to Russia", "not_in_text") in failed
    assert ("source", "the Pentagon", "not_in_text") in failed
    assert ("cue", "said", "ambiguous") in failed
    strict = result["attributions"]["strict"]
    assert (strict["tp"], strict["predicted"], strict["gold"]) == (32, 32, 33)
    report = capsys.readouterr().out
    assert "3 unanchored (2 not in the text" in report
    assert "'the Pentagon': not_in_text" in report


def test_a_quote_that_occurs_twice_is_placed_by_its_context(tmp_path, release, gold):
    spans = {s["id"]: s for s in gold["spans"]}
    q4, q16 = spans["q4"], spans["q16"]
    assert q4["text"] == q16["text"] == "told Newsweek"
    late = {
        "claim": spans["c24"]["text"],
        "source": "Sari Arho Havrén, RUSI Associate Fellow",
        "cue": "told Newsweek",
        "cue_context": "RUSI Associate Fellow told Newsweek",
        "stance": "support",
        "source_type": "expert",
    }
    bare = dict(late, cue_context=None)
    for answer, placed in ((late, True), (bare, False)):
        answers = write_lines(tmp_path / "m.jsonl", {"doc_id": TEST_DOC, "attributions": [answer]})
        code, result = evaluate(release, answers, tmp_path, "--seed", "1")
        assert code == 0
        assert result["quotes"]["unanchored"] == (0 if placed else 1)
        assert result["attributions"]["strict"]["tp"] == 1  # the cue is not in the tuple
        assert result["spans"]["strict"]["CUE"]["correct"] == (1 if placed else 0)


def test_bad_answer_lines_are_named_by_file_line_and_field_exit_2(tmp_path, release, capsys):
    ok = {"claim": "China", "source": None, "cue": None, "stance": "support"}
    ok["source_type"] = "author"
    answers = write_lines(
        tmp_path / "bad.jsonl",
        {"doc_id": TEST_DOC, "attributions": [{k: v for k, v in ok.items() if k != "claim"}]},
        "{not json",
        {"doc_id": TRAIN_DOC, "attributions": []},
        {"doc_id": "ghost", "attributions": []},
        {"attributions": [dict(ok, stance="maybe")]},
    )
    code, _ = evaluate(release, answers, tmp_path)
    assert code == 2
    err = capsys.readouterr().err
    assert f"{answers}:1: attributions[0].claim: 'claim' is a required property" in err
    assert f"{answers}:2: not a JSON line" in err
    assert f"{answers}:3: doc_id: doc_id '{TRAIN_DOC}' is in the release but not in split" in err
    assert f"{answers}:4: doc_id: unknown doc_id 'ghost'" in err
    assert f"{answers}:5: doc_id: 'doc_id' is a required property" in err
    assert f"{answers}:5: attributions[0].stance: 'maybe' is not one of" in err
    assert not (tmp_path / "result.json").exists()


def test_quotes_excludes_predictions_and_layer():
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["evaluate", "--quotes", "a.jsonl", "--predictions", "p.jsonl"])
    assert exc.value.code == 2
