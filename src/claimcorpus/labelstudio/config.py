"""The Label Studio labeling config, generated from ``schema/scheme.yaml``.

Why generated: the scheme is declared once; a label added to the YAML reaches the
annotation interface without a second edit. How the scheme maps onto Label Studio:

* ``<Labels name="span">``: one ``<Label>`` per ``span_labels`` entry, with its colour.
* ``<Relations>``: one relation label per stance. An attribution is a relation between a
  SOURCE and a CLAIM labelled with its stance. Relations without labels link a CUE to its
  CLAIM (and to its SOURCE when the claim has several sources), and a pronoun SOURCE to the
  SOURCE of its named mention (``antecedent``; drawn from the pronoun to the named mention).
* Per-region controls (``perRegion``, shown when a region of that label is selected):
  CLAIM: ``topic_stance`` choices, ``claim_flags`` (unattributed), ``cluster`` text;
  SOURCE: ``source_type`` choices, ``source_flags`` (anonymous_source).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from claimcorpus.core.scheme import Scheme, load_scheme

SPAN_TAG = "span"
TEXT_TAG = "text"
TOPIC_TAG = "topic_stance"
CLAIM_FLAGS_TAG = "claim_flags"
CLUSTER_TAG = "cluster"
SOURCE_TYPE_TAG = "source_type"
SOURCE_FLAGS_TAG = "source_flags"
UNATTRIBUTED = "unattributed"
ANONYMOUS = "anonymous_source"
GUIDELINES_PATH = Path("annotations") / "GUIDELINES.md"


def _attr(**kw: str) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in kw.items())


def _choices(name: str, values: list[str], hints: dict[str, str], choice: str) -> list[str]:
    out = [f"    <Choices{_attr(name=name, toName=TEXT_TAG, perRegion='true', choice=choice)}>"]
    for v in values:
        hint = hints.get(v, "")
        out.append(f"      <Choice{_attr(value=v, hint=hint) if hint else _attr(value=v)}/>")
    out.append("    </Choices>")
    return out


def label_config(scheme: Scheme, *, review: bool = False) -> str:
    """The XML config; ``review=True`` adds a panel showing ``$review_note`` (review tasks)."""
    desc = scheme.descriptions
    lines = ["<View>", f"  <Header{_attr(value='$doc_id', size='5')}/>"]
    if review:
        lines.append(f"  <Header{_attr(value='Adjudication disagreements', size='6')}/>")
        lines.append(f"  <Text{_attr(name='review_note', value='$review_note')}/>")
    lines.append("  <Relations>")
    for stance in scheme.stances:
        lines.append(f"    <Relation{_attr(value=stance)}/>")
    lines.append("  </Relations>")
    lines.append(f"  <Labels{_attr(name=SPAN_TAG, toName=TEXT_TAG, showInline='true')}>")
    for label in scheme.span_labels:
        kw = {"value": label, "background": scheme.colors.get(label) or "#999999"}
        hint = desc.get("span_labels", {}).get(label)
        if hint:
            kw["hint"] = hint
        lines.append(f"    <Label{_attr(**kw)}/>")
    lines.append("  </Labels>")
    lines.append(f"  <Text{_attr(name=TEXT_TAG, value='$text')}/>")
    target = scheme.target.get("statement", "")
    claim_view = _attr(visibleWhen="region-selected", whenTagName=SPAN_TAG, whenLabelValue="CLAIM")
    lines.append(f"  <View{claim_view}>")
    lines.append(f"    <Header{_attr(value='Topic stance toward: ' + target, size='6')}/>")
    lines += _choices(
        TOPIC_TAG, scheme.topic_stances, desc.get("topic_stances", {}), "single-radio"
    )
    lines += _choices(CLAIM_FLAGS_TAG, [UNATTRIBUTED], {}, "multiple")
    lines.append(
        f"    <Header{_attr(value='Cluster id (annotations/clusters.yaml), or empty', size='6')}/>"
    )
    ta = _attr(
        name=CLUSTER_TAG,
        toName=TEXT_TAG,
        perRegion="true",
        maxSubmissions="1",
        editable="true",
        placeholder="cluster id",
    )
    lines.append(f"    <TextArea{ta}/>")
    lines.append("  </View>")
    source_view = _attr(
        visibleWhen="region-selected", whenTagName=SPAN_TAG, whenLabelValue="SOURCE"
    )
    lines.append(f"  <View{source_view}>")
    lines.append(f"    <Header{_attr(value='Source type', size='6')}/>")
    lines += _choices(
        SOURCE_TYPE_TAG, scheme.source_types, desc.get("source_types", {}), "single-radio"
    )
    lines += _choices(SOURCE_FLAGS_TAG, [ANONYMOUS], {}, "multiple")
    lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def expert_instruction(root: str | Path) -> str:
    """The guidelines shown to annotators (GUIDELINES.md as preformatted text)."""
    path = Path(root) / GUIDELINES_PATH
    if not path.exists():
        return ""
    from html import escape

    # plain <pre>: Label Studio strips attributes such as style=, which would make the
    # stored text differ from ours and every push look like an update
    return f"<pre>{escape(path.read_text(encoding='utf-8'))}</pre>"


def project_config(root: str | Path, *, review: bool = False) -> str:
    return label_config(load_scheme(root), review=review)
