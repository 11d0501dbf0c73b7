"""Line-level web boilerplate rules: each rule has a stable id and a human reason.

A line removed by a rule is never dropped silently: normalization keeps it in the document's
exclusion record with the rule id, so the datasheet can count what was removed and why.
Block rules (a donation plea) remove the trigger line and every line after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANG_CODES = {
    "ua",
    "uk",
    "en",
    "ru",
    "de",
    "fr",
    "es",
    "it",
    "pl",
    "zh",
    "ar",
    "pt",
    "tr",
    "ja",
    "ko",
    "be",
    "kz",
    "ro",
    "nl",
    "cs",
    "hu",
    "bg",
    "ka",
    "lt",
    "lv",
    "et",
    "fi",
    "sv",
    "no",
    "da",
}


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    pattern: re.Pattern[str]
    block: bool = False  # True: this line and every later line are boilerplate


def _r(p: str) -> re.Pattern[str]:
    return re.compile(p, re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    Rule("breadcrumb", "site navigation breadcrumb", _r(r"^home\s*[»>›|/]")),
    Rule(
        "byline-placeholder",
        "byline without an identifiable author",
        _r(r"^by\s+(admin|staff|editor)$"),
    ),
    Rule(
        "subscribe-prompt",
        "newsletter or subscription prompt",
        _r(r"^(stay informed with free updates|sign up (for|to) our|subscribe (to|now)\b)"),
    ),
    Rule(
        "cookie-banner",
        "cookie or privacy banner",
        _r(
            r"(\bcookies?\b.*\b(accept|opt-out|opt out|consent)\b)|^privacy (&|and) cookies? policy$"
        ),
    ),
    Rule(
        "comment-prompt",
        "comment form text",
        _r(
            r"^(leave a (comment|reply)|your email address will not be published|"
            r"this site uses akismet)"
        ),
    ),
    Rule(
        "related-teaser",
        "teaser for another article",
        _r(r"^(see also\b|you may also like$|read more:|related( articles?)?:)"),
    ),
    Rule("source-link", "link back to the syndicated source", _r(r"^source link$")),
    Rule(
        "contact-line",
        "contact or tip-line prompt",
        _r(r"(\bcontact\s+\S+@\S+\.\w+)|^do you have a story we should be covering"),
    ),
    Rule(
        "donation-plea",
        "publisher's donation plea (this line and all after it)",
        _r(r"^(a message from .{2,80}:|dear readers,?)$"),
        block=True,
    ),
)


def language_switcher(line: str) -> bool:
    """A line made only of two or more language codes ("ua en ru")."""
    words = line.split()
    return len(words) >= 2 and all(w.lower() in LANG_CODES for w in words)


def classify(lines: list[str]) -> list[Rule | None]:
    """The rule that removes each (stripped) line, or None to keep it."""
    out: list[Rule | None] = []
    block: Rule | None = None
    for line in lines:
        if block is not None:
            out.append(block)
            continue
        hit = None
        if language_switcher(line):
            hit = LANGUAGE_SWITCHER
        else:
            for rule in RULES:
                if rule.pattern.search(line):
                    hit = rule
                    break
        if hit is not None and hit.block:
            block = hit
        out.append(hit)
    return out


LANGUAGE_SWITCHER = Rule("language-switcher", "language switcher menu", re.compile(r"$^"))
REPEATED_HEADLINE = Rule(
    "repeated-headline",
    "headline repeated (with a photo caption) after the title",
    re.compile(r"$^"),
)
ALL_RULE_IDS = tuple(r.id for r in RULES) + (LANGUAGE_SWITCHER.id, REPEATED_HEADLINE.id)
