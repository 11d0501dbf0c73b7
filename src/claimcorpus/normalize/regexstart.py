"""What a start-anchored regular expression can begin with, read from its parsed form.

The rule filter (rulefilter.py) tries a line only against the start alternatives its first
character allows; this module says which those are. It reads patterns with the standard
library's own parser (``re._parser``, a private module: used here and nowhere else), so the
answer is the engine's reading of the pattern, not a guess from its text. Every answer is a
superset: a character it leaves out cannot begin a match, and None means "any may".
"""

from __future__ import annotations

import re
import re._constants as sre_c  # the parser's opcodes
import re._parser as sre_parse  # the stdlib's private parser: only in this module


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
FOLDS_TO_ASCII = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
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
    under IGNORECASE (see ``FOLDS_TO_ASCII``).

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
