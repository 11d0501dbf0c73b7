"""The ``tokens`` config's rows as the release built them before issue 14: one dict per
paragraph, token offsets by ``findall`` + ``str.find``, tags as label names by bisection.
``claimcorpus.release.tokens`` builds the same rows as columns; ``tests/test_release_tokens.py``
checks the two give equal Arrow tables, and ``tests/test_rows.py`` checks these tags against
the plain overlap definition.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from claimcorpus.release.rows import TOKEN, outermost, pieces


def token_rows(
    doc: dict[str, Any], gold: dict[str, Any], labels: list[str]
) -> list[dict[str, Any]]:
    """One row per paragraph. Tokens of the whole document are tagged at once (one bisect
    per span, not one per span and paragraph: that was quadratic on long articles), then cut
    into paragraphs; a span running on from the previous paragraph starts again with B-."""
    text = doc["text"]
    bounds, starts, ends, words = [], [], [], []
    for p in doc["paragraphs"]:
        # findall makes no match object; a token starts where its word is first found after
        # the previous token, since only white space (never in a token) lies between them
        found = TOKEN.findall(text, p["start"], p["end"])
        bounds.append((len(words), len(words) + len(found)))
        at = p["start"]
        for w in found:
            at = text.find(w, at)
            starts.append(at)
            at += len(w)
            ends.append(at)
        words += found
    tags = {lab: _tags(lab, gold["spans"], starts, ends) for lab in labels}
    rows = []
    for pi, (a, z) in enumerate(bounds):
        row: dict[str, Any] = {
            "doc_id": doc["doc_id"],
            "paragraph": pi,
            "tokens": words[a:z],
            "token_starts": starts[a:z],
            "token_ends": ends[a:z],
        }
        for lab in labels:
            cut = tags[lab][a:z]
            if cut and cut[0][0] == "I":
                cut[0] = "B" + cut[0][1:]
            row[f"{lab.lower()}_tags"] = cut
        rows.append(row)
    return rows


def _tags(label: str, spans: list[dict[str, Any]], starts: list[int], ends: list[int]) -> list[str]:
    """BIO tags of one label over sorted, disjoint tokens; later spans overwrite earlier."""
    tags = ["O"] * len(starts)
    b, i = "B-" + label, "I-" + label
    for s in outermost([p for x in spans if x["label"] == label for p in pieces(x)]):
        # the tokens overlapping the span are one run
        first, stop = bisect_right(ends, s["start"]), bisect_left(starts, s["end"])
        if first < stop:
            tags[first] = b
            tags[first + 1 : stop] = [i] * (stop - first - 1)
    return tags
