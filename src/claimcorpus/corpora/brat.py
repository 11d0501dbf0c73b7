"""brat standoff (``.ann`` beside ``.txt``), read and written with no other knowledge.

This module only knows the format: offsets are code points of the ``.txt`` as read (no
newline translation), a T line's stored text is its fragments joined by one space, and a
stored text that holds line breaks continues on the next lines of the ``.ann`` (brat writes
it literally). Lines understood:

* ``T1<TAB>Type 0 5[;9 12]<TAB>text``   a text-bound annotation, maybe discontinuous
* ``E1<TAB>Type:T4 Role:T3 Role:T2``    an event: its trigger, then role:argument pairs
* ``R1<TAB>Type Arg1:T1 Arg2:T2``       a binary relation
* ``A1<TAB>Type T1[ value]``            an attribute (``M`` is the old name)
* ``#``, ``N`` and ``*`` lines           notes, normalizations, equivalences: counted, kept out

:func:`parse_ann` returns what it read and every problem it found (malformed line, bad or
out-of-range offsets, stored text that differs from the ``.txt``, a reference to a missing
id, a repeated id), each naming the file and line. :func:`format_ann` writes the same
grammar back. Mapping types onto the scheme is :mod:`claimcorpus.corpora.brat_import`'s job.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from claimcorpus.core.problems import Problem

Fragment = tuple[int, int]


@dataclass(frozen=True)
class TextBound:
    """A ``T`` line: a typed span of one or more fragments of the text, in file order
    (brat keeps the order the annotator selected them in; the stored text follows it)."""

    id: str
    type: str
    fragments: tuple[Fragment, ...]
    text: str
    line: int = 0


@dataclass(frozen=True)
class Event:
    """An ``E`` line: ``Type:trigger`` and its (role, argument id) pairs in file order."""

    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    line: int = 0


@dataclass(frozen=True)
class Relation:
    """An ``R`` line: a typed relation, its (role, argument id) pairs (Arg1, Arg2)."""

    id: str
    type: str
    args: tuple[tuple[str, str], ...]
    line: int = 0


@dataclass(frozen=True)
class Attribute:
    """An ``A`` (or ``M``) line: a binary (value None) or valued attribute of an annotation."""

    id: str
    type: str
    target: str
    value: str | None
    line: int = 0


@dataclass
class Standoff:
    """Everything one ``.ann`` file holds that the importer can use, in file order."""

    textbounds: dict[str, TextBound] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)  # notes etc., by line kind


_T_HEAD = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_ID_TYPE = re.compile(r"^([ERAM]\d+)\t(.*)$")
_ROLE_ARG = re.compile(r"^([^\s:]+):(\S+)$")
_STARTS = re.compile(r"^(?:[TERAMN]\d+\t|#\d*\t|\*\t)")
_IGNORED = {"#": "note", "N": "normalization", "*": "equivalence"}


def stored_text(text: str, fragments: tuple[Fragment, ...]) -> str:
    """The text brat stores for these fragments: the pieces joined by one space."""
    return " ".join(text[a:b] for a, b in fragments)


class _Reader:
    """One pass over the lines of an ``.ann`` file; collects annotations and problems."""

    def __init__(self, content: str, text: str, file: str) -> None:
        self.lines = content.split("\n")
        self.text, self.file = text, file
        self.out = Standoff()
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}

    def problem(self, pid: str, line: int, msg: str, rec: str | None = None, fld=None) -> None:
        self.problems.append(Problem(pid, "error", f"{self.file}:{line}", msg, None, rec, fld))

    def claim_id(self, aid: str, line: int) -> bool:
        if aid in self.seen:
            self.problem(
                "brat-duplicate-id", line, f"id {aid} already used on line {self.seen[aid]}", aid
            )
            return False
        self.seen[aid] = line
        return True

    def run(self) -> None:
        i = 0
        while i < len(self.lines):
            raw, no = self.lines[i], i + 1
            i += 1
            if not raw.strip():
                continue
            kind = raw[0]
            if kind == "T":
                i += self.textbound(raw, no)
            elif kind in _IGNORED and _STARTS.match(raw):
                self.out.ignored[_IGNORED[kind]] += 1
            elif kind in "ERAM" and (m := _ID_TYPE.match(raw)):
                self.other(m.group(1), m.group(2), no)
            else:
                self.problem("brat-malformed-line", no, f"not a brat annotation line: {raw[:60]!r}")

    def textbound(self, raw: str, no: int) -> int:
        """Read a T line (and the lines its stored text runs on); return lines consumed."""
        m = _T_HEAD.match(raw)
        if not m:
            self.problem("brat-malformed-line", no, f"malformed T line: {raw[:60]!r}")
            return 0
        tid, typ, ranges = m.groups()
        frags = tuple((int(a), int(b)) for a, b in (r.split(" ") for r in ranges.split(";")))
        bad = [f for f in frags if f[0] >= f[1]]
        ordered = sorted(frags)
        overlap = any(ordered[k][1] > ordered[k + 1][0] for k in range(len(ordered) - 1))
        if bad or overlap:
            why = f"empty or reversed fragment {bad[0]}" if bad else "fragments overlap"
            self.problem("brat-offsets", no, f"{tid}: {why}", tid, "offsets")
            return 0
        if ordered[-1][1] > len(self.text):
            self.problem(
                "brat-span-out-of-range",
                no,
                f"{tid}: fragment {ordered[-1]} ends past the text ({len(self.text)} characters)",
                tid,
                "offsets",
            )
            return 0
        want = stored_text(self.text, frags)
        extra = want.count("\n")
        got = "\n".join([raw[m.end() :], *self.lines[no : no + extra]])
        if got != want:
            self.problem(
                "brat-text-mismatch",
                no,
                f"{tid}: stored text {got[:60]!r} differs from the .txt at {ranges} ({want[:60]!r})",
                tid,
                "text",
            )
            return 0
        if self.claim_id(tid, no):
            self.out.textbounds[tid] = TextBound(tid, typ, frags, want, no)
        return extra

    def other(self, aid: str, rest: str, no: int) -> None:
        """E, R, A and M lines."""
        parts = rest.split()
        kind = aid[0]
        if kind == "E":
            pairs = [_ROLE_ARG.match(p) for p in parts]
            if not parts or not all(pairs):
                self.problem("brat-malformed-line", no, f"malformed E line: {rest[:60]!r}", aid)
                return
            (typ, trigger), *args = [(p.group(1), p.group(2)) for p in pairs]
            if self.claim_id(aid, no):
                self.out.events[aid] = Event(aid, typ, trigger, tuple(args), no)
        elif kind == "R":
            pairs = [_ROLE_ARG.match(p) for p in parts[1:]]
            if len(parts) != 3 or not all(pairs):
                self.problem("brat-malformed-line", no, f"malformed R line: {rest[:60]!r}", aid)
                return
            if self.claim_id(aid, no):
                args = tuple((p.group(1), p.group(2)) for p in pairs)
                self.out.relations[aid] = Relation(aid, parts[0], args, no)
        else:
            if len(parts) not in (2, 3):
                self.problem("brat-malformed-line", no, f"malformed attribute: {rest[:60]!r}", aid)
                return
            if self.claim_id(aid, no):
                value = parts[2] if len(parts) == 3 else None
                self.out.attributes[aid] = Attribute(aid, parts[0], parts[1], value, no)

    def check_references(self) -> None:
        """Every E, R and A argument must name an annotation of this file."""
        ids = set(self.out.textbounds) | set(self.out.events) | set(self.out.relations)
        refs: list[tuple[str, int, str, str]] = []
        for e in self.out.events.values():
            refs += [(e.id, e.line, "trigger", e.trigger)]
            refs += [(e.id, e.line, role, arg) for role, arg in e.args]
        for r in self.out.relations.values():
            refs += [(r.id, r.line, role, arg) for role, arg in r.args]
        for a in self.out.attributes.values():
            refs += [(a.id, a.line, "target", a.target)]
        bad = {aid for aid, _, _, target in refs if target not in ids}
        for aid, line, role, target in refs:
            if target not in ids:
                self.problem(
                    "brat-missing-target",
                    line,
                    f"{aid}: {role} points at {target}, which this file does not define",
                    aid,
                    role,
                )
        for table in (self.out.events, self.out.relations, self.out.attributes):
            for aid in bad & set(table):
                del table[aid]


def parse_ann(content: str, text: str, file: str) -> tuple[Standoff, list[Problem]]:
    """Read one ``.ann`` against its ``.txt`` text; every problem names ``file:line``."""
    reader = _Reader(content, text, file)
    reader.run()
    reader.check_references()
    return reader.out, reader.problems


def format_ann(doc: Standoff) -> str:
    """The ``.ann`` text of ``doc``: T lines, then E, R and A lines, each in id order."""

    def order(aid: str) -> tuple[str, int]:
        return aid[0], int(aid[1:])

    lines = []
    for t in sorted(doc.textbounds.values(), key=lambda t: order(t.id)):
        ranges = ";".join(f"{a} {b}" for a, b in t.fragments)
        lines.append(f"{t.id}\t{t.type} {ranges}\t{t.text}")
    for e in sorted(doc.events.values(), key=lambda e: order(e.id)):
        args = "".join(f" {role}:{arg}" for role, arg in e.args)
        lines.append(f"{e.id}\t{e.type}:{e.trigger}{args}")
    for r in sorted(doc.relations.values(), key=lambda r: order(r.id)):
        lines.append(f"{r.id}\t{r.type} " + " ".join(f"{role}:{arg}" for role, arg in r.args))
    for a in sorted(doc.attributes.values(), key=lambda a: order(a.id)):
        lines.append(f"{a.id}\t{a.type} {a.target}" + (f" {a.value}" if a.value else ""))
    return "".join(line + "\n" for line in lines)
