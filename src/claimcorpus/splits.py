"""Deterministic, leakage-free splits that never move a released document.

Given ``doc_id -> story_id`` (and outlets), ``make_splits`` returns the split manifest stored
in every release as ``splits.json``:

* ``train`` / ``validation`` / ``test``: stories are ordered largest first (ties by
  sha256(seed + story_id)) and dealt, whole, to the part furthest below its target share of
  documents (60/20/20); with three or more stories every part gets at least one, and with
  fewer the build refuses (``empty_parts_error``: ``datasets`` cannot load an empty split).
* ``fold{k}_train`` / ``fold{k}_test``: grouped k-fold cross-validation by story
  (k = min(5, number of stories), never fewer than an earlier release had), stories dealt in
  the same order to the smallest fold.
* ``outlet-{slug}_train`` / ``outlet-{slug}_test``: for each known outlet, its documents are
  the test part; train is every other document that shares no story with them (documents of
  unknown outlet stay in train: the view holds out a *known* outlet only).

Earlier releases (``previous``) bind later ones, document by document: a document released in
a part (or fold) stays there in every later version, because a model trained on a later
train part must never have seen an earlier test document. A story with released documents
keeps its new documents with them. When stories merged and their released documents sit in
several parts, the new documents join the part of the placed document they are most
strongly linked to, strongest link first: near-duplicate links, then same-story links, then
curated hints; within a kind, links to released documents before links between new ones,
then by score; ties to test, then validation, then train (a near copy of a test document is
tested, never trained on). Such a story is the one crossing a view may have:
``pinned_crossings`` lists it with its released documents per part, and ``leaks`` accepts
exactly those. The fold count never shrinks, so a released fold keeps its number.

Same corpus, seed and previous splits, same manifest. ``leaks`` proves no other story and no
near-duplicate pair crosses the parts of a view.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter, defaultdict
from typing import Any

SEED = 20240412
SHARES = {"train": 0.6, "validation": 0.2, "test": 0.2}
STANDARD = ("train", "validation", "test")
MAX_FOLDS = 5
# A story above train's share cannot be dealt to the 60/20/20 targets; at that size it is
# usually story grouping joining unrelated articles (shared boilerplate or paragraphs).
MAX_STORY_PERCENT = 60
TIE_ORDER = ("test", "validation", "train")  # equally strong links: keep copies out of train
_KIND_RANK = {"near-duplicate": 0, "same-story": 1}  # curated hints rank after both
_FOLD_TEST = re.compile(r"^fold(\d+)_test$")


def _order(stories: dict[str, list[str]], seed: int) -> list[str]:
    """Largest stories first (so train gets the big ones), ties by a seeded hash."""
    return sorted(
        stories,
        key=lambda s: (-len(stories[s]), hashlib.sha256(f"{seed}:{s}".encode()).hexdigest()),
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _links(edges: list[dict]) -> dict[str, list[tuple[tuple[int, float], str]]]:
    """doc -> [(strength, neighbour)] from the story-grouping evidence; smaller is stronger."""
    links: dict[str, list[tuple[tuple[int, float], str]]] = defaultdict(list)
    for e in edges:
        key = (_KIND_RANK.get(e["kind"], len(_KIND_RANK)), -(e["score"] or 0.0))
        links[e["a"]].append((key, e["b"]))
        links[e["b"]].append((key, e["a"]))
    return links


def _follow_links(docs: list[str], placed: dict[str, Any], rank: dict, links: dict) -> None:
    """Give the story's new documents the label of the placed documents they resemble most.

    Prim's order over the evidence: the strongest link from a placed to an unplaced document
    places it next. Near-duplicate links come before same-story links before curated hints
    (a near-duplicate cluster stays whole); within a kind a link to a released document
    comes before one to a new document (so new documents do not pull each other into one
    part), then by score; ties by ``rank``. A document no link reaches (no evidence given)
    takes the label most of the story's released documents have.
    """
    members, heap = set(docs), []
    released = {d: placed[d] for d in docs if d in placed}
    counts = Counter(released.values())

    def reach(doc: str) -> None:
        for (kind, score), other in links.get(doc, ()):
            if other in members and other not in placed:
                key = (kind, doc not in released, score, rank[placed[doc]])
                heapq.heappush(heap, (key, other, doc))

    for doc in docs:
        if doc in placed:
            reach(doc)
    while heap:
        _, doc, via = heapq.heappop(heap)
        if doc not in placed:
            placed[doc] = placed[via]
            reach(doc)
    fallback = min(counts, key=lambda lab: (-counts[lab], rank[lab]))
    for doc in docs:
        placed.setdefault(doc, fallback)


def _place_released(
    stories: dict[str, list[str]], released: dict[str, Any], rank: dict, links: dict
) -> tuple[dict[str, Any], dict[str, dict[Any, list[str]]]]:
    """Labels for every document of the stories that have released documents.

    Returns (doc -> label, story -> {label: its released documents} for every story whose
    released documents carry several labels: the crossings the pinning forces).
    """
    placed: dict[str, Any] = {}
    crossing: dict[str, dict[Any, list[str]]] = {}
    for story, docs in stories.items():
        local = {d: released[d] for d in docs if d in released}
        if not local:
            continue
        labels = sorted(set(local.values()), key=rank.__getitem__)
        if len(labels) > 1:
            crossing[story] = {lab: sorted(d for d in local if local[d] == lab) for lab in labels}
        _follow_links(docs, local, rank, links)
        placed.update(local)
    return placed, crossing


def _standard(
    stories: dict[str, list[str]], order: list[str], released: dict[str, str], links: dict
) -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    """train/validation/test, and the stories pinning makes cross them."""
    rank = {p: i for i, p in enumerate(TIE_ORDER)}
    placed, crossing = _place_released(stories, released, rank, links)
    parts: dict[str, list[str]] = {p: [] for p in STANDARD}
    for doc, part in placed.items():
        parts[part].append(doc)
    n_docs = sum(len(docs) for docs in stories.values())
    fresh = [s for s in order if stories[s][0] not in placed]
    for i, story in enumerate(fresh):
        if not placed and i < len(STANDARD) and len(order) >= len(STANDARD):
            # the three largest stories seed train, validation and test
            target = STANDARD[i]
        else:
            target = min(
                STANDARD, key=lambda p: (len(parts[p]) / n_docs - SHARES[p], STANDARD.index(p))
            )
        parts[target].extend(stories[story])
    return {p: sorted(docs) for p, docs in parts.items()}, crossing


def _folds(
    stories: dict[str, list[str]], order: list[str], released: dict[str, int], k: int, links: dict
) -> tuple[list[list[str]], dict[str, dict[str, list[str]]]]:
    """k grouped folds (released documents keep theirs), and the stories that cross folds."""
    placed, crossing = _place_released(stories, released, {i: i for i in range(k)}, links)
    folds: list[list[str]] = [[] for _ in range(k)]
    for doc, i in placed.items():
        folds[i].append(doc)
    for story in order:
        if stories[story][0] not in placed:
            min(folds, key=len).extend(stories[story])
    named = {s: {f"fold{i}_test": docs for i, docs in c.items()} for s, c in crossing.items()}
    return [sorted(f) for f in folds], named


def is_fold_test(name: str) -> bool:
    """True for a fold's test part (``fold3_test``)."""
    return bool(_FOLD_TEST.match(name))


def _released(previous: dict[str, list[str]], story_of: dict[str, str]) -> tuple[dict, dict, int]:
    """(doc -> standard part, doc -> fold, fold count) of the earlier splits, present docs only."""
    parts = {d: p for p in STANDARD for d in previous.get(p, []) if d in story_of}
    folds, k = {}, 0
    for name, docs in previous.items():
        if m := _FOLD_TEST.match(name):
            k = max(k, int(m.group(1)) + 1)
            folds.update({d: int(m.group(1)) for d in docs if d in story_of})
    return parts, folds, k


def make_splits(
    story_of: dict[str, str],
    outlet_of: dict[str, str | None],
    seed: int = SEED,
    previous: dict[str, list[str]] | None = None,
    edges: list[dict] | None = None,
) -> dict:
    """The split manifest; ``previous`` (earlier releases' splits) keeps released docs put.

    ``edges``: the story-grouping evidence, which places the new documents of a story whose
    released documents are in several parts (without it they go where most of those are).
    """
    stories: dict[str, list[str]] = defaultdict(list)
    for doc, story in sorted(story_of.items()):
        stories[story].append(doc)
    order = _order(stories, seed)
    links = _links(edges or [])
    old_parts, old_folds, old_k = _released(previous or {}, story_of)
    splits, standard_crossing = _standard(stories, order, old_parts, links)
    k = max(old_k, min(MAX_FOLDS, len(order)))
    folds, fold_crossing = _folds(stories, order, old_folds, k, links) if k >= 2 else ([], {})
    for i, fold in enumerate(folds):
        splits[f"fold{i}_test"] = fold
        held = set(fold)
        splits[f"fold{i}_train"] = sorted(d for d in story_of if d not in held)
    outlets = sorted({o for o in outlet_of.values() if o})
    for outlet in outlets:
        test = sorted(d for d, o in outlet_of.items() if o == outlet)
        test_stories = {story_of[d] for d in test}
        train = sorted(d for d in story_of if story_of[d] not in test_stories)
        splits[f"outlet_{_slug(outlet)}_test"] = test
        splits[f"outlet_{_slug(outlet)}_train"] = train
    method = (
        "Stories (story_id) ordered by size (largest first), ties by sha256(seed:story_id), and dealt whole: train/validation/"
        "test by target shares 0.6/0.2/0.2 (the three largest stories seed train, validation, test); "
        f"{k}-fold grouped cross-validation by story; one held-out-outlet view per known outlet, "
        "its train part excluding documents that share a story with its test part. Stories "
        "already in an earlier release keep their train/validation/test part."
    )
    if old_parts or old_folds:
        method += (
            " Documents of earlier releases keep their part and fold (the fold count never "
            "shrinks); the new documents of a "
            "story with released documents join the part of the placed document they are most "
            "strongly linked to, strongest link first (near-duplicate, then same-story, then "
            "curated; links to released documents first; then by score; ties test, validation, "
            "train)."
        )
    manifest = {
        "seed": seed,
        "method": method,
        "views": {
            "standard": list(STANDARD),
            "folds": [f"fold{i}" for i in range(k)] if k >= 2 else [],
            "outlets": [f"outlet_{_slug(o)}" for o in outlets],
        },
        "splits": splits,
    }
    crossings = _crossings(standard_crossing, fold_crossing)
    if crossings:  # only then: a manifest without crossings stays as it always was
        manifest["pinned_crossings"] = crossings
    return manifest


def _crossings(standard: dict, folds: dict) -> dict[str, dict[str, dict[str, list[str]]]]:
    """story -> view -> {part: released documents of the story in that part}."""
    out: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(dict)
    for story, by_part in standard.items():
        out[story]["standard"] = by_part
    for story, by_part in folds.items():
        for part in by_part:
            out[story][part.removesuffix("_test")] = by_part
    return {s: out[s] for s in sorted(out)}


def view_parts(manifest: dict) -> list[tuple[str, list[str]]]:
    """(view name, its part names) for every view, used by the leakage check."""
    out = [("standard", list(STANDARD))]
    out += [(f, [f"{f}_train", f"{f}_test"]) for f in manifest["views"]["folds"]]
    out += [(o, [f"{o}_train", f"{o}_test"]) for o in manifest["views"]["outlets"]]
    return out


def leaks(
    manifest: dict, story_of: dict[str, str], dup_pairs: list[tuple[str, str, float]]
) -> list[str]:
    """Every story or near-duplicate pair that crosses two parts of one view.

    A story the manifest lists in ``pinned_crossings`` for a view may cross it (released
    documents never move); ``pinned_notes`` names those for a warning instead.
    """
    pinned = manifest.get("pinned_crossings", {})
    problems = []
    for view, parts in view_parts(manifest):
        where: dict[str, str] = {}
        for part in parts:
            for doc in manifest["splits"].get(part, []):
                if doc in where:
                    problems.append(f"{view}: {doc} is in both {where[doc]} and {part}")
                where[doc] = part
        exempt = {story for story, views in pinned.items() if view in views}
        story_part: dict[str, str] = {}
        for doc, part in sorted(where.items()):
            s = story_of.get(doc)
            if s in story_part and story_part[s] != part and s not in exempt:
                problems.append(f"{view}: story {s} is in {story_part[s]} and {part} ({doc})")
            story_part.setdefault(s, part)
        for a, b, j in dup_pairs:
            same = story_of.get(a) == story_of.get(b) and story_of.get(a) in exempt
            if a in where and b in where and where[a] != where[b] and not same:
                problems.append(
                    f"{view}: near-duplicates {a} ({where[a]}) and {b} ({where[b]}), J={j:.2f}"
                )
    return problems


def pinned_notes(manifest: dict) -> list[str]:
    """One line per story that crosses a view because its released documents sit apart."""
    out = []
    for story, views in manifest.get("pinned_crossings", {}).items():
        for view, by_part in views.items():
            where = "; ".join(f"{part}: {', '.join(docs)}" for part, docs in by_part.items())
            out.append(f"{view}: story {story} crosses parts; its released documents: {where}")
    return out


def split_report(manifest: dict, story_of: dict[str, str]) -> dict[str, Any]:
    """What the build summary must flag about the splits (empty when nothing needs a look).

    ``pinned_crossings``: stories whose released documents sit in several parts (merged
    stories), with every part's count of their documents; ``large_stories``: stories over
    ``MAX_STORY_PERCENT`` of the documents.
    """
    report: dict[str, Any] = {}
    crossing = []
    pinned = manifest.get("pinned_crossings", {})
    parts_of = dict(view_parts(manifest))
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for view in {v for views in pinned.values() for v in views}:
        for part in parts_of[view]:
            for doc in manifest["splits"][part]:
                if story_of[doc] in pinned:
                    counts[story_of[doc], view][part] += 1
    for story, views in pinned.items():
        for view, released in views.items():
            n = {p: counts[story, view][p] for p in parts_of[view]}
            crossing.append({"story": story, "view": view, "released": released, "documents": n})
    if crossing:
        report["pinned_crossings"] = crossing
    sizes = Counter(story_of.values())
    n = len(story_of)
    large = [
        {"story": s, "documents": c, "percent": round(100 * c / n, 1)}
        for s, c in sorted(sizes.items(), key=lambda sc: (-sc[1], sc[0]))
        if c * 100 > n * MAX_STORY_PERCENT
    ]
    if large:
        report["large_stories"] = large
    return report


def report_lines(report: dict[str, Any]) -> list[str]:
    """The build summary's split report as lines a user reads at the end of a build."""
    lines = []
    for c in report.get("pinned_crossings", []):
        counts = ", ".join(f"{p} {n}" for p, n in c["documents"].items())
        lines.append(
            f"{c['view']}: story {c['story']} spans parts ({counts}): its released documents "
            "stay where they were (build_summary.json split_report)"
        )
    for big in report.get("large_stories", []):
        lines.append(
            f"story {big['story']} holds {big['documents']} documents ({big['percent']}% of the "
            f"build, over {MAX_STORY_PERCENT}%): check its story_edges evidence"
        )
    return lines


def empty_parts_error(manifest: dict, story_of: dict[str, str]) -> str | None:
    """Why train/validation/test cannot all have documents, or None when they do.

    ``datasets`` cannot load a split with no rows, so a build must not write one.
    """
    empty = [p for p in STANDARD if not manifest["splits"][p]]
    if not empty:
        return None
    sizes = Counter(story_of.values()).most_common(3)
    biggest = ", ".join(f"{s} ({c})" for s, c in sizes)
    n_stories = len(set(story_of.values()))
    return (
        f"{' and '.join(empty)} would have no documents: the {len(story_of)} documents form "
        f"{n_stories} {'story' if n_stories == 1 else 'stories'} (largest: {biggest}) and a "
        "story is never split across train/validation/test; load_dataset cannot read an "
        "empty split, so nothing was written. Add articles of other stories, or check why "
        "story grouping joined these (near-duplicate or shared-entity evidence; curated "
        "`story` hints in corpus/sidecars)"
    )
