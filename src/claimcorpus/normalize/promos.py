"""Reader prompts the first UI vocabulary (vocabulary.py) did not cover: paywalls, messenger
channels, subscription pleas worded as a sentence.

Each rule is held to short lines (``max_words``) and to wording an article does not use about
its own subject: the line speaks to the reader ("log in to continue", "our channels", "all
important news is on ..."), not about what someone said. They come after vocabulary.RULES,
so a line both match keeps the older rule's id.
"""

from __future__ import annotations

import re

from claimcorpus.normalize.vocabulary import Rule, any_of


def _r(p: str) -> re.Pattern[str]:
    return re.compile(p, re.IGNORECASE)


_NETWORKS = (
    r"whatsapp|telegram|viber|signal|messenger|max|google news|youtube|facebook|instagram|"
    r"twitter|x|tiktok|threads|bluesky|linkedin|vk|dzen|line|wechat"
)

PROMPT_RULES: tuple[Rule, ...] = (
    Rule(
        "paywall",
        "paywall or login notice",
        _r(
            r"^(?:members?|subscribers?|premium|registered users?)(?: only| content| exclusive|"
            r" article)?$"
            r"|^(?:please )?(?:log ?in|sign in|register|subscribe|create (?:an|a free) account)\b"
            r".{0,40}\b(?:to (?:continue|read|access|keep reading|view|unlock)|or (?:create|"
            r"register|sign up|subscribe))\b"
            r"|\b(?:this|the) (?:article|story|content|page) is (?:only )?(?:available|reserved|"
            r"exclusive) (?:to|for) (?:our )?(?:[\w'’-]+ ){0,4}(?:readers|subscribers|members|"
            r"users)\b"
            r"|^new to [\w .'’-]{1,40}\? (?:register|subscribe|sign up|join)\b"
            r"|\b(?:register|subscribe|sign up) (?:now|today|for free) (?:and|to) (?:start|"
            r"continue|keep) reading\b"
            r"|^(?:to continue reading|continue reading with|unlock (?:this|the full) "
            r"(?:article|story))\b"
        ),
        max_words=30,
        needs=any_of(
            "member",
            "subscri",
            "premium",
            "registered",
            "log",
            "sign in",
            "regist",
            "account",
            "reading",
            "unlock",
        ),
    ),
    Rule(
        "share-prompt",
        "follow or subscribe prompt naming a messenger channel",
        _r(
            r"^(?:get|follow|join|subscribe to|stay (?:updated|informed)|download)\b.{0,60}"
            r"\b(?:our|the \w+) (?:(?:" + _NETWORKS + r") )?(?:channels?|page|account|app)\b"
            r"|\bby (?:subscribing|following|joining) (?:to )?(?:us|our (?:channels?|page|"
            r"accounts?))\b"
            r"|^(?:all )?(?:the )?(?:important |latest |main |breaking )*news (?:is |are )?"
            r"(?:on|in|at) (?:the |our )?[\w .'’-]{1,30} (?:channel|messenger|app)\b"
        ),
        max_words=30,
        needs=any_of("channel", "page", "account", "app", "subscrib", "follow", "join"),
    ),
    Rule(
        "subscribe-prompt",
        "newsletter or subscription prompt",
        _r(
            r"\b(?:subscribe|sign up|register|join) (?:now|today|here|for free)\b"
            r"|^get (?:real[- ]time|instant|breaking|daily|free) (?:news |updates|alerts|"
            r"notifications)\b"
        ),
        max_words=12,
        needs=any_of("subscribe", "sign up", "register", "join", "get "),
    ),
    Rule(
        "source-link",
        "link back to the syndicated source",
        _r(
            r"^this (?:article|story|post) (?:was )?(?:originally |first )?(?:written|"
            r"published|appeared|posted|produced) (?:by|on|in|at)\b"
            r"|^(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12}(?:/\S*)?$"
        ),
        max_words=25,
    ),
    Rule(
        "navigation",
        "page control (breadcrumb, font size, mobile or desktop version)",
        _r(
            r"^you are here\s*(?::|[»>›|]|$)"
            r"|\b(?:adjust|change|increase|decrease|reset) (?:the )?(?:font|text) size\b"
            r"|^(?:font|text) size\b"
            r"|^(?:exit|leave|switch to|view|go to) (?:the )?(?:mobile|desktop|full|amp|classic)"
            r"(?: site| version| view)?$"
        ),
        max_words=12,
        needs=any_of("you are here", "size", "mobile", "desktop", "full", "amp", "classic"),
    ),
    Rule(
        "comment-prompt",
        "comment form text",
        _r(
            r"^(?:the |both )?comments?(?: and (?:trackbacks|pingbacks))? (?:are|is|have been|has been) "
            r"(?:currently |now )?(?:closed|disabled|turned off)\.?$"
            r"|^(?:no|\d+) (?:comments?|responses?|replies)(?: yet)?:?$"
        ),
        max_words=12,
        needs=any_of("comment", "respons", "repl"),
    ),
    Rule(
        "source-link",
        "link back to the syndicated source",
        _r(
            r"^(?:provided by|courtesy of|via|source|from)\s*:?\s*(?:https?://)?(?:www\.)?"
            r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12}$"
        ),
        max_words=6,
        needs=any_of("provided", "courtesy", "via", "source", "from"),
    ),
    Rule(
        "photo-credit",
        "photo credit, caption credit or image file name",
        # a stock agency glued to the caption it ends: "Lawyers Moral Compass FactsShutterstock"
        re.compile(r"[a-z](?:Shutterstock|Getty ?Images|iStock(?:photo)?|Alamy|Unsplash)$"),
        max_words=10,
        needs=any_of("shutterstock", "getty", "istock", "alamy", "unsplash"),
    ),
    Rule(
        "breadcrumb",
        "site navigation breadcrumb",
        # "Home" glued to the section after it: the trail's separators were lost
        re.compile(r"^Home(?=[A-Z][a-z])"),
        max_words=30,
        needs=any_of("home"),
    ),
    Rule(
        "comment-prompt",
        "comment form text",
        _r(
            r"^(?:please )?enter your (?:comment|name|e-?mail|website)(?: (?:here|address))?[!.:]?$"
        ),
        max_words=8,
    ),
    Rule(
        "related-teaser",
        "teaser for another article",
        # a WordPress related-post label: "READ  <headline>" (capitals, then two spaces)
        re.compile(r"^READ(?: MORE| ALSO)?(?:\s{2,}|\s*[:|»›]\s*)\S"),
        max_words=30,
        needs=any_of("read"),
    ),
    Rule(
        "breadcrumb-trail",
        "navigation trail (Section > Subsection)",
        # two or more separators and one closing the line: "Site >World >Headline >"
        _r(r"^[^>»›]{1,40}(?:\s?[>»›]\s?[^>»›]{1,40}){2,}\s?[>»›]$"),
        max_words=20,
        needs=any_of(">", "»", "›"),
    ),
    Rule(
        "advertisement",
        "advertisement slot",
        _r(r"^sponsored advertisement|^(?:sponsored|paid) (?:ad|advert)$"),
        max_words=8,
    ),
    Rule(
        "comment-prompt",
        "comment form text",
        _r(r"^what (?:do )?you think\??$|^(?:tell us|let us know) what you think\b"),
        max_words=10,
    ),
    Rule(
        "navigation",
        "site navigation or page control",
        _r(
            r"^(?:return|back|go back) to (?:the )?(?:[\w'’-]+ ){0,3}(?:page|homepage|home|top|"
            r"index|list|menu|front page)$"
        ),
        max_words=8,
    ),
    Rule(
        "source-link",
        "link back to the syndicated source",
        # a label and a link only: "Image source: https://..."
        re.compile(r"^[^\s:：]{1,20}\s*[:：]\s*https?://\S+$"),
        needs=any_of("http"),
    ),
    Rule(
        "notification-prompt",
        "prompt to turn on the site's notifications",
        _r(
            r"^(?:please )?(?:turn on|enable|allow|activate|get) (?:push |breaking news )?"
            r"(?:notifications|alerts)\b|^attiva le notifiche\b|^activ(?:ez|er) les "
            r"notifications\b|^activa las notificaciones\b|^ative as notifica[çc][õo]es\b"
            r"|^benachrichtigungen (?:aktivieren|einschalten)\b|^включите уведомления\b"
            r"|^увімкніть сповіщення\b"
        ),
        max_words=20,
        needs=any_of("notif", "alerts", "benachrichtig", "уведомл", "сповіщ"),
    ),
    Rule(
        "upgrade-prompt",
        "prompt to upgrade a subscription",
        # "Unlock stock picks and a newsfeed ... Upgrade Now": the call ends the line
        _r(r"\bupgrade (?:now|today)[.!]?$|^unlock\b.{0,120}\bupgrade\b"),
        max_words=30,
        needs=any_of("upgrade"),
    ),
    Rule(
        "link-prompt",
        "prompt to follow a link or scroll",
        # "To learn more about X, click here.": the link's text, not the article's
        _r(
            r"^read the (?:article|story)[.!]?$|\bclick here[.!]?$|^click here (?:to|for)\b|\bhaga clic aquí[.!]?$|\bcliquez ici[.!]?$|\bclicca qui[.!]?$"
            r"|^scroll (?:down|up) (?:for|to)\b|\başağıya kaydırın[.!]?$"
        ),
        max_words=20,
        needs=any_of("click", "clic", "clicca", "scroll", "kaydır", "read the"),
    ),
    Rule(
        "media-teaser",
        "link to a video, gallery or audio item",
        # "Video: Jeb Bush Wins", "Watch: ...", "Photos: ...": a player or gallery's label
        _r(
            r"^(?:v[ií]deo|watch|photos?|gallery|galer[ií]a|audio|listen|podcast|видео|відео|"
            r"фото)\s*:\s*\S|^(?:视频|視頻|動画)\s*[:：]"
        ),
        max_words=10,
    ),
)
