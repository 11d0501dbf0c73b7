"""brat standoff <-> annotation records (``schema/annotation.schema.json``), both ways.

Import (:func:`to_record`): T lines whose type ``--map`` names become spans (offsets carried
onto the normalized text by :class:`~claimcorpus.corpora.textmap.TextMap`); E lines (and R
lines) of a ``--relation`` type become attributions, each argument's role given by the
label of the span it points at (CLAIM, SOURCE, CUE), so role names need no map. The T
lines that serve as event triggers are not spans. A discontinuous T becomes one span over
the hull of its fragments (first start to last end, so it contains whatever lies between,
such as the SOURCE and CUE inside "Content, X said, content"), and keeps the fragments in
``fragments`` when the scheme has that field. An E with two CLAIM arguments (PolNeAR's
``Content2``) becomes one attribution per claim with the same source and cue; an E without
a CLAIM argument cannot be an attribution and is left out with a warning. Identical spans
(same label and offsets) are merged. Span and attribution ids are given by position
(c1.. CLAIM, s1.. SOURCE, q1.. CUE, a1.. attributions), so the same annotations always get
the same ids.

Optional fields travel as brat attributes and one relation, so export then import loses
nothing the scheme has: ``Stance``, ``SourceType`` and ``AnonymousSource`` on the E,
``TopicStance`` and ``Cluster`` on the CLAIM's T, and ``Antecedent`` (R, Arg1 the pronoun
SOURCE, Arg2 its named mention).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from claimcorpus.core.problems import InputError, Problem
from claimcorpus.core.scheme import Scheme
from claimcorpus.corpora.brat import Attribute, Event, Relation, Standoff, TextBound, stored_text
from claimcorpus.corpora.textmap import TextMap

EVENT_ATTRS = {
    "Stance": "stance",
    "SourceType": "source_type",
    "AnonymousSource": "anonymous_source",
}
SPAN_ATTRS = {"TopicStance": "topic_stance", "Cluster": "cluster"}
ANTECEDENT = "Antecedent"
PREFIX = {"CLAIM": "c", "SOURCE": "s", "CUE": "q"}
Key = tuple[str, int, int, tuple[tuple[int, int], ...]]  # label, start, end, fragments


@dataclass(frozen=True)
class BratMap:
    """Which brat types are which span labels, which are attributions, which to leave out."""

    labels: dict[str, str]
    relations: tuple[str, ...] = ("Attribution",)
    ignore: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, spec: str, relations: str | None, ignore: str | None, scheme: Scheme) -> BratMap:
        """``Source=SOURCE,Cue=CUE,Content=CLAIM`` (and comma lists), checked against the scheme."""
        labels: dict[str, str] = {}
        for item in filter(None, (x.strip() for x in spec.split(","))):
            brat, sep, label = item.partition("=")
            if not sep or not brat or label not in scheme.span_labels:
                raise InputError(
                    f"--map: {item!r} must be BRAT_TYPE=LABEL with LABEL one of {scheme.span_labels}"
                )
            if brat in labels:
                raise InputError(f"--map: brat type {brat!r} is mapped twice")
            labels[brat] = label
        if not labels:
            raise InputError("--map: give at least one BRAT_TYPE=LABEL")
        rels = tuple(filter(None, (relations or "Attribution").split(",")))
        return cls(labels, rels, frozenset(filter(None, (ignore or "").split(","))))

    def brat_type(self, label: str) -> str:
        """The brat type export writes for a span label (the first one mapped to it)."""
        for brat, lab in self.labels.items():
            if lab == label:
                return brat
        raise InputError(f"--map: no brat type for label {label}; add {label.title()}={label}")


class _Importer:
    """Builds one record from one parsed ``.ann``; collects problems and counts."""

    def __init__(self, doc: Standoff, tmap: TextMap, bmap: BratMap, scheme: Scheme, file: str):
        self.doc, self.tmap, self.bmap, self.scheme, self.file = doc, tmap, bmap, scheme, file
        self.problems: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.key_of: dict[str, Key] = {}  # T id -> span key
        self.span_attrs: dict[Key, dict[str, Any]] = defaultdict(dict)
        self.antecedent: dict[Key, Key] = {}

    def problem(self, pid: str, line: int, msg: str, rec: str, fld=None, level="error") -> None:
        self.problems.append(Problem(pid, level, f"{self.file}:{line}", msg, None, rec, fld))

    def unknown(self, kind: str, ann_id: str, typ: str, line: int) -> None:
        self.problem(
            "brat-unknown-type",
            line,
            f"{ann_id}: {kind} type {typ!r} is not in --map {sorted(self.bmap.labels)}, "
            f"--relation {list(self.bmap.relations)} or --ignore {sorted(self.bmap.ignore)}",
            ann_id,
            "type",
        )

    def spans(self) -> None:
        for t in self.doc.textbounds.values():
            if t.type in self.bmap.labels:
                self.span(t)
            elif t.type in self.bmap.relations:
                self.counts["trigger T lines (not spans)"] += 1
            elif t.type in self.bmap.ignore:
                self.counts[f"T lines of ignored type {t.type}"] += 1
            else:
                self.unknown("T", t.id, t.type, t.line)

    def span(self, t: TextBound) -> None:
        frags = []
        for a, b in sorted(t.fragments):
            got = self.tmap.to_norm(a, b)
            if isinstance(got, str):
                self.problem("brat-unmapped", t.line, f"{t.id}: fragment [{a}, {b}): {got}", t.id)
                return
            if frags and got[0] <= frags[-1][1]:
                frags[-1] = (frags[-1][0], max(frags[-1][1], got[1]))
            else:
                frags.append(got)
        if len(t.fragments) > 1:
            self.counts[f"discontinuous {self.bmap.labels[t.type]} spans (hull)"] += 1
        trimmed = [self.tmap.trim(a, b) for a, b in sorted(t.fragments)] != sorted(t.fragments)
        self.counts["spans with white space trimmed at an edge"] += trimmed
        key = (self.bmap.labels[t.type], frags[0][0], frags[-1][1], tuple(frags))
        if key in self.key_of.values():
            self.counts["identical spans merged"] += 1
        self.key_of[t.id] = key

    def attributes(self) -> dict[str, dict[str, Any]]:
        """Attribute values by target id; span attributes go straight to their span."""
        on_event: dict[str, dict[str, Any]] = defaultdict(dict)
        for a in self.doc.attributes.values():
            field = EVENT_ATTRS.get(a.type) or SPAN_ATTRS.get(a.type)
            if field is None:
                if a.type not in self.bmap.ignore:
                    self.unknown("attribute", a.id, a.type, a.line)
                continue
            has = "source_type" if field == "anonymous_source" else field
            if not self.scheme.has(has):
                self.counts[f"{a.type} attributes (scheme has no {has})"] += 1
                continue
            value: Any = True if field == "anonymous_source" else a.value
            if a.type in SPAN_ATTRS and a.target in self.key_of:
                self.span_attrs[self.key_of[a.target]][field] = value
            else:
                on_event[a.target][field] = value
        return on_event

    def attributions(self, on_event: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for e in self.doc.events.values():
            if e.type in self.bmap.relations:
                out += self.event(e, on_event.get(e.id, {}))
            elif e.type not in self.bmap.ignore:
                self.unknown("E", e.id, e.type, e.line)
        by_claim: dict[Key, list[Relation]] = defaultdict(list)
        for r in self.doc.relations.values():
            keys = [self.key_of.get(arg) for _, arg in r.args]
            if r.type == ANTECEDENT and self.scheme.has("antecedent") and None not in keys:
                self.antecedent[keys[0]] = keys[1]
            elif r.type in self.bmap.relations:
                claims = [k for k in keys if k and k[0] == "CLAIM"]
                if claims:
                    by_claim[claims[0]].append(r)
                else:
                    self.problem("brat-attribution-shape", r.line, f"{r.id}: no CLAIM", r.id)
            elif r.type not in self.bmap.ignore:
                self.unknown("R", r.id, r.type, r.line)
        for rels in by_claim.values():
            args = [arg for r in rels for _, arg in r.args]
            out += self._link(rels[0].id, rels[0].line, args, on_event.get(rels[0].id, {}))
        return out

    def event(self, e: Event, attrs: dict[str, Any]) -> list[dict[str, Any]]:
        return self._link(e.id, e.line, [arg for _, arg in e.args], attrs)

    def _link(self, aid: str, line: int, args: list[str], attrs: dict) -> list[dict[str, Any]]:
        """Attributions of one E (or the R lines of one claim): one per CLAIM argument."""
        roles: dict[str, list[Key]] = defaultdict(list)
        for arg in args:
            if arg in self.key_of:
                roles[self.key_of[arg][0]].append(self.key_of[arg])
            elif arg in self.doc.textbounds and self.doc.textbounds[arg].type in self.bmap.ignore:
                self.counts["arguments of ignored type left out"] += 1
        for label in ("SOURCE", "CUE"):
            if len(set(roles[label])) > 1:
                self.problem("brat-attribution-shape", line, f"{aid}: several {label}s", aid)
                return []
        claims = list(dict.fromkeys(roles["CLAIM"]))
        if not claims:
            self.problem(
                "brat-no-claim",
                line,
                f"{aid}: no CLAIM argument, so no attribution (left out)",
                aid,
                level="warning",
            )
            return []
        if len(claims) > 1:
            self.counts["attributions with several CLAIMs, one per CLAIM"] += 1
        source = roles["SOURCE"][0] if roles["SOURCE"] else None
        cue = roles["CUE"][0] if roles["CUE"] else None
        return [{"claim": c, "source": source, "cue": cue, **attrs} for c in claims]


def _ids(keys: list[Key]) -> dict[Key, str]:
    counters: Counter[str] = Counter()
    out = {}
    for k in sorted(set(keys), key=lambda k: (k[1], -k[2], k[0], k[3])):
        counters[k[0]] += 1
        out[k] = f"{PREFIX.get(k[0], k[0][:1].lower())}{counters[k[0]]}"
    return out


def build_record(
    keys: list[Key],
    links: list[dict[str, Any]],
    span_attrs: dict[Key, dict[str, Any]],
    antecedent: dict[Key, Key],
    text: str,
    scheme: Scheme,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Spans and attributions with positional ids and exactly the scheme's fields."""
    ids = _ids(keys)
    spans = []
    for k, sid in sorted(ids.items(), key=lambda kv: (kv[0][1], -kv[0][2], kv[0][0])):
        span: dict[str, Any] = {"id": sid, "label": k[0], "start": k[1], "end": k[2]}
        span["text"] = text[k[1] : k[2]]
        for f in ("topic_stance", "cluster"):
            if scheme.has(f):
                span[f] = span_attrs.get(k, {}).get(f)
        if scheme.has("antecedent"):
            span["antecedent"] = ids.get(antecedent[k]) if k in antecedent else None
        if scheme.has("fragments"):
            span["fragments"] = [[a, b] for a, b in k[3]] if len(k[3]) > 1 else None
        spans.append(span)
    order = {k: (k[1], -k[2]) for k in ids}
    seen, atts = set(), []
    for link in sorted(links, key=lambda x: (order[x["claim"]], order.get(x["source"], (-1, 0)))):
        att: dict[str, Any] = {
            "claim": ids[link["claim"]],
            "source": ids.get(link["source"]) if link["source"] else None,
            "cue": ids.get(link["cue"]) if link["cue"] else None,
            "unattributed": link["source"] is None,
        }
        # a field the scheme has but the .ann does not give stays absent: the record check
        # then says it is required, naming the field
        if scheme.has("stance") and "stance" in link:
            att["stance"] = link["stance"]
        if scheme.has("source_type") and "source_type" in link:
            att["source_type"] = link["source_type"]
            att["anonymous_source"] = bool(link.get("anonymous_source", False))
        marker = tuple(sorted(att.items(), key=lambda kv: kv[0]))
        if marker not in seen:
            seen.add(marker)
            atts.append(att)
    for i, att in enumerate(atts, 1):
        att["id"] = f"a{i}"
    return spans, atts


def to_record(
    doc: Standoff, tmap: TextMap, bmap: BratMap, scheme: Scheme, file: str
) -> tuple[list[dict], list[dict], list[Problem], Counter[str]]:
    """Spans, attributions, problems and counts of one parsed ``.ann`` (no check_record yet)."""
    imp = _Importer(doc, tmap, bmap, scheme, file)
    imp.spans()
    on_event = imp.attributes()
    links = imp.attributions(on_event)
    keys = list(imp.key_of.values())
    spans, atts = build_record(keys, links, imp.span_attrs, imp.antecedent, tmap.norm.text, scheme)
    return spans, atts, imp.problems, imp.counts


# ----------------------------------------------------------------------------- export
def to_standoff(record: dict[str, Any], text: str, bmap: BratMap, scheme: Scheme) -> Standoff:
    """The brat annotations of one record, anchored to ``text`` (its normalized text)."""
    out = Standoff()
    tid: dict[str, str] = {}

    def add_t(typ: str, frags: tuple[tuple[int, int], ...]) -> str:
        t = f"T{len(out.textbounds) + 1}"
        out.textbounds[t] = TextBound(t, typ, frags, stored_text(text, frags))
        return t

    def frags_of(span: dict[str, Any]) -> tuple[tuple[int, int], ...]:
        pieces = span.get("fragments") or [(span["start"], span["end"])]
        return tuple((a, b) for a, b in pieces)

    def add_a(typ: str, target: str, value: str | None) -> None:
        a = f"A{len(out.attributes) + 1}"
        out.attributes[a] = Attribute(a, typ, target, value)

    by_id = {s["id"]: s for s in record["spans"]}
    for s in record["spans"]:
        tid[s["id"]] = add_t(bmap.brat_type(s["label"]), frags_of(s))
        for brat, field in SPAN_ATTRS.items():
            if scheme.has(field) and s.get(field) is not None:
                add_a(brat, tid[s["id"]], str(s[field]))
    for s in record["spans"]:
        if scheme.has("antecedent") and s.get("antecedent"):
            r = f"R{len(out.relations) + 1}"
            args = (("Arg1", tid[s["id"]]), ("Arg2", tid[s["antecedent"]]))
            out.relations[r] = Relation(r, ANTECEDENT, args)
    for a in record["attributions"]:
        anchor = by_id[a["cue"]] if a.get("cue") else by_id[a["claim"]]
        trigger = add_t(bmap.relations[0], frags_of(anchor))
        args = [(bmap.brat_type("CLAIM"), tid[a["claim"]])]
        args += [
            (bmap.brat_type(by_id[a[r]]["label"]), tid[a[r]]) for r in ("source", "cue") if a.get(r)
        ]
        e = f"E{len(out.events) + 1}"
        out.events[e] = Event(e, bmap.relations[0], trigger, tuple(args))
        if scheme.has("stance") and a.get("stance") is not None:
            add_a("Stance", e, a["stance"])
        if scheme.has("source_type") and a.get("source_type") is not None:
            add_a("SourceType", e, a["source_type"])
            if a.get("anonymous_source"):
                add_a("AnonymousSource", e, None)
    return out
