"""Predictions JSONL: every problem names the file and line; empty files score zero."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcorpus.core.io import sha256_bytes
from claimcorpus.core.records import LayerRecord
from claimcorpus.evaluate.labels import SOURCE_TYPES, STANCES
from claimcorpus.evaluate.reader import Known, PredictionError, read_predictions
from claimcorpus.evaluate.score import evaluate_documents

TEXT = "Officials said China helps Russia."
TEXTS = {"d1": TEXT, "d2": "Another text."}
GOOD = {
    "doc_id": "d1",
    "spans": [
        {"id": "s1", "label": "SOURCE", "start": 0, "end": 9, "text": "Officials"},
        {"id": "q1", "label": "CUE", "start": 10, "end": 14, "text": "said"},
        {"id": "c1", "label": "CLAIM", "start": 15, "end": 33, "text": "China helps Russia"},
    ],
    "attributions": [
        {
            "id": "a1",
            "claim": "c1",
            "source": "s1",
            "cue": "q1",
            "stance": "support",
            "source_type": "anonymous_official",
            "anonymous_source": True,
            "unattributed": False,
        }
    ],
}


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "preds.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def variant(**changes) -> str:
    rec = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        node = rec
        *head, last = dotted.split("__")
        for part in head:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return json.dumps(rec)


def test_good_file_reads_back_as_a_pred_layer_record(tmp_path):
    (rec,) = read_predictions(write(tmp_path, [json.dumps(GOOD)]), TEXTS)
    assert isinstance(rec, LayerRecord)
    assert (rec.doc_id, rec.layer, rec.annotator) == ("d1", "pred", "preds")  # model: file stem
    assert rec.text_sha256 == sha256_bytes(TEXT.encode("utf-8"))
    assert [s.to_json() for s in rec.spans] == [
        {**s, "topic_stance": None, "cluster": None, "antecedent": None} for s in GOOD["spans"]
    ]
    assert [a.to_json() for a in rec.attributions] == GOOD["attributions"]
    named = read_predictions(write(tmp_path, [json.dumps(GOOD)]), TEXTS, model="m1")
    assert named[0].annotator == "m1"


BAD_LINES = {
    "invalid JSON": ("{not json", "invalid JSON"),
    "unknown doc_id": (variant(doc_id="nope"), "unknown doc_id 'nope'"),
    "start >= end": (variant(spans__0__end=0), "start 0 >= end 0"),
    "out of range": (variant(spans__2__end=99, spans__2__text=None), "out of range"),
    "negative start": (variant(spans__0__start=-1, spans__0__text=None), "out of range"),
    "unknown label": (variant(spans__0__label="PERSON"), "unknown label 'PERSON'"),
    "unknown stance": (variant(attributions__0__stance="agree"), "unknown stance 'agree'"),
    "missing span": (variant(attributions__0__source="s9"), "missing span 's9'"),
    "wrong role": (variant(attributions__0__claim="s1"), "is SOURCE, not CLAIM"),
    "text mismatch": (variant(spans__1__text="says"), "does not match text[10:14]"),
    "unknown source_type": (variant(attributions__0__source_type="pundit"), "source_type"),
    "non-integer offset": (variant(spans__0__start="0"), "must be integers"),
    "not an object": ("[1, 2]", "not a JSON object"),
    "bad fragments": (variant(spans__2__fragments=[[15, 20, 1]]), "fragments must be null or"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_every_bad_input_error_names_the_line(tmp_path, case):
    line, message = BAD_LINES[case]
    path = write(
        tmp_path, [json.dumps({**GOOD, "doc_id": "d2", "spans": [], "attributions": []}), "", line]
    )
    with pytest.raises(PredictionError) as err:
        read_predictions(path, TEXTS)
    text = str(err.value)
    assert f"{path}:3:" in text
    assert message in text


def test_duplicate_doc_id_points_at_both_lines(tmp_path):
    path = write(tmp_path, [json.dumps(GOOD), json.dumps(GOOD)])
    with pytest.raises(
        PredictionError, match=r"preds.jsonl:2: duplicate doc_id 'd1' \(first on line 1\)"
    ):
        read_predictions(path, TEXTS)


def test_all_problems_are_reported_not_just_the_first(tmp_path):
    path = write(tmp_path, ["{bad", variant(doc_id="zzz")])
    with pytest.raises(PredictionError) as err:
        read_predictions(path, TEXTS)
    assert len(err.value.problems) == 2


def test_non_utf8_line_is_named(tmp_path):
    path = tmp_path / "preds.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n\xff\xfe\n")
    with pytest.raises(PredictionError, match="preds.jsonl:2: not UTF-8"):
        read_predictions(path, TEXTS)


def test_missing_file_is_a_prediction_error(tmp_path):
    with pytest.raises(PredictionError, match="cannot read"):
        read_predictions(tmp_path / "absent.jsonl", TEXTS)


def test_empty_file_scores_zero(tmp_path):
    path = tmp_path / "preds.jsonl"
    path.write_text("", encoding="utf-8")
    pred = read_predictions(path, TEXTS)
    assert pred == []
    gold = [{**GOOD, "text": TEXT}]
    r = evaluate_documents(gold, pred, n_resamples=50)
    assert r["spans"]["strict"]["micro"]["f1"] == 0.0
    assert r["spans"]["strict"]["micro"]["missed"] == 3
    assert r["attributions"]["strict"]["f1"] == 0.0
    assert r["stance"]["accuracy"] == 0.0


def test_span_text_is_optional_and_then_taken_from_the_document(tmp_path):
    rec = json.loads(variant(spans__1__text=None))
    del rec["spans"][2]["text"]
    path = write(tmp_path, [json.dumps(rec)])
    (got,) = read_predictions(path, TEXTS)
    assert [s.text for s in got.spans] == ["Officials", "said", "China helps Russia"]
    (textless,) = read_predictions(path, {"d1": None})  # a text-free release: nothing to take
    assert [s.text for s in textless.spans] == ["Officials", None, None]
    assert textless.text_sha256 is None


def test_an_attribution_may_omit_its_id_stance_and_source_type(tmp_path):
    rec = json.loads(json.dumps(GOOD))
    rec["attributions"].append({"claim": "c1", "stance": "refute"})
    rec["attributions"].append({"id": "a0", "claim": "c1", "stance": "neutral"})
    (got,) = read_predictions(write(tmp_path, [json.dumps(rec)]), TEXTS)
    ids = [a.id for a in got.attributions]
    assert ids == ["a1", "a1_1", "a0"]  # the id-less one named by position, not a taken id
    assert got.attributions[1].source_type is None and got.attributions[1].source is None


def test_an_attribution_without_id_is_named_by_position(tmp_path):
    rec = json.loads(json.dumps(GOOD))
    rec["attributions"].append({"claim": "c9", "stance": "support"})  # no id, missing claim
    with pytest.raises(PredictionError) as err:
        read_predictions(write(tmp_path, [json.dumps(rec)]), TEXTS)
    assert err.value.problems == [
        f"{tmp_path / 'preds.jsonl'}:1: doc 'd1': attributions[1]: claim refers to missing span 'c9'"
    ]


def test_a_span_without_id_is_named_by_position(tmp_path):
    rec = json.loads(variant(spans__2__label="PERSON"))
    del rec["spans"][2]["id"]
    del rec["attributions"][0]["claim"]
    with pytest.raises(PredictionError) as err:
        read_predictions(write(tmp_path, [json.dumps(rec)]), TEXTS)
    text = str(err.value)
    assert "spans[2]: no string id (got None)" in text
    assert "spans[2]: unknown label 'PERSON'" in text
    assert "attribution 'a1': no claim span" in text
    assert "None" not in text.replace("(got None)", "")


def test_classlabel_ids_read_as_names_given_the_release_names(tmp_path):
    rec = json.loads(json.dumps(GOOD))
    for span, code in zip(rec["spans"], (1, 2, 0), strict=True):
        span["label"] = code
    rec["attributions"][0].update(stance=0, source_type=3)
    names = {
        "spans": {"label": ("CLAIM", "SOURCE", "CUE")},
        "attributions": {"stance": STANCES, "source_type": SOURCE_TYPES},
    }
    path = write(tmp_path, [json.dumps(rec)])
    (got,) = read_predictions(path, TEXTS, known=Known(class_names=names))
    assert got == LayerRecord.from_prediction(GOOD, TEXT, "preds")
    assert got.spans[0].label == "SOURCE" and got.attributions[0].source_type == SOURCE_TYPES[3]
    with pytest.raises(PredictionError, match="unknown label 1 "):
        read_predictions(path, TEXTS)  # without the release's names an id is no label


def test_fragments_of_a_discontinuous_span_are_kept(tmp_path):
    rec = json.loads(variant(spans__2__fragments=[[15, 20], [27, 33]]))
    (got,) = read_predictions(write(tmp_path, [json.dumps(rec)]), TEXTS)
    assert got.spans[2].fragments == ((15, 20), (27, 33))
    assert got.spans[2].to_json()["fragments"] == [[15, 20], [27, 33]]
    assert "fragments" not in got.spans[0].to_json()  # a span without the key gains none
