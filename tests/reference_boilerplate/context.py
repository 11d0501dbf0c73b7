"""Boilerplate evidence from a line's neighbours and from the page's own language.

The line rules (vocabulary, form) name what they recognise; what each new set of outlets
kept at first sight was mostly lines no list names: a caption or a row of section names
between the headline and the first sentence, a byline whose date is written in French, the
signature under a statement. These passes run after the line rules and ``placement`` and
decide from context:

* ``head-label`` (stopword density, the jusText idea): between the headline and the first
  sentence, a short line without a single stopword of the page's language (names, tags,
  a caption without a verb: "Interior minister Ana Lind") is a label, not the standfirst,
  which is a sentence and has stopwords;
* ``byline`` (dated): names and a date in any of the common European languages ("Ana Lind,
  Paul Roe le vendredi 14 juillet 2017"), above the first sentence;
* ``teaser-list``: below the text, a "related" heading and the few lines after it, when they
  are mostly headlines rather than sentences (a bullet list above the text is not enough:
  Reuters-style key points are bullets without sentence ends too);
* ``symbols`` (framed): a link framed by runs of symbols ("+++ Live ticker +++");
* ``byline`` (names): above the first sentence, names joined by "and" in any of a dozen
  languages ("Ana Lind en Paul Roe");
* the signature of a statement below the text ("Ana Lind – president of the Board") is
  text the tail rules must not take: it is given back.

The page's language is the jusText stoplist (100 languages, shipped with ``justext``) that
covers most of its words; when none covers a fifth of them (Chinese, Japanese, or too few
words) the stopword pass abstains.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import justext

from claimcorpus.normalize.vocabulary import BYLINE, NEVER, TAIL_SHORT, Rule
from reference_boilerplate import linequality as lq

HEAD_LABEL = Rule(
    "head-label", "short line without stopwords between the headline and the text", NEVER
)
TEASER_LIST = Rule("teaser-list", "list of other articles' headlines", NEVER)
FRAMED = Rule(
    "symbols",
    "line framed by runs of symbols (+++ link +++)",
    re.compile(r"^([+*=#~>]{2,})\s.{1,120}\s\1$"),
    max_words=20,
    needs=re.compile("|".join(map(re.escape, ["++", "**", "==", "##", "~~", ">>"]))),
)
FORM_RULES: tuple[Rule, ...] = (FRAMED,)
RELATED_MAX_BELOW = 10  # lines below a "related" heading that can all be its teasers
RELATED_MAX_WORDS = 80  # ... none of them longer than this
LABEL_MAX_WORDS = 8  # a label between headline and text: a name, tags, a caption of a few words
LANGUAGE_MIN_SHARE = 0.2  # the best stoplist covers at least this share of the page's words
LANGUAGE_MIN_WORDS = 30  # ... of at least this many words
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

_DAYS = (
    "lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes "
    "sábado domingo segunda-feira terça-feira quarta-feira quinta-feira sexta-feira lunedì "
    "martedì mercoledì giovedì venerdì montag dienstag mittwoch donnerstag freitag samstag "
    "sonntag понедельник вторник среда четверг пятница суббота воскресенье"
).split()
# words that glue names and a date in a byline: "X, Y et Z le 4 mai", "X y Z, el 4 de mayo"
_GLUE = set(
    "and & et y e und en и і та le la el il der die am on at by par por von da de del du des "
    "di publié publicado publicada veröffentlicht опубликовано mis à jour actualizado "
    "atualizado aktualisiert".split()
)
_SIGNATURE_ROLE = re.compile(
    r"\b(?:spokes(?:man|woman|person)|secretary|minister|director|president|chair(?:man|woman)?"
    r"|ambassador|governor|mayor|commissioner|coordinator|presidente|presidenta|coordenador[a]?"
    r"|coordinador[a]?|diretor[a]?|director[a]?|ministr[oa]|secretári[oa]|secretari[oa]|"
    r"porta-voz|portavoz|vocero|président[e]?|ministre|porte-parole|directeur|directrice|"
    r"präsident(?:in)?|sprecher(?:in)?|vorsitzende[r]?|президент|министр|директор|"
    r"пресс-секретарь|председатель)\b",
    re.IGNORECASE,
)
_AND = set("and & en et y e und и і та ve dan og och i oraz".split())
_MONTH = re.compile(rf"(?:{lq.MONTHS})\.?", re.IGNORECASE)
_NAME_DASH_ROLE = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]*\s+){1,4}[–—-]\s+(?P<role>.{3,160})$")


@cache
def _stoplists() -> dict[str, frozenset[str]]:
    """Every stoplist jusText ships, by language name (read once)."""
    return {lang: frozenset(justext.get_stoplist(lang)) for lang in sorted(justext.get_stoplists())}


@cache
def _languages_of() -> dict[str, tuple[str, ...]]:
    """Each stopword -> the languages whose stoplist holds it (built once: a page's words
    are then looked up once each, not once per stoplist)."""
    out: dict[str, list[str]] = {}
    for lang, stop in _stoplists().items():
        for w in stop:
            out.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in out.items()}


def page_language(lines: list[str]) -> str | None:
    """The jusText language whose stoplist covers most of the page's words, when it covers
    at least ``LANGUAGE_MIN_SHARE`` of ``LANGUAGE_MIN_WORDS`` or more; else None (of two
    stoplists covering as many words, the first by name)."""
    counts = Counter(w.lower() for line in lines for w in _TOKEN.findall(line))
    total = sum(counts.values())
    if total < LANGUAGE_MIN_WORDS:
        return None
    index = _languages_of()
    hits: Counter[str] = Counter()
    for w, n in counts.items():
        for lang in index.get(w, ()):
            hits[lang] += n
    if not hits:
        return None
    best = max(sorted(hits), key=hits.__getitem__)  # max keeps the first of equal ones
    return best if hits[best] >= LANGUAGE_MIN_SHARE * total else None


def page_stoplist(lines: list[str]) -> frozenset[str] | None:
    """The stoplist of the page's language (``page_language``), or None."""
    lang = page_language(lines)
    return None if lang is None else _stoplists()[lang]


def dated_byline(line: str, info: lq.LineInfo) -> bool:
    """Names and a date, nothing else: "Ana Lind, Paul Roe le vendredi 14 juillet 2017"."""
    if info.terminal or info.words > 16 or not lq.is_timestamp(line, max_left=12):
        return False
    tokens = [t for t in re.split(r"[\s,;|/()·•]+", line) if t]
    names = 0
    for t in tokens:
        low = t.lower()
        if re.search(r"\d", t) is not None or low in _GLUE or low in _DAYS or _MONTH.fullmatch(t):
            continue
        if not t[0].isupper():
            return False
        names += 1
    return names >= 2


def names_byline(line: str, info: lq.LineInfo) -> bool:
    """Names joined by "and" (or commas) and nothing else: "Ana Lind en Paul Roe"."""
    if info.terminal or info.words > 10:
        return False
    tokens = [t for t in re.split(r"[\s,]+", line) if t]
    if not any(t.lower() in _AND for t in tokens) and "," not in line:
        return False
    names = [t for t in tokens if t.lower() not in _AND]
    return len(names) >= 3 and all(t[0].isupper() and t.replace("-", "").isalpha() for t in names)


def _first_prose(out: list[Rule | None], infos: list[lq.LineInfo]) -> int:
    return next((i for i, f in enumerate(infos) if f.prose and out[i] is None), len(out))


def head_labels(
    lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo], title: int | None
) -> None:
    """Above the second sentence (a byline may follow the standfirst): dated and names-only
    bylines; between the headline (``title``) and the first sentence: short lines with no
    stopword of the page's language (a name, tags, a caption)."""
    first = _first_prose(out, infos)
    # a byline may follow the standfirst, the first sentence: up to the second one
    second = next(
        (i for i in range(first + 1, len(out)) if infos[i].prose and out[i] is None), first
    )
    for i in range(second):
        if out[i] is None and i != title and not infos[i].prose:
            if dated_byline(lines[i], infos[i]) or names_byline(lines[i], infos[i]):
                out[i] = BYLINE
    if title is None or title >= first:
        return
    # the title may be a kicker the headline follows: a line longer than it is no label
    longest = min(infos[title].words, LABEL_MAX_WORDS)
    todo = [
        i
        for i in range(title + 1, first)
        if out[i] is None and not infos[i].terminal and 2 <= infos[i].words <= longest
    ]
    stop = page_stoplist(lines) if todo else None  # the language only when a line asks
    if stop is None:
        return
    for i in todo:
        words = [w.lower() for w in _TOKEN.findall(lines[i])]
        if words and not any(w in stop for w in words):
            out[i] = HEAD_LABEL


def is_signature_line(line: str) -> bool:
    """One line naming a statement's signer and role: "Ana Lind – president of the Board"."""
    m = _NAME_DASH_ROLE.match(line)
    return bool(m) and len(m["role"].split()) <= 16 and bool(_SIGNATURE_ROLE.search(m["role"]))


def keep_signatures(lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo]) -> None:
    """Below the last sentence, the signature block of a statement ("Board of the Union",
    "Ana Lind – president", "Paul Roe – coordinator") is its text: the lines the tail rules
    took from the last sentence down to the last one-line signature are given back."""
    last = max((i for i, f in enumerate(infos) if f.prose and out[i] is None), default=None)
    if last is None:
        return
    run: list[int] = []
    for i in range(last + 1, len(out)):
        if out[i] is not TAIL_SHORT and out[i] is not None:
            break
        run.append(i)
    signed = [k for k, i in enumerate(run) if is_signature_line(lines[i])]
    if signed:
        for i in run[: signed[-1] + 1]:
            out[i] = None


def _heading(line: str, rule: Rule | None, info: lq.LineInfo) -> bool:
    """A "related" heading on its own ("Noticias relacionadas", "Most read"), not a link
    with its headline ("Read more: ...")."""
    return rule is not None and rule.id == "related-teaser" and info.words <= 5 and ": " not in line


def related_below(lines: list[str], out: list[Rule | None], infos: list[lq.LineInfo]) -> None:
    """Below the text, a "related" heading and the lines after it to the end of the page,
    when they are at most ``RELATED_MAX_BELOW`` short lines and at least half of the kept
    ones are headlines (no sentence end): the teasers of the heading. An inline heading in
    the middle of an article is followed by its sentences, and stays a lone removed line."""
    for i, (line, rule, f) in enumerate(zip(lines, out, infos, strict=True)):
        if not _heading(line, rule, f):
            continue
        if not any(r is None and g.prose for r, g in zip(out[:i], infos[:i], strict=True)):
            return  # no text above: the page's form says nothing about where its text is
        below = range(i + 1, len(out))
        todo = [j for j in below if out[j] is None]
        if len(below) > RELATED_MAX_BELOW or any(infos[j].words > RELATED_MAX_WORDS for j in below):
            return
        if todo and 2 * sum(not infos[j].terminal for j in todo) >= len(todo):
            for j in todo:
                out[j] = TEASER_LIST
        return
