"""Precision and recall of story grouping on labelled pairs of articles.

Usage: python scripts/eval_stories.py [--json] [--set FILE ...] [--background DIR]

Two sets, both grouped without curated hints (the automatic grouping alone):

* ``tests/fixtures/stories/articles.json``: made-up articles written for this project, each
  naming the event it reports; every pair of them is labelled (same event iff equal
  ``event``), and its ``hard_negatives`` name pairs of events sharing people, places and
  wording (the same spokeswoman denying different accusations months apart, two sanctions
  rounds of one treasury, two decisions of one central bank without dates);
* the seeds (``corpus/``): truth from their curated story hints (articles without a hint
  are stories of their own), the issue's example;
* each ``--set FILE``: a JSON file of the fixture's form (``articles`` with ``doc_id``,
  ``event``, ``published`` or null, ``text``; ``hard_negatives``) kept outside the
  repository, such as real news pages labelled by reading. Its texts are page text, so
  each goes through ``normalize_bytes`` first (boilerplate out, as ``ingest`` does) and the
  normalized text is grouped;
* ``--background DIR``: every ``*.txt`` under DIR (normalized, no date) is grouped with each
  ``--set`` as unlabelled articles, as a crawl would hold the labelled ones among many
  others (rarity of names and terms is relative to the whole crawl); pairs are still
  counted among the labelled articles only.

A pair is predicted "same" when both articles land in one story (so chaining counts
against precision). Prints P/R per set and every wrong pair.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from claimcorpus.ingest.metadata import check_published
from claimcorpus.ingest.store import doc_ids, load_document
from claimcorpus.normalize.text import normalize_bytes
from claimcorpus.stories.components import group_stories

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "stories" / "articles.json"


def fixture_docs(
    path: Path = FIXTURE, normalize: bool = False
) -> tuple[list[tuple], dict[str, str], list[list[str]]]:
    """(doc_id, text, None, published) rows, doc -> event, the hard-negative event pairs;
    with ``normalize``, each text is the normalizer's output of it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SystemExit(f"{path}: cannot read a labelled set ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise SystemExit(f"{path}: field 'articles' must be a list of articles")
    if not isinstance(data.get("hard_negatives", []), list):
        raise SystemExit(f"{path}: field 'hard_negatives' must be a list of event pairs")
    arts = data["articles"]
    check(path, arts)
    docs = [
        (
            a["doc_id"],
            normalize_bytes(a["text"].encode(), f"{path}:{a['doc_id']}").text
            if normalize
            else a["text"],
            None,
            a["published"],
        )
        for a in arts
    ]
    return docs, {a["doc_id"]: a["event"] for a in arts}, data.get("hard_negatives", [])


def check(path: Path, arts: list) -> None:
    """Stop with the file, the record and the field of the first malformed article."""
    seen: set[str] = set()
    for i, a in enumerate(arts):
        where = f"{path}: article {i}"
        if not isinstance(a, dict):
            raise SystemExit(f"{where}: not an object")
        for field in ("doc_id", "event", "text"):
            if not isinstance(a.get(field), str) or not a[field]:
                raise SystemExit(f"{where}: field {field!r} must be a non-empty string")
        if a["doc_id"] in seen:
            raise SystemExit(f"{where}: field 'doc_id' {a['doc_id']!r} is used twice")
        seen.add(a["doc_id"])
        published = a.get("published", "")
        if published is not None:  # ingest's own check (a date, or a datetime with offset)
            why = check_published(published) if isinstance(published, str) else "not a string"
            if why:
                raise SystemExit(f"{where} ({a['doc_id']}): field 'published' {published!r}: {why}")


def background_docs(folder: Path) -> list[tuple]:
    """(doc_id, normalized text, None, None) of every ``*.txt`` under ``folder``: articles
    of no label, their dates unknown (never read from a file name)."""
    if not folder.is_dir():
        raise SystemExit(f"{folder}: no such folder of background articles")
    return [
        (f"bg:{p.relative_to(folder)}", normalize_bytes(p.read_bytes(), str(p)).text, None, None)
        for p in sorted(folder.rglob("*.txt"))
    ]


def joined_negatives(r: dict, truth: dict[str, str], hard: list[list[str]]) -> list:
    """The hard-negative pairs of articles that landed in one story."""
    story = r["story_of"]
    return [
        (a, b)
        for x, y in hard
        for a in truth
        for b in truth
        if truth[a] == x and truth[b] == y and story[a] == story[b]
    ]


def seed_docs() -> tuple[list[tuple], dict[str, str]]:
    docs, truth = [], {}
    for d in doc_ids(REPO):
        doc = load_document(REPO, d)
        docs.append((d, doc["text"], None, doc.get("published")))
        truth[d] = doc.get("story") or d
    return docs, truth


def score(docs: list[tuple], truth: dict[str, str]) -> dict:
    story, edges = group_stories(docs)
    tp = fp = fn = 0
    wrong = []
    for a, b in itertools.combinations(sorted(truth), 2):
        same, said = truth[a] == truth[b], story[a] == story[b]
        tp += same and said
        fp += said and not same
        fn += same and not said
        if same != said:
            wrong.append({"a": a, "b": b, "truth": "same" if same else "different"})
    return {
        "pairs": len(truth) * (len(truth) - 1) // 2,
        "positives": tp + fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "wrong": wrong,
        "edges": edges,
        "story_of": story,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the full results as JSON")
    ap.add_argument(
        "--set",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a labelled set of the fixture's form (page texts, normalized first)",
    )
    ap.add_argument(
        "--background",
        type=Path,
        metavar="DIR",
        help="unlabelled *.txt articles grouped with each --set (a crawl around it)",
    )
    args = ap.parse_args(argv)
    docs, truth, hard = fixture_docs()
    results = {"fixture": score(docs, truth), "seeds": score(*seed_docs())}
    results["fixture"]["hard_negatives_joined"] = joined_negatives(results["fixture"], truth, hard)
    background = background_docs(args.background) if args.background else []
    for path in args.set:
        docs, truth, hard = fixture_docs(path, normalize=True)
        name = path.name + (f" + {len(background)} background" if background else "")
        results[name] = r = score(docs + background, truth)
        r["hard_negatives_joined"] = joined_negatives(r, truth, hard)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, r in results.items():
        print(
            f"{name}: {r['pairs']} pairs, {r['positives']} same-event; precision "
            f"{r['precision']}, recall {r['recall']} (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})"
        )
        for w in r["wrong"]:
            print(f"  wrong: {w['a']} ~ {w['b']} (truly {w['truth']})")
        if "hard_negatives_joined" in r:
            print(f"  hard negatives joined: {r['hard_negatives_joined'] or 'none'}")


if __name__ == "__main__":
    main()
