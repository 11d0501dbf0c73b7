"""The Label Studio labeling config, generated from ``schema/scheme.yaml``.

Why generated: the scheme is declared once; a label added to the YAML reaches the
annotation interface without a second edit. How the scheme maps onto Label Studio:

* ``<Labels name="span">``: the span labels with the single-choice attributes folded in
  (folded.py): ``SOURCE · support`` ... one per stance, ``CLAIM · favor`` ... one per topic
  stance, ``CUE``, then the plain ``CLAIM`` and ``SOURCE``; each with its base label's
  colour. The key that starts a region sets its stance: one action, and a region has one
  label, so two stances can never be submitted.
* An attribution is a SOURCE-CLAIM relation, or, by the guidelines' one-attribution notation
  (notation.py), the one CLAIM, one SOURCE and at most one CUE of a sentence in which no
  region is linked. Its stance is the SOURCE's label; a relation label (``<Relations
  choice="single">``, one per stance) overrides it for that one link, for the rare source
  that takes different stances toward different claims. Relations without labels link a CUE
  to its CLAIM (and to its SOURCE when the claim has several sources), and a pronoun SOURCE
  to the SOURCE of its named mention (``antecedent``; drawn from the pronoun to the named
  mention).
* Per-region controls (``perRegion``) sit in a side panel beside the scrollable text and
  show when a region of their label (any variant) is selected: SOURCE: ``source_type`` (and
  ``source_flags``, the anonymous_source box, only in a scheme without source types: the
  record rules make anonymous_source equal "the source type is an anonymous one", so the
  pull derives it and the box would be one more click that can only disagree); CLAIM:
  ``claim_flags`` (unattributed), ``cluster`` text. The attribution fields the scheme
  requires have headers ending in " *" (source_type; stance is in the label). Not
  ``required="true"``: Label Studio 1.23.2 checks a required per-region choice on every
  region whatever its label (measured: a CLAIM was refused for lacking a SOURCE's choice),
  so the pull enforces them instead (convert.py names the SOURCE region).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from claimcorpus.core.scheme import Scheme, annotation_json_schema
from claimcorpus.labelstudio import folded

SPAN_TAG = "span"
TEXT_TAG = "text"
STANCE_TAG = "stance"
TOPIC_TAG = "topic_stance"
CLAIM_FLAGS_TAG = "claim_flags"
CLUSTER_TAG = "cluster"
SOURCE_TYPE_TAG = "source_type"
SOURCE_FLAGS_TAG = "source_flags"
SUGGESTIONS_TAG = "suggestions"  # on-demand pre-annotations (suggestions.py)
SUGGESTIONS_TITLE = "Model suggestions (click to show)"
SUGGESTIONS_STYLE = "max-height: 30vh; overflow-y: auto"
UNATTRIBUTED = "unattributed"
ANONYMOUS = "anonymous_source"
REQUIRED_MARK = " *"
# the layout: text pane scrolls on its own, the side panel stays beside it (1366x768)
ROW_STYLE = "display: flex; align-items: flex-start; gap: 12px"
TEXT_STYLE = "flex: 1 1 auto; min-width: 0; max-height: 62vh; overflow-y: auto"
PANEL_STYLE = "flex: 0 0 290px; position: sticky; top: 0"


def _attr(**kw: str) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in kw.items())


def required_fields(scheme: Scheme) -> dict[str, list[str]]:
    """Span and attribution fields the scheme's JSON Schema requires and forbids to be null.

    Derived, not listed here, so a field the scheme makes required is marked in the page
    and checked at pull time exactly as ``validate`` checks it later.
    """
    props = annotation_json_schema(scheme)["properties"]
    out: dict[str, list[str]] = {}
    for kind in ("spans", "attributions"):
        item = props[kind]["items"]
        out[kind] = [f for f in item["required"] if not _nullable(item["properties"][f])]
    return out


def _nullable(prop: dict[str, Any]) -> bool:
    kinds = prop.get("type")
    return (isinstance(kinds, list) and "null" in kinds) or None in (prop.get("enum") or [])


def _choices(
    name: str,
    values: list[str],
    hints: dict[str, str],
    title: str,
    required: bool = False,
    choice: str = "single-radio",
) -> list[str]:
    out = [f"      <Header{_attr(value=title + (REQUIRED_MARK if required else ''), size='6')}/>"]
    kw = {"name": name, "toName": TEXT_TAG, "perRegion": "true", "choice": choice}
    if choice != "multiple":
        kw["layout"] = "inline"
    out.append(f"      <Choices{_attr(**kw)}>")
    for v in values:
        hint = hints.get(v, "")
        out.append(f"        <Choice{_attr(value=v, hint=hint) if hint else _attr(value=v)}/>")
    out.append("      </Choices>")
    return out


def _when(scheme: Scheme, label: str) -> str:
    """Shown while a region of ``label`` is selected, whichever variant it carries (Label
    Studio splits ``whenLabelValue`` at commas)."""
    values = ",".join(folded.values_of(scheme, label))
    return _attr(visibleWhen="region-selected", whenTagName=SPAN_TAG, whenLabelValue=values)


def _source_panel(scheme: Scheme, need: list[str]) -> list[str]:
    desc = scheme.descriptions
    lines = [f"    <View{_when(scheme, 'SOURCE')}>"]
    lines += _choices(
        SOURCE_TYPE_TAG,
        scheme.source_types,
        desc.get("source_types", {}),
        "Source type",
        "source_type" in need,
    )
    if not scheme.source_types:  # else anonymous_source follows from the source type
        lines += _choices(SOURCE_FLAGS_TAG, [ANONYMOUS], {}, "Flags", choice="multiple")
    lines.append("    </View>")
    return lines


def _claim_panel(scheme: Scheme) -> list[str]:
    lines = [f"    <View{_when(scheme, 'CLAIM')}>"]
    lines += _choices(CLAIM_FLAGS_TAG, [UNATTRIBUTED], {}, "Flags", choice="multiple")
    lines.append(
        f"      <Header{_attr(value='Cluster id (annotations/clusters.yaml)', size='6')}/>"
    )
    ta = _attr(
        name=CLUSTER_TAG,
        toName=TEXT_TAG,
        perRegion="true",
        maxSubmissions="1",
        editable="true",
        placeholder="cluster id, or empty",
    )
    lines.append(f"      <TextArea{ta}/>")
    lines.append("    </View>")
    return lines


def suggestions_panel() -> list[str]:
    """``--preannotate on-demand``: a closed panel showing ``$suggestions`` (read-only HTML,
    suggestions.py); it opens on the annotator's click and makes no result."""
    ht = {"name": SUGGESTIONS_TAG, "value": "$suggestions", "inline": "true"}
    ht["selectionEnabled"] = "false"
    return [
        f"  <Collapse{_attr(accordion='true', bordered='true')}>",
        f"    <Panel{_attr(value=SUGGESTIONS_TITLE)}>",
        f"      <View{_attr(style=SUGGESTIONS_STYLE)}>",
        f"        <HyperText{_attr(**ht)}/>",
        "      </View>",
        "    </Panel>",
        "  </Collapse>",
    ]


def _relations(scheme: Scheme) -> list[str]:
    """Relation labels: a stance on one SOURCE-CLAIM link, overriding the SOURCE's label."""
    lines = [f"  <Relations{_attr(choice='single')}>"]
    lines += [f"    <Relation{_attr(value=stance)}/>" for stance in scheme.stances]
    return lines + ["  </Relations>"]


def _labels(scheme: Scheme) -> list[str]:
    """The span labels with stance and topic stance folded in (folded.py), the target
    statement above them (the topic stance is toward it)."""
    desc = scheme.descriptions.get("span_labels", {})
    target = scheme.target.get("statement", "")
    lines = []
    if target and folded.folded_attribute(scheme, "CLAIM"):
        lines.append(f"  <Header{_attr(value='CLAIM topic stance toward: ' + target, size='6')}/>")
    lines.append(f"  <Labels{_attr(name=SPAN_TAG, toName=TEXT_TAG, showInline='true')}>")
    for label in folded.span_labels(scheme):
        kw = {"value": label.value, "background": scheme.colors.get(label.base) or "#999999"}
        hint = desc.get(label.base)
        if label.choice:
            about = scheme.descriptions.get(label.attribute + "s", {}).get(label.choice)
            hint = f"{label.attribute} {label.choice}: {about}" if about else hint
        if hint:
            kw["hint"] = hint
        lines.append(f"    <Label{_attr(**kw)}/>")
    return lines + ["  </Labels>"]


def label_config(scheme: Scheme, *, review: bool = False, suggestions: bool = False) -> str:
    """The XML config; ``review=True`` adds a panel showing ``$review_note`` (review tasks),
    ``suggestions=True`` the on-demand suggestions panel (``$suggestions``)."""
    lines = ["<View>", f"  <Header{_attr(value='$doc_id', size='5')}/>"]
    lines += suggestions_panel() if suggestions else []
    if review:
        lines.append(f"  <Header{_attr(value='Adjudication disagreements', size='6')}/>")
        lines.append(f"  <Text{_attr(name='review_note', value='$review_note')}/>")
    lines += _relations(scheme)
    lines += _labels(scheme)
    lines.append(f"  <View{_attr(style=ROW_STYLE)}>")
    lines.append(f"    <View{_attr(style=TEXT_STYLE)}>")
    lines.append(f"      <Text{_attr(name=TEXT_TAG, value='$text')}/>")
    lines.append("    </View>")
    lines.append(f"    <View{_attr(style=PANEL_STYLE)}>")
    need = required_fields(scheme)["attributions"]
    lines += ["  " + x for x in _source_panel(scheme, need)]
    lines += ["  " + x for x in _claim_panel(scheme)]
    lines.append("    </View>")
    lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"
