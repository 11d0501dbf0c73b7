"""The UI vocabulary of web pages, as rules: each has a stable id, a human reason and a pattern.

The first rules carry the ids the seed corpus was built with (their lines stay removed under
the same id); their patterns are widened to the phrasing other outlets use. A rule matches
the line with leading bullets and trailing separators taken off (``core``), lower-cased;
``max_words`` keeps a phrase rule off long lines, where the phrase is part of a sentence.
Block rules (a donation plea) remove the trigger line and every line after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    pattern: re.Pattern[str]
    block: bool = False  # True: this line and every later line are boilerplate
    max_words: int | None = None  # the rule applies to lines of at most this many words
    # a pattern that scans the whole line is only tried on lines holding one of these
    # (lower-cased) strings: a cheap filter, most lines of an article hold none
    needs: re.Pattern[str] | None = None


def _r(p: str) -> re.Pattern[str]:
    return re.compile(p, re.IGNORECASE)


def any_of(*parts: str) -> re.Pattern[str]:
    """Matches a lower-cased line holding any of ``parts`` (the cheap filter of a rule; the
    other rule tables, promos, multilingual and templates, build theirs with it too)."""
    return re.compile("|".join(re.escape(p) for p in parts))


def _whole(*phrases: str) -> re.Pattern[str]:
    """The line is one of the phrases (after bullets and trailing separators are taken off)."""
    return _r(r"^(?:" + "|".join(phrases) + r")$")


NEVER = re.compile(r"$^")

SOCIAL = set(
    "facebook twitter x whatsapp telegram linkedin reddit pinterest flipboard messenger email "
    "e-mail mail print vk instagram youtube tiktok threads bluesky mastodon google plus google+ "
    "rss copy link share sms comment comments adjust".split()
)

_SEED_REASONS = {
    "breadcrumb": "site navigation breadcrumb",
    "byline-placeholder": "byline without an identifiable author",
    "subscribe-prompt": "newsletter or subscription prompt",
    "cookie-banner": "cookie or privacy banner",
    "comment-prompt": "comment form text",
    "related-teaser": "teaser for another article",
    "source-link": "link back to the syndicated source",
    "contact-line": "contact or tip-line prompt",
}


def _seed(
    rule_id: str, pattern: str, max_words: int | None = None, needs: re.Pattern[str] | None = None
) -> Rule:
    return Rule(rule_id, _SEED_REASONS[rule_id], _r(pattern), max_words=max_words, needs=needs)


RULES: tuple[Rule, ...] = (
    # ---- the seed corpus's rules, patterns as they were
    _seed("breadcrumb", r"^home\s*[»>›|/]"),
    _seed("byline-placeholder", r"^by\s+(admin|staff|editor)$"),
    _seed(
        "subscribe-prompt",
        r"^(stay informed with free updates|sign up (for|to) our|subscribe (to|now)\b)",
    ),
    _seed(
        "cookie-banner",
        r"(\bcookies?\b.*\b(accept|opt-out|opt out|consent)\b)|^privacy (&|and) cookies? policy$",
        needs=any_of("cookie"),
    ),
    _seed(
        "comment-prompt",
        r"^(leave a (comment|reply)|your email address will not be published|"
        r"this site uses akismet)",
    ),
    _seed("related-teaser", r"^(see also\b|you may also like$|read more:|related( articles?)?:)"),
    _seed("source-link", r"^source link$"),
    _seed(
        "contact-line",
        r"(\bcontact\s+\S+@\S+\.\w+)|^do you have a story we should be covering",
        needs=any_of("contact", "do you have"),
    ),
    Rule(
        "donation-plea",
        "publisher's donation plea (this line and all after it)",
        _r(r"^(a message from .{2,80}:|dear readers,?)$"),
        block=True,
    ),
    # ---- the same ids, widened to other outlets' phrasing
    _seed("breadcrumb", r"^(?:homepage|start|front page)\s*[»>›|/]"),
    _seed(
        "byline-placeholder",
        r"^(?:(?:posted |written )?by\s+)(?:admin|administrator|staff|editor|webmaster|guest|"
        r"author|team|newsroom|editorial (?:team|staff|desk)|(?:web|news|online) desk)$",
    ),
    _seed(
        "subscribe-prompt",
        r"^(?:stay informed\b|sign up\b|subscribe\b|newsletters?$|get (?:the latest|our "
        r"newsletter|\w+(?: \w+)? in your inbox)|join (?:our|the) (?:newsletter|mailing list|"
        r"channel)|thanks? (?:you )?for (?:submitting|subscribing|signing up)|enter your "
        r"e-?mail|already a subscriber|become a (?:member|subscriber)|subscribers? only$|you have "
        r"\d+ free (?:articles?|stories) (?:left|remaining)|for (?:the )?(?:latest|more) (?:news|"
        r"updates|stories|coverage)\b)",
        max_words=20,
    ),
    _seed(
        "cookie-banner",
        r"^(?:accept(?: all)?(?: cookies)?|reject all|manage (?:cookies|preferences|consent)|"
        r"cookie (?:policy|settings|preferences|notice))$",
    ),
    _seed(
        "comment-prompt",
        r"^(?:comments?(?: \(\d+\))?|\d+ comments?|post (?:a |your )?comments?|your comment|"
        r"add (?:a |your )?comment|comments are closed\.?|(?:show|view|load|read) comments|"
        r"join the (?:conversation|discussion)|report form|report (?:this|abuse)(?: comment)?|"
        r"reply)$",
    ),
    _seed(
        "related-teaser",
        r"^(?:also see|also read|read also|read more|continue reading|keep reading|read next|"
        r"up next|watch next|further reading|read (?:the )?(?:full|whole|rest of the) "
        r"(?:story|article)|read our (?:full )?coverage|you (?:may|might) (?:also )?(?:like|"
        r"enjoy|be interested)|don'?t miss|click here to read|more (?:from|on|about|stories|"
        r"news|in)\b|in case you missed it)"
        r"|^(?:related(?: (?:news|stories|articles|posts|content|coverage|topics))?|"
        r"recommended(?: for you| stories| articles| reading)?|most (?:read|popular|viewed|"
        r"shared|commented)|trending(?: now| stories| topics)?|latest(?: news| stories| "
        r"articles| headlines| updates)?|top stories|editor'?s picks?|recent posts|popular "
        r"(?:posts|stories)|what to read next|(?:view|see|show) more (?:in|from) this "
        r"(?:section|category|topic))$",
        max_words=14,
    ),
    _seed(
        "contact-line",
        r"^do you have (?:a )?(?:questions?|tips?|a story|a news tip)\b",
        max_words=45,
    ),
    _seed(
        "source-link",
        r"^source(?: article)?(?: link)?\s*(?::|from)\s*\S"
        r"|^originally (?:published|appeared) (?:at|on|in|by)\b",
        max_words=15,
    ),
    # ---- UI vocabulary of pages the seeds did not show
    Rule(
        "navigation",
        "site navigation or page control",
        _whole(
            r"skip to (?:the )?(?:main )?(?:content|navigation|toolbar|footer)",
            r"skip navigation",
            r"back to (?:the )?top(?: button)?",
            r"(?:top|bottom) of (?:the )?page",
            r"accessibility links",
            r"(?:left |main |site )?menu",
            r"(?:type to )?search(?: for)?",
            r"close",
            r"toggle navigation",
            r"sign (?:in|up|out)",
            r"log ?(?:in|out)",
            r"register",
            r"my account",
            r"home(?:page)?",
            r"breaking(?: news)?",
            r"live",
            r"audio only",
            r"all (?:news|sections|topics)",
            r"sections",
            r"topics",
            r"more",
            r"next|previous|prev",
            r"(?:go|jump) to",
            r"on this page",
            r"(?:table of )?contents",
            r"(?:show|load|view|see) (?:more|all)",
            r"(?:show )?key events(?: only)?",
            r"caption|légende|leyenda|legenda|bildunterschrift",
        ),
        max_words=4,
    ),
    Rule(
        "navigation",
        "page control or script notice",
        _r(r"\bjavascript\b|^(?:please )?(?:enable|turn on|allow) (?:cookies|javascript|scripts)"),
        max_words=20,
        needs=any_of("javascript", "enable", "turn on", "allow"),
    ),
    Rule(
        "page-label",
        "page metadata label (From:, Tags:, Filed under:)",
        _r(
            r"^(?:from|tags?|topics?|filed under|categories|category|section|posted in|keywords)"
            r"\s*:\s*\S|^\[[^\[\]]{1,30}\]$"
        ),
        max_words=12,
    ),
    Rule(
        "breadcrumb-trail",
        "navigation trail (Section > Subsection)",
        _r(r"^[^>»›]{1,40}(?:\s[>»›]\s[^>»›]{1,40})+$"),
        max_words=8,
    ),
    Rule(
        "share-prompt",
        "share or follow prompt",
        _whole(
            r"share(?: this)?(?: (?:article|story|video|post|page))?(?: (?:on|via) .{1,20})?:?",
            r"tweet(?: this)?",
            r"print(?: this)?(?: (?:article|page))?",
            r"copy(?: the)? link|link copied",
            r"follow(?: us)?(?: on .{1,30})?",
            r"follow us\b.{0,60}",
            r"like us on facebook",
            r"click to (?:share|print|email).*",
            r"sharing is caring",
            r"gift(?: this)? article",
            r"save(?: (?:article|story))?|bookmark",
            r"email(?: this)?(?: (?:article|story))?",
        ),
        max_words=8,
    ),
    Rule(
        "share-prompt",
        "follow or subscribe prompt naming a network",
        _r(
            r"^(?=.*\b(?:subscribe|follow)\b)(?=.*\b(?:google news|telegram|whatsapp|twitter|"
            r"facebook|youtube|instagram|our channel)\b)"
        ),
        max_words=20,
    ),
    Rule(
        "app-prompt",
        "app download prompt",
        _r(r"^(?:download|get|open(?: it)? in) (?:our |the )?(?:free )?(?:\w+ )?app\b"),
        max_words=12,
    ),
    Rule(
        "advertisement",
        "advertisement slot",
        _whole(
            r"advertisement|advertising|advert|ad|ads",
            r"sponsored(?: (?:content|post|links?|stories))?",
            r"ads? by .{1,30}",
            r"(?:story|article) continues (?:below|after)(?: (?:this )?advertisement)?",
            r"continue reading below",
            r"scroll to continue(?: with content)?",
            r"promoted(?: (?:content|stories))?",
            r"(?:partner|paid) (?:content|post)",
        ),
        max_words=8,
    ),
    Rule(
        "footer",
        "site footer (copyright, legal and contact links)",
        _r(
            r"^(?:©|\(c\)\s|copyright\b|our standards:)"
            r"|^(?:terms(?: of (?:use|service))?|terms (?:and|&) conditions|privacy(?: policy| "
            r"notice| settings)?|contact(?: us)?|about(?: us)?|imprint|impressum|site ?map|careers|"
            r"jobs|advertise(?: with us)?|faq|help|rss(?: feeds?)?|address|phone|e-?mail|fax|tel|"
            r"corrections|ethics policy|accessibility|newsletters?|podcasts?)$"
        ),
        max_words=30,
    ),
    Rule(
        "footer",
        "site footer (copyright, legal and contact links)",
        _r(r"\ball rights reserved\b"),
        max_words=30,
        needs=any_of("rights reserved"),
    ),
    Rule(
        "media-player",
        "video, audio or gallery player text",
        _whole(
            r"please wait",
            r"no media source currently available",
            r"loading(?: video)?(?:\.{3}|…)?",
            r"play(?: video)?|pause|mute|unmute|full ?screen",
            r"video(?: player| transcript)?|audio|podcast|embed|download",
            r"watch(?: (?:the |our )?video| live| now)?",
            r"listen(?: (?:to )?(?:this )?(?:article|story))?|listen now",
            r"views?:? [\d.,]+[km]?|[\d.,]+[km]? views",
            r"(?:image|photo|slide) \d+ of \d+|\d+ of \d+",
            r"gallery|slideshow|photos|view (?:gallery|slideshow|photos)",
        ),
        max_words=8,
    ),
    Rule(
        "photo-credit",
        "photo credit, caption credit or image file name",
        _r(
            r"(?:\((?:photo|image|picture|pic|credit|file|video)s?(?: credit)?\s*[:/][^()]*\)"
            r"|\|\s*(?:photo|image|picture|pic)s?(?: credit)?\s*:.*"
            r"|\b(?:photo )?credits?\s*:\s*[^.]{1,40}(?:\.(?:com|net|org))?"
            r"|\((?:provided by|courtesy of|photo by)\b[^()]{1,60}\)\s*/?)$"
            r"|^(?:photo|photograph|image|picture|pic|illustration|graphic|file photo)s?"
            # (not a credit run into the first paragraph: "Photo by Ann Lee(SANFORD, Fla.) -- The")
            r"(?: credit)?\s*(?::|by\b)(?![^()]{0,100}\([^()]{2,40}\)\s*(?:--|—|–)\s)"
            r"|^(?:image|photo|picture) (?:source|caption)s?\b"
            r"|^[\w.-]+[._](?:jpe?g|png|webp|gif|svg)$"
            r"|^(?:image|photo|picture|untitled(?: design)?|thumbnail|placeholder|img[_-]?\d+|"
            r"dsc[_-]?\d+)$"
        ),
        needs=any_of(
            *"( | credit photo image picture pic illustration graphic jpg jpeg png webp gif svg "
            "untitled thumbnail placeholder img dsc".split()
        ),
    ),
)

# a caption ending in a credit: "(Reuters: Jane Doe)", "(Jane Doe / AFP)" (case matters here)
CAPTION_CREDIT = Rule(
    "photo-credit",
    "photo credit, caption credit or image file name",
    re.compile(r"\([A-Z@][^()]{0,40}?\s?[:/]\s?[A-Z@][^()]{0,40}\)$"),
)
LANGUAGE_SWITCHER = Rule("language-switcher", "language switcher menu", NEVER)
REPEATED_HEADLINE = Rule(
    "repeated-headline", "headline repeated (with a photo caption) after the title", NEVER
)
AGENCY_CREDIT = Rule("photo-credit", RULES[-1].reason, NEVER)
BYLINE = Rule("byline", "stand-alone byline (author names, agency, date)", NEVER)
TIMESTAMP = Rule("timestamp", "stand-alone date or time stamp", NEVER)
LINK_LIST = Rule("navigation", "menu items on one line", NEVER)
SHARE_ICONS = Rule("share-prompt", "share or follow buttons (network names only)", NEVER)
EMBED = Rule("embedded-post", "embedded social media post (link or signature)", NEVER)
SYMBOLS = Rule("symbols", "short line made mostly of digits and symbols", NEVER)
DUPLICATE = Rule("duplicate-line", "line repeated earlier on the same page", NEVER)
HEAD_SHORT = Rule("head-short", "short line above the article's first sentence", NEVER)
BETWEEN = Rule("short-in-boilerplate", "short line between two boilerplate lines", NEVER)
TAIL_SHORT = Rule("tail-short", "line below the article's last sentence that is not prose", NEVER)
REPEATED_IN_SITE = Rule(
    "repeated-in-site", "line repeated across many documents of the same site", NEVER
)
ALL_RULE_IDS = tuple(
    dict.fromkeys(
        [r.id for r in RULES]
        + [
            r.id
            for r in (
                LANGUAGE_SWITCHER,
                REPEATED_HEADLINE,
                BYLINE,
                TIMESTAMP,
                SYMBOLS,
                EMBED,
                DUPLICATE,
                HEAD_SHORT,
                BETWEEN,
                TAIL_SHORT,
                REPEATED_IN_SITE,
            )
        ]
    )
)
