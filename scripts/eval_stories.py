"""Precision and recall of story grouping on labelled pairs of articles.

Usage: python scripts/eval_stories.py [--json]

Two sets, both grouped without curated hints (the automatic grouping alone):

* ``tests/fixtures/stories/articles.json``: made-up articles written for this project, each
  naming the event it reports; every pair of them is labelled (same event iff equal
  ``event``), and its ``hard_negatives`` name pairs of events sharing people, places and
  wording (the same spokeswoman denying different accusations months apart, two sanctions
  rounds of one treasury, two decisions of one central bank without dates);
* the seeds (``corpus/``): truth from their curated story hints (articles without a hint
  are stories of their own), the issue's example.

A pair is predicted "same" when both articles land in one story (so chaining counts
against precision). Prints P/R per set and every wrong pair.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from claimcorpus.ingest.store import doc_ids, load_document
from claimcorpus.stories.components import group_stories

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "stories" / "articles.json"


def fixture_docs() -> tuple[list[tuple], dict[str, str], list[list[str]]]:
    """(doc_id, text, None, published) rows, doc -> event, the hard-negative event pairs."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    arts = data["articles"]
    docs = [(a["doc_id"], a["text"], None, a["published"]) for a in arts]
    return docs, {a["doc_id"]: a["event"] for a in arts}, data["hard_negatives"]


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the full results as JSON")
    args = ap.parse_args()
    docs, truth, hard = fixture_docs()
    results = {"fixture": score(docs, truth), "seeds": score(*seed_docs())}
    story = results["fixture"]["story_of"]
    results["fixture"]["hard_negatives_joined"] = [
        (a, b)
        for x, y in hard
        for a in truth
        for b in truth
        if truth[a] == x and truth[b] == y and story[a] == story[b]
    ]
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
    print(f"hard negatives joined: {results['fixture']['hard_negatives_joined'] or 'none'}")


if __name__ == "__main__":
    main()
