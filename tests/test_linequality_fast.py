"""linequality.info counts an ASCII line's words with an ASCII-only pattern: the same
count as the general word pattern."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.normalize import linequality as lq


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_ascii_word_count_is_the_general_one(line):
    assert lq.info(line).words == len(lq._WORD.findall(line))


def test_ascii_word_count_examples():
    assert lq.info("U.S. co-operation, 2,000 can't-stop _x_").words == 6  # 2,000: two
    assert lq.info("a.-b --- 'c'").words == 3
