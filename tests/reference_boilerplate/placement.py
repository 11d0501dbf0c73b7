"""Where a line sits on the page: the boilerplate evidence of the lines around the article.

A page carries menus, kickers and bylines above its first sentence and related headlines,
tags and footers below its last one. These rules run after the line rules of boilerplate.py
and see the whole page: which lines were already named, which are prose (``LineInfo``).

* ``head-short``: a short line above the first sentence, except the page's own heading
  when the page has no other headline (a press statement headed "SHORT STATEMENT");
* ``navigation`` (glued): above the first or below the last sentence, a line of menu items
  whose spaces were lost ("SolutionsLegalReuters News AgencyRisk Management");
* ``tail-short``: below the last sentence, a line that ends no sentence, and once the
  boilerplate has begun a short one; not the lead-in of a list or quote (a long line ending
  in a colon), not the signature of a statement (a name, then an official's title) and not
  the sentence a paywall notice cuts off; a whole line in brackets there is a note;
* ``tail-run``: a run of four or more short lines closing the page, many without end
  punctuation (a related or trending list whose headlines may end with "!");
* ``short-in-boilerplate``: a short line whose nearest longer neighbours are boilerplate.

Why these guards: each keeps article text that the bare rule would take, and each asks for
a form boilerplate does not have (a journalist's byline names a reporter or an editor, an
official's signature a spokesman or a minister; a menu has no sentence after its colon).
"""

from __future__ import annotations

import re

from claimcorpus.normalize.vocabulary import (
    BETWEEN,
    HEAD_SHORT,
    NEVER,
    REPEATED_IN_SITE,
    TAIL_SHORT,
    Rule,
)
from reference_boilerplate import linequality as lq

HEADING_LETTERS = 0.6  # a heading is mostly letters ("■航空会社「遺憾」" is)
LEAD_IN_MIN_WORDS = 8  # a line ending in ":" with this many words introduces text
RUN_MIN_LINES = 4  # short lines closing a page that make a list of links
RUN_MAX_WORDS = 16  # ... each of at most this many words
RUN_MIN_KEPT = 3  # ... of which this many are not yet removed (one "!" sentence is no list)
CUT_MIN_WORDS = 20  # a last line of running text this long, cut off before its end
CUT_HEADING_WORDS = 8  # ... after a sentence or a subheading of at most this many words
_PERIOD_END = re.compile(r"(?<!\.\.)\.['\"”’»)\]]*$")
_ANY_END = re.compile(r"[.!?:;…]['\"”’»)\]]*$")
_SEPARATOR_END = "|»›>/"
_BULLET = re.compile(r"^(?:[-–—•*·▪]|\d{1,2}[.)])\s")
AUTHOR_BOX = Rule("byline", "author's name and biography (author box)", NEVER)
GLUED_MIN = 4  # glued word pairs that make a line a menu whose spaces were lost
# a lower-case run followed by a capital inside one token: words glued without a space
_GLUED = re.compile(r"[a-zß-öø-ÿ]{3}[A-ZÀ-ÖØ-Þ]")
GLUED_MENU = Rule("navigation", "menu items glued together above or below the article", NEVER)
TAIL_RUN = Rule(
    "tail-run", "run of short headline-like lines closing the page (related or trending)", NEVER
)
_NAME = re.compile(
    r"^(?:[A-Z][\w.'’-]*|[A-Z]\.)(?: (?:[A-Z][\w.'’-]*|[A-Z]\.|de|van|von|bin|al)){1,4}$"
)
# an official's title: the signer of a statement is its source, not a journalist
_OFFICIAL = re.compile(
    r"\b(?:spokes(?:man|woman|person)|secretary|minister|director|president|chairman|"
    r"chairwoman|chairperson|chair|ambassador|governor|mayor|commissioner|chief|head|"
    r"officer|counsel|attorney|senator|spokes ?people|press office|embassy|ministry)\b",
    re.IGNORECASE,
)
_JOURNALIST = re.compile(r"\b(?:reporter|correspondent|editor|writer|journalist|columnist)\b", re.I)


def is_signature(name: str, role: str) -> bool:
    """ "Yusuf Sandi" then "Press Secretary and Presidential Spokesman": a statement's signer."""
    return (
        bool(_NAME.match(name))
        and len(role.split()) <= 12
        and bool(_OFFICIAL.search(role))
        and not _JOURNALIST.search(role)
    )


def glued_menu(line: str, info: lq.LineInfo) -> bool:
    """Menu items whose spaces the extraction lost ("SolutionsLegalReuters News AgencyRisk");
    only above or below the article: in its middle a live-blog entry glued to its buttons
    holds the entry's headline."""
    return not info.terminal and len(_GLUED.findall(line)) >= GLUED_MIN


def author_box(lines: list[str], out: list[Rule | None]) -> None:
    """The author's name, then a biography that starts with it ("Ann Lee", "Ann Lee is a
    journalist who covers ..."): the page's author box, wherever it sits."""
    for i in range(len(lines) - 1):
        name, bio = lines[i], lines[i + 1]
        if out[i] is None and out[i + 1] is None and _NAME.match(name) and len(bio) < 400:
            if bio.startswith(name + " is ") and _JOURNALIST.search(bio):
                out[i] = out[i + 1] = AUTHOR_BOX


def keep_some_prose(out: list[Rule | None], infos: list[lq.LineInfo]) -> None:
    """Site repetition never takes every sentence of a page: a page whose whole text recurs
    across the site is a copy of an article (a re-crawl, syndication), not template."""
    if any(r is None and f.prose for r, f in zip(out, infos, strict=True)):
        return
    for i, (r, f) in enumerate(zip(out, infos, strict=True)):
        if r is REPEATED_IN_SITE and f.prose:
            out[i] = None


def between(out: list[Rule | None], infos: list[lq.LineInfo]) -> None:
    """A short line whose nearest longer neighbours above and below are both boilerplate
    (a name and a job title between a photo credit and "3 min read") is boilerplate too."""
    # the nearest line above and below that decides: boilerplate, or longer than short
    decides = [out[i] is not None or not f.short for i, f in enumerate(infos)]
    above: list[int | None] = []
    last: int | None = None
    for i in range(len(out)):
        above.append(last)
        if decides[i]:
            last = i
    below: int | None = None
    for i in range(len(out) - 1, -1, -1):
        a, f = above[i], infos[i]
        if out[i] is None and f.short and not f.terminal and a is not None and below is not None:
            if out[a] is not None and out[below] is not None:
                out[i] = BETWEEN
        if decides[i]:
            below = i


def _heading(
    lines: list[str], infos: list[lq.LineInfo], out: list[Rule | None], first: int
) -> int | None:
    """The page's own heading when nothing above its first sentence is a longer headline:
    the last kept line of two or more words there, made of letters (not a date or a count)."""
    above = [i for i in range(first) if out[i] is None]
    if any(infos[i].words > lq.SHORT_MAX_WORDS and not infos[i].terminal for i in above):
        return None  # a real headline is there; the short lines are kickers and menus
    for i in reversed(above):
        if infos[i].words >= 2 and lq.letter_share(lines[i]) >= HEADING_LETTERS:
            # "Press Releases|": a separator after it makes it a menu item, not a heading
            return None if lines[i][-1] in _SEPARATOR_END else i
    return None


def positional(lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo]) -> set[int]:
    """Short lines above the first sentence; below the last one, lines that end no sentence,
    and short ones once the boilerplate has begun ("“No,” she said." right after the text
    stays; "Thanks for submitting!" after a sign-up box goes).

    Returns the lines below the last sentence that a guard kept as text (``tail_run``
    stops there)."""
    prose = [
        i
        for i, (r, f) in enumerate(zip(out, infos, strict=True))
        if r is None and f.prose and not _note(lines[i])
    ]
    if not prose:
        return set()  # no sentence at all: the page's form says nothing about where its text is
    keep = _heading(lines, infos, out, prose[0])
    for i in range(prose[0]):
        if out[i] is None and infos[i].short and i != keep:
            out[i] = HEAD_SHORT
        elif out[i] is None and glued_menu(lines[i], infos[i]):
            out[i] = GLUED_MENU
    return _tail(lines, out, infos, _text_end(lines, out, infos, prose[-1]))


def _text_end(lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo], last: int) -> int:
    """Where the lines below the text begin: after its last sentence (``last``), or after
    the page's last kept line when that is running text that ends no sentence (a paragraph
    the page or excerpt cuts off; only lines other rules removed, a footer, may follow it):
    the lines above it, a subheading among them, are the text's, not a menu."""
    end = next((i for i in range(len(out) - 1, last, -1) if out[i] is None), None)
    if end is None:
        return last + 1
    f = infos[end]
    if f.words < CUT_MIN_WORDS or f.terminal or f.ellipsis or _note(lines[end]):
        return last + 1
    # what a cut paragraph follows: a sentence or a subheading; after another long line that
    # ends no sentence it is one more teaser of a list ("... Focus Online - Politik")
    above = next((i for i in range(end - 1, -1, -1) if out[i] is None), None)
    if above is not None and not infos[above].prose and infos[above].words > CUT_HEADING_WORDS:
        return last + 1
    return end + 1


def _tail(
    lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo], start: int
) -> set[int]:
    kept: set[int] = set()
    if start + 1 < len(out) and out[start] is None and out[start + 1] is None:
        if is_signature(lines[start], lines[start + 1]):
            kept |= {start, start + 1}
            start += 2
    cut = _cut_off(out)
    broken = False  # a line between the last sentence and this one is boilerplate
    listing = False  # in a list that a lead-in line introduced
    for i in range(start, len(out)):
        if out[i] is None:
            listing = listing and _item(lines[i], infos[i])
            if i == cut or listing or (not broken and _lead_in(lines[i], infos[i])):
                listing = listing or i != cut
                kept.add(i)
            elif not infos[i].terminal or (infos[i].short and broken) or _note(lines[i]):
                out[i] = GLUED_MENU if glued_menu(lines[i], infos[i]) else TAIL_SHORT
        broken = broken or out[i] is not None
    return kept


def tail_run(
    lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo], kept: set[int]
) -> None:
    """A run of short headline-like lines closing the page ("Liverpool win again!", "City
    beat Leeds", ...): a related or trending list, though some of its lines end with "!".

    The run is every line from the end up to the first kept one that is long, ends with a
    period, or was kept by a guard of ``_tail`` (lines other rules removed belong to it). It
    is taken when it has ``RUN_MIN_LINES`` lines, ``RUN_MIN_KEPT`` of them still kept, a
    third of them without end punctuation, and a sentence stays above it.
    """
    run: list[int] = []
    for i in range(len(out) - 1, -1, -1):
        if out[i] is None and (
            i in kept or infos[i].words > RUN_MAX_WORDS or _PERIOD_END.search(lines[i][-6:])
        ):
            break
        run.append(i)
    todo = [i for i in run if out[i] is None]
    bare = sum(1 for i in run if not _ANY_END.search(lines[i][-6:]))
    first = run[-1] if run else 0
    text_above = any(out[i] is None and infos[i].prose for i in range(first))
    if len(run) >= RUN_MIN_LINES and len(todo) >= RUN_MIN_KEPT and 3 * bare >= len(run):
        if text_above:
            for i in todo:
                out[i] = TAIL_RUN


def _note(line: str) -> bool:
    """A whole line in brackets: an editor's note or a credit ("(This is an archive of the
    press release.)"), not the article's last sentence."""
    return line.startswith("(") and line.endswith(")")


def _item(line: str, info: lq.LineInfo) -> bool:
    """An item of a list: a bullet or a number, then a few words."""
    return bool(_BULLET.match(line)) and info.words >= lq.PROSE_MIN_WORDS


def _cut_off(out: list[Rule | None]) -> int | None:
    """The article line a paywall notice cuts off mid-sentence ("We categorically deny",
    then "Members only"): the last kept line above the first paywall line."""
    wall = next((i for i, r in enumerate(out) if r is not None and r.id == "paywall"), None)
    if wall is None:
        return None
    return next((i for i in range(wall - 1, -1, -1) if out[i] is None), None)


def _lead_in(line: str, info: lq.LineInfo) -> bool:
    """A sentence that introduces a list or a quote ("Trump has repeatedly warned Clinton
    that he'd be making an issue of it:"): text, though it ends in a colon."""
    return line.endswith(":") and info.words >= LEAD_IN_MIN_WORDS
