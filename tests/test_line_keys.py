"""repetition.line_keys: every line's key in a few calls over the whole list is the key
``line_key`` gives that line alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.normalize.repetition import LEAD, TRAIL, line_key, line_keys

# digits of several scripts, white space a line may hold inside it (not a line end for the
# normalizer), characters whose case folding grows or changes them, quotes, bullets
_CHARS = "aZ ß İŉΣσς09٣५\t\u00a0\u2028\x85\x0b’'“-|•»:x" + LEAD + TRAIL


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_CHARS, max_size=12), max_size=8))
def test_line_keys_are_line_key_of_each_line(lines):
    assert line_keys(lines) == [line_key(x) for x in lines]


def test_line_keys_of_no_lines_and_of_empty_keys():
    assert line_keys([]) == []
    assert line_keys(["•", "  ", "A 1"]) == ["", "", "a 0"]
