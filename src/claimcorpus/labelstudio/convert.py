"""Label Studio results -> annotation records (see config.py for the mapping; the other
direction is to_results.py, re-exported here).

Label Studio does not validate annotations, so ``results_to_record`` checks every result
client-side and collects ``ConvertError`` messages naming the task, annotation and region:
unknown labels or choices, offsets outside the text, ``text[start:end] != value.text``,
relations or choices pointing at a missing region, stance labels on the wrong kind of link,
two choices where one is allowed, an attribution with no stance (neither its SOURCE's
``stance`` choice nor a label on its link), and a field the scheme requires left empty (an attribution
without ``source_type``): ``validate`` rejects such a record, so it must never reach a layer.
Semantic rules (flags, missing topic stance ...) are left to ``annotations.check_record``.

Stance: the SOURCE's label (``SOURCE · support``, folded.py) gives every attribution of
that source its stance; a label on one SOURCE-CLAIM link overrides it for that link; a
CLAIM's label gives its topic stance. ``record_to_results`` writes the stance of a source's
first attribution in its label and labels only the links that differ, so every record
survives the trip. Older annotations read the same way and still pull: plain labels with
``stance``/``topic_stance`` per-region choices (the config before folded labels), or a
stance label on every link. A label and a choice that disagree are refused.

Attributions: each SOURCE-CLAIM link, plus the one-attribution notation (notation.py) in
sentences where nothing is linked; a CLAIM, or a SOURCE whose label gives a stance, that
ends in no attribution is refused, naming the region.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from claimcorpus.core.gold_rules import ANONYMOUS_TYPES
from claimcorpus.core.scheme import Scheme
from claimcorpus.labelstudio import config as C
from claimcorpus.labelstudio import folded, notation
from claimcorpus.labelstudio.config import required_fields
from claimcorpus.labelstudio.to_results import record_to_results

__all__ = ["ConvertError", "record_to_results", "required_fields", "results_to_record"]

ID_OK = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class ConvertError:
    where: str  # "task 12 (doc 003_x) annotation 40 region ab12"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# ----------------------------------------------------------------------------- LS -> record
def _one(values: Any) -> str | None:
    return values[0] if isinstance(values, list) and len(values) == 1 else None


def results_to_record(
    results: list[dict[str, Any]],
    text: str,
    scheme: Scheme,
    where: str,
    sentences: Sequence[tuple[int, int]] = (),
) -> tuple[dict[str, Any], list[ConvertError]]:
    """Spans and attributions of one LS annotation, plus every structural error found.
    ``sentences``: the document's sentence bounds, for the one-attribution notation (none:
    every attribution needs its relations)."""
    errors: list[ConvertError] = []

    def err(msg: str, region: str | None = None) -> None:
        errors.append(ConvertError(f"{where} region {region}" if region else where, msg))

    regions: dict[str, dict[str, Any]] = {}
    labels: dict[str, folded.SpanLabel] = {}
    extras: dict[str, dict[str, Any]] = defaultdict(dict)
    relations: list[dict[str, Any]] = []
    for i, r in enumerate(results):
        kind, rid = r.get("type"), r.get("id")
        if kind == "relation":
            relations.append(r)
            continue
        if not isinstance(rid, str) or not ID_OK.match(rid):
            err(f"result #{i} ({kind}) has an unusable id {rid!r}")
            continue
        value = r.get("value") or {}
        if kind == "labels" and r.get("from_name") == C.SPAN_TAG:
            got = _region(value, text, scheme, lambda m, rid=rid: err(m, rid))
            if got is None:
                continue
            if rid in regions:
                err("two regions share this id", rid)
                continue
            span, labels[rid] = got
            regions[rid] = {"id": rid, **span}
        elif kind == "choices" and r.get("from_name") in _CHOICE_SETS:
            tag = r["from_name"]
            allowed = _CHOICE_SETS[tag](scheme)
            chosen = list(value.get("choices") or [])
            bad = [c for c in chosen if c not in allowed]
            if bad:
                err(f"unknown {tag} choice(s) {bad}; known: {allowed}", rid)
            elif tag in _SINGLE and len(chosen) > 1:
                err(f"{len(chosen)} {tag} choices {chosen}; pick one", rid)
            else:
                extras[rid][tag] = list(value.get("choices") or [])
        elif kind == "textarea" and r.get("from_name") == C.CLUSTER_TAG:
            texts = [t.strip() for t in value.get("text") or [] if t and t.strip()]
            extras[rid][C.CLUSTER_TAG] = texts[-1] if texts else None
        else:
            err(f"unexpected result type {kind!r} from control {r.get('from_name')!r}", rid)
    for rid in extras:
        if rid not in regions:
            err("per-region choice or text for a region that does not exist", rid)
    _fold_in(labels, extras, lambda m, rid: err(m, rid))
    stanced = {rid for rid, x in labels.items() if x.attribute == folded.STANCE}
    record = _assemble(regions, extras, relations, scheme, err, sentences, stanced)
    _check_required(record, scheme, err)
    return record, errors


def _check_required(record: dict[str, Any], scheme: Scheme, err: Any) -> None:
    """Name every empty required field at the region where the annotator sets it."""
    need = required_fields(scheme)
    for s in record["spans"]:
        for f in need["spans"]:
            if s.get(f) is None:
                err(f"{s['label']} span has no {f}, which the scheme requires", s["id"])
    for a in record["attributions"]:
        region = a.get("source") or a["claim"]
        for f in need["attributions"]:
            if a.get(f) is None:
                label = "SOURCE" if a.get("source") else "CLAIM"
                err(
                    f"attribution {a['id']} has no {f}, which the scheme requires; "
                    f"pick one on this {label}",
                    region,
                )


_SINGLE = {
    C.TOPIC_TAG,
    C.SOURCE_TYPE_TAG,
    C.STANCE_TAG,
}  # single-radio in config.py: one value or none
_CHOICE_SETS = {
    C.STANCE_TAG: lambda s: list(s.stances),
    C.TOPIC_TAG: lambda s: list(s.topic_stances),
    C.SOURCE_TYPE_TAG: lambda s: list(s.source_types),
    C.CLAIM_FLAGS_TAG: lambda s: [C.UNATTRIBUTED],
    C.SOURCE_FLAGS_TAG: lambda s: [C.ANONYMOUS],
}


def _fold_in(
    labels: dict[str, folded.SpanLabel], extras: dict[str, dict[str, Any]], err: Any
) -> None:
    """A label's folded attribute becomes the region's choice; an older-style choice on the
    same region that disagrees is refused (two stances are never submitted)."""
    for rid, lab in labels.items():
        if lab.attribute is None:
            continue
        old = extras[rid].get(lab.attribute)
        if old and old != [lab.choice]:
            err(
                f"label {lab.value!r} gives {lab.attribute} {lab.choice!r} but a "
                f"{lab.attribute} choice gives {old}; pick one",
                rid,
            )
        extras[rid][lab.attribute] = [lab.choice]


def _region(
    value: dict[str, Any], text: str, scheme: Scheme, err: Any
) -> tuple[dict[str, Any], folded.SpanLabel] | None:
    labels = value.get("labels") or []
    start, end, vtext = value.get("start"), value.get("end"), value.get("text")
    if len(labels) != 1:
        err(f"a region needs exactly one label, has {labels}")
        return None
    known = folded.by_value(scheme)
    if labels[0] not in known:
        err(f"unknown label {labels[0]!r}; known: {list(known)}")
        return None
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        err(f"offsets must be integers, got start={start!r} end={end!r}")
        return None
    if not 0 <= start < end <= len(text):
        err(f"offsets [{start}, {end}) outside the text (length {len(text)})")
        return None
    if text[start:end] != vtext:
        err(f"value.text {vtext!r} != text[{start}:{end}] {text[start:end]!r}")
        return None
    lab = known[labels[0]]
    return {"label": lab.base, "start": start, "end": end, "text": vtext}, lab


@dataclass
class _Links:
    """What one annotation's relations say, by kind (read before any span is built)."""

    # (source, claim, the link's own stance label or None: the SOURCE's choice then applies)
    stance: list[tuple[str, str, str | None]] = field(default_factory=list)
    cue_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # cue -> ids
    antecedent: dict[str, str] = field(default_factory=dict)  # pronoun SOURCE -> named SOURCE


def _assemble(
    regions: dict[str, dict[str, Any]],
    extras: dict[str, dict[str, Any]],
    relations: list[dict[str, Any]],
    scheme: Scheme,
    err: Any,
    sentences: Sequence[tuple[int, int]],
    stanced: set[str],
) -> dict[str, Any]:
    """Turn regions and links into record spans and attributions (ids stable across pulls)."""
    links = _read_links(regions, relations, scheme, err)
    flagged = {r for r, ex in extras.items() if C.UNATTRIBUTED in (ex.get(C.CLAIM_FLAGS_TAG) or [])}
    touched = flagged | {x for r in relations for x in (r.get("from_id"), r.get("to_id"))}
    reading = notation.read(regions, touched, stanced, sentences, err)
    for src, claim, cue in reading.triples:
        links.stance.append((src, claim, None))
        if cue is not None:
            links.cue_of[cue].add(claim)
    spans = [_span(reg, extras.get(rid, {}), links.antecedent) for rid, reg in regions.items()]
    attributions = [
        _attribution(src, claim, stance, extras.get(src, {}), _cue_for(links, claim, src, err))
        for src, claim, stance in links.stance
    ]
    for rid, ex in extras.items():
        if rid in regions and C.UNATTRIBUTED in (ex.get(C.CLAIM_FLAGS_TAG) or []):
            attributions.append(_unattributed(rid, _cue_for(links, rid, None, err)))
    _in_no_attribution(regions, attributions, stanced - reading.reported, reading.reported, err)
    return {"spans": spans, "attributions": attributions}


def _in_no_attribution(
    regions: dict[str, dict[str, Any]],
    attributions: list[dict[str, Any]],
    stanced: set[str],
    reported: set[str],
    err: Any,
) -> None:
    """A CLAIM, or a SOURCE whose label gives a stance, that no attribution uses: refused
    (a forgotten link would otherwise drop the attribution silently)."""
    used = {a[k] for a in attributions for k in ("claim", "source") if a.get(k)}
    for rid, reg in regions.items():
        if rid in used or rid in reported:
            continue
        if reg["label"] == "CLAIM":
            err(
                "CLAIM is in no attribution: draw the relation from its SOURCE (Alt+R), or "
                "flag it unattributed",
                rid,
            )
        elif rid in stanced:
            err(
                "SOURCE has a stance in its label but no CLAIM: draw the relation to its "
                "CLAIM (Alt+R), or relabel it plain SOURCE if it only names an antecedent",
                rid,
            )


def _read_links(
    regions: dict[str, dict[str, Any]], relations: list[dict[str, Any]], scheme: Scheme, err: Any
) -> _Links:
    """Sort each relation into a stance, cue or antecedent link, naming every one that
    means nothing in the scheme."""
    label = {rid: r["label"] for rid, r in regions.items()}
    links = _Links()
    for r in relations:
        a, b, labels = r.get("from_id"), r.get("to_id"), list(r.get("labels") or [])
        rel_where = f"relation {a}->{b}"
        if a not in regions or b not in regions:
            missing = [x for x in (a, b) if x not in regions]
            err(f"{rel_where} points at missing region(s) {missing}")
            continue
        kinds = {label[a], label[b]}
        if kinds == {"SOURCE", "CLAIM"}:
            src, claim = (a, b) if label[a] == "SOURCE" else (b, a)
            if len(labels) > 1 or any(x not in scheme.stances for x in labels):
                err(
                    f"{rel_where} (SOURCE-CLAIM) may carry at most one stance label "
                    f"of {scheme.stances} (it overrides the SOURCE's stance), has {labels}"
                )
                continue
            links.stance.append((src, claim, labels[0] if labels else None))
        elif labels:
            err(f"{rel_where} ({label[a]}-{label[b]}) must have no label, has {labels}")
        elif "CUE" in kinds and kinds != {"CUE"}:
            cue, other = (a, b) if label[a] == "CUE" else (b, a)
            links.cue_of[cue].add(other)
        elif kinds == {"SOURCE"} and a != b:
            _antecedent_link(r, a, b, links.antecedent, err)
        else:
            err(f"{rel_where} links {label[a]} to {label[b]}, which means nothing in the scheme")
    return links


def _antecedent_link(
    r: dict[str, Any], a: str, b: str, antecedent: dict[str, str], err: Any
) -> None:
    """A SOURCE-SOURCE link: from a pronoun to its named mention, one antecedent each."""
    direction = r.get("direction", "right")
    if direction == "bi":
        err(
            f"relation {a}->{b}: an antecedent link must point from the pronoun to its named mention"
        )
        return
    pron, named = (a, b) if direction == "right" else (b, a)
    if antecedent.get(pron, named) != named:
        err(f"SOURCE {pron} is linked to two antecedents")
    antecedent[pron] = named


def _span(reg: dict[str, Any], ex: dict[str, Any], antecedent: dict[str, str]) -> dict[str, Any]:
    """A record span: the region plus the per-region fields its label can carry."""
    is_claim, is_source = reg["label"] == "CLAIM", reg["label"] == "SOURCE"
    return {
        **reg,
        "topic_stance": _one(ex.get(C.TOPIC_TAG)) if is_claim else None,
        "cluster": ex.get(C.CLUSTER_TAG) if is_claim else None,
        "antecedent": antecedent.get(reg["id"]) if is_source else None,
    }


def _cue_for(links: _Links, claim: str, source: str | None, err: Any) -> str | None:
    """The claim's CUE; of several, the one also linked to ``source`` (else an error)."""
    cands = sorted(c for c, linked in links.cue_of.items() if claim in linked)
    if len(cands) <= 1:
        return cands[0] if cands else None
    narrowed = [c for c in cands if source is not None and source in links.cue_of[c]]
    if len(narrowed) == 1:
        return narrowed[0]
    err(f"CLAIM {claim} has cues {cands}; link the right CUE to its SOURCE {source} too")
    return None


def _attribution(
    src: str, claim: str, stance: str | None, ex: dict[str, Any], cue: str | None
) -> dict[str, Any]:
    """A SOURCE-CLAIM link as an attribution; the SOURCE region's choices fill it (its
    stance unless the link carries its own). ``anonymous_source``: the box if the
    annotation has it (older config, schemes without source types), else the source type."""
    source_type = _one(ex.get(C.SOURCE_TYPE_TAG))
    if C.SOURCE_FLAGS_TAG in ex:
        anonymous = C.ANONYMOUS in (ex.get(C.SOURCE_FLAGS_TAG) or [])
    else:
        anonymous = source_type in ANONYMOUS_TYPES
    return {
        "id": f"{claim}.{src}",
        "claim": claim,
        "source": src,
        "cue": cue,
        "stance": stance or _one(ex.get(C.STANCE_TAG)),
        "source_type": source_type,
        "anonymous_source": anonymous,
        "unattributed": False,
    }


def _unattributed(claim: str, cue: str | None) -> dict[str, Any]:
    """A CLAIM flagged unattributed: the author's own claim, supported."""
    return {
        "id": f"{claim}.author",
        "claim": claim,
        "source": None,
        "cue": cue,
        "stance": "support",
        "source_type": "author",
        "anonymous_source": False,
        "unattributed": True,
    }
