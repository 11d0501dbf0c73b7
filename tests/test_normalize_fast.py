"""The one-pass normalizer gives exactly what the old line-by-line one gave, for every input.

``reference_normalize`` is the normalizer before issue 14, kept verbatim. Every field of the
result is compared (text, paragraphs, sentences, exclusions, offset map, title, notices), or
the error message when the input is refused: on adversarial text (CR, CRLF, lone CR, Unicode
spaces, control and zero-width characters, NFC-changing sequences, empty and very long
lines, boilerplate and headline lines), on arbitrary Unicode text, and on the seeds and every
text fixture of the test suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import reference_normalize as ref
from conftest import REPO, SEEDS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimcorpus.core.problems import InputError
from claimcorpus.normalize import segment, text
from claimcorpus.normalize.text import fold, normalize_bytes

ALL_CHARS = "".join(map(chr, range(0x110000)))


def outcome(fn, data: bytes) -> tuple:
    """Everything a normalizer gives for ``data``, or the message it refuses it with."""
    try:
        n = fn(data, "doc.txt")
    except InputError as exc:
        return ("refused", str(exc))
    return (
        n.text,
        n.paragraphs,
        n.sentences,
        n.exclusions,
        n.offset_map(),
        n.title,
        n.notices,
    )


def assert_same(data: bytes) -> None:
    assert outcome(normalize_bytes, data) == outcome(ref.normalize_bytes, data)


_PIECES = [
    # words, abbreviations, sentence ends
    "China",
    "said",
    "Officials",
    "Dr.",
    "U.S.",
    "etc.",
    "Gen.",
    "e.g.",
    ".",
    ". ",
    "? ",
    "!? ",
    '." ',
    "\u201d ",
    "\u201cWe",
    "(",
    "A",
    "7",
    "x" * 40 + ".",  # a word longer than segment.WINDOW before a point
    "A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q.R.S.",
    # white space: ASCII, Unicode spaces, separators that are not line ends
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1f",
    # control and zero-width characters
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\x9f",
    "\u00ad",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    # line ends, empty lines
    "\n",
    "\r\n",
    "\r",
    "\n\r",
    "\r\r\n",
    "\n\n",
    "\n \t\n",
    "\n\u00a0\u200b\n",
    # NFC-changing sequences, and text already in NFC
    "e\u0301",
    "\u212b",
    "A\u030a",
    "\u1100\u1161",
    "\u1100\u1161\u11a8",
    "a\u0323\u0301",
    "a\u0301\u0323",
    "\u0344",
    "\u0958",
    "\u0301",
    "\u00e9",
    "\u041b\u0438\u0443",
    "\u4e2d\u6587",
    "\U0001f642",
    # boilerplate and headline lines
    "\nLeave a Comment\n",
    "\nSource link\n",
    "\nShare\n",
    "\nHome | News | Politics | Sport\n",
    "\nBy Jane Doe and John Roe, Reuters\n",
    "\nPublished 12 March 2024, 14:05 GMT\n",
    "\nHeadline about the port talks\n",
    "\nHeadline about the port talks in Kyiv today\n",
    "\nua en ru\n",
]
_LONG = ["word " * 1500, "Mr. Said. " * 300, "\u00e9t\u00e9\u00a0 " * 800]  # very long lines
_piece = st.sampled_from(_PIECES + _LONG)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece, min_size=1, max_size=80), st.booleans())
@example(["\ufeff", "Officials said so."], False)
@example([" ", "a"], False)
@example(["a", " "], True)
@example(["\r\n", "\n"], False)
@example(["\ufeff"], False)  # nothing but junk: refused alike
@example(["\u200b\n \r\x85"], False)
@example(["\x00", "China"], False)  # a NUL byte: refused alike
def test_adversarial_text_normalizes_exactly_as_before(pieces, lead):
    raw = ("Officials said " if lead else "") + "".join(pieces)
    assert_same(raw.encode())


_any_char = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=400, deadline=None)
@given(st.text(_any_char, min_size=1, max_size=400))
def test_arbitrary_unicode_normalizes_exactly_as_before(raw):
    assert_same(raw.encode())


@settings(max_examples=400, deadline=None)
@given(st.text(_any_char, max_size=200))
def test_fold_is_unchanged(fragment):
    assert fold(fragment) == ref.fold(fragment)


def _fixture_texts() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    files += sorted(p for p in (REPO / "tests" / "fixtures").rglob("*") if p.is_file())
    return files


@pytest.mark.parametrize("path", _fixture_texts(), ids=lambda p: p.name)
def test_seeds_and_fixtures_normalize_exactly_as_before(path: Path):
    assert_same(path.read_bytes())


def test_each_labelled_boilerplate_page_normalizes_exactly_as_before():
    pages = (REPO / "tests/fixtures/boilerplate/pages.txt").read_text(encoding="utf-8")
    blocks = pages.split("\n### ")[1:]
    assert len(blocks) >= 15
    for block in blocks:
        rows = [line.partition("\t")[2] for line in block.splitlines()[1:] if "\t" in line]
        assert_same("\n".join(rows).encode())
        assert_same("\r\n\r\n".join(rows).encode())


_segment_text = st.lists(
    st.sampled_from(_PIECES[:20] + [" ", "  ", "\t", "\u00a0", "\n", "\u2028", "word", "Mr."]),
    max_size=60,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_segment_text, st.data())
def test_sentences_are_unchanged_on_any_text(s, data):
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, len(s)))
    assert segment.sentences(s, start, end) == ref.sentences(s, start, end)
    assert segment.sentences(s) == ref.sentences(s)


def test_a_long_word_before_a_point_is_looked_up_whole():
    """The abbreviation look-back searches a window; a word reaching past it is read whole."""
    word = "A." * (segment.WINDOW // 2 + 5)  # an initialism longer than the window
    s = f"The {word} Team won. He left."
    assert segment.sentences(s) == ref.sentences(s) == [(0, len(s) - 9), (len(s) - 8, len(s))]


def test_spaces_are_exactly_what_python_calls_white_space():
    assert set(text.SPACES) == {c for c in ALL_CHARS if c.isspace()}
    assert set(text.SPACES) == set(re.findall(r"\s", ALL_CHARS))


def test_junk_is_exactly_the_old_rules_character_class():
    old = set(re.findall(rf"[\s{ref._CTL}]", ALL_CHARS))
    assert set(text.JUNK) == old
    assert set(re.findall(rf"[{text._J}]", ALL_CHARS)) == old
