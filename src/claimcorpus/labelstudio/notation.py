"""The one-attribution notation: a sentence with one CLAIM, one SOURCE and no relation.

Why: most attributions are alone in their sentence ("senior US officials said that ...").
``annotations/GUIDELINES.md`` lets the annotator write such an attribution without drawing
its relations: when a sentence (as the corpus splits it, the document's ``sentences``) holds
exactly one CLAIM, exactly one SOURCE labelled with its stance and at most one CUE, all
three inside the sentence and none of them linked by any relation or flagged unattributed,
they are one attribution. This is the annotator's own reading in a shorter notation, not a
rule that makes gold: the pull applies it only where the notation is unambiguous, and names
every CLAIM, stance-labelled SOURCE and CUE left without relations in a sentence where it
does not apply (never guessing a pairing). A CLAIM in no attribution is refused as well
(convert.py), so a forgotten link is an error at pull time, not a silent drop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

LINKABLE = ("CLAIM", "SOURCE", "CUE")


@dataclass
class Reading:
    """What the notation gives: (source, claim, cue) triples, and the regions already named
    in an error (so the later "in no attribution" check does not name them twice)."""

    triples: list[tuple[str, str, str | None]] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)


def _wants_link(region: dict[str, Any], stanced: set[str]) -> bool:
    """A region that means nothing alone: a CLAIM, or a SOURCE whose label gives a stance."""
    return region["label"] == "CLAIM" or region["id"] in stanced


def read(
    regions: dict[str, dict[str, Any]],
    touched: set[str],
    stanced: set[str],
    sentences: Iterable[tuple[int, int]],
    err: Callable[[str, str], None],
) -> Reading:
    """Apply the notation sentence by sentence. ``touched``: regions any relation or the
    unattributed flag already links; ``stanced``: SOURCE regions whose label sets a stance."""
    out = Reading()
    for a, z in sentences:
        inside = [r for r in regions.values() if r["start"] < z and r["end"] > a]
        free = [r for r in inside if r["id"] not in touched and r["label"] in LINKABLE]
        if not any(_wants_link(r, stanced) for r in free):
            continue
        n = Counter(r["label"] for r in inside)
        sources = [r for r in inside if r["label"] == "SOURCE"]
        if (
            len(free) == len(inside)
            and all(a <= r["start"] and r["end"] <= z for r in inside)
            and (n["CLAIM"], n["SOURCE"]) == (1, 1)
            and n["CUE"] <= 1
            and len(inside) == n["CLAIM"] + n["SOURCE"] + n["CUE"]
            and sources[0]["id"] in stanced
        ):
            claim = next(r["id"] for r in inside if r["label"] == "CLAIM")
            cue = next((r["id"] for r in inside if r["label"] == "CUE"), None)
            out.triples.append((sources[0]["id"], claim, cue))
            continue
        why = _why(inside, free, stanced, a, z)
        for r in free:
            if r["id"] not in out.reported:
                out.reported.add(r["id"])
                err(
                    f"{r['label']} left without relations in sentence [{a}, {z}), where the "
                    f"one-attribution notation does not apply ({why}): draw its relations "
                    "(Alt+R), or flag the CLAIM unattributed",
                    r["id"],
                )
    return out


def _why(
    inside: Sequence[dict[str, Any]],
    free: Sequence[dict[str, Any]],
    stanced: set[str],
    a: int,
    z: int,
) -> str:
    """Why the notation does not cover this sentence, in the annotator's terms."""
    n = Counter(r["label"] for r in inside)
    parts = [f"it holds {n['CLAIM']} CLAIM, {n['SOURCE']} SOURCE, {n['CUE']} CUE"]
    if len(free) < len(inside):
        parts.append(f"{len(inside) - len(free)} of its regions already have relations")
    if any(r["start"] < a or r["end"] > z for r in inside):
        parts.append("a region crosses the sentence boundary")
    if any(r["label"] == "SOURCE" and r["id"] not in stanced for r in inside):
        parts.append("a SOURCE has no stance in its label")
    return (
        "; ".join(parts) + "; it needs exactly one CLAIM, one SOURCE with a stance, at most one CUE"
    )
