"""Which of several headline candidates above the article is its headline.

Above the first sentence of a page there are often several kept lines that look like a
title: the site's tagline or a prompt ("Move to the app", "75 years of journalism"), a
section label, the headline, a subtitle or a caption. The headline is the first of them
that says what the article says, at a headline's length: at least ``MIN_WORDS`` words, of
whose content words (four or more letters; pairs of CJK characters) at least
``MIN_SHARED`` the article's first sentences use. A caption or a subtitle below the
headline shares words with the text too, which is why the first such line wins, not the
one sharing most; the opening words of a paragraph below, cut off as a teaser, do not
qualify. When no candidate qualifies, the first candidate stays the headline.

A headline that asks or exclaims ("Will Twitter Be Next?") ends like a sentence; as the
page's first candidate (``asks``) it is one all the same, and the text begins below it.
"""

from __future__ import annotations

import re

from claimcorpus.normalize import linequality as lq

MIN_WORDS = 6  # a headline candidate that qualifies has at least this many words
MIN_SHARED = 0.3  # ... and this share of its content words in the article's sentences
ASK_MAX_WORDS = 20  # a question or exclamation this long or shorter can be a headline
BODY_LINES = 20  # the article's first sentences (kept prose lines) the words are sought in
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w{4,}")
_ASKS = re.compile(r"[?!？！]['\"”’»)]*$")


def asks(line: str, info: lq.LineInfo) -> bool:
    """A question or an exclamation of a headline's length ("Are Democrats crippling
    Obamacare?"), which may head a page though it ends like a sentence."""
    return 3 <= info.words <= ASK_MAX_WORDS and bool(_ASKS.search(line[-4:]))


def content_words(line: str) -> set[str]:
    """The words that carry a line's topic: of four or more letters (not numbers), and each
    pair of adjacent CJK characters (those scripts write words without spaces)."""
    low = line.casefold()
    cjk = [] if low.isascii() else _CJK.findall(low)
    plain = _CJK.sub(" ", low) if cjk else low
    words = {w for w in _WORD.findall(plain) if not w.isdigit()}
    return words | {a + b for a, b in zip(cjk, cjk[1:], strict=False)}


def best(lines: list[str], head: list[int], body: list[int], infos: list[lq.LineInfo]) -> int:
    """Of the candidate lines ``head`` (indexes, in page order, at least one), the headline;
    ``body``: the indexes of the article's kept prose lines."""
    first = [lines[j] for j in body[:BODY_LINES]]
    text: set[str] = set().union(*map(content_words, first))
    for i in head:
        words = content_words(lines[i])
        if infos[i].words < MIN_WORDS or not words or len(words & text) < MIN_SHARED * len(words):
            continue
        # the opening words of a paragraph below (a teaser the page cuts off) share all its
        # words and are no headline: taken for the title, the paragraph would go with them
        if not any(p.startswith(lines[i]) for p in first):
            return i
    return head[0]
