"""The first vocabulary rule that fires on a line, in a few regex calls instead of 45.

``boilerplate._vocabulary`` tries some 45 rules in order, one search each; a sentence of an
article matches none of them, so most of that work finds nothing. This filter decides first,
exactly, whether any rule could match, and the rules are tried only when one could:

* every rule's pattern is split into its top-level alternatives; an alternative that starts
  with ``^`` can only match at the line's start, so all of them (each with its rule's case
  flag) make one pattern tried with ``match``: one call instead of a search per rule;
* an alternative that can match anywhere belongs to a rule with a cheap filter (``needs``),
  which must match the lower-cased line for the rule to be tried at all: those filters make
  one more pattern; a rule with such an alternative and no filter is always tried;
* a rule with ``max_words`` cannot fire on a longer line, so there is one start pattern per
  word-count bracket, holding only the rules that line length allows;
* the engine tries the start pattern's alternatives one after the other (some 200, most of
  the filter's time on a line no rule names), so a line that starts with an ASCII character
  is matched against only the alternatives that can start with it (``first_chars``, read
  from the parsed pattern); the others cannot match there, and the first alternative that
  matches is the same.

A rule is merged into the start pattern only when its pattern means the same there (the case
flag alone, no named group, no backreference) and it has no filter; any other rule is tried
on its own, in its place, as the plain loop tries it.

The filter never decides which rule fires: when it says "maybe", the rules run as before, in
order; when it says "no", no rule's pattern (or filter) could have matched.
"""

from __future__ import annotations

import re
import re._constants as sre_c  # the parser's opcodes: only in first_chars
import re._parser as sre_parse  # the stdlib's private parser: only in first_chars
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from claimcorpus.normalize.vocabulary import Rule


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (``a|(b|c)|d``: a, (b|c), d)."""
    out: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1  # a "]" first in a class is a literal
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


_CATEGORIES = {  # the ASCII characters a class escape accepts
    sre_c.CATEGORY_DIGIT: r"\d",
    sre_c.CATEGORY_SPACE: r"\s",
    sre_c.CATEGORY_WORD: r"\w",
}
_ASCII = [chr(c) for c in range(128)]
_OTHER = -1  # in a first set: some characters outside ASCII (a class escape's)
# a character outside ASCII that IGNORECASE matches to an ASCII one ("ſ", "K", "İ")
_FOLDS_TO_ASCII = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
NON_ASCII = "\x80"  # the first-character key of a line starting outside ASCII


def _class_first(items: list) -> set[int] | None:
    """The code points a character class accepts that matter for an ASCII first character
    (every ASCII one and every other one listed); None for a negated class."""
    out: set[int] = set()
    for op, arg in items:
        if op is sre_c.LITERAL:
            out.add(arg)
        elif op is sre_c.RANGE and arg[1] - arg[0] < 4096:
            out.update(range(arg[0], arg[1] + 1))
        elif op is sre_c.CATEGORY and arg in _CATEGORIES:
            # outside ASCII these classes hold no character that folds to an ASCII one
            # that is not in them already; OTHER: and characters outside ASCII
            out.update(ord(c) for c in _ASCII if re.match(_CATEGORIES[arg], c))
            out.add(_OTHER)
        else:
            return None
    return out


def _item_first(op: object, arg: object) -> tuple[set[int] | None, bool]:
    """(the code points a match of one parsed item can begin with, whether it may match
    the empty string); None when that is not known (any character, a negation, a
    lookaround or another assertion)."""
    if op is sre_c.LITERAL:
        return {arg}, False  # type: ignore[arg-type]
    if op is sre_c.IN:
        return _class_first(arg), False  # type: ignore[arg-type]
    if op is sre_c.AT and arg in (sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING):
        return set(), True  # zero width, and true where ``match`` tries
    if op is sre_c.SUBPATTERN:
        return _seq_first(arg[3])  # type: ignore[index]
    if op is sre_c.BRANCH:
        firsts = [_seq_first(b) for b in arg[1]]  # type: ignore[index]
        if any(f is None for f, _ in firsts):
            return None, False
        return set().union(*(f for f, _ in firsts)), any(e for _, e in firsts)  # type: ignore[arg-type]
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
        first, empty = _seq_first(arg[2])  # type: ignore[index]
        return first, empty or arg[0] == 0  # type: ignore[index]
    return None, False


def _seq_first(seq: sre_parse.SubPattern) -> tuple[set[int] | None, bool]:
    """``_item_first`` of a sequence: its first item's, and the next one's while the items
    before may match the empty string."""
    acc: set[int] = set()
    for op, arg in seq:
        first, empty = _item_first(op, arg)
        if first is None:
            return None, False
        acc |= first
        if not empty:
            return acc, False
    return acc, True


def first_chars(alt: str) -> frozenset[str] | None:
    """The characters a line must start with for the start-anchored regex ``alt`` to
    ``match`` it, read from the parsed pattern; None when any may do (a class by negation,
    any character, a lookahead, a match of nothing). ASCII ones are given as themselves;
    ``NON_ASCII`` stands for every character outside ASCII that no ASCII one matches
    under IGNORECASE (see ``_FOLDS_TO_ASCII``).

    Both cases of every letter count, and so do the ASCII characters a character outside
    ASCII matches under IGNORECASE ("K", the Kelvin sign, matches "k"): a superset of the
    characters that can begin a match, whatever the pattern's case flag."""
    first, empty = _seq_first(sre_parse.parse(alt))
    if first is None or empty:
        return None
    out: set[str] = set()
    for code in first:
        if code == _OTHER:
            out.add(NON_ASCII)
            continue
        c = chr(code)
        if c.isascii():
            out |= {c, c.lower(), c.upper()}
        else:
            out.add(NON_ASCII)
            folds = re.compile(re.escape(c), re.IGNORECASE)
            out |= {a for a in _ASCII if folds.fullmatch(a)}
    return frozenset(out)


def _literal_run(seq: sre_parse.SubPattern) -> str | None:
    """The string a sequence of literals (and word boundaries) matches; None otherwise."""
    chars = []
    for op, arg in seq:
        if op is sre_c.LITERAL:
            chars.append(chr(arg))
        elif not (op is sre_c.AT and arg is sre_c.AT_BOUNDARY):
            return None
    return "".join(chars)


def required(alt: str) -> tuple[str, ...] | None:
    """For a rule that starts with a lookahead over the whole line, ``^(?=.*\\b(?:a|b)\\b)``
    (the engine runs it to the line's end and back on every line): the ASCII strings, lower
    case, one of which an ASCII line must hold for ``alt`` to match it; None for any other
    form. (Outside ASCII IGNORECASE folds other characters too: "ſ" matches "s".)"""
    seq = list(sre_parse.parse(alt))
    while len(seq) == 1 and seq[0][0] is sre_c.SUBPATTERN:
        seq = list(seq[0][1][3])
    seq = [x for x in seq if x != (sre_c.AT, sre_c.AT_BEGINNING)]
    if not seq or seq[0][0] is not sre_c.ASSERT or seq[0][1][0] != 1:
        return None
    body = list(seq[0][1][1])
    if not body or body[0][0] is not sre_c.MAX_REPEAT:
        return None
    lo, hi, item = body[0][1]
    if (lo, hi, list(item)) != (0, sre_c.MAXREPEAT, [(sre_c.ANY, None)]):
        return None
    rest = [x for x in body[1:] if x != (sre_c.AT, sre_c.AT_BOUNDARY)]
    while len(rest) == 1 and rest[0][0] is sre_c.SUBPATTERN:
        rest = [x for x in rest[0][1][3] if x != (sre_c.AT, sre_c.AT_BOUNDARY)]
    branches = rest[0][1][1] if len(rest) == 1 and rest[0][0] is sre_c.BRANCH else [rest]
    out = [_literal_run(b) for b in branches]
    if any(x is None or not x or not x.isascii() for x in out):
        return None
    return tuple(x.lower() for x in out if x is not None)


def _group_end(pattern: str, start: int) -> int | None:
    """The index of the ")" that closes the group opened at ``pattern[start]``."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


_NOT_SPLIT = re.compile(r"\(\?>|[*+?}]\+")  # an atomic group or a possessive repeat


def split_group(alt: str) -> list[str]:
    """``^(?:a|b|c)rest`` as ``^(?:a)rest``, ``^(?:b)rest``, ``^(?:c)rest``: a line matches
    the one when it matches one of the others (a backtracking match tries every branch with
    the rest), and each of them has its own first characters (``first_chars``), so a line
    is tried against the few its start allows rather than against all. Any other form, a
    repeat after the group or an atomic part, stays whole."""
    if not alt.startswith("^(?:") or _NOT_SPLIT.search(alt):
        return [alt]
    end = _group_end(alt, 1)
    if end is None or alt[end + 1 : end + 2] in ("*", "+", "?", "{"):
        return [alt]
    parts = alternatives(alt[4:end])
    return [f"^(?:{p}){alt[end + 1 :]}" for p in parts] if len(parts) > 1 else [alt]


def _scoped(rule: Rule, alt: str) -> str:
    return f"(?{'i' if rule.pattern.flags & re.IGNORECASE else '-i'}:{alt})"


def _literals(needs: re.Pattern[str]) -> tuple[str, ...] | None:
    """The strings of a filter made by ``_any`` (an alternation of escaped literals), to test
    with ``in`` (faster than a search); None for any other pattern."""
    lits = tuple(re.sub(r"\\(.)", r"\1", a) for a in alternatives(needs.pattern))
    return lits if "|".join(map(re.escape, lits)) == needs.pattern else None


_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # a backreference or a conditional group


def _mergeable(rule: Rule) -> bool:
    """Whether the rule's pattern means the same inside a larger one: no flag but the case
    flag (scoped to its group), no named group, no reference to a group by number or name.
    Any other rule (one a caller adds with re.M, say) is tried on its own, as before."""
    p = rule.pattern
    return (
        not p.flags & ~(re.IGNORECASE | re.UNICODE)
        and not p.groupindex
        and not _REFERENCE.search(p.pattern)
    )


def _gate(filters: list[tuple[str, ...] | None]) -> tuple[str, ...] | None:
    """The strings one of which a line must hold for any of these filters to pass (None:
    some rule has no filter of strings); a string holding a shorter one is left out."""
    if any(f is None for f in filters):
        return None
    lits = sorted({x for f in filters for x in f if f is not None}, key=len)
    out: list[str] = []
    for x in lits:
        if not any(y in x for y in out):
            out.append(x)
    return tuple(out)


class _Alt(NamedTuple):
    """A start-anchored alternative of a rule, scoped to the rule's case flag."""

    text: str
    chars: frozenset[str] | None  # first_chars
    required: tuple[str, ...] | None  # required


class RuleFilter:
    """The first of ``rules`` that matches a line, found with few regex calls."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules  # the very sequence given: a caller can tell when it was replaced
        starts: list[tuple[int | None, int, list[_Alt]]] = []  # (max_words, rule, alternatives)
        # rules that can match anywhere, by index, with their filter's strings
        anywhere: list[tuple[int, Rule, tuple[str, ...] | None]] = []
        for i, rule in enumerate(rules):
            alts = alternatives(rule.pattern.pattern)
            if rule.needs is None and _mergeable(rule) and all(a.startswith("^") for a in alts):
                scoped = [_scoped(rule, b) for a in alts for b in split_group(a)]
                starts.append(
                    (rule.max_words, i, [_Alt(a, first_chars(a), required(a)) for a in scoped])
                )
            else:
                lits = None if rule.needs is None else _literals(rule.needs)
                anywhere.append((i, rule, lits))
        self._limits = sorted({m for m, _, _ in starts if m is not None})
        self._starts: list[re.Pattern[str] | None] = []
        self._bracket_starts: list[list[tuple[int, list[_Alt]]]] = []
        self._guarded: list[list[_Alt]] = []  # by bracket: the alternatives with ``required``
        # (bracket, first character, guarded alternatives ruled out) -> their start pattern
        self._by_char: dict[tuple[int, str, tuple[str, ...]], re.Pattern[str] | None] = {}
        self._later: list[
            tuple[list[tuple[int, Rule, tuple[str, ...] | None]], tuple[str, ...] | None]
        ] = []
        for lo in [0, *(m + 1 for m in self._limits)]:  # the bracket of lines with >= lo words
            allowed = [(i, alts) for m, i, alts in starts if m is None or m >= lo]
            self._bracket_starts.append(allowed)
            self._guarded.append([a for _, alts in allowed for a in alts if a.required])
            self._starts.append(_start_pattern(allowed, None, ()))
            later = [x for x in anywhere if x[1].max_words is None or x[1].max_words >= lo]
            self._later.append((later, _gate([lits for _, _, lits in later])))

    def _start_for(self, bracket: int, s: str, low: str | None) -> re.Pattern[str] | None:
        """The start pattern of ``bracket`` for ``s``: only the alternatives that can begin
        with its first character when that is ASCII, and none whose ``required`` strings
        ``low`` (the lower-cased ASCII line holding ``s``; None if not ASCII) lacks."""
        c = s[:1]
        if c > "\x7f":
            c = "" if _FOLDS_TO_ASCII.match(c) else NON_ASCII
        out: tuple[str, ...] = ()
        if low is not None:
            out = tuple(
                a.text
                for a in self._guarded[bracket]
                if not any(map(low.__contains__, a.required or ()))
            )
        if not c and not out:
            return self._starts[bracket]
        key = (bracket, c, out)
        if key not in self._by_char:
            self._by_char[key] = _start_pattern(self._bracket_starts[bracket], c or None, out)
        return self._by_char[key]

    def _first_start(self, s: str, start: re.Pattern[str] | None) -> int:
        """The index of the first start-anchored rule matching ``s``, or len(rules)."""
        m = None if start is None else start.match(s)
        if m is None:
            return len(self.rules)
        return min(int(k[1:]) for k, v in m.groupdict().items() if v is not None)

    def first(self, line: str, text: str, low: str, words: int) -> Rule | None:
        """The first rule, in order, whose pattern matches ``text`` or ``line`` (each rule
        held to its ``max_words`` and its filter on ``low``), as the plain loop finds it."""
        bracket = bisect_left(self._limits, words)  # the rules a line of this length allows
        ascii_low = low if line.isascii() else None
        best = self._first_start(text, self._start_for(bracket, text, ascii_low))
        if text != line:
            best = min(best, self._first_start(line, self._start_for(bracket, line, ascii_low)))
        later, gate = self._later[bracket]
        if gate is not None and not any(map(low.__contains__, gate)):
            later = []  # no filter of those rules matches: none of them is tried
        for i, rule, lits in later:
            if i > best:
                break
            if lits is not None:
                if not any(map(low.__contains__, lits)):  # C-level loop, no generator
                    continue
            elif rule.needs is not None and not rule.needs.search(low):
                continue
            if rule.pattern.search(text) or (text != line and rule.pattern.search(line)):
                return rule
        return self.rules[best] if best < len(self.rules) else None


def _start_pattern(
    rules: list[tuple[int, list[_Alt]]], first: str | None, out: tuple[str, ...]
) -> re.Pattern[str] | None:
    """One named group per rule (in rule order) of its alternatives that can begin with the
    character ``first`` (all of them when None) and are not ``out``; None when none is left."""
    groups = []
    for i, alts in rules:
        kept = [
            a.text
            for a in alts
            if (first is None or a.chars is None or first in a.chars) and a.text not in out
        ]
        if kept:
            groups.append(f"(?P<r{i}>{'|'.join(kept)})")
    return re.compile("|".join(groups)) if groups else None
