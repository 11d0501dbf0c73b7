"""Plain-text rendering of an evaluation result (the dict from ``evaluate_documents``)."""

from __future__ import annotations

from typing import Any

from claimcorpus.evaluate.labels import SCHEMES


def _ci(block: dict[str, Any], metric: str) -> str:
    lo_hi = block.get("ci", {}).get(metric)
    return f"[{lo_hi[0]:.3f}, {lo_hi[1]:.3f}]" if lo_hi else ""


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        c.ljust(w) if i < 2 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths)] + [
        _row(r, widths) for r in rows
    ]


def format_report(result: dict[str, Any], title: str = "") -> str:
    """Span, attribution and stance tables with 95% intervals, for a terminal."""
    boot = result["bootstrap"]
    conf = boot["confidence"]
    pct = f"{conf:.0%} CI F1"
    lines = [title] if title else []
    lines.append(
        f"{result['documents']} documents ({result['documents_predicted']} with predictions), "
        f"{result['gold_spans']} gold spans, {result['predicted_spans']} predicted spans; "
        f"bootstrap {boot['resamples']} resamples, seed {boot['seed']}"
    )
    if boot.get("note"):
        lines.append(f"note: {boot['note']}")
    rows = []
    for scheme in SCHEMES:
        entry = result["spans"][scheme]
        for group, block in entry.items():
            counts = [
                str(block.get(k, ""))
                for k in ("correct", "incorrect", "partial", "missed", "spurious")
            ]
            rows.append(
                [scheme, group, *counts]
                + [f"{block[m]:.3f}" for m in ("precision", "recall", "f1")]
                + [_ci(block, "f1")]
            )
    header = ["scheme", "group", "cor", "inc", "par", "mis", "spu", "P", "R", "F1", pct]
    lines += ["", "Spans (nervaluate schemes; micro = all labels matched together)"]
    lines += _table(header, rows)
    rows = []
    st = result["stance"]
    tuple_ = "claim+source" if "skipped" in st else "claim+source+stance"
    for mode, block in result["attributions"].items():
        rows.append(
            [
                mode,
                tuple_,
                str(block["tp"]),
                str(block["predicted"]),
                str(block["gold"]),
            ]
            + [f"{block[m]:.3f}" for m in ("precision", "recall", "f1")]
            + [_ci(block, "f1")]
        )
    lines += ["", "Attribution tuples"]
    lines += _table(["match", "tuple", "tp", "pred", "gold", "P", "R", "F1", pct], rows)
    if "skipped" in st:
        return "\n".join([*lines, "", f"Stance: skipped ({st['skipped']})"])
    classes = ", ".join(st["classes"]) or "-"
    lines += [
        "",
        "Stance on gold attributions (unmatched counts as wrong)",
        f"accuracy {st['accuracy']:.3f} {_ci(st, 'accuracy')}   "
        f"macro-F1 {st['macro_f1']:.3f} {_ci(st, 'macro_f1')} over {classes}",
    ]
    cm = st["confusion"]
    rows = [[g, "", *map(str, r)] for g, r in zip(cm["gold"], cm["matrix"], strict=True)]
    lines += _table(["gold \\ predicted", "", *cm["predicted"]], rows)
    return "\n".join(lines)
