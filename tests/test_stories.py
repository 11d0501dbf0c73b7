"""Story grouping with datasketch MinHash: near-duplicates and curated same-story hints."""

from __future__ import annotations

from conftest import SEEDS
from reference_stories import group_stories, near_duplicate_pairs

from claimcorpus.normalize.text import normalize_bytes


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
