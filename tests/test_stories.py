"""Story grouping with datasketch MinHash: near-duplicates and curated same-story hints."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
from conftest import REPO, SEEDS
from reference_stories import group_stories, near_duplicate_pairs

from claimcorpus.normalize.text import normalize_bytes
from claimcorpus.stories import components, evidence
from claimcorpus.stories.features import features, items
from claimcorpus.stories.rules import EVENT_RULES
from claimcorpus.stories.signatures import signatures
from claimcorpus.stories.spill import KeySpill


def _texts() -> dict[str, str]:
    return {p.stem: normalize_bytes(p.read_bytes()).text for p in sorted(SEEDS.glob("*.txt"))}


def test_a_lightly_edited_copy_is_grouped_with_its_original():
    texts = _texts()
    orig = texts["004_1ff1f6d6f0abe8ba"]
    copy = orig.replace("Washington", "the White House", 2) + "\n\nUpdated with comment."
    story, edges = group_stories(
        [(d, t, None) for d, t in texts.items()] + [("zz-copy", copy, None)]
    )
    assert story["zz-copy"] == story["004_1ff1f6d6f0abe8ba"]
    assert any(e["kind"] == "near-duplicate" and e["b"] == "zz-copy" for e in edges)


def test_different_outlets_seeds_are_not_near_duplicates():
    assert near_duplicate_pairs(_texts()) == []


def test_curated_hint_joins_documents_and_is_recorded_as_evidence():
    texts = _texts()
    story, edges = group_stories(
        [(d, t, "same-event" if d[:3] in ("000", "002") else None) for d, t in texts.items()]
    )
    assert (
        story["000_e24865ecb7649ad0"]
        == story["002_9949ad823d7a49a0"]
        == "story-000_e24865ecb7649ad0"
    )
    assert {
        "a": "000_e24865ecb7649ad0",
        "b": "002_9949ad823d7a49a0",
        "kind": "curated:same-event",
        "score": None,
    } in edges


# --- same-event grouping (issue 16, item 7) on articles written for this project ---------
FIXTURE = Path(__file__).parent / "fixtures" / "stories" / "articles.json"


def _fixture(dates: bool = True) -> tuple[list[tuple], dict[str, str], list[list[str]]]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    arts = data["articles"]
    docs = [(a["doc_id"], a["text"], None, a["published"] if dates else None) for a in arts]
    return docs, {a["doc_id"]: a["event"] for a in arts}, data["hard_negatives"]


def test_hard_negatives_stay_apart_and_clear_positives_join():
    docs, event, hard = _fixture()
    story, edges = components.group_stories(docs)
    for x, y in hard:
        assert {story[d] for d in event if event[d] == x}.isdisjoint(
            {story[d] for d in event if event[d] == y}
        ), (x, y)
    for a, b in (("ev01a", "ev01b"), ("ev02a", "ev02b"), ("ev05a", "ev05b"), ("ev09a", "ev09b")):
        assert story[a] == story[b], (a, b)
    joined = {(e["a"], e["b"]): e for e in edges}
    assert joined[("ev02a", "ev02b")]["kind"] == "same-story"
    assert joined[("ev02a", "ev02b")]["signals"]["quotes"] > 0  # the shared quotation
    assert joined[("ev02a", "ev02b")]["signals"]["days"] == 1
    assert all(event[e["a"]] == event[e["b"]] for e in edges)  # no join across events


def test_dates_far_apart_veto_the_stock_denial():
    """The spokeswoman's same stock quotation and names, four months apart: kept apart by
    the dates; without dates the same two articles would join (so the veto is doing it)."""
    docs, _, _ = _fixture()
    pair = [d for d in docs if d[0] in ("ev01a", "ev02a")]
    assert len(set(components.group_stories(pair)[0].values())) == 2
    undated = [(d, t, h, None) for d, t, h, _ in pair]
    assert len(set(components.group_stories(undated)[0].values())) == 1


def test_one_article_bridging_two_stories_does_not_chain_them():
    docs, _, _ = _fixture()
    texts = {d: t for d, t, _, _ in docs}
    bridge = ("zz-bridge", texts["ev05a"] + "\n\n" + texts["ev06a"], None, None)
    group = [d for d in docs if d[0][:4] in ("ev05", "ev06")] + [bridge]
    story, edges = components.group_stories(group)
    assert story["ev05a"] == story["ev05b"] and story["ev06a"] == story["ev06b"]
    assert story["ev05a"] != story["ev06a"]
    # both stories alone would take the bridge: the guard, not the signals, refuses one
    s, _ = evidence_pairs(group)
    assert {("ev05a", "zz-bridge"), ("ev06a", "zz-bridge")} <= s
    ends = {d for e in edges if "zz-bridge" in (e["a"], e["b"]) for d in (e["a"], e["b"])}
    assert len({story[d] for d in ends}) == 1  # it joined one of the stories, not both


def evidence_pairs(docs: list[tuple]) -> tuple[set[tuple[str, str]], list]:
    """Pairs the same-event rule accepts, before the components' guard."""
    ids = [d[0] for d in docs]
    near = signatures([d[1] for d in docs])[0]
    feats = features([d[1] for d in docs], [d[3] for d in docs])
    edges = components.event_edges(ids, near, feats)
    return {(e["a"], e["b"]) for e in edges}, edges


def test_seeds_001_003_004_join_without_their_hint_and_000_002_stay_alone():
    """003 (a rewrite of the disclosure: no quotation, number or date in common) joins by
    its names and the event's rare vocabulary (turbojet, nitrocellulose, microelectronics,
    optical components ...); 000 and 002 share names but not that many rare terms."""
    texts = _texts()
    story, edges = components.group_stories([(d, t, None, None) for d, t in texts.items()])
    us = {story[d] for d in texts if d[:3] in ("001", "003", "004")}
    assert len(us) == 1 and len({story[d] for d in texts}) == 3
    pairs = {(e["a"][:3], e["b"][:3]): e["signals"] for e in edges}
    assert set(pairs) == {("001", "004"), ("001", "003"), ("003", "004")}
    for a, b in (("001", "003"), ("003", "004")):
        sig = pairs[(a, b)]
        assert sig["quotes"] == sig["numbers"] == 0 and sig["days"] is None
        assert sig["terms"] >= EVENT_RULES.terms_min_shared and sig["names"] >= 3
    assert pairs[("001", "004")]["numbers"] >= 1  # "90%"
    assert [(e["a"][:3], e["b"][:3]) for e in components.joins(edges)] == [
        ("001", "004"),
        ("003", "004"),
    ]


def test_without_the_terms_signal_003_stays_apart():
    """The terms signal is what joins 003 (it fails without it)."""
    texts = _texts()
    docs = [(d, t, None, None) for d, t in texts.items()]
    off = dataclasses.replace(EVENT_RULES, terms_min_shared=10**6)
    ids = [d for d, *_ in docs]
    near = signatures([t for _, t, *_ in docs])[0]
    feats = features([t for _, t, *_ in docs], [None] * len(docs))
    edges = components.event_edges(ids, near, feats, off)
    assert {(e["a"][:3], e["b"][:3]) for e in edges} & {("001", "003"), ("003", "004")} == set()


def test_reported_speech_counts_as_the_quotation_it_reports():
    """ev03b reports Osei's quotation without quotes ("Osei said those who profit ..."):
    its shingles match ev03c's quoted ones, so the sanctions story is whole."""
    docs, _, _ = _fixture()
    text = {d: t for d, t, _, _ in docs}
    assert "\u201c" not in text["ev03b"] and '"' not in text["ev03b"]
    speech, quoted = set(items(text["ev03b"])[4]), set(items(text["ev03c"])[0])
    assert "those who profit from evading" in speech & quoted
    story, _ = components.group_stories(docs)
    assert story["ev03a"] == story["ev03b"] == story["ev03c"]
    assert story["ev07a"] == story["ev07b"]  # "warning that the bank was not yet confident"


def test_hints_override_and_keep_the_1_0_0_evidence():
    """With the hints the seeds' stories and joins are 1.0.0's: the automatic pairs of 001,
    003 and 004 are inside the hinted story already, so they joined nothing (links only)."""
    texts = _texts()
    hints = {d: "us" for d in texts if d[:3] in ("001", "003", "004")}
    story, edges = components.group_stories([(d, t, hints.get(d), None) for d, t in texts.items()])
    assert len(set(story.values())) == 3
    assert [e["kind"] for e in components.joins(edges)] == ["curated:us", "curated:us"]
    inside = [e for e in edges if e.get("merged") is False]  # kept for the splits' links
    assert [(e["a"][:3], e["b"][:3], e["kind"]) for e in inside] == [
        ("001", "003", "same-story"),
        ("001", "004", "same-story"),
        ("003", "004", "same-story"),
    ]


def test_numpy_blocks_agree_with_the_all_pairs_reference_on_the_fixture():
    docs, _, _ = _fixture()
    mine, mine_edges = components.group_stories(docs)
    ref, ref_edges = group_stories(docs)
    assert mine == ref
    assert [(e["a"], e["b"], e["kind"]) for e in mine_edges] == [
        (e["a"], e["b"], e["kind"]) for e in ref_edges
    ]


def test_300_articles_mixing_seed_paragraphs_do_not_chain_into_one_story():
    """The issue's chain case: each article six random seed paragraphs (how 300 articles
    once became one story). Articles sharing enough text still join; no story takes over."""
    paras = []
    for path in sorted((REPO / "corpus" / "docs").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))["normalized"]
        paras += [doc["text"][p["start"] : p["end"]] for p in doc["paragraphs"]]
    paras = [p for p in paras if len(p) > 80]
    rng = random.Random(12)
    docs = [(f"reuse_{i:03d}", "\n\n".join(rng.sample(paras, 6)), None) for i in range(300)]
    docs += [(d, t, None) for d, t in _texts().items()]
    story, edges = components.group_stories(docs)
    sizes = Counter(story.values())
    assert max(sizes.values()) <= 0.1 * len(docs), sizes.most_common(3)
    assert edges  # the grouping still joins some of them


def test_candidates_taken_in_parts_give_the_same_joins():
    """Bounded memory: the blocks expanded a part at a time (here 7 parts or more) give
    exactly the joins of one part."""
    docs, _, _ = _fixture()
    texts = [d[1] for d in docs]
    feats, near = features(texts, [d[3] for d in docs]), signatures(texts)[0]
    whole = evidence.joined(feats, near)
    rows = sum(b.pair_count() for b in evidence.blocks(feats))
    parted = evidence.joined(feats, near, max_rows=rows // 7)
    assert len(whole.pairs) >= 9
    for field in ("pairs", "shared", "near", "days"):
        assert np.array_equal(getattr(whole, field), getattr(parted, field)), field


def test_keys_spilled_by_range_give_the_blocks_and_joins_of_keys_in_memory(tmp_path):
    """Bounded memory: keys written to range files batch by batch and read back a range at
    a time make the very blocks (every pair code per kind) and joins of all keys at once."""
    docs, _, _ = _fixture()
    docs += [(d, t, None, None) for d, t in _texts().items()]
    texts, days = [d[1] for d in docs], [d[3] for d in docs]
    feats, near = features(texts, days), signatures(texts)[0]
    spill = KeySpill(tmp_path)
    for lo in range(0, len(docs), 4):  # batches of 4 articles, rows numbered from lo
        spill.add(features(texts[lo : lo + 4], days[lo : lo + 4]), lo)
    assert len(list(tmp_path.iterdir())) > 3  # several ranges written
    spilled, whole = spill.blocks(len(docs)), evidence.blocks(feats)
    assert list(tmp_path.iterdir()) == []  # read back and removed
    n = len(docs)
    for a, b in zip(spilled, whole, strict=True):
        assert len(a.doc) < len(feats.doc)  # only block members are kept
        assert np.array_equal(a.codes(0, 1, n), b.codes(0, 1, n))
    assert sum(b.pair_count() for b in whole) > 0
    ids = [d[0] for d in docs]
    in_memory = components.group(ids, near, feats, {})
    assert components.group_stories(docs, chunk=4) == in_memory
