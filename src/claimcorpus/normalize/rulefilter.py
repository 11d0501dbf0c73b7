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
* the engine tries the start pattern's alternatives one after the other (some 200 once a
  rule's group of phrases is split into one alternative per phrase, ``split_group``), so a
  line is matched only against the alternatives its first character can begin
  (``first_chars``, read from the parsed pattern, IGNORECASE folds such as the Kelvin sign
  kept) and without a whole-line lookahead whose strings an ASCII line lacks
  (``required``); the others cannot match there, and the first that matches is the same;
* the filter strings are looked for once per page, not once per line and string: one
  Aho-Corasick pass (``present``, pyahocorasick) over the page's lower-cased lines gives each
  line the set of strings it holds, and a gate is then one set intersection.

A rule is merged into the start pattern only when its pattern means the same there (the case
flag alone, no named group, no backreference) and it has no filter; any other rule is tried
on its own, in its place, as the plain loop tries it.

The filter never decides which rule fires: when it says "maybe", the rules run as before, in
order; when it says "no", no rule's pattern (or filter) could have matched.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import NamedTuple

import ahocorasick

from claimcorpus.normalize.regexstart import (
    FOLDS_TO_ASCII,
    NON_ASCII,
    alternatives,
    first_chars,
    required,
    split_group,
)
from claimcorpus.normalize.vocabulary import Rule

__all__ = ["NON_ASCII", "RuleFilter", "alternatives", "first_chars", "required", "split_group"]


def _scoped(rule: Rule, alt: str) -> str:
    return f"(?{'i' if rule.pattern.flags & re.IGNORECASE else '-i'}:{alt})"


def _literals(needs: re.Pattern[str]) -> tuple[str, ...] | None:
    """The strings of a filter made by ``vocabulary.any_of`` (an alternation of escaped literals), to test
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
        # the same gates and filters as sets, for the strings ``present`` finds on a page
        self._gate_sets = [None if g is None else frozenset(g) for _, g in self._later]
        self._lit_sets = {i: frozenset(lits) for i, _, lits in anywhere if lits is not None}
        self._automaton = _automaton({x for lits in self._lit_sets.values() for x in lits})

    def present(self, lows: list[str]) -> list[frozenset[str]]:
        """Per line, the filter strings (of every rule's ``needs``) its lower-cased text
        ``lows[i]`` holds: one Aho-Corasick pass over the page's lines joined by "\\n" (no
        string holds a line end, so a string found lies within one line) instead of a
        substring test per string and line (``first`` takes them as ``present``)."""
        out = [_NOTHING] * len(lows)
        if self._automaton is None or not lows:
            return out
        starts = list(accumulate((len(x) + 1 for x in lows), initial=0))
        found: dict[int, set[str]] = {}
        for end, lit in self._automaton.iter("\n".join(lows)):
            found.setdefault(bisect_right(starts, end) - 1, set()).add(lit)
        for i, lits in found.items():
            out[i] = frozenset(lits)
        return out

    def _start_for(self, bracket: int, s: str, low: str | None) -> re.Pattern[str] | None:
        """The start pattern of ``bracket`` for ``s``: only the alternatives that can begin
        with its first character when that is ASCII, and none whose ``required`` strings
        ``low`` (the lower-cased ASCII line holding ``s``; None if not ASCII) lacks."""
        c = s[:1]
        if c > "\x7f":
            c = "" if FOLDS_TO_ASCII.match(c) else NON_ASCII
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

    def first(
        self, line: str, text: str, low: str, words: int, present: frozenset[str] | None = None
    ) -> Rule | None:
        """The first rule, in order, whose pattern matches ``text`` or ``line`` (each rule
        held to its ``max_words`` and its filter on ``low``), as the plain loop finds it.
        ``present``: the filter strings ``low`` holds (``present()``), when the caller has
        them; else each is looked for in ``low``."""
        bracket = bisect_left(self._limits, words)  # the rules a line of this length allows
        ascii_low = low if line.isascii() else None
        best = self._first_start(text, self._start_for(bracket, text, ascii_low))
        if text != line:
            best = min(best, self._first_start(line, self._start_for(bracket, line, ascii_low)))
        later, gate = self._later[bracket]
        if gate is not None and (
            present.isdisjoint(self._gate_sets[bracket])  # type: ignore[arg-type]
            if present is not None
            else not any(map(low.__contains__, gate))
        ):
            later = []  # no filter of those rules matches: none of them is tried
        for i, rule, lits in later:
            if i > best:
                break
            if lits is not None:
                if (
                    present.isdisjoint(self._lit_sets[i])
                    if present is not None
                    else not any(map(low.__contains__, lits))  # C-level loop, no generator
                ):
                    continue
            elif rule.needs is not None and not rule.needs.search(low):
                continue
            if rule.pattern.search(text) or (text != line and rule.pattern.search(line)):
                return rule
        return self.rules[best] if best < len(self.rules) else None


_NOTHING: frozenset[str] = frozenset()


def _automaton(strings: set[str]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton finding every one of ``strings`` (None when there are
    none, or one holds a line end, which ``present`` joins the lines with)."""
    if not strings or any("\n" in x for x in strings):
        return None
    automaton = ahocorasick.Automaton()
    for x in sorted(strings):
        automaton.add_word(x, x)
    automaton.make_automaton()
    return automaton


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
