"""The stance classifiers: deterministic, grouped folds that never leak, the floor, relabel.

The hand-written rows are this test's own sentences; the seeds' rows come from the committed
release 1.0.0 (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from claimcorpus.learn.stance import (
    Example,
    MajorityClass,
    NoStanceError,
    StanceClassifier,
    examples,
    has_target,
    relabel,
)
from claimcorpus.learn.stance_cv import (
    Fold,
    LeakError,
    checked,
    cross_validate,
    group_folds,
    release_folds,
)
from claimcorpus.release.load import load_rows

RELEASE = REPO / "releases" / "1.0.0"


def _row(doc: str, story: str, claim: str, cue: str, stance: str, topic: str = "none") -> dict:
    return {
        "doc_id": doc,
        "story_id": story,
        "claim_id": claim,
        "claim": claim,
        "cue": cue,
        "source": "the ministry",
        "context": f"The ministry {cue} that {claim}.",
        "stance": stance,
        "topic_stance": topic,
    }


HAND = [
    _row(f"d{i}", f"s{i % 4}", claim, cue, stance)
    for i, (claim, cue, stance) in enumerate(
        [
            ("the shipments were legal", "said", "support"),
            ("the report was accurate", "confirmed", "support"),
            ("it had sent drones", "denied", "refute"),
            ("the factory made shells", "rejected claims", "refute"),
            ("the talks would resume", "said", "support"),
            ("it supplied chips", "denied", "refute"),
            ("the deal was signed", "confirmed", "support"),
            ("troops had crossed", "rejected claims", "refute"),
        ]
    )
]


@pytest.fixture(scope="module")
def seeds() -> list[dict]:
    return load_rows(RELEASE, "claims")


def test_the_classifier_learns_the_cue_and_predicts_it_on_unseen_claims():
    clf = StanceClassifier("stance").fit(examples(HAND, "stance"))
    unseen = [
        _row("x1", "sx", "the convoy was civilian", "denied", "refute"),
        _row("x2", "sx", "the convoy was civilian", "confirmed", "support"),
    ]
    assert clf.predict(examples(unseen, "stance")) == ["refute", "support"]


def test_same_rows_same_model_same_predictions(seeds):
    items = examples(seeds, "stance")
    first = StanceClassifier("stance").fit(items).predict(items)
    again = StanceClassifier("stance").fit(list(items)).predict(items)
    assert first == again and len(first) == len(items) == 122
    folds = release_folds(RELEASE)
    assert cross_validate(items, "stance", folds, 50, 3) == cross_validate(
        items, "stance", folds, 50, 3
    )


def test_one_class_gives_a_constant_model_and_the_floor_takes_the_majority():
    one = [e for e in examples(HAND, "stance") if e.label == "support"]
    assert StanceClassifier("stance").fit(one).predict(examples(HAND, "stance")) == ["support"] * 8
    skewed = examples(HAND[:5], "stance")  # support 3, refute 2
    assert MajorityClass("stance").fit(skewed).predict(skewed[:2]) == ["support", "support"]


def test_a_release_without_the_column_has_no_target_and_says_so():
    rows = [{k: v for k, v in r.items() if k != "stance"} for r in HAND]
    assert not has_target(rows, "stance") and has_target(HAND, "stance")
    with pytest.raises(NoStanceError, match="no 'stance' column"):
        examples(rows, "stance")


def test_topic_stance_is_one_example_per_claim(seeds):
    claims = {(r["doc_id"], r["claim_id"]) for r in seeds}
    assert len(examples(seeds, "topic_stance")) == len(claims) < len(seeds)


def _no_leak(folds: list[Fold], items: list[Example]) -> None:
    story = {e.doc_id: e.group for e in items}
    assert folds
    for f in folds:
        f = checked(f, items)
        assert not f.train & f.test
        assert not {story[d] for d in f.train if d in story} & {story[d] for d in f.test}


def test_grouped_folds_never_put_a_document_or_story_on_both_sides(seeds):
    items = examples(seeds, "stance")
    _no_leak(release_folds(RELEASE), items)
    hand = examples(HAND, "stance")
    made = group_folds(hand)
    assert len(made) == 3
    _no_leak(made, hand)
    assert sorted(d for f in made for d in f.test) == sorted({e.doc_id for e in hand})


def test_a_shared_document_is_refused_and_a_shared_story_dropped_from_training():
    hand = examples(HAND, "stance")
    with pytest.raises(LeakError, match="documents in both train and test"):
        checked(Fold("f", frozenset({"d0", "d1"}), frozenset({"d1"})), hand)
    # d4 shares story s0 with the test document d0: it must not train that fold
    fold = checked(Fold("f", frozenset({"d1", "d4"}), frozenset({"d0"})), hand)
    assert fold.train == {"d1"}
    result = cross_validate(hand, "stance", group_folds(hand), 20, 0)
    assert result["examples"] == 8 and result["documents"] == 8
    assert {"classifier", "majority"} <= result.keys()
    assert 0.0 <= result["classifier"]["macro_f1"] <= 1.0


def test_relabel_sets_each_predicted_attributions_stance():
    text = "Beijing denied that it sent drones. Officials said the talks would resume."
    d, s = text.index("denied"), text.index("said")
    record = {
        "doc_id": "p",
        "spans": [
            {"id": "q1", "label": "CUE", "start": d, "end": d + 6},
            {"id": "c1", "label": "CLAIM", "start": d + 12, "end": text.index(".")},
            {"id": "q2", "label": "CUE", "start": s, "end": s + 4},
            {"id": "c2", "label": "CLAIM", "start": s + 5, "end": len(text) - 1},
        ],
        "attributions": [
            {"id": "a1", "claim": "c1", "source": None, "cue": "q1", "stance": "support"},
            {"id": "a2", "claim": "c2", "source": None, "cue": "q2", "stance": "refute"},
        ],
    }
    clf = StanceClassifier("stance").fit(examples(HAND, "stance"))
    sents = [(0, text.index(".") + 1), (text.index(".") + 2, len(text))]
    none = {"doc_id": "q", "spans": [], "attributions": []}
    out, empty = relabel([record, none], [(text, sents), ("", None)], clf)
    assert [a["stance"] for a in out["attributions"]] == ["refute", "support"]
    assert empty == none
    assert [a["stance"] for a in record["attributions"]] == ["support", "refute"]  # a copy


def test_load_rows_names_classlabels_and_marks_the_split(seeds):
    assert {r["split"] for r in seeds} == {"train", "validation", "test"}
    assert {r["stance"] for r in seeds} <= {"support", "refute", "neutral"}
    assert load_rows(Path("/nonexistent-release"), "claims") == []
