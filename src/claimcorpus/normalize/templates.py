"""Template lines of outlets the earlier vocabularies did not cover, in any language.

Written in session 10 from three new development sets of real pages (one outlet a page):
teasers with their age or after a "read also" label, captions that end in their credit,
credits of digests and news desks, reprint and subscriber notices, reading times and
publication-date labels, encoded image addresses, browser notices and icon labels. Each is
held to short lines or to a form an article sentence does not take (a credit after the
caption's end, a label and a separator before a headline), and has a cheap filter string
or a start anchor. They come after the multilingual rules, so a line an older rule also
names keeps that rule's id.
"""

from __future__ import annotations

import re

from claimcorpus.normalize.multilingual import RELATED
from claimcorpus.normalize.vocabulary import Rule, any_of

TEMPLATE_RULES: tuple[Rule, ...] = (
    Rule(
        "bare-url",
        "an encoded web address (an image's source) on a line of its own",
        # "/https%3A%2F%2Fcdn.example.com%2Fimg.jpg)"; plain addresses are source-link's
        re.compile(r"^\S*%2f\S*%2f\S*$", re.IGNORECASE),
        needs=any_of("%2f"),
    ),
    Rule(
        "copyright-notice",
        "notice forbidding reproduction",
        # "本站所有文章...禁止复制、盗用...": the site's own reprint notice; a sentence about a
        # court that banned copying names no "this site" or "all articles"
        re.compile(
            r"(?:本站|本网|本报|本平台|所有文章|所有内容|版权).{0,120}?"
            r"(?:禁止|不得|严禁|谢绝|请勿|請勿)(?:任何[^，。,]{0,12})?(?:复制|转载|盗用|摘编|轉載|複製)"
            r"|^(?:鄭重声明|郑重声明|鄭重聲明)|著作権は.{0,20}帰属|無断(?:転載|複製)|転載を禁"
        ),
        max_words=160,
        needs=any_of(
            "禁止", "不得", "严禁", "谢绝", "请勿", "請勿", "声明", "聲明", "著作権", "無断", "転載"
        ),
    ),
    Rule(
        "related-teaser",
        "teaser for another article, with its age",
        # "Minister says ... - 29 mins ago", "... · hace 3 horas": a list of the latest stories
        re.compile(
            r"\s[-–—|·•]\s*(?:(?:about|around|over|just) )?(?:an?|\d+)\s*(?:secs?|seconds?|"
            r"mins?|minutes?|hrs?|hours?|days?|weeks?|months?) ago$"
            r"|\s[-–—|·•]\s*(?:hace \d+ (?:minutos?|horas?|días?)|il y a \d+ (?:minutes?|"
            r"heures?|jours?)|vor \d+ (?:minuten|stunden|tagen)|\d+ (?:минут[уы]?|час(?:а|ов)?|"
            r"дн(?:я|ей)) назад|\d+ (?:dakika|saat|gün) önce|\d+\s*(?:分钟|小时|天|分|時間|日)前)$",
            re.IGNORECASE,
        ),
        max_words=40,
        needs=any_of("ago", "hace", "il y a", "vor ", "назад", "önce", "前"),
    ),
    Rule(
        "page-label",
        "a section or tag with its count of entries",
        # "Entries in Verdict (21)", "Ukraine (1,204)": a link to a list, not a heading
        re.compile(r"^[^\d()]{2,40} \(\d{1,3}(?:,\d{3})*\)$"),
        max_words=5,
        needs=any_of("("),
    ),
    Rule(
        "photo-credit",
        "caption ending in its photographer's credit",
        # "U.S. President Donald Trump. Alex Brandon / AP", "... Brasil - Mateus Bonomi/AGIF",
        # "... Imagem: Ana Lee/Folhapress": the credit after the caption's end, dash or label
        re.compile(
            r"(?:[.!?]['\"”’»]?|\s[-–—|]|(?i:imagem|foto|photo|bild|image|cr[ée]dito?s?)\s?:)\s*"
            r"(?:[A-ZÀ-Ö][\w'’.-]+(?: [A-ZÀ-Ö][\w'’.-]+){0,3} ?)?/ ?[A-Z][\w-]*(?: [A-Z][\w-]*){0,2}$"
        ),
        max_words=60,
        needs=any_of("/"),
    ),
    Rule(
        "photo-credit",
        "image source of a caption",
        # "外交部发言人 资料图 图源：外交部网站"
        re.compile(r"图源|图片来源|圖片來源|图片来自|资料图|資料圖"),
        max_words=30,
        needs=any_of("图源", "图片来", "圖片來", "资料图", "資料圖"),
    ),
    Rule(
        "related-teaser",
        "teaser for another article, after its label",
        # "Also Read | Minister resigns over ...", "Leia também: ...": the label of RELATED
        # and a separator, then a headline of any length
        re.compile(
            r"^(?:also read|read also|read more|see also|more on this|"
            + "|".join(RELATED)
            + r")\s*[|:»>–—]\s*\S",
            re.IGNORECASE,
        ),
        max_words=45,
    ),
    Rule(
        "byline",
        "credit of the author and the outlet a digest quotes",
        # "Ann Lee and Tom Roe report for The Harbour Post.", "Ann Lee reports for Reuters May 2"
        re.compile(
            r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}(?:(?:, | and |, and )[A-Z][\w.'’-]+"
            r"(?: [A-Z][\w.'’-]+){1,3})* reports? for (?:the )?(?:[A-Z][\w.'’&-]*\s?){1,5}"
            # nothing after the outlet but a date: "Harbour Board reports for March show ..."
            r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})?\.?$"
        ),
        max_words=30,
        needs=any_of("report"),
    ),
    Rule(
        "photo-credit",
        "caption marked as a file photo",
        # "Volodymyr Zelensky (archive photo)", "... (foto de archivo)"
        re.compile(
            r"\((?:архівне фото|архивное фото|архівне|архивное|file photo|archive photo|"
            r"foto de archivo|foto d'archivio|photo d'archives|archivbild|archivfoto|"
            r"foto archiwalne|资料图|資料圖)\)$",
            re.IGNORECASE,
        ),
        max_words=30,
        needs=any_of("архів", "архив", "file photo", "archiv", "archive", "资料图", "資料圖"),
    ),
    Rule(
        "photo-credit",
        "photo agency credit after the photographer's name",
        # "Ann Lee-USA TODAY Sports", "Ann Lee-Imagn Images"
        re.compile(
            r"^[A-Z][\w.'’ -]{2,40}-(?:USA TODAY Sports|Imagn Images|Imagn Content Services)$"
        ),
        max_words=10,
        needs=any_of("usa today sports", "imagn"),
    ),
    Rule(
        "navigation",
        "icon names of a page's controls",
        # the labels of a template's SVG icons, run together as text
        re.compile(r"^clock menu more-arrow(?: no yes)?(?: mobile)?$", re.IGNORECASE),
        needs=any_of("more-arrow"),
    ),
    Rule(
        "paywall",
        "paywall or login notice",
        # "La suite est réservée à nos abonnés.": the rest of the article is for subscribers
        re.compile(
            r"^(?:la suite (?:de cet article )?est |cet article est |contenido |conteúdo |"
            r"artículo |artigo |dieser artikel ist |der rest ist )?(?:réservée?s? (?:à nos|aux) "
            r"abonnés|exclusivo para (?:suscriptores|assinantes)|nur für abonnenten|"
            r"riservato agli abbonati|только для подписчиков|лише для передплатників)",
            re.IGNORECASE,
        ),
        max_words=16,
        needs=any_of("abonn", "suscript", "assinant", "abbonati", "подписчик", "передплатник"),
    ),
    Rule(
        "timestamp",
        "reading time or publication date label",
        # "1 min de leitura", "Lecture : 3 min", "تاريخ النشر: 18th, February 2025 GMT"
        re.compile(
            r"^\d+\s*(?:min|mins|minutos?|minutes?)\.? de (?:leitura|lectura|lecture)$"
            r"|^(?:lecture|leitura|lectura|lesezeit)\s*:?\s*\d+\s*min"
            r"|^(?:تاريخ النشر|آخر تحديث|publicado(?: el| em)?|publié le|veröffentlicht am|"
            r"опубликовано|опубліковано|yayınlanma tarihi|güncellenme tarihi)\s*:?\s*\S.{0,40}\d",
            re.IGNORECASE,
        ),
        max_words=10,
    ),
    Rule(
        "photo-credit",
        "caption ending in an Arabic agency credit",
        # "... وزراء الخارجية العرب في المنامة (د.ب.أ)": a caption; a sentence ends before it
        re.compile(r"[^.!?؟\s]\s*\((?:أ\.?ف\.?ب|رويترز|د\.?ب\.?أ|أ\.?ب|واس|الأناضول|إ\.?ب\.?أ)\)$"),
        max_words=40,
        needs=any_of("("),
    ),
    Rule(
        "byline",
        "news desk credit",
        # "KARAR HABER MERKEZİ", "Redacción Central": the desk, not a person
        re.compile(r"^(?:[\w]+ )?haber merkezi$|^redacci[oó]n(?: central| [\w]+)?$", re.IGNORECASE),
        max_words=4,
    ),
    Rule(
        "navigation",
        "browser notice",
        # "You are using an older browser version. Please use a supported version ..."
        re.compile(
            r"^(?:you are|you're|it looks like you(?:'re| are)) using an? (?:older|outdated|"
            r"unsupported) (?:browser|version)|^please (?:update|upgrade) your browser\b",
            re.IGNORECASE,
        ),
        max_words=30,
        needs=any_of("browser"),
    ),
)
