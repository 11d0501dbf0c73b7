"""The faster boilerplate detector decides exactly as the one before it, on any input.

``reference_boilerplate`` is the detector (and the modules it uses) before issue 14's speed
work, kept verbatim. For each document both give every line's rule (id, reason, block) and
the title line, with and without site repetition (``repeated``): on hypothesis mixtures of
the fixtures', the seeds' and the UI vocabulary's lines (changed in case, bullets, digits,
quotes, spacing and length), on arbitrary text, on every fixture and seed, and on the
PolNeAR texts when the shared copy is there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, SEEDS, require_file
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reference_boilerplate import boilerplate as ref
from reference_boilerplate import linequality as ref_lq
from reference_boilerplate import repetition as ref_rep

from claimcorpus.normalize import boilerplate
from claimcorpus.normalize import linequality as lq
from claimcorpus.normalize import text as t
from claimcorpus.normalize.repetition import line_hash, line_key

FIXTURES = REPO / "tests" / "fixtures"
POLNEAR = Path(os.environ.get("CLAIMCORPUS_POLNEAR", REPO.parent / "shared" / "polnear"))


def _lines(raw: str) -> list[str]:
    """The stripped, non-empty lines the normalizer gives classify."""
    return [raw[ln[1] : ln[2]] for ln in t.scan(raw)]


def _fixture_lines() -> list[str]:
    out: list[str] = []
    for row in (FIXTURES / "boilerplate" / "pages.txt").read_text(encoding="utf-8").splitlines():
        if "\t" in row and not row.startswith("#"):
            out.append(row.split("\t", 1)[1])
    for p in sorted(SEEDS.glob("*.txt")):
        out += _lines(p.read_text(encoding="utf-8"))
    return list(dict.fromkeys(x for x in out if x))


POOL = _fixture_lines()
UI = [
    "Home » World",
    "Share this article",
    "Follow us on Telegram",
    "Advertisement",
    "Menu",
    "By Jane Doe and John Roe, Reuters",
    "Updated 10:07 pm IST",
    "© 2024 Outlet",
    "Photo: AFP",
    "(Reuters: Jane Doe)",
    "ua en ru",
    "facebook twitter email",
    "---",
    "World | Business | Sport | Tech",
    "Read more: the story",
    "Comments (3)",
    "Dear readers,",
    "A message from the editor:",
    "Cookies: we use cookies, accept or opt out",
    "READ  Headline",
    "HomeWorld news",
    "pic.twitter.com/abc123",
    "— Jane Doe (@jane) May 5, 2024",
    "img_1234.jpg",
    "Log in to continue reading",
    "Subscribe now",
    "3 min read",
    "Image source: https://x.org/a",
    "Site >World >Headline >",
    "You are here: Home",
    "Russia, war, Kyiv, Iran, drones, oil",
    "Ann Lee",
    "Ann Lee is a journalist who covers Europe.",
    "Members only",
    "Tags: war",
]
_EDITS = st.sampled_from(
    ["", "upper", "lower", "bullet", "digits", "quotes", "pipe", "long", "cut"]
)


def _edit(line: str, how: str) -> str:
    if how == "upper":
        return line.upper()
    if how == "lower":
        return line.lower()
    if how == "bullet":
        return "• " + line
    if how == "digits":
        return line.replace("1", "7").replace("a", "4")
    if how == "quotes":
        return line.replace("'", "’").replace('"', "“")
    if how == "pipe":
        return line + " |"
    if how == "long":
        return line + " and then" * 12 + " it went on."
    if how == "cut":
        return line[: len(line) // 2].strip() or line
    return line


_LINE = st.one_of(
    st.builds(_edit, st.sampled_from(POOL), _EDITS),
    st.builds(_edit, st.sampled_from(UI), _EDITS),
    st.text(min_size=1, max_size=60).map(str.strip).filter(bool),
)


def _rules(rules: list) -> list[tuple[str, str, bool] | None]:
    return [None if r is None else (r.id, r.reason, r.block) for r in rules]


def assert_same(lines: list[str], repeated: set[int] | None = None) -> None:
    new = boilerplate.classify(lines, repeated)
    old = ref.classify(lines, repeated)
    assert _rules(new) == _rules(old)
    assert boilerplate.title_index(lines, new) == ref.title_index(lines, old)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=40), st.data())
@example(["ua en ru", "Headline here now", "Home » World", "A man said it was fine today."], None)
def test_classify_and_title_are_unchanged_on_line_mixtures(lines, data):
    if data is None:
        assert_same(lines)
        return
    some = data.draw(st.sets(st.sampled_from(lines), max_size=5))
    assert_same(lines)
    assert_same(lines, {line_hash(x) for x in some})


def test_the_reference_is_a_separate_copy():
    """The comparison means something only if the two detectors are different code."""
    assert ref.classify is not boilerplate.classify
    assert ref_rep.line_hash("Menu") == line_hash("Menu")


def _docs() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) + sorted(FIXTURES.rglob("*.txt"))


@pytest.mark.parametrize("path", _docs(), ids=lambda p: p.name)
def test_classify_and_title_are_unchanged_on_fixtures_and_seeds(path: Path):
    raw = path.read_text(encoding="utf-8", errors="replace")
    pages = [_lines(p) for p in raw.split("\n### ")] if "\n### " in raw else [_lines(raw)]
    pages = [[x.split("\t", 1)[-1] for x in page] for page in pages] + pages
    for lines in pages:
        if lines:
            assert_same(lines)
            assert_same(lines, {line_hash(x) for x in lines[::3]})


def test_classify_and_title_are_unchanged_on_polnear():
    root = require_file(POLNEAR / "data", "PolNeAR", "see tests/test_polnear.py")
    paths = sorted(root.rglob("*.txt"))
    assert paths
    for p in paths:
        lines = _lines(p.read_text(encoding="utf-8", errors="replace"))
        if lines:
            assert_same(lines)


_DIGITS = ["3", "٣", "３", "½", "²", "Ⅻ", "১"]  # ASCII, Arabic-Indic, fullwidth; No and Nl
_STAMP = st.lists(st.sampled_from([*_DIGITS, "Updated", "May", ":", "45", "pm", " ", "ago", "min"]))


@settings(max_examples=300, deadline=None)
@given(st.one_of(_STAMP.map("".join), _STAMP.map(" ".join), st.text(max_size=40)))
@example("Updated ٣:٤٥ pm")
@example("১২ May")
def test_timestamps_and_line_keys_are_unchanged_with_any_digits(line):
    """The digit shortcuts (``has_digit``) see every character ``\\d`` matches."""
    assert lq.is_timestamp(line) == ref_lq.is_timestamp(line)
    assert lq.is_timestamp(line, 0) == ref_lq.is_timestamp(line, 0)
    assert line_key(line) == ref_rep.line_key(line)
    assert lq.has_digit(line) == any(c.isdecimal() for c in line)
