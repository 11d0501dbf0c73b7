"""Corpus-level agreement in PolNeAR's two measures, over every multi-annotator document.

PolNeAR (LREC 2018) reports a **token-wise Krippendorff's alpha** and an **attribution-wise
agreement (agr)**. Its README gives the figures but not every detail of their computation,
so what is computed here is stated exactly:

* Token-wise alpha: each token (the release's regex tokens, ``\\w+(?:[-'’.]\\w+)*|[^\\w\\s]``,
  not PolNeAR's CoreNLP tokens) of each document that two or more raw layers annotated gets,
  from each annotator, the label of the span covering it (a discontinuous span covers only
  its fragments; nested spans: the innermost) or ``none``. Nominal Krippendorff's alpha over
  all tokens, every annotator a coder, missing where an annotator did not annotate the
  document (``krippendorff`` package).
* agr (Wiebe et al. 2005, as PARC used it): for an ordered pair of annotators, the share of
  A's attributions that B also has, pooled over both directions of every pair on their
  shared documents. What "has" means is the matching rule, and the README does not give
  PolNeAR's, so four are reported: the cues overlap (the claims, when either has no cue),
  the claims overlap, any span of one overlaps any span of the other, and strict (cues,
  claims and sources all overlap, or both have no source).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np

from claimcorpus.core.io import read_json
from claimcorpus.core.layers import load_layer
from claimcorpus.ingest.store import load_document

PUBLISHED = Path("annotations") / "published_agreement.json"

TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")  # the release's tokens config uses the same
NONE = "none"


def _pieces(span: Mapping[str, Any]) -> list[tuple[int, int]]:
    frags = span.get("fragments")
    return [(a, b) for a, b in frags] if frags else [(span["start"], span["end"])]


def token_labels(text: str, record: Mapping[str, Any]) -> list[str]:
    """One label per token of ``text``: the innermost span covering it, else ``none``."""
    toks = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    labels = [NONE] * len(toks)
    width = [len(text) + 1] * len(toks)
    starts = [a for a, _ in toks]
    for s in record["spans"]:
        size = s["end"] - s["start"]
        for a, b in _pieces(s):
            lo = max(bisect_right(starts, a) - 1, 0)
            hi = bisect_left(starts, b)
            for i in range(lo, hi):
                ta, tb = toks[i]
                if ta < b and a < tb and size < width[i]:
                    labels[i], width[i] = s["label"], size
    return labels


def multi_annotated(layers: Mapping[str, Mapping[str, dict]]) -> list[str]:
    """Documents with two or more raw layers."""
    seen: dict[str, int] = {}
    for recs in layers.values():
        for d in recs:
            seen[d] = seen.get(d, 0) + 1
    return sorted(d for d, n in seen.items() if n >= 2)


def token_alpha(
    layers: Mapping[str, Mapping[str, dict]], texts: Mapping[str, str]
) -> dict[str, Any]:
    """Nominal alpha over the tokens of every multi-annotator document (see module doc)."""
    docs = multi_annotated(layers)
    coders = sorted(layers)
    codes: dict[str, int] = {}
    columns: list[list[float]] = []
    for d in docs:
        per = {c: token_labels(texts[d], layers[c][d]) if d in layers[c] else None for c in coders}
        n = len(next(v for v in per.values() if v is not None))
        for i in range(n):
            columns.append(
                [
                    np.nan if per[c] is None else codes.setdefault(per[c][i], len(codes))
                    for c in coders
                ]
            )
    data = np.array(columns, dtype=float).T if columns else np.zeros((len(coders), 0))
    alpha = (
        float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
        if data.shape[1] and len(codes) > 1
        else None
    )
    return {"alpha": alpha, "documents": len(docs), "tokens": data.shape[1], "annotators": coders}


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _atts(record: Mapping[str, Any]) -> list[dict[str, tuple[int, int] | None]]:
    spans = {s["id"]: (s["start"], s["end"]) for s in record["spans"]}
    return [
        {r: spans.get(a[r]) if a.get(r) else None for r in ("claim", "source", "cue")}
        for a in record["attributions"]
    ]


def _cue(x: dict, y: dict) -> bool:
    anchor = "cue" if x["cue"] and y["cue"] else "claim"
    return _overlap(x[anchor], y[anchor])


def _strict(x: dict, y: dict) -> bool:
    no_sources = x["source"] is None and y["source"] is None
    same_source = no_sources or _overlap(x["source"], y["source"])
    return _cue(x, y) and _overlap(x["claim"], y["claim"]) and same_source


RULES = {
    "cue": _cue,
    "claim": lambda x, y: _overlap(x["claim"], y["claim"]),
    "any": lambda x, y: any(_overlap(x[r], y[s]) for r in x for s in y),
    "strict": _strict,
}


def attribution_agr(layers: Mapping[str, Mapping[str, dict]]) -> dict[str, Any]:
    """agr pooled over both directions of every annotator pair, under each of RULES."""
    found = dict.fromkeys(RULES, 0)
    total = 0
    pairs = 0
    for a, b in itertools.permutations(sorted(layers), 2):
        shared = sorted(set(layers[a]) & set(layers[b]))
        pairs += bool(shared) and a < b
        for d in shared:
            mine, theirs = _atts(layers[a][d]), _atts(layers[b][d])
            total += len(mine)
            for x in mine:
                for rule, match in RULES.items():
                    found[rule] += any(match(x, y) for y in theirs)
    return {
        "agr": {rule: n / total if total else None for rule, n in found.items()},
        "attributions": total,
        "pairs": pairs,
    }


def corpus_agreement(
    layers: Mapping[str, Mapping[str, dict]], texts: Mapping[str, str]
) -> dict[str, Any]:
    return {"token": token_alpha(layers, texts), "attribution": attribution_agr(layers)}


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def comparison_table(ours: Mapping[str, Any], published: Mapping[str, Any]) -> str:
    """Our figures next to the published ones, with what each number is over."""
    tok, att = ours["token"], ours["attribution"]
    agr, pub = att["agr"], published.get("attribution_agreement")
    rows = [
        ("token-wise Krippendorff's alpha", published.get("token_alpha"), tok["alpha"],
         f"{tok['tokens']} tokens of {tok['documents']} documents, {len(tok['annotators'])} annotators"),
        ("attribution-wise agreement (agr): cues overlap", pub, agr["cue"],
         f"{att['attributions']} attributions, {att['pairs']} annotator pairs"),
        ("agr: claims overlap", pub, agr["claim"], "same attributions"),
        ("agr: any span overlaps any span", pub, agr["any"], "same attributions"),
        ("agr: cues, claims and sources overlap", pub, agr["strict"], "same attributions"),
    ]  # fmt: skip
    lines = ["| measure | published | here | over |", "|---|---:|---:|---|"]
    lines += [f"| {m} | {_pct(p)} | {_pct(h)} | {over} |" for m, p, h, over in rows]
    return "\n".join(lines) + f"\n\npublished: {published.get('source', '')}"


def corpus_section(root: str | Path, layers: list[str]) -> str:
    """The corpus-level figures of ``layers`` (raw/NAME), beside the published ones when the
    root has them (``annotations/published_agreement.json``, written by corpus importers)."""
    data = {lay.split("/", 1)[-1]: load_layer(root, lay) for lay in layers if lay != "gold"}
    docs = multi_annotated(data)
    texts = {d: load_document(root, d)["text"] for d in docs}
    ours = corpus_agreement(data, texts)
    path = Path(root) / PUBLISHED
    published = read_json(path) if path.exists() else {}
    return (
        f"\nCorpus-level agreement over the {len(docs)} documents with two or more raw layers "
        "(PolNeAR's measures; `annotate/corpus_agreement.py` says exactly how):\n\n"
        + comparison_table(ours, published)
    )
