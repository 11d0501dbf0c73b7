"""``scripts/eval_stories.py``: pair precision and recall on a labelled set given with
``--set`` (here three invented articles written into tmp_path), its page text normalized
before grouping, and ``--background`` articles grouped beside it but never counted."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from conftest import REPO

QUOTE = "\u201cWe never sold a single drone to either side of this war,\u201d"
ARTICLES = [
    {
        "doc_id": "x01a",
        "event": "denial",
        "published": "2025-03-04",
        "text": "Skip to main content\nMenu\n\nNorvania denies drone sales\n\n"
        f"{QUOTE} said Halvard Brenn of Kestrel Dynamics on Tuesday in Velmora.\n\n"
        "Share this article",
    },
    {
        "doc_id": "x01b",
        "event": "denial",
        "published": "2025-03-05",
        "text": f"Kestrel Dynamics rejects report\n\n{QUOTE} Halvard Brenn told reporters in "
        "Velmora, a day after the report.\n\nSubscribe to our newsletter",
    },
    {
        "doc_id": "x02a",
        "event": "rates",
        "published": "2025-03-05",
        "text": "Central bank holds rates\n\nThe Ostravian central bank kept its main rate "
        "at 4.75% on Wednesday, Governor Ilse Marrow said.",
    },
]


def _script():
    spec = importlib.util.spec_from_file_location("eval_st", REPO / "scripts/eval_stories.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _set(tmp_path: Path) -> Path:
    path = tmp_path / "mine.json"
    data = {"about": "invented", "hard_negatives": [["denial", "rates"]], "articles": ARTICLES}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_set_is_normalized_then_scored_pair_by_pair(tmp_path: Path, capsys):
    mod = _script()
    docs, truth, hard = mod.fixture_docs(_set(tmp_path), normalize=True)
    text = {d: t for d, t, _, _ in docs}
    assert "Skip to main content" not in text["x01a"] and "Share this article" not in text["x01a"]
    assert "Halvard Brenn" in text["x01a"] and truth == {
        "x01a": "denial",
        "x01b": "denial",
        "x02a": "rates",
    }
    mod.main(["--json", "--set", str(_set(tmp_path))])
    r = json.loads(capsys.readouterr().out)["mine.json"]
    assert (r["pairs"], r["positives"], r["tp"], r["fp"], r["fn"]) == (3, 1, 1, 0, 0)
    assert r["precision"] == r["recall"] == 1.0 and r["hard_negatives_joined"] == []
    assert r["story_of"]["x01a"] == r["story_of"]["x01b"] != r["story_of"]["x02a"]


def test_background_articles_are_grouped_but_not_counted(tmp_path: Path, capsys):
    bg = tmp_path / "bg" / "deep"
    bg.mkdir(parents=True)
    (bg / "one.txt").write_text("Harbour dues rise\n\nThe port raised its dues on Monday.\n")
    (bg / "two.txt").write_text("Rail strike ends\n\nDrivers went back to work on Friday.\n")
    _script().main(["--json", "--set", str(_set(tmp_path)), "--background", str(tmp_path / "bg")])
    r = json.loads(capsys.readouterr().out)["mine.json + 2 background"]
    assert r["pairs"] == 3 and (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert {"bg:deep/one.txt", "bg:deep/two.txt"} <= set(r["story_of"])


def test_a_malformed_set_names_file_record_and_field(tmp_path: Path):
    path = tmp_path / "bad.json"
    bad = [dict(ARTICLES[0]), {k: v for k, v in ARTICLES[1].items() if k != "event"}]
    path.write_text(json.dumps({"hard_negatives": [], "articles": bad}), encoding="utf-8")
    with pytest.raises(SystemExit) as err:
        _script().main(["--set", str(path)])
    assert str(err.value) == f"{path}: article 1: field 'event' must be a non-empty string"
    twice = [dict(ARTICLES[0]), dict(ARTICLES[0])]
    path.write_text(json.dumps({"hard_negatives": [], "articles": twice}), encoding="utf-8")
    with pytest.raises(SystemExit, match="article 1: field 'doc_id' 'x01a' is used twice"):
        _script().main(["--set", str(path)])
    undated = [dict(ARTICLES[0], published="4 March 2025")]
    path.write_text(json.dumps({"hard_negatives": [], "articles": undated}), encoding="utf-8")
    with pytest.raises(SystemExit, match=r"article 0 \(x01a\): field 'published' '4 March"):
        _script().main(["--set", str(path)])
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad.json: cannot read a labelled set \(Expecting"):
        _script().main(["--set", str(path)])
    path.write_text(json.dumps({"articles": {}}), encoding="utf-8")
    with pytest.raises(SystemExit, match="bad.json: field 'articles' must be a list"):
        _script().main(["--set", str(path)])
    with pytest.raises(SystemExit, match="nowhere: no such folder of background articles"):
        _script().main(["--set", str(_set(tmp_path)), "--background", str(tmp_path / "nowhere")])
