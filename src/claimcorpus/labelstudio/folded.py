"""Span labels that carry one single-choice attribute: ``SOURCE · support``, ``CLAIM · favor``.

Why: the label key that starts a region then also sets the SOURCE's stance or the CLAIM's
topic stance, one action instead of a key and a click, and single choice by construction (a
region has one label; relabelling it replaces the stance). Derived from the scheme: one
variant per ``stances`` value on SOURCE and per ``topic_stances`` value on CLAIM, with the
base label's colour. The plain base labels stay in the page, after the variants: a CLAIM
with no topic stance or a SOURCE that is in no attribution (a named mention that is only an
antecedent, a prediction without a stance) is pushed with them, and annotations made with
the older config (plain labels plus ``stance``/``topic_stance`` choices) keep their labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimcorpus.core.scheme import Scheme

SEP = " · "
STANCE = "stance"  # the attribute names, equal to config.STANCE_TAG / TOPIC_TAG
TOPIC_STANCE = "topic_stance"


@dataclass(frozen=True)
class SpanLabel:
    """One ``<Label>`` of the page: the value Label Studio stores, its scheme label and the
    attribute (``stance``/``topic_stance``) and value it sets, if any."""

    value: str
    base: str
    attribute: str | None = None
    choice: str | None = None


def folded_attribute(scheme: Scheme, base: str) -> tuple[str, list[str]] | None:
    """The attribute folded into ``base``'s labels and its values, or None."""
    if base == "SOURCE" and scheme.stances:
        return STANCE, list(scheme.stances)
    if base == "CLAIM" and scheme.topic_stances:
        return TOPIC_STANCE, list(scheme.topic_stances)
    return None


def label_value(base: str, choice: str | None) -> str:
    """The label of a region of ``base`` whose folded attribute is ``choice`` (None: plain)."""
    return f"{base}{SEP}{choice}" if choice else base


def span_labels(scheme: Scheme) -> list[SpanLabel]:
    """Every label of the page, in hotkey order: the folded variants and unfolded labels in
    the scheme's order, then the plain bases of the folded ones."""
    out: list[SpanLabel] = []
    plain: list[SpanLabel] = []
    for base in scheme.span_labels:
        folded = folded_attribute(scheme, base)
        if folded is None:
            out.append(SpanLabel(base, base))
            continue
        attr, values = folded
        out += [SpanLabel(label_value(base, v), base, attr, v) for v in values]
        plain.append(SpanLabel(base, base))
    return out + plain


def by_value(scheme: Scheme) -> dict[str, SpanLabel]:
    """Label value -> what it means, for reading results back."""
    return {x.value: x for x in span_labels(scheme)}


def values_of(scheme: Scheme, base: str) -> list[str]:
    """Every label value whose region is a ``base`` span (variants and the plain label)."""
    return [x.value for x in span_labels(scheme) if x.base == base]
