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
        doc = docs[doc_id]
        sentences = [(x["start"], x["end"]) for x in doc["sentences"]]
        results = record_to_results(rec)
        # with the document's sentences, as the pull reads them: the push writes every
        # attribution as relations, so the one-attribution notation never fires on it
        back, errors = results_to_record(results, doc["text"], scheme, WHERE, sentences)
        assert errors == []
        assert _fields(back) == _fields(rec), doc_id
        assert not [r for r in results if r.get("from_name") in ("stance", "topic_stance")]


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
        (
            lambda r: r.__setitem__(10, _rel("liu", "c1", [])),
            "region liu: attribution c1.liu has no stance, which the scheme requires",
        ),
        (
            lambda r: r.__setitem__(10, _rel("liu", "c1", ["support", "refute"])),
            "may carry at most one stance label",
        ),
        (
            lambda r: r.append(_choice("liu", "stance", 0, 3, ["support", "refute"])),
            "region liu: 2 stance choices ['support', 'refute']; pick one",
        ),
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


def test_an_attribution_without_source_type_is_refused_at_its_source_region(results):
    """source_type is required by the scheme's JSON Schema: validate rejects a record without it,
    so the pull must refuse it, naming the SOURCE region where the choice is missing."""
    bad = [r for r in results if not (r.get("id") == "liu" and r.get("from_name") == "source_type")]
    _, errors = results_to_record(bad, TEXT, load_scheme(REPO), WHERE)
    assert [str(e) for e in errors] == [
        f"{WHERE} region liu: attribution c1.liu has no source_type, which the scheme "
        "requires; pick one on this SOURCE"
    ]


def test_two_choices_where_the_scheme_allows_one_are_refused(results):
    """The API accepts two source types on one SOURCE (the UI would not); the pull must not
    quietly turn them into a missing value."""
    two = copy.deepcopy(results)
    two[1]["value"]["choices"] = ["spokesperson", "expert"]
    _, errors = results_to_record(two, TEXT, load_scheme(REPO), WHERE)
    assert any(
        str(e).startswith(f"{WHERE} region liu:")
        and "2 source_type choices ['spokesperson', 'expert']; pick one" in str(e)
        for e in errors
    ), [str(e) for e in errors]


def test_required_fields_are_those_the_scheme_marks_required(project: Path):
    """The check follows the scheme: a field the JSON Schema makes required and non-null is
    refused when missing; one it allows to be null is not."""
    from claimcorpus.core.scheme import annotation_json_schema
    from claimcorpus.labelstudio.convert import required_fields

    scheme = load_scheme(project)
    schema = annotation_json_schema(scheme)["properties"]
    got = required_fields(scheme)
    for kind in ("spans", "attributions"):
        item = schema[kind]["items"]
        assert set(got[kind]) <= set(item["required"])
        for name in item["required"]:
            prop = item["properties"][name]
            nullable = "null" in (prop.get("type") or []) or None in (prop.get("enum") or [])
            assert (name in got[kind]) == (not nullable), (kind, name)
    assert "source_type" in got["attributions"] and "stance" in got["attributions"]


def test_the_source_stance_choice_gives_its_links_their_stance_and_a_label_overrides(results):
    """The page's design: one stance radio on the SOURCE; a label on one link overrides it.
    The old design (a label on every link, no choice), as in ``results``, still reads."""
    scheme = load_scheme(REPO)
    new = [r for r in results if r.get("type") != "relation"]
    new += [
        _choice("he", "stance", TEXT.index("he added"), TEXT.index("he added") + 2, ["refute"]),
        _choice("liu", "stance", 0, 3, ["neutral"]),
        _rel("liu", "c1", []),
        _rel("said", "c1", []),
        _rel("he", "c2", []),
        _rel("added", "c2", []),
        _rel("he", "liu", []),
    ]
    rec, errors = results_to_record(new, TEXT, scheme, WHERE)
    assert errors == []
    assert {a["id"]: a["stance"] for a in rec["attributions"]} == {
        "c1.liu": "neutral",
        "c2.he": "refute",
    }
    new[-5] = _rel("liu", "c1", ["support"])  # an override on this one link
    rec, errors = results_to_record(new, TEXT, scheme, WHERE)
    assert errors == [] and rec["attributions"][0]["stance"] == "support"
    old, errors = results_to_record(results, TEXT, scheme, WHERE)
    assert errors == [] and {a["stance"] for a in old["attributions"]} == {"support"}


def test_record_to_results_labels_only_links_that_differ_from_the_source_stance():
    """A source with two stances (gold 000 has one): the first is its choice, the other a
    link label; every other stance link is unlabelled."""
    gold = load_layer(REPO, "gold")
    for rec in gold.values():
        results = record_to_results(rec)
        stance_of = {  # the stance is folded into the SOURCE's label: "SOURCE · support"
            r["id"]: r["value"]["labels"][0].split(" · ")[1]
            for r in results
            if r.get("from_name") == "span" and r["value"]["labels"][0].startswith("SOURCE · ")
        }
        labels = {s["id"]: s["label"] for s in rec["spans"]}
        for a in rec["attributions"]:
            if not a["source"]:
                continue
            (link,) = [
                r
                for r in results
                if r.get("type") == "relation"
                and (r["from_id"], r["to_id"]) == (a["source"], a["claim"])
            ]
            expected = [] if a["stance"] == stance_of[a["source"]] else [a["stance"]]
            assert link["labels"] == expected, (a["id"], labels[a["source"]])
    overrides = sum(1 for rec in gold.values() for r in record_to_results(rec) if r.get("labels"))
    assert overrides >= 1  # gold has a source with two stances: the override is exercised


def test_anonymous_source_follows_the_source_type_unless_the_old_box_is_there(results):
    """The page has no anonymous box (the record rules tie it to the source type); an
    annotation made with the old config keeps what its box said."""
    scheme = load_scheme(REPO)
    anon = copy.deepcopy(results)
    anon[1]["value"]["choices"] = ["anonymous_official"]
    rec, errors = results_to_record(anon, TEXT, scheme, WHERE)
    assert errors == []
    got = {a["source"]: a["anonymous_source"] for a in rec["attributions"]}
    assert got == {"liu": True, "he": False}  # he stays a spokesperson
    boxed = anon + [_choice("liu", "source_flags", 0, 3, [])]  # old page, box left empty
    rec, _ = results_to_record(boxed, TEXT, scheme, WHERE)
    assert {a["source"]: a["anonymous_source"] for a in rec["attributions"]}["liu"] is False
    assert not [r for r in record_to_results(rec) if r.get("from_name") == "source_flags"]


def _folded(results: list[dict]) -> list[dict]:
    """``results`` as the page makes them now: stance and topic stance in the labels, no
    stance choice, unlabelled links."""
    base = {"liu": "SOURCE · support", "he": "SOURCE · support", "c1": "CLAIM · against"}
    base["c2"] = "CLAIM · against"
    out = []
    for r in copy.deepcopy(results):
        if r.get("from_name") == "topic_stance":
            continue
        if r.get("type") == "relation":
            r["labels"] = []
        elif r.get("from_name") == "span" and r["id"] in base:
            r["value"]["labels"] = [base[r["id"]]]
        out.append(r)
    return out


def test_folded_labels_give_the_stance_and_topic_stance(results):
    """The label key that starts the region sets its stance: no choice, no link label."""
    scheme = load_scheme(REPO)
    new = _folded(results)
    new[0]["value"]["labels"] = ["SOURCE · neutral"]
    rec, errors = results_to_record(new, TEXT, scheme, WHERE)
    assert errors == []
    assert {a["id"]: a["stance"] for a in rec["attributions"]} == {
        "c1.liu": "neutral",
        "c2.he": "support",
    }
    assert {s["id"]: (s["label"], s["topic_stance"]) for s in rec["spans"]} == {
        "liu": ("SOURCE", None),
        "said": ("CUE", None),
        "c1": ("CLAIM", "against"),
        "he": ("SOURCE", None),
        "added": ("CUE", None),
        "c2": ("CLAIM", "against"),
    }
    new[new.index(_rel("liu", "c1", []))] = _rel("liu", "c1", ["refute"])  # one link overrides
    rec, errors = results_to_record(new, TEXT, scheme, WHERE)
    assert errors == [] and rec["attributions"][0]["stance"] == "refute"


def test_a_label_and_an_old_style_choice_that_disagree_are_refused(results):
    """Two stances can never be submitted: a SOURCE · support region with a refute choice
    (possible through the API, or a project with both controls) is named, not resolved."""
    bad = _folded(results) + [_choice("liu", "stance", 0, 3, ["refute"])]
    _, errors = results_to_record(bad, TEXT, load_scheme(REPO), WHERE)
    assert [str(e) for e in errors] == [
        f"{WHERE} region liu: label 'SOURCE · support' gives stance 'support' but a stance "
        "choice gives ['refute']; pick one"
    ]
    same = _folded(results) + [_choice("liu", "stance", 0, 3, ["support"])]
    assert results_to_record(same, TEXT, load_scheme(REPO), WHERE)[1] == []


HALF = TEXT.index(" and he")  # two "sentences" for the notation tests: [0, HALF), [HALF, end)


def _unlinked(results: list[dict]) -> list[dict]:
    return [r for r in _folded(results) if r.get("type") != "relation"]


def test_the_one_attribution_notation_reads_a_sentence_with_nothing_linked(results):
    """GUIDELINES.md: one CLAIM, one SOURCE (with its stance) and at most one CUE in a
    sentence where nothing is linked are one attribution, without drawing relations."""
    scheme = load_scheme(REPO)
    rec, errors = results_to_record(
        _unlinked(results), TEXT, scheme, WHERE, [(0, HALF), (HALF, len(TEXT))]
    )
    assert errors == []
    atts = {
        a["id"]: (a["source"], a["cue"], a["stance"], a["source_type"]) for a in rec["attributions"]
    }
    assert atts == {
        "c1.liu": ("liu", "said", "support", "spokesperson"),
        "c2.he": ("he", "added", "support", "spokesperson"),
    }
    # one sentence linked by hand, the other in the notation: both read
    mixed = _unlinked(results) + [_rel("he", "c2", []), _rel("added", "c2", [])]
    rec, errors = results_to_record(mixed, TEXT, scheme, WHERE, [(0, HALF), (HALF, len(TEXT))])
    assert errors == [] and len(rec["attributions"]) == 2


def test_the_notation_never_guesses_and_names_every_region_left_ambiguous(results):
    """Where the notation does not apply, every unlinked CLAIM, stance SOURCE and CUE of the
    sentence is named; without sentences (text changed) a CLAIM in no attribution is refused."""
    scheme = load_scheme(REPO)
    whole = [(0, len(TEXT))]  # one sentence holding two claims: which source said which?
    _, errors = results_to_record(_unlinked(results), TEXT, scheme, WHERE, whole)
    named = sorted(str(e).split(" region ")[1].split(":")[0] for e in errors)
    assert named == ["added", "c1", "c2", "he", "liu", "said"]
    assert all("it holds 2 CLAIM, 2 SOURCE, 2 CUE" in str(e) for e in errors), errors
    # an antecedent link touches he and liu: the notation stands back in both sentences
    linked = _unlinked(results) + [_rel("he", "liu", [])]
    _, errors = results_to_record(linked, TEXT, scheme, WHERE, [(0, HALF), (HALF, len(TEXT))])
    by_region = {e.where.split(" region ")[1]: e.message for e in errors}
    assert sorted(by_region) == ["added", "c1", "c2", "he", "liu", "said"]
    for rid in ("added", "c1", "c2", "said"):
        assert "1 of its regions already have relations" in by_region[rid], by_region
    for rid in ("he", "liu"):  # linked, so not the notation's: their stance has no claim
        assert by_region[rid].startswith("SOURCE has a stance in its label but no CLAIM")
    _, errors = results_to_record(_unlinked(results), TEXT, scheme, WHERE)  # no sentences
    assert sorted(str(e) for e in errors) == [
        f"{WHERE} region c1: CLAIM is in no attribution: draw the relation from its SOURCE "
        "(Alt+R), or flag it unattributed",
        f"{WHERE} region c2: CLAIM is in no attribution: draw the relation from its SOURCE "
        "(Alt+R), or flag it unattributed",
        f"{WHERE} region he: SOURCE has a stance in its label but no CLAIM: draw the relation "
        "to its CLAIM (Alt+R), or relabel it plain SOURCE if it only names an antecedent",
        f"{WHERE} region liu: SOURCE has a stance in its label but no CLAIM: draw the relation "
        "to its CLAIM (Alt+R), or relabel it plain SOURCE if it only names an antecedent",
    ]


def test_a_plain_source_is_not_read_by_the_notation(results):
    """A SOURCE without a stance in its label gives no attribution by notation (its stance
    would be missing): the sentence's CLAIM is named."""
    plain = _unlinked(results)
    plain[0]["value"]["labels"] = ["SOURCE"]
    _, errors = results_to_record(plain, TEXT, load_scheme(REPO), WHERE, [(0, HALF)])
    by_region = {e.where.split(" region ")[1]: e.message for e in errors}
    assert sorted(by_region) == ["c1", "c2", "he", "liu", "said"]  # c2, he: in no sentence
    for rid in ("c1", "liu", "said"):
        assert "a SOURCE has no stance in its label" in by_region[rid], by_region
    assert by_region["c2"].startswith("CLAIM is in no attribution")
