"""How tagged spans become attributions (``learn/assemble``): weak spans from the CRF's
marginals, fragments of one quotation merged, only sourced claims attributed; and a model
folder of the previous format refused with a clear error rather than predicting otherwise."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from test_learn import model, release  # noqa: F401 - the tiny model's fixtures

from claimcorpus.core.problems import InputError
from claimcorpus.learn.assemble import FORMAT_1, Decoding, assemble, merge_fragments
from claimcorpus.learn.diagnose import ERROR_KINDS, error_counts
from claimcorpus.learn.linker import Linker, Scorer
from claimcorpus.learn.model import load_model
from claimcorpus.learn.predict import predict_documents
from claimcorpus.learn.spans import token_runs
from claimcorpus.learn.tokens import sentences_of
from claimcorpus.release.load import load_documents

# a real linker whose every pair scores 0.95: the nearest candidate wins
NEAREST = Linker(Scorer({"bias": 0}, [0.0], 3.0), Scorer({"bias": 0}, [0.0], 3.0))
TEXT = "“The plan works,” he said. “It is cheap.” Critics disagree. Officials said it fails."


def at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


STARTS = [s.start for s in sentences_of(TEXT, None)]
CLAIM_A, CLAIM_B, CLAIM_C = at("The plan works"), at("It is cheap"), at("it fails")
HE, SAID, CRITICS, DISAGREE = at("he"), at("said"), at("Critics"), at("disagree")
OFFICIALS, SAID2 = at("Officials"), at("said", 1)


def test_fragments_of_one_quotation_with_one_cue_and_source_become_one_claim():
    spans = {"CLAIM": [CLAIM_A, CLAIM_B], "CUE": [SAID], "SOURCE": [HE]}
    links = assemble(NEAREST, TEXT, spans, {}, STARTS, Decoding())
    assert links == [((CLAIM_A[0], CLAIM_B[1]), SAID, HE)]
    apart = assemble(NEAREST, TEXT, spans, {}, STARTS, Decoding(merge_gap=5))
    assert apart == [(CLAIM_A, SAID, HE), (CLAIM_B, SAID, HE)]
    # another source between them keeps them apart, whatever the gap
    two = [(CLAIM_A, SAID, HE), (CLAIM_B, SAID, OFFICIALS), (CLAIM_C, SAID, OFFICIALS)]
    assert merge_fragments(two, 200) == [two[0], ((CLAIM_B[0], CLAIM_C[1]), SAID, OFFICIALS)]


def test_a_claim_without_a_source_is_attributed_only_when_asked():
    spans = {"CLAIM": [CLAIM_C], "CUE": [SAID2], "SOURCE": []}
    assert assemble(NEAREST, TEXT, spans, {}, STARTS, Decoding()) == []
    loose = Decoding(require_source=False)
    assert assemble(NEAREST, TEXT, spans, {}, STARTS, loose) == [(CLAIM_C, SAID2, None)]


def test_weak_sources_serve_only_claims_without_a_tagged_source():
    spans = {"CLAIM": [CLAIM_A, CLAIM_C], "CUE": [SAID, SAID2], "SOURCE": [HE]}
    weak = {"SOURCE": [OFFICIALS, at("he said")]}  # the second overlaps a tagged source
    links = assemble(NEAREST, TEXT, spans, weak, STARTS, Decoding())
    assert links == [(CLAIM_A, SAID, HE), (CLAIM_C, SAID2, OFFICIALS)]


def test_a_weak_claim_is_kept_only_with_a_source_and_never_over_a_tagged_one():
    spans = {"CLAIM": [CLAIM_A], "CUE": [SAID, DISAGREE], "SOURCE": [HE, CRITICS]}
    weak = {"CLAIM": [at("Critics disagree"), at("The plan")]}
    links = assemble(NEAREST, TEXT, spans, weak, STARTS, Decoding())
    assert (CLAIM_A, SAID, HE) in links and len(links) == 2
    assert links[1][0] == at("Critics disagree")  # found its cue and source
    nothing = {"CLAIM": [], "CUE": [DISAGREE], "SOURCE": []}  # no source to be found
    assert assemble(NEAREST, TEXT, nothing, weak, STARTS, Decoding()) == []


def test_format_1_decoding_is_the_linker_alone():
    spans = {"CLAIM": [CLAIM_A, CLAIM_B, CLAIM_C], "CUE": [SAID], "SOURCE": [HE]}
    weak = {"SOURCE": [OFFICIALS], "CLAIM": [at("Critics disagree")]}
    links = assemble(NEAREST, TEXT, spans, weak, STARTS, FORMAT_1)
    assert links == NEAREST.link(TEXT, spans, STARTS)
    assert (CLAIM_C, None, None) in links and len(links) == 3  # nothing merged or dropped


def test_token_runs_are_the_maximal_runs_of_flagged_tokens():
    sent = sentences_of("a b c d e", None)[0]
    assert token_runs(sent, [True, True, False, True, True]) == [(0, 3), (6, 9)]
    assert token_runs(sent, [False] * 5) == []
    assert token_runs(sent, [False, False, False, False, True]) == [(8, 9)]


def test_weak_spans_change_predictions_and_are_used(release: Path, model: Path):  # noqa: F811
    loaded = load_model(model)
    docs = load_documents(release, "validation") + load_documents(release, "test")
    strict = replace(loaded, decoding=Decoding(weak_claim=1.0, weak_source=1.0))
    with_weak, without = predict_documents(loaded, docs), predict_documents(strict, docs)
    n = lambda recs: sum(len(r["attributions"]) for r in recs)  # noqa: E731
    assert n(with_weak) > n(without)  # weak spans found attributions the best path did not
    for rec in with_weak:  # every attribution has a source, every id resolves
        ids = {s["id"] for s in rec["spans"]}
        assert all(a["source"] in ids and a["claim"] in ids for a in rec["attributions"])


def test_a_model_of_the_previous_format_is_refused(model: Path):  # noqa: F811
    path = model / "manifest.json"
    manifest = json.loads(path.read_text())
    old = {k: v for k, v in manifest.items() if k != "decoding"} | {"format_version": 1}
    path.write_text(json.dumps(old))
    with pytest.raises(InputError, match="'format_version' is 1.*train the model again") as err:
        load_model(model)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("decoding", "says"),
    [
        ({"weak_claim": "low"}, "'decoding.weak_claim' must be a float"),
        ({"require_source": 1}, "'decoding.require_source' must be a bool"),
        ({"beam": 3}, "'decoding.beam' is not a decoding setting"),
        ([], "'decoding' must be a mapping"),
    ],
)
def test_a_bad_decoding_field_is_named(model: Path, decoding: object, says: str):  # noqa: F811
    path = model / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "decoding": decoding}))
    with pytest.raises(InputError, match=says) as err:
        load_model(model)
    assert str(path) in str(err.value)


def _rec(doc_id: str, spans: list[tuple[str, str, int, int]], atts: list[tuple]) -> dict:
    return {
        "doc_id": doc_id,
        "sentences": [
            {"start": s, "end": e} for s, e in zip(STARTS, [*STARTS[1:], len(TEXT)], strict=True)
        ],
        "spans": [{"id": i, "label": lab, "start": a, "end": b} for i, lab, a, b in spans],
        "attributions": [
            {"id": f"a{n}", "claim": c, "source": s, "cue": None} for n, (c, s) in enumerate(atts)
        ],
    }


def test_error_counts_name_each_gold_attributions_first_error():
    gold = _rec(
        "d",
        [
            ("c1", "CLAIM", *CLAIM_A), ("s1", "SOURCE", *HE),
            ("c2", "CLAIM", *CLAIM_C), ("s2", "SOURCE", *OFFICIALS),
            ("c3", "CLAIM", *at("Critics disagree")),
        ],
        [("c1", "s1"), ("c2", "s2"), ("c3", None)],
    )  # fmt: skip
    pred = _rec(
        "d",
        [
            ("c1", "CLAIM", *at("The plan")), ("c4", "CLAIM", *at("works")),
            ("s1", "SOURCE", *HE), ("c2", "CLAIM", *CLAIM_C), ("s2", "SOURCE", *OFFICIALS),
            ("c3", "CLAIM", *at("Critics")), ("c5", "CLAIM", *at("cheap")),
        ],
        [("c1", "s1"), ("c4", "s1"), ("c3", "s1"), ("c5", "s2")],
    )  # fmt: skip
    counts = error_counts([gold], [pred])
    assert counts["overlap match possible"] == 1  # c1: a fragment with its source
    assert counts["claim tagged, no attribution (no source found)"] == 1  # c2
    assert counts["a source predicted, gold has none"] == 1  # c3
    assert counts["gold claims split over several predicted ones"] == 1
    assert counts["extra predicted fragments"] == 1
    assert counts["predicted claims over no gold claim"] == 1  # "cheap"
    assert counts["gold: no source"] == 1 and counts["gold attributions"] == 3
    assert counts["predicted attributions"] == 4
    assert sum(counts[k] for k in ERROR_KINDS) + counts["overlap match possible"] == 3
    assert error_counts([gold], [])["claim not tagged"] == 3
