"""Line-quality signals of the kind web-text filters use (C4, Gopher), for one stripped line.

They describe the line's form, not its words: how many words, whether it ends a sentence,
how much of it is letters, whether it is a date or a time and little else. The boilerplate
detector (boilerplate.py) combines them with the line's place on the page and with UI
vocabulary; nothing here decides on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PROSE_MIN_WORDS = 4  # a line ending a sentence with at least this many words is prose
SHORT_MAX_WORDS = 3  # a line of at most this many words is "short" (a menu item, a label)

# a sentence end, optionally followed by closing quotes or brackets; "…" and "..." are
# teaser truncations, not sentence ends
# sentence ends of other scripts too: Devanagari danda, Arabic question mark, Urdu full stop,
# Armenian and Ethiopic full stops; a stray quote or space after the end does not count
_TERMINAL = re.compile(r"(?<!\.\.)[.!?。！？।॥؟۔։።](?:[\s'\"”’“‘»«)\]]+)?$")
_ELLIPSIS = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])['\"”’»)\]]*$")
# a word; the vowel signs of Indic, Thai and Myanmar scripts (combining marks, not \w) are
# part of their words ("देश" is one word, not two)
_W = r"[\w\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f]"
_WORD = re.compile(rf"{_W}+(?:[-'’.]{_W}+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# (after a full stop of Chinese or Japanese, no space comes first: "。(綜合報道)")
_CREDIT_AFTER = re.compile(r"(?:\s+|(?<=[。！？]))[(（][^()（）]{1,160}[)）]$")

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    # German, French, Spanish, Italian, Portuguese
    "januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|"
    "juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|"
    "julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|"
    "giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|"
    "setembro|outubro|novembro|dezembro|"
    # Dutch, Indonesian, Turkish, Romanian, Russian and Ukrainian (genitive: "5 мая")
    "maart|augustus|februari|maret|agustus|desember|januari|juni|juli|mei|ocak|şubat|nisan|"
    "mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|ianuarie|februarie|martie|aprilie|"
    "iunie|iulie|noiembrie|decembrie|января|февраля|марта|апреля|мая|июня|июля|августа|"
    "сентября|октября|ноября|декабря|січня|лютого|березня|квітня|травня|червня|липня|серпня|"
    "вересня|жовтня|листопада|грудня|"
    # Polish, Czech, Swedish, Swahili, Greek (genitive: "3 Αυγούστου") and Arabic
    "stycznia|lutego|marca|kwietnia|czerwca|lipca|sierpnia|września|października|listopada|"
    "grudnia|ledna|února|března|dubna|května|června|července|srpna|září|října|listopadu|"
    "prosince|augusti|machi|aprili|julai|agosti|septemba|oktoba|novemba|desemba|ιανουαρίου|"
    "φεβρουαρίου|μαρτίου|απριλίου|μαΐου|ιουνίου|ιουλίου|αυγούστου|σεπτεμβρίου|οκτωβρίου|"
    "νοεμβρίου|δεκεμβρίου|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|"
    "نوفمبر|ديسمبر"
)
MONTHS = _MONTHS  # month names and abbreviations of a dozen languages, a regex alternation
_DAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|"
    "sun|"
    # French, Spanish, Portuguese, Italian, German, Turkish, Indonesian, Russian
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|"
    "sábado|domingo|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|lunedì|"
    "martedì|mercoledì|giovedì|venerdì|montag|dienstag|mittwoch|donnerstag|freitag|samstag|"
    "sonntag|pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar|senin|selasa|rabu|kamis|"
    "jumat|sabtu|minggu|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    # Polish, Czech, Swedish, Swahili, Greek
    "poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|pondělí|úterý|středa|čtvrtek|"
    "pátek|neděle|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|jumatatu|jumanne|jumatano|"
    "alhamisi|ijumaa|jumamosi|jumapili|δευτέρα|τρίτη|τετάρτη|πέμπτη|παρασκευή|σάββατο|κυριακή"
)
_ZONES = (
    "gmt|utc|bst|cet|cest|eet|eest|msk|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ist|jst|kst|hkt|"
    "sgt|aest|aedt|wib|pkt|ast"
)
# a token that is a date or a time on its own
_DATE_TOKEN = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:t[\d:.]+z?)?|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d{1,2}[/.-]\d{4}",
    re.IGNORECASE,
)
# words that go with dates and times in a timestamp line
_TIME_WORDS = re.compile(
    rf"^(?:{_MONTHS}|{_DAYS}|{_ZONES}|am|pm|a\.m\.|p\.m\.|\d{{1,4}}(?:st|nd|rd|th)?|"
    r"published|updated|posted|modified|last|first|date|dated|on|at|ago|just|now|"
    r"sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|week|weeks|"
    r"month|months|year|years|yesterday|today|read|reading|time|of|the|uhr|um|de|del|le|à|às|"
    r"h)$",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"\b\d+\s*(?:sec(?:ond)?|min(?:ute)?|hr|hour|day|week|month|year)s?\s+ago\b", re.I
)
_MONTH_DAY = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?:{_MONTHS})\b",
    re.I,
)
_READ_TIME = re.compile(r"^\d+\s*(?:min|mins|minute|minutes)\s+read$", re.I)
_TIME_LABEL = re.compile(r"^(?:published|updated|posted|last updated|modified|date)\s*:?$", re.I)


@dataclass(frozen=True)
class LineInfo:
    """The form of one line: word count, sentence end, letter share, prose or not."""

    words: int
    terminal: bool
    ellipsis: bool

    @property
    def prose(self) -> bool:
        return self.terminal and self.words >= PROSE_MIN_WORDS

    @property
    def short(self) -> bool:
        return self.words <= SHORT_MAX_WORDS


def info(line: str) -> LineInfo:
    words = len(_WORD.findall(line))
    if not line.isascii() and _CJK.search(line):
        # scripts written without spaces: two characters count as a word
        han = len(_CJK.findall(line))
        words = len(_WORD.findall(_CJK.sub(" ", line))) + (han + 1) // 2
    tail = line[-12:]
    ellipsis = bool(_ELLIPSIS.search(tail))
    terminal = bool(_TERMINAL.search(tail)) and not ellipsis
    if not terminal and line.endswith((")", "）")):
        # a sentence with a credit after it: "... in October. (Reporting by Ann Lee)"
        head = _CREDIT_AFTER.sub("", line)
        terminal = head != line and bool(_TERMINAL.search(head[-12:]))
    return LineInfo(words, terminal, ellipsis)


def letter_share(line: str) -> float:
    """The share of letters among the line's non-space characters (the vowel signs of
    Indic scripts, combining marks, count as letters)."""
    chars = [c for c in line if not c.isspace()]
    if not chars:
        return 0.0
    return sum(c.isalpha() or unicodedata.category(c).startswith("M") for c in chars) / len(chars)


def is_timestamp(line: str, max_left: int = 3) -> bool:
    """A line that is a date or a time and little else ("Updated 10:07 pm IST - Beijing").

    True when it holds a date or time token and at most ``max_left`` words are left once
    every date, time and timestamp word is taken out (a place, an agency, a name).
    """
    text = line.strip(" \t•·|-–—")
    if len(text) > 160:
        return False
    if _TIME_LABEL.match(text) or _READ_TIME.match(text) or (_AGO.search(text) and len(text) < 40):
        return True
    has_date = bool(_DATE_TOKEN.search(text) or _MONTH_DAY.search(text))
    if not has_date:
        return False
    rest = _DATE_TOKEN.sub(" ", text)
    left = [w for w in re.split(r"[\s,|/·•–—()\-]+", rest) if w and not _TIME_WORDS.match(w)]
    left = [w for w in left if any(c.isalpha() for c in w)]
    return len(left) <= max_left and len(text.split()) <= 16
