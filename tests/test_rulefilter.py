"""normalize/rulefilter.py: the first vocabulary rule found in a few calls is the one the
plain loop over the rules finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.normalize import boilerplate
from claimcorpus.normalize.rulefilter import (
    NON_ASCII,
    RuleFilter,
    alternatives,
    first_chars,
    required,
    split_group,
)
from claimcorpus.normalize.vocabulary import Rule


def test_alternatives_split_only_at_the_top_level():
    assert alternatives(r"^a|(b|c)|[|]d|\|e") == ["^a", "(b|c)", "[|]d", r"\|e"]
    assert alternatives(r"[]|]x|y") == ["[]|]x", "y"]
    assert alternatives(r"[^]|]x|^y") == ["[^]|]x", "^y"]
    assert alternatives("^only") == ["^only"]


def _plain(rules, line: str, text: str, words: int):
    """The loop the filter replaces (boilerplate._vocabulary before issue 14)."""
    low = line.lower()
    for rule in rules:
        if rule.max_words is not None and words > rule.max_words:
            continue
        if rule.needs is not None and not rule.needs.search(low):
            continue
        if rule.pattern.search(text) or (text != line and rule.pattern.search(line)):
            return rule
    return None


RULES = (
    Rule("a", "", re.compile(r"^home\b", re.I), max_words=3),
    Rule("b", "", re.compile(r"x$|^start", re.I), needs=re.compile("x|start")),
    Rule("c", "", re.compile(r"^Home(?=[A-Z])"), needs=re.compile("home")),
    Rule("d", "", re.compile(r"^source\b", re.I)),
    Rule("e", "", re.compile(r"\bcookie\b.*\baccept\b", re.I), needs=re.compile("cookie")),
)
_WORDS = ["home", "Home", "HomeWorld", "start", "x", "source", "ſource", "cookie", "accept", "K"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6), st.integers(0, 8))
def test_first_is_the_plain_loop(words, count):
    f = RuleFilter(RULES)
    line = " ".join(words)
    for text in (line, line.lstrip("Hh")):
        assert f.first(line, text, line.lower(), count) is _plain(RULES, line, text, count)


def test_a_start_rule_with_a_filter_keeps_its_filter():
    """ "ſource" matches ^source under IGNORECASE, but its lower case has no "source": the
    plain loop skips a rule whose filter fails, and so does the filter."""
    rule = Rule("s", "", re.compile(r"^source", re.I), needs=re.compile("source"))
    assert RuleFilter([rule]).first("ſource x", "ſource x", "ſource x", 2) is None
    assert RuleFilter([rule]).first("source x", "source x", "source x", 2) is rule


def test_the_filter_is_built_for_the_detector_rules():
    boilerplate.classify(["Menu"])
    assert boilerplate._FILTER[0].rules is boilerplate.RULES


@pytest.mark.parametrize(
    "pattern",
    [
        re.compile("^b", re.M),
        re.compile(r"^(a)x\1"),
        re.compile(r"^(?P<n>a)(?P=n)"),
        re.compile("^ a", re.X),
    ],
)
def test_a_rule_the_filter_cannot_merge_is_tried_on_its_own(pattern):
    """A flag other than the case flag, a named group, a backreference: merged into one
    pattern these would change meaning (a \\1 would name another group), so such a rule is
    tried alone; it fires exactly where the plain loop says."""
    rules = (Rule("m", "", pattern), RULES[0])
    f = RuleFilter(rules)
    for line in ["a\nb", "axa", "aa", "a", "home x", "b"]:
        assert f.first(line, line, line.lower(), 2) is _plain(rules, line, line, 2)


def test_a_replaced_rule_tuple_is_what_the_detector_uses(monkeypatch):
    """RULES is the detector's extension point: a rule added at run time fires, a rule taken
    out no longer does (the filter is rebuilt for the new tuple)."""
    line = "Zebra crossing notice"
    assert boilerplate.classify([line]) == [None]
    added = Rule("test-rule", "added by a test", re.compile(r"^zebra\b", re.I))
    monkeypatch.setattr(boilerplate, "RULES", (*boilerplate.RULES, added))
    assert boilerplate.classify([line]) == [added]
    assert boilerplate.classify(["Menu"])[0].id == "navigation"
    kept = tuple(r for r in boilerplate.RULES if r.id != "navigation")
    monkeypatch.setattr(boilerplate, "RULES", kept)
    assert boilerplate.classify(["Menu"]) == [None]


def test_first_chars_reads_the_characters_a_start_rule_can_begin_with():
    assert first_chars(r"(?i:^home\b)") == {"h", "H"}
    assert first_chars(r"(?i:^(?:posted |written )?by\s)") == set("pPwWbB")
    digits = first_chars(r"(?i:^\d+ comments?)")
    assert digits is not None and set("0123456789") <= digits and NON_ASCII in digits
    assert first_chars("(?i:^\u212a)") == {"k", "K", NON_ASCII}  # the Kelvin sign folds to k
    assert first_chars(r"(?i:^[^>]{1,4}x)") is None  # a negated class: anything may start it
    assert first_chars(r"(?i:^(?=.*a)b)") is None  # a lookahead
    assert first_chars(r"(?i:^a?)") is None  # may match nothing


def test_required_reads_the_strings_a_whole_line_lookahead_needs():
    pattern = r"(?i:^(?=.*\b(?:subscribe|follow)\b)(?=.*\btelegram\b))"
    assert required(pattern) == ("subscribe", "follow")
    assert required(r"(?i:^(?=.*\bTelegram\b))") == ("telegram",)
    assert required(r"(?i:^home)") is None
    assert required(r"(?i:^(?=.*\b\w+ing\b))") is None  # not literals


DISPATCH_RULES = (
    Rule("kelvin", "", re.compile(r"^kelvin\b", re.I)),
    Rule("s", "", re.compile(r"^(?:posted )?sub\w*", re.I), max_words=4),
    Rule("f", "", re.compile(r"^(?=.*\b(?:follow|sub)\b)(?=.*\btelegram\b)", re.I)),
    Rule("d", "", re.compile(r"^\d+ (?:comments?|ıx)", re.I)),
    Rule("i", "", re.compile(r"^i\w+$", re.I)),
    Rule("cyr", "", re.compile(r"^дом\b", re.I)),
    Rule("any", "", re.compile(r"^[^>]{1,10} > \w+$", re.I)),
)
_DISPATCH_WORDS = [
    "kelvin",
    "\u212aelvin",
    "Kelvin",
    "sub",
    "ſub",
    "SUB",
    "posted",
    "follow",
    "telegram",
    "ſollow",
    "3",
    "٣",
    "comments",
    "ıx",
    "İx",
    "ix",
    "Дом",
    "дом",
    ">",
    "x",
    "ſ",
    "İ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_DISPATCH_WORDS), min_size=1, max_size=6), st.integers(0, 8))
def test_first_character_dispatch_is_the_plain_loop(words, count):
    """The start pattern cut down to the alternatives a line's first character allows (and
    without a lookahead whose strings the ASCII line lacks) finds the rule the plain loop
    finds, on lines starting with characters IGNORECASE folds to ASCII ones ("ſ", "K")."""
    f = RuleFilter(DISPATCH_RULES)
    line = " ".join(words)
    for text in (line, line[1:] or line):
        want = _plain(DISPATCH_RULES, line, text, count)
        assert f.first(line, text, line.lower(), count) is want


def test_split_group_gives_one_start_alternative_per_branch():
    assert split_group(r"^(?:skip|close|home(?:page)?)$") == [
        "^(?:skip)$",
        "^(?:close)$",
        "^(?:home(?:page)?)$",
    ]
    assert split_group(r"^(?:a|b)+x") == [r"^(?:a|b)+x"]  # a repeat of the group: kept whole
    assert split_group(r"^(?>a|b)c") == [r"^(?>a|b)c"]  # atomic: kept whole
    assert split_group(r"^(?:[|)]|b)c") == [r"^(?:[|)])c", r"^(?:b)c"]
    assert split_group(r"^home\b") == [r"^home\b"]


_PIECES = ["cookie", "cook", "ie", "(", "photo", "pho", "to", "http", "contact", " ", "x", "ß", "İ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), max_size=6))
def test_present_finds_every_filter_string_of_each_line(lines):
    """One pass over the page finds, per line, exactly the filter strings the line holds
    (overlapping ones and one inside another too), and the rule found with them is the
    rule found by looking for each string in the line."""
    f = RuleFilter(boilerplate.RULES)
    lows = [x.lower() for x in lines]
    strings = {s for lits in f._lit_sets.values() for s in lits}
    got = f.present(lows)
    assert got == [{s for s in strings if s in low} for low in lows]
    for line, low, has in zip(lines, lows, got, strict=True):
        for words in (1, 5, 40):
            assert f.first(line, line, low, words, has) is f.first(line, line, low, words)
