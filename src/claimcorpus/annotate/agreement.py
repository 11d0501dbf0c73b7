"""``claimcorpus agreement``: inter-annotator agreement between annotation layers, pairwise.

Measures, for every pair of layers over the documents both annotated:

* span F1 per label, **strict** (same label, start and end) and **overlap** (same label,
  overlapping; one-to-one greedy matching by largest overlap). F1 is symmetric, so it needs
  no reference layer: 2·matches / (|A| + |B|).
* attribution links: F1 on (claim span, source span) and on (claim, source, cue), spans
  compared by label and offsets (ids differ between annotators).
* stance on the attribution links both layers have: Cohen's kappa and Krippendorff's alpha
  (nominal, ``krippendorff`` package); the same for topic_stance on strictly matched CLAIMs.
* gamma (Mathet et al. 2015), a unitizing measure that scores positions and labels together,
  from ``pygamma-agreement`` when it is installed (its import compiles with numba, ~30 s).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import os
import sys
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

from claimcorpus.annotate import corpus_agreement
from claimcorpus.core.io import atomic_write_json
from claimcorpus.core.layers import list_layers, load_layer, resolve_layer
from claimcorpus.core.scheme import load_scheme

Key = tuple[str, int, int]  # (label, start, end)


def span_key(s: dict[str, Any]) -> Key:
    return (s["label"], s["start"], s["end"])


def f1(matches: int, a: int, b: int) -> float | None:
    return 2 * matches / (a + b) if a + b else None


def overlap_matches(a: list[Key], b: list[Key]) -> int:
    """One-to-one matches of same-label overlapping spans, largest overlap first."""
    pairs = []
    for i, (la, sa, ea) in enumerate(a):
        for j, (lb, sb, eb) in enumerate(b):
            ov = min(ea, eb) - max(sa, sb)
            if la == lb and ov > 0:
                pairs.append((-ov, i, j))
    used_a, used_b, n = set(), set(), 0
    for _, i, j in sorted(pairs):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            n += 1
    return n


def cohen_kappa(x: list[str], y: list[str]) -> float | None:
    n = len(x)
    if n == 0:
        return None
    po = sum(a == b for a, b in zip(x, y, strict=True)) / n
    cx, cy = Counter(x), Counter(y)
    pe = sum(cx[k] * cy[k] for k in cx) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def kripp_alpha(x: list[str], y: list[str]) -> float | None:
    """Nominal alpha for two coders; None when undefined (fewer than two categories)."""
    import krippendorff

    cats = sorted(set(x) | set(y))
    if len(x) < 1 or len(cats) < 2:
        return None
    code = {c: i for i, c in enumerate(cats)}
    data = [[code[v] for v in x], [code[v] for v in y]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _links(rec: dict[str, Any]) -> dict[tuple, dict[str, Any]]:
    """(claim key, source key|None) -> attribution with cue key, for one record."""
    spans = {s["id"]: span_key(s) for s in rec["spans"]}
    out = {}
    for a in rec["attributions"]:
        if a["claim"] not in spans:
            continue
        src = spans.get(a.get("source")) if a.get("source") else None
        cue = spans.get(a.get("cue")) if a.get("cue") else None
        out[(spans[a["claim"]], src)] = {**a, "cue_key": cue}
    return out


def compare(a: dict[str, dict], b: dict[str, dict], labels: list[str]) -> dict[str, Any]:
    """All pairwise measures between two layers (doc_id -> record), over shared documents."""
    docs = sorted(set(a) & set(b))
    per = {lab: Counter() for lab in labels}
    links = Counter()
    stance_x: list[str] = []
    stance_y: list[str] = []
    topic_x: list[str] = []
    topic_y: list[str] = []
    for d in docs:
        ka = [span_key(s) for s in a[d]["spans"]]
        kb = [span_key(s) for s in b[d]["spans"]]
        for lab in labels:
            la = [k for k in ka if k[0] == lab]
            lb = [k for k in kb if k[0] == lab]
            per[lab]["a"] += len(la)
            per[lab]["b"] += len(lb)
            per[lab]["strict"] += len(set(la) & set(lb))
            per[lab]["overlap"] += overlap_matches(la, lb)
        topic_a = {
            span_key(s): s.get("topic_stance") for s in a[d]["spans"] if s["label"] == "CLAIM"
        }
        topic_b = {
            span_key(s): s.get("topic_stance") for s in b[d]["spans"] if s["label"] == "CLAIM"
        }
        for k in sorted(topic_a.keys() & topic_b.keys()):
            if topic_a[k] and topic_b[k]:
                topic_x.append(topic_a[k])
                topic_y.append(topic_b[k])
        la_, lb_ = _links(a[d]), _links(b[d])
        links["a"] += len(la_)
        links["b"] += len(lb_)
        shared = sorted(la_.keys() & lb_.keys(), key=str)
        links["link"] += len(shared)
        links["link_cue"] += sum(la_[k]["cue_key"] == lb_[k]["cue_key"] for k in shared)
        for k in shared:
            if la_[k].get("stance") and lb_[k].get("stance"):
                stance_x.append(la_[k]["stance"])
                stance_y.append(lb_[k]["stance"])
    spans = {
        lab: {
            "a": c["a"],
            "b": c["b"],
            "strict_matches": c["strict"],
            "overlap_matches": c["overlap"],
            "strict_f1": f1(c["strict"], c["a"], c["b"]),
            "overlap_f1": f1(c["overlap"], c["a"], c["b"]),
        }
        for lab, c in per.items()
    }
    tot = Counter()
    for c in per.values():
        tot.update(c)
    spans["ALL"] = {
        "a": tot["a"],
        "b": tot["b"],
        "strict_matches": tot["strict"],
        "overlap_matches": tot["overlap"],
        "strict_f1": f1(tot["strict"], tot["a"], tot["b"]),
        "overlap_f1": f1(tot["overlap"], tot["a"], tot["b"]),
    }
    return {
        "docs": len(docs),
        "spans": spans,
        "attributions": {
            "a": links["a"],
            "b": links["b"],
            "link_matches": links["link"],
            "link_f1": f1(links["link"], links["a"], links["b"]),
            "link_cue_f1": f1(links["link_cue"], links["a"], links["b"]),
        },
        "stance": _categorical(stance_x, stance_y),
        "topic_stance": _categorical(topic_x, topic_y),
    }


def _categorical(x: list[str], y: list[str]) -> dict[str, Any]:
    agree = sum(p == q for p, q in zip(x, y, strict=True))
    return {
        "n": len(x),
        "observed": agree / len(x) if x else None,
        "cohen_kappa": cohen_kappa(x, y),
        "krippendorff_alpha": kripp_alpha(x, y),
    }


def gamma(a: dict[str, dict], b: dict[str, dict], n_samples: int = 30) -> dict[str, Any]:
    """Gamma over all shared documents laid end to end (a gap keeps documents apart).

    pygamma-agreement is imported here, on first use, because its import compiles with
    numba (~30 s) and most ``agreement`` runs never need gamma."""
    try:
        logging.getLogger().setLevel(logging.ERROR)  # "CBC solver not installed" warnings
        from pyannote.core import Segment
        from pygamma_agreement import CombinedCategoricalDissimilarity, Continuum
    except ImportError as exc:
        return {"gamma": None, "library": f"unavailable ({exc}); pip install pygamma-agreement"}
    cont, shift = Continuum(), 0
    for d in sorted(set(a) & set(b)):
        ends = [0]
        for name, layer in (("a", a), ("b", b)):
            for s in layer[d]["spans"]:
                cont.add(name, Segment(shift + s["start"], shift + s["end"]), s["label"])
                ends.append(s["end"])
        shift += max(ends) + 10_000
    if len(cont.annotators) < 2:
        return {"gamma": None, "library": f"pygamma-agreement {version('pygamma-agreement')}"}
    sys.stdout.flush()
    saved = os.dup(1)  # GLPK prints its solver log straight to file descriptor 1
    try:
        with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
            os.dup2(null.fileno(), 1)
            g = cont.compute_gamma(
                CombinedCategoricalDissimilarity(alpha=1, beta=1),
                n_samples=n_samples,
                precision_level=None,
            )
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return {"gamma": float(g.gamma), "library": f"pygamma-agreement {version('pygamma-agreement')}"}


def agreement(root: str | Path, layers: list[str], *, with_gamma: bool = True) -> dict[str, Any]:
    scheme = load_scheme(root)
    labels = scheme.span_labels
    data = {lay: load_layer(root, lay) for lay in layers}
    pairs = []
    for x, y in itertools.combinations(layers, 2):
        res = {"a": x, "b": y, **compare(data[x], data[y], labels)}
        if with_gamma and res["docs"]:
            res["gamma"] = gamma(data[x], data[y])
        pairs.append(res)
    return {"layers": layers, "pairs": pairs, "lacks": scheme.lacks()}


def _fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def table(result: dict[str, Any]) -> str:
    lines = []
    for p in result["pairs"]:
        lines.append(f"{p['a']} vs {p['b']}: {p['docs']} shared document(s)")
        lines.append(f"  {'label':8s} {'A':>5s} {'B':>5s} {'strict F1':>10s} {'overlap F1':>11s}")
        for lab, c in p["spans"].items():
            lines.append(
                f"  {lab:8s} {c['a']:5d} {c['b']:5d} {_fmt(c['strict_f1']):>10s} "
                f"{_fmt(c['overlap_f1']):>11s}"
            )
        at = p["attributions"]
        lines.append(
            f"  attribution links: A={at['a']} B={at['b']} link F1 {_fmt(at['link_f1'])}, "
            f"with cue {_fmt(at['link_cue_f1'])}"
        )
        for name in ("stance", "topic_stance"):
            if name in result.get("lacks", ()):
                lines.append(f"  {name}: not in this corpus's scheme")
                continue
            s = p[name]
            lines.append(
                f"  {name} on {s['n']} matched pair(s): observed {_fmt(s['observed'])}, "
                f"kappa {_fmt(s['cohen_kappa'])}, alpha {_fmt(s['krippendorff_alpha'])}"
            )
        if "gamma" in p:
            lines.append(f"  gamma {_fmt(p['gamma']['gamma'])} ({p['gamma']['library']})")
    return "\n".join(lines) if lines else "fewer than two layers: nothing to compare"


def resolve_layers(root: str | Path, names: list[str] | None) -> list[str]:
    """Accept 'gold', 'raw/...' or just 'alice' (her one layer); default: every raw layer."""
    if not names:
        return list_layers(root)
    return [resolve_layer(root, n) for n in names]


def _run(args: argparse.Namespace) -> int:
    try:
        layers = resolve_layers(args.root, args.layers)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if len(layers) < 2:
        print(f"need two layers or more, have {layers}", file=sys.stderr)
        return 1
    if not args.no_gamma:
        print("computing gamma with pygamma-agreement (its import takes ~30 s) …", file=sys.stderr)
    result = agreement(args.root, layers, with_gamma=not args.no_gamma)
    print(table(result))
    if args.corpus or (Path(args.root) / corpus_agreement.PUBLISHED).exists():
        print(corpus_agreement.corpus_section(args.root, layers))
    if args.json:
        atomic_write_json(args.json, result)
        print(f"wrote {args.json}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement",
        help="pairwise inter-annotator agreement between layers",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--layers",
        nargs="+",
        default=None,
        help="layers to compare: gold, raw/..., or an annotator NAME (default: every raw layer)",
    )
    p.add_argument("--json", default=None, help="also write the full result as JSON here")
    p.add_argument("--no-gamma", action="store_true", help="skip gamma (pygamma-agreement)")
    p.add_argument(
        "--corpus",
        action="store_true",
        help="also token-wise alpha and attribution agr over all annotators (PolNeAR's "
        "measures; on by default when the root has published figures to compare with)",
    )
    p.set_defaults(func=_run, reads=True)
