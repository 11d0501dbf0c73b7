"""Records <-> Label Studio results, and the client-side checks Label Studio does not do."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.convert import record_to_results, results_to_record

REPO = Path(__file__).resolve().parents[1]
WHERE = "task 7 (doc d) annotation 9 by alice"
TEXT = "Liu said China does not supply weapons, and he added that it never would."


def _fields(rec: dict) -> tuple[set, set]:
    by_id = {s["id"]: s for s in rec["spans"]}

    def k(sid):
        return (by_id[sid]["label"], by_id[sid]["start"], by_id[sid]["end"]) if sid else None

    spans = {
        (
            s["label"],
            s["start"],
            s["end"],
            s["text"],
            s["topic_stance"],
            s["cluster"],
            k(s["antecedent"]),
        )
        for s in rec["spans"]
    }
    atts = {
        (
            k(a["claim"]),
            k(a["source"]),
            k(a["cue"]),
            a["stance"],
            a["source_type"],
            a["anonymous_source"],
            a["unattributed"],
        )
        for a in rec["attributions"]
    }
    return spans, atts


def test_every_gold_record_survives_the_round_trip():
    scheme = load_scheme(REPO)
    docs = {d["doc_id"]: d for d in load_documents(REPO)}
    gold = load_layer(REPO, "gold")
    assert gold, "no gold records to test with"
    for doc_id, rec in gold.items():
        back, errors = results_to_record(
            record_to_results(rec), docs[doc_id]["text"], scheme, WHERE
        )
        assert errors == []
        assert _fields(back) == _fields(rec), doc_id


def _region(rid: str, label: str, start: int, end: int) -> dict:
    return {
        "id": rid,
        "from_name": "span",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }


def _choice(rid: str, tag: str, start: int, end: int, values: list[str]) -> dict:
    return {
        "id": rid,
        "from_name": tag,
        "to_name": "text",
        "type": "choices",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "choices": values},
    }


def _rel(a: str, b: str, labels: list[str], direction: str = "right") -> dict:
    return {"from_id": a, "to_id": b, "type": "relation", "direction": direction, "labels": labels}


@pytest.fixture()
def results() -> list[dict]:
    """Liu (SOURCE) said (CUE) CLAIM; he (SOURCE, antecedent Liu) added (CUE) CLAIM2."""
    c1 = (9, 38)
    c2 = (TEXT.index("it never"), len(TEXT) - 1)
    he = TEXT.index("he added")
    return [
        _region("liu", "SOURCE", 0, 3),
        _choice("liu", "source_type", 0, 3, ["spokesperson"]),
        _region("said", "CUE", 4, 8),
        _region("c1", "CLAIM", *c1),
        _choice("c1", "topic_stance", *c1, ["against"]),
        _region("he", "SOURCE", he, he + 2),
        _choice("he", "source_type", he, he + 2, ["spokesperson"]),
        _region("added", "CUE", he + 3, he + 8),
        _region("c2", "CLAIM", *c2),
        _choice("c2", "topic_stance", *c2, ["against"]),
        _rel("liu", "c1", ["support"]),
        _rel("said", "c1", []),
        _rel("he", "c2", ["support"]),
        _rel("added", "c2", []),
        _rel("he", "liu", []),
    ]


def test_links_become_attributions_and_antecedents(results):
    rec, errors = results_to_record(results, TEXT, load_scheme(REPO), WHERE)
    assert errors == []
    by_id = {s["id"]: s for s in rec["spans"]}
    assert by_id["he"]["antecedent"] == "liu" and by_id["liu"]["antecedent"] is None
    atts = {a["claim"]: a for a in rec["attributions"]}
    assert (atts["c1"]["source"], atts["c1"]["cue"]) == ("liu", "said")
    assert (atts["c2"]["source"], atts["c2"]["cue"], atts["c2"]["stance"]) == (
        "he",
        "added",
        "support",
    )
    assert atts["c2"]["source_type"] == "spokesperson" and atts["c1"]["id"] == "c1.liu"


def test_unattributed_flag_and_cue_disambiguation(results):
    scheme = load_scheme(REPO)
    extra = results + [
        _choice("c2", "claim_flags", TEXT.index("it never"), len(TEXT) - 1, ["unattributed"])
    ]
    rec, errors = results_to_record(extra, TEXT, scheme, WHERE)
    assert errors == []
    flagged = [a for a in rec["attributions"] if a["unattributed"]]
    assert [(a["claim"], a["source"], a["source_type"]) for a in flagged] == [
        ("c2", None, "author")
    ]
    # two cues on one claim with one source each: ambiguous unless each cue is linked to its source
    ambiguous = results + [_rel("added", "c1", []), _rel("he", "c1", ["neutral"])]
    _, errors = results_to_record(ambiguous, TEXT, scheme, WHERE)
    assert any("has cues ['added', 'said']" in str(e) for e in errors)
    resolved = ambiguous + [_rel("added", "he", []), _rel("said", "liu", [])]
    rec, errors = results_to_record(resolved, TEXT, scheme, WHERE)
    assert errors == []
    cues = {(a["claim"], a["source"]): a["cue"] for a in rec["attributions"]}
    assert cues[("c1", "liu")] == "said" and cues[("c1", "he")] == "added"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r[0]["value"].update(labels=["RUMOUR"]), "region liu: unknown label 'RUMOUR'"),
        (lambda r: r[0]["value"].update(start=70, end=90), "region liu: offsets [70, 90) outside"),
        (
            lambda r: r[0]["value"].update(text="Lui"),
            "region liu: value.text 'Lui' != text[0:3] 'Liu'",
        ),
        (
            lambda r: r.append(_rel("liu", "ghost", ["support"])),
            "points at missing region(s) ['ghost']",
        ),
        (
            lambda r: r.append(_choice("ghost", "topic_stance", 0, 3, ["favor"])),
            "region ghost: per-region choice or text for a region that does not exist",
        ),
        (
            lambda r: r[1]["value"].update(choices=["pundit"]),
            "region liu: unknown source_type choice",
        ),
        (lambda r: r.__setitem__(10, _rel("liu", "c1", [])), "needs exactly one stance label"),
        (lambda r: r.append(_rel("said", "c1", ["support"])), "(CUE-CLAIM) must have no label"),
        (lambda r: r.append(_rel("c1", "c2", [])), "links CLAIM to CLAIM"),
        (lambda r: r.__setitem__(14, _rel("he", "liu", [], "bi")), "must point from the pronoun"),
    ],
)
def test_invalid_results_name_task_annotation_and_region(results, mutate, message):
    bad = copy.deepcopy(results)
    mutate(bad)
    _, errors = results_to_record(bad, TEXT, load_scheme(REPO), WHERE)
    assert errors, "expected an error"
    assert any(message in str(e) and str(e).startswith(WHERE) for e in errors), [
        str(e) for e in errors
    ]
