"""Which lines of a news page are boilerplate: a detector meant for outlets it has never seen.

Four kinds of evidence, each with a stable rule id that the exclusion record keeps:

* **UI vocabulary** (vocabulary.py): menus, share and follow prompts, teasers, cookie and
  comment text, footers, player controls, photo credits;
* **line form** (linequality.py): stand-alone bylines and timestamps, lines of symbols,
  lists of menu items on one line;
* **place on the page**: short lines above the first sentence of the article
  (``head-short``) and lines below its last sentence that are not prose (``tail-short``),
  the run of menus, kickers, trending lists and footers a page carries around its text;
* **repetition**: a line repeated on the same page (``duplicate-line``) or across many
  documents of the same site (``repeated-in-site``, from ``repetition.SiteLines``).

Only lines some rule names are removed; a line of prose in the body (a sentence of four or
more words) is removed only by vocabulary, a duplicate or the site repetition. The seed
corpus's 23 removed lines keep their rule ids (vocabulary.py lists those rules first).
"""

from __future__ import annotations

import re
from collections.abc import Container

from claimcorpus.normalize import headline, placement, vocabulary
from claimcorpus.normalize.multilingual import MULTILINGUAL_RULES
from claimcorpus.normalize.promos import PROMPT_RULES
from claimcorpus.normalize.templates import TEMPLATE_RULES
from claimcorpus.normalize.vocabulary import (
    AGENCY_CREDIT,
    BYLINE,
    CAPTION_CREDIT,
    DUPLICATE,
    EMBED,
    LANGUAGE_SWITCHER,
    LINK_LIST,
    NEVER,
    REPEATED_HEADLINE,
    REPEATED_IN_SITE,
    SHARE_ICONS,
    SOCIAL,
    SYMBOLS,
    TIMESTAMP,
    Rule,
)
from reference_boilerplate import context
from reference_boilerplate import linequality as lq
from reference_boilerplate.repetition import LEAD, TRAIL, line_hash, line_key

__all__ = ["ALL_RULE_IDS", "REPEATED_HEADLINE", "RULES", "Rule", "classify", "title_index"]

# tried in this order: the first rule that matches names the line
RULES: tuple[Rule, ...] = (
    vocabulary.RULES + PROMPT_RULES + MULTILINGUAL_RULES + TEMPLATE_RULES + context.FORM_RULES
)
ALL_RULE_IDS = tuple(
    dict.fromkeys(
        [
            *vocabulary.ALL_RULE_IDS,
            *(r.id for r in PROMPT_RULES + MULTILINGUAL_RULES + TEMPLATE_RULES),
            placement.TAIL_RUN.id,
            context.TEASER_LIST.id,
            context.HEAD_LABEL.id,
        ]
    )
)

LANG_CODES = set(
    "ua uk en ru de fr es it pl zh ar pt tr ja ko be kz ro nl cs hu bg ka lt lv et fi sv no da".split()
)
_SEPARATORS = re.compile(r"\s*[|•·]\s*")
_AGENCY = re.compile(
    r"(?:^|[\s/(])(?:getty images?|afp|reuters|ap(?: photo)?|epa(?:-efe)?|shutterstock|"
    r"istock(?:photo)?|alamy|anadolu(?: agency)?|xinhua|tass|sputnik|pool|ria novosti|efe|dpa|"
    r"ansa|bloomberg|imago|zuma(?: press)?|sipa|associated press|adobe ?stock)(?:$|[\s/)])",
    re.IGNORECASE,
)
_BY = re.compile(
    r"^(?:by|written by|words by|(?:additional )?reporting by|story by|text by|posted by|"
    r"published by|edited by|(?:photography|photos?|pictures?|illustrations?|video) by|"
    r"authors?|reporter|correspondent)\b\s*:?\s*",
    re.IGNORECASE,
)
# a caption that ends with its agency ("... on March 21, 2023. AFP") or is cut off ("…")
_CAPTION_AGENCY = re.compile(
    r"[.!?]\s+(?:AFP|Reuters|AP|EPA|Getty Images|Xinhua|TASS|Anadolu|Bloomberg)(?:\s+photo)?$", re.I
)
_CAPTION_START = re.compile(
    r"^(?:\(file\)\s*)?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,5}(?:,[^,]{1,40},)? (?:observes|speaks|"
    r"attends|looks|walks|arrives|sees off|shakes hands|gestures|waves|listens|talks|meets|"
    r"poses|enters|leaves|stands|sits)\b"
)
_NAME_GLUE = {"and", "&", "in", "for", "of", "the", "de", "van", "von", "al", "bin", "da", "la"}
_NAME_GLUE |= {"le", "du", "del", "y", "with", "|", "-", "–", "—", "·", "•", "and/or", "staff"}
_NAME_GLUE |= {"by", "editing", "writing", "additional", "reporting", "compiled", "via", "on"}
_EMBED = re.compile(r"\bpic\.twitter\.com/\w+|^[—–-] .{1,60}\(@\w{1,30}\) ", re.I)
# what is not the post's text: markup, links, the "— Name (@handle) May 5, 2024" signature
_EMBED_FRAME = re.compile(
    r"<[^<>]*>|https?://\S+|\bpic\.twitter\.com/\w+|[—–-]\s*[^—–<>]{1,60}\(@\w{1,30}\).{0,40}$",
    re.I,
)
LIST_MIN_ITEMS = 4  # separated items on one line that make a list of links
LIST_ITEM_WORDS = 15  # ... of at most this many words each on average
TRAIL_WORDS = 6  # section words a breadcrumb puts before the headline it ends with
BREADCRUMB_TRAIL = Rule("breadcrumb", "site navigation breadcrumb ending in the headline", NEVER)
HEAD_LINES = 60  # a later line repeating the start of one of these is a repeated headline
_TITLE_END = re.compile(r"[.!?:;,]['\"”’]?$")


def _fold_quotes(key: str) -> str:
    """Curly quotes as straight ones (str.replace: far faster than translate here)."""
    return key.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def core(line: str) -> str:
    """The line without leading bullets and trailing separators, for vocabulary matching."""
    return line.lstrip(LEAD).rstrip(TRAIL)


def language_switcher(line: str) -> bool:
    """A line made only of two or more language codes ("ua en ru")."""
    words = line.split()
    return 2 <= len(words) <= 12 and all(w.lower() in LANG_CODES for w in words)


def is_byline(line: str) -> bool:
    """A credit line, not a sentence: "By Jane Doe and John Roe, Reuters", "Author: AFP",
    "by April 17, 2024", "(Reporting by Li Wen; Editing by Sam Ortiz)"."""
    line = line.strip().removeprefix("(").removesuffix(")")
    m = _BY.match(line)
    if not m or line.rstrip().endswith((".", "!", "?")) and not re.search(r"\b[A-Z]\.$", line):
        return False
    rest = line[m.end() :]
    tokens = [t.strip(",;()") for t in rest.split()]
    tokens = [t for t in tokens if t]
    if not tokens or len(tokens) > 12:
        return False
    for t in tokens:
        if t.lower() in _NAME_GLUE or t[0].isupper() or t[0] == "@" or lq.is_timestamp(t, 0):
            continue
        if any(c.isdigit() for c in t):  # a date or time next to the name
            continue
        return False
    return True


def _link_list(line: str, info: lq.LineInfo) -> bool:
    """Menu items or tags on one line: "World | Business | Sport", "Russia, war, Kyiv, Iran,
    drones", four or more headlines between bullets; a sentence, which ends with punctuation,
    stays."""
    if info.terminal:
        return False
    parts = [p for p in _SEPARATORS.split(line.strip(" |•·")) if p]
    if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts):
        return True
    if len(parts) >= LIST_MIN_ITEMS and info.words <= LIST_ITEM_WORDS * len(parts):
        return True  # a list of headlines on one line: "Heat beat 76ers • EU backs aid • ..."
    tags = [p for p in line.split(",") if p.strip()]
    return len(tags) >= 6 and all(len(p.split()) <= 6 for p in tags)


def _structural(line: str, text: str, info: lq.LineInfo) -> Rule | None:
    """Rules on the line's form rather than its words (``text``: the line's core)."""
    if info.words <= 16:
        hit = _short_form(line, text, info)
        if hit is not None:
            return hit
    if line.rstrip(" /").endswith(")") and CAPTION_CREDIT.pattern.search(line.rstrip(" /")):
        return CAPTION_CREDIT
    if _CAPTION_AGENCY.search(line[-40:]) or (info.ellipsis and _CAPTION_START.match(line)):
        return AGENCY_CREDIT
    if _link_list(line, info):
        return LINK_LIST
    if ("pic.twitter" in line or line[:1] in "—–-") and _EMBED.search(line):
        if not lq.info(_EMBED_FRAME.sub(" ", line).strip()).prose:
            return EMBED  # a link or a signature; a post's own sentences are quoted text
    return None


def _short_form(line: str, text: str, info: lq.LineInfo) -> Rule | None:
    """The form rules that only a short line (16 words or fewer) can meet."""
    if is_byline(line):
        return BYLINE
    if lq.is_timestamp(line):
        return TIMESTAMP
    if info.words <= 6 and not info.terminal and _AGENCY.search(line) and "/" in line:
        return AGENCY_CREDIT
    if info.words <= 4 and _AGENCY.search(line) and re.search(r"\bvia\b|\bimages?\b", line, re.I):
        return AGENCY_CREDIT
    if info.words <= 8 and not info.terminal and "," in line and _AGENCY.search(line):
        if all(len(p.split()) <= 3 for p in line.split(",")):
            return AGENCY_CREDIT  # a list of credits: "Adobe stock, BYU, Associated Press"
    words = [w.lower().strip(":,") for w in text.split()]
    if words and len(words) <= 8 and all(w in SOCIAL for w in words):
        return SHARE_ICONS
    if info.words <= 6 and not info.terminal and lq.letter_share(line) < 0.5:
        return SYMBOLS
    return None


def _vocabulary(line: str, text: str, info: lq.LineInfo) -> Rule | None:
    low = line.lower()
    for rule in RULES:
        if rule.max_words is not None and info.words > rule.max_words:
            continue
        if rule.needs is not None and not rule.needs.search(low):
            continue
        if rule.pattern.search(text) or (text != line and rule.pattern.search(line)):
            return rule
    return None


def classify(lines: list[str], repeated: Container[int] | None = None) -> list[Rule | None]:
    """The rule that removes each (stripped, non-empty) line, or None to keep it.

    ``repeated``: hashes (``repetition.line_hash``) of lines that recur across the site's
    documents; None when the document's site is unknown or has too few documents.
    """
    out: list[Rule | None] = []
    infos = [lq.info(line) for line in lines]
    block: Rule | None = None
    seen: set[str] = set()
    heads: list[str] = []
    for line, info in zip(lines, infos, strict=True):
        text = core(line)
        key = _fold_quotes(line_key(text))  # "Minister’s" repeats "Minister's"
        hit = block
        if hit is None:
            hit = LANGUAGE_SWITCHER if language_switcher(line) else _vocabulary(line, text, info)
        if hit is None:
            hit = _structural(line, text, info)
        if hit is None and repeated is not None and line_hash(line) in repeated:
            hit = REPEATED_IN_SITE
        if hit is None and info.words >= 2 and (key in seen or _repeats_head(key, info, heads)):
            hit = DUPLICATE
        if hit is not None and hit.block:
            block = hit
        seen.add(key)
        if len(heads) < HEAD_LINES:
            heads.append(key)
        out.append(hit)
    _trail_to_headline(out, infos, lines)
    placement.author_box(lines, out)
    placement.keep_some_prose(out, infos)
    placement.between(out, infos)
    kept = placement.positional(lines, out, infos)
    placement.tail_run(lines, out, infos, kept)
    context.keep_signatures(lines, out, infos)
    context.related_below(lines, out, infos)
    context.head_labels(lines, out, infos, title_index(lines, out, infos))
    return out


def _trail_to_headline(out: list[Rule | None], infos: list[lq.LineInfo], lines: list[str]) -> None:
    """A line above the text that is a few section words and then a later line's headline
    ("Home Travel Flybe flights cancelled: ...", then "Flybe flights cancelled: ...")."""
    first = next((i for i, f in enumerate(infos) if f.prose and out[i] is None), len(out))
    stop = min(first + 1, len(out), HEAD_LINES)
    keys = [line_key(x) for x in lines[:stop]]
    for j in range(1, stop):
        if out[j] is not None or infos[j].words < lq.PROSE_MIN_WORDS or infos[j].prose:
            continue
        for i in range(j):
            head = keys[i].removesuffix(keys[j])
            if out[i] is None and head != keys[i] and 1 <= len(head.split()) <= TRAIL_WORDS:
                out[i] = BREADCRUMB_TRAIL


def _repeats_head(key: str, info: lq.LineInfo, heads: list[str]) -> bool:
    """A title-like line that an earlier line starts with ("Headline-Xinhua", then "Headline")."""
    return not info.prose and info.words >= 4 and any(h.startswith(key) for h in heads)


def looks_like_title(line: str) -> bool:
    words = lq.info(line).words  # not line.split(): Chinese headlines have no spaces
    return 3 <= words <= 30 and len(line) <= 250 and not _TITLE_END.search(line)


def title_index(
    lines: list[str], rules: list[Rule | None], infos: list[lq.LineInfo] | None = None
) -> int | None:
    """The headline: a kept, title-like line above the first sentence of the article (or a
    question heading the page, ``headline.asks``).

    Of several, the one the page repeats inside a longer line (a breadcrumb, a caption,
    "Headline | Outlet") wins, else the one src's ``headline.best`` picks (the first that
    shares words with the text at a headline's length); boilerplate lines are never titles.
    ``infos``: the lines' ``lq.info`` when the caller has them.
    """

    def info(j: int) -> lq.LineInfo:
        return lq.info(lines[j]) if infos is None else infos[j]

    head: list[int] = []
    for i, (line, rule) in enumerate(zip(lines, rules, strict=True)):
        if rule is not None:
            continue
        if info(i).prose:
            # the first sentence ends the head, unless it is a question or an exclamation
            # heading the page ("Will Twitter Be Next?"): a candidate, and the text is below
            if head or not headline.asks(line, info(i)):
                break
            head.append(i)
        elif looks_like_title(line):
            head.append(i)
    if len(head) > 1:
        keys = [line_key(x) for x in lines]
        for i in head:
            # inside a longer line that is not a sentence of the text: a name the article
            # repeats in a sentence is no headline
            if any(keys[i] in k and keys[i] != k and not info(j).prose for j, k in enumerate(keys)):
                return i
        every = [info(j) for j in range(len(lines))]
        body = [
            j
            for j, (r, f) in enumerate(zip(rules, every, strict=True))
            if r is None and f.prose and j != head[0]
        ]
        return headline.best(lines, head, body, every)  # type: ignore[arg-type]
    return head[0] if head else None
