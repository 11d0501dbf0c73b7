"""The UI vocabulary of pages in other languages than English, as rules with the English ids.

Each new set of outlets the detector met at first sight was mostly in languages the first
vocabulary (vocabulary.py, promos.py) did not speak: "Noticias relacionadas", "Добавить
комментарий", "Baca juga", "Leia também" stayed in the text. A menu, a comment form or a
"related" heading says the same things in every language, so these rules give the same ids
(``comment-prompt``, ``related-teaser``, ...) to the same prompts in Spanish, Portuguese,
French, Italian, German, Dutch, Russian, Ukrainian, Bulgarian, Polish, Turkish, Indonesian,
Chinese, Japanese and Arabic. The phrases are the stock UI wording of those languages, not
any one outlet's.

Like the English rules they are held to short lines (``max_words``) and to the start of the
line or the whole line: an article quotes the word "comentario" in a sentence, it does not
open a line with "Deja un comentario". They come after the English rules, so a line both
match keeps the older rule (and the seeds' 23 lines their ids).
"""

from __future__ import annotations

import re

from claimcorpus.normalize.vocabulary import Rule, any_of


def _whole(*phrases: str) -> re.Pattern[str]:
    """The line (bullets and trailing separators taken off) is one of the phrases."""
    return re.compile(r"^(?:" + "|".join(phrases) + r")[\s:.!…»›>]*$", re.IGNORECASE)


def _start(*phrases: str) -> re.Pattern[str]:
    """The line starts with one of the phrases, as whole words."""
    return re.compile(r"^(?:" + "|".join(phrases) + r")(?:$|[\s:.!…»›>|,(])", re.IGNORECASE)


RELATED = (
    # es, pt
    r"noticias relacionadas|notícias relacionadas|art[ií]culos relacionados|artigos relacionados",
    r"contenido relacionado|conteúdo relacionado|te puede interesar|también te puede interesar",
    r"no te pierdas|lo m[aá]s le[ií]do|lo último|m[aá]s noticias|mais notícias|mais lidas",
    r"leia também|leia mais|veja também|lea también|lee también|ver m[aá]s|ver también",
    r"relacionad[oa]s|destacad[oa]s|[uú]ltimas noticias|[uú]ltimas notícias",
    r"en esta noticia|nesta notícia|dans cet article",
    # fr, it
    r"à lire aussi|a lire aussi|lire aussi|lire la suite|articles? similaires|sur le même sujet",
    r"les plus lus|dernières nouvelles|dernières infos|à la une|voir aussi|en savoir plus",
    r"leggi anche|articoli correlati|potrebbe interessarti|i più letti|ultime notizie",
    # de, nl
    r"mehr zum thema|das könnte sie auch interessieren|lesen sie auch|auch interessant",
    r"weitere artikel|ähnliche artikel|meistgelesen|weiterlesen|lees ook|gerelateerde artikelen",
    # ru, uk, bg, pl
    r"читайте также|читайте тоже|смотрите также|похожие новости|другие новости|по теме",
    r"популярные новости(?: за сутки)?|больше новостей(?: на .{1,40})?|последние новости",
    r"главное|новости партнеров|читати також|інші новини|популярні новини|останні новини",
    r"още по темата|прочетете още|най-четени|czytaj (?:też|także|więcej)|zobacz też",
    # sv, no, da, cs, el, sw
    r"läs också|läs mer|läs hela .{1,40} här|relaterade artiklar|mest lästa|les også|les mer",
    r"læs også|læs mere|mest læste|související články|čtěte také|nejčtenější|přečtěte si také",
    r"διαβάστε επίσης|διαβάστε ακόμα|δημοφιλή|διαβάζονται τώρα|σχετικά άρθρα|habari zaidi",
    r"habari zinazohusiana|soma zaidi|soma pia",
    # tr, id/ms
    r"ilgili haberler|benzer haberler|devamını oku|son dakika|çok okunanlar|öne çıkanlar",
    r"baca juga|berita terkait|artikel terkait|baca selengkapnya|selengkapnya|terpopuler",
    r"berita lainnya|berita terkini|baca berita lainnya",
    # zh, ja, ar
    r"相关新闻|相关阅读|相关文章|热门新闻|趋势新闻|推荐阅读|延伸阅读|更多新闻|阅读全文|查看更多",
    r"関連記事|関連ニュース|人気記事|続きを読む|اقرأ أيضا|اقرأ أيضاً|أخبار ذات صلة|الأكثر قراءة",
)
_COMMENTS = (
    r"deja (?:un|tu) comentario|dejar un comentario|deixe (?:um|seu) comentário|comentários?",
    r"comentarios?|nenhum comentário|sin comentarios|postar um comentário|publicar comentario",
    r"laisser un commentaire|laissez un commentaire|commentaires?|lascia un commento|commenti",
    r"kommentare?|kommentar schreiben|schreiben sie einen kommentar|reageer|reacties",
    r"добавить комментарий|оставить комментарий|комментари[йия]|комментариев(?: \d+| нет)?",
    r"коментар[іи]|коментари|додати коментар|добави коментар|komentarze|dodaj komentarz",
    r"yorum(?: yap| yaz|lar)?|tinggalkan komentar|komentar|tulis komentar",
    r"发表评论|评论|留言|コメント|التعليقات|أضف تعليق",
)
_COUNT_WORDS = (
    r"просмотр(?:ы|ов|а)?|комментари(?:ев|я|й)|коментар(?:ів|і)|переглядів|преглеждания",
    r"visualizaç(?:ões|ão)|visualizaciones|vistas|lecturas|vues|lectures|aufrufe|ansichten",
    r"kez okundu|okunma|dilihat|kali dibaca|views|reads|shares|likes|comments",
    r"阅读|浏览|评论|次阅读|点赞|مشاهدة|مشاهدات",
)
_SHARE = (
    r"compartir|compartilhar|compartilhe|comparte|partager|partagez|condividi|teilen",
    r"поделиться|поділитися|сподели|udostępnij|paylaş|bagikan|分享|シェア|مشاركة",
    r"s[ií]guenos(?: en .{1,30})?|siga-nos(?: no .{1,30})?|suivez-nous(?: sur .{1,30})?",
    r"folgen sie uns(?: auf .{1,30})?|подписывайтесь(?: на .{1,40})?|ikuti kami(?: di .{1,30})?",
    r"redes sociales|redes sociais|réseaux sociaux|soziale netzwerke|соцсети",
    r"rejoignez-nous|únete|síguenos|قم بالمشاركة",
)
_SUBSCRIBE = (
    r"suscr[ií]bete|suscríbase|assine(?: já| agora)?|abonnez-vous|abonnieren|iscriviti",
    r"подписаться|подпишитесь|підписатися|абонирай се|subskrybuj|abone ol|berlangganan",
    r"订阅|購読|اشترك",
)
_LOGIN = (
    r"войти|вход|зарегистрироваться|регистрация|увійти|вход в профила",
    r"iniciar sesi[oó]n|inicia sesi[oó]n|entrar|registrarse|cadastre-se|se connecter|connexion",
    r"s'inscrire|anmelden|registrieren|accedi|registrati|zaloguj(?: się)?|giriş yap|kayıt ol",
    r"masuk|daftar|登录|注册|ログイン|تسجيل الدخول",
)
_NAV = (
    r"inicio|início|portada|accueil|startseite|главная|головна|начало|strona główna|anasayfa",
    r"beranda|首页|ホーム|الرئيسية|menú|menu principal|меню|buscar|pesquisar|rechercher|suche",
    r"поиск|пошук|cari|搜索|検索|بحث|liens d'accessibilité|ir al contenido|pular para o conteúdo",
    r"aller au contenu|zum inhalt springen|перейти к содержанию|ke konten",
    # "1. Перейти до змісту": a numbered list of skip links
    r"(?:\d\.\s*)?перейти до (?:змісту|головного меню|інших проєктів(?: dw)?)",
)
_FOOTER = (
    r"todos los derechos reservados|todos os direitos reservados|tous droits réservés",
    r"alle rechte vorbehalten|tutti i diritti riservati|все права защищены|всі права захищені",
    r"всички права запазени|wszelkie prawa zastrzeżone|tüm hakları saklıdır|hak cipta",
    r"版权所有|著作権|جميع الحقوق محفوظة",
)
_FOOTER_LINKS = (
    r"t[eé]rminos(?: y condiciones| de uso)?|termos de uso|pol[ií]tica de privacidad",
    r"pol[ií]tica de privacidade|aviso legal|mentions légales|conditions d'utilisation",
    r"datenschutz(?:erklärung)?|nutzungsbedingungen|contacto|contato|contactez-nous",
    r"kontakt|контакты|контакти|о нас|про нас|за нас|sobre nosotros|quiénes somos|qui sommes-nous",
    r"политика конфиденциальности|пользовательское соглашение|kebijakan privasi|pedoman media siber",
    r"redaksi|tentang kami|iletişim|gizlilik politikası|künye|联系我们|关于我们|免责声明",
)
_SOURCE = (r"источник|джерело|източник|fuente|fonte|quelle|sumber|kaynak|źródło|来源|出处|المصدر",)
_AUTHOR = (
    r"автор|автори|автор текста|autor(?:a|es)?|auteur|penulis|editor|redaktur|pewarta|yazar",
    r"muhabir|redakcja|редактор|作者|编辑|記者|الكاتب|بقلم",
)
_WORD = r"[^\W\d_][\w.'’-]*"
_NAME = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]+"  # a capitalised name (case-sensitive)
_AGENCIES = (
    "reuters|afp|ap|epa|epa-efe|getty images|dpa|efe|ansa|xinhua|tass|ria novosti|anadolu|aa|"
    "irna|yonhap|kyodo|pti|ani|ians|bernama|antara|lusa|agência brasil|europa press|sipa|"
    "imago|zuma press|bloomberg|shutterstock|istock|ria"
)

MULTILINGUAL_RULES: tuple[Rule, ...] = (
    Rule("related-teaser", "heading of related or popular articles", _whole(*RELATED), max_words=8),
    Rule("comment-prompt", "comment form text", _whole(*_COMMENTS), max_words=6),
    Rule(
        "comment-prompt",
        "comment form text",
        re.compile(
            r"^(?:вы не авторизованы|посетители, находящиеся в группе|чтобы оставить комментарий|"
            r"para comentar|para dejar un comentario|pour commenter|um zu kommentieren|"
            r"untuk berkomentar|yorum yapabilmek için)",
            re.IGNORECASE,
        ),
        max_words=25,
    ),
    Rule(
        "media-player",
        "view, comment or share count",
        re.compile(
            r"^(?:[\d.,\s]+[km]?\s*(?:"
            + "|".join(_COUNT_WORDS)
            + r")|(?:"
            + "|".join(_COUNT_WORDS)
            + r")\s*:?\s*[\d.,]+[km]?)$",
            re.IGNORECASE,
        ),
        max_words=4,
    ),
    Rule("share-prompt", "share or follow prompt", _whole(*_SHARE), max_words=8),
    Rule(
        "subscribe-prompt", "newsletter or subscription prompt", _start(*_SUBSCRIBE), max_words=20
    ),
    Rule("paywall", "paywall or login notice", _whole(*_LOGIN), max_words=4),
    Rule("navigation", "site navigation or page control", _whole(*_NAV), max_words=5),
    Rule(
        "breadcrumb",
        "site navigation breadcrumb",
        re.compile(r"^(?:" + "|".join(_NAV[:2]) + r")\s*[»>›|/]", re.IGNORECASE),
    ),
    Rule(
        "breadcrumb",
        "site navigation breadcrumb",
        # "Início Site Página 2415", "Accueil International": the home word, then a section
        re.compile(
            r"^(?i:início|inicio|accueil|startseite|start|главная|головна|beranda|anasayfa|portada)"
            r"\s+[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ]"
        ),
        max_words=8,
    ),
    Rule(
        "navigation",
        "page number of a listing (Página 2415, Seite 198)",
        re.compile(
            r"\b(?:page|página|pagina|seite|страница|сторінка|halaman|sayfa|pagină|strona)\s+\d+$",
            re.IGNORECASE,
        ),
        max_words=6,
        needs=re.compile(r"pag|seite|страниц|сторінк|halaman|sayfa|strona"),
    ),
    Rule(
        "footer",
        "site footer (copyright, legal and contact links)",
        re.compile("|".join(_FOOTER), re.IGNORECASE),
        max_words=30,
        # the phrases are plain words: their lower-cased forms are the rule's cheap filter
        needs=any_of(*"|".join(_FOOTER).split("|")),
    ),
    Rule("footer", "site footer (legal and contact links)", _whole(*_FOOTER_LINKS), max_words=6),
    Rule(
        "source-link",
        "link back to the syndicated source",
        re.compile(r"^(?:" + "|".join(_SOURCE) + r")(?:\s*:\s*\S.{0,60})?$", re.IGNORECASE),
        max_words=8,
    ),
    Rule(
        "byline",
        "stand-alone byline (author label and names)",
        # "Автор:", "Penulis: Ana Wiraswasta | Editor: Budi" (a label then a name, or none)
        re.compile(
            r"^(?:" + "|".join(_AUTHOR[:1]) + r")\s*:\s*(?:" + _WORD + r"(?:\s+" + _WORD + r"){0,3}"
            r"(?:\s*[|,/]\s*(?:"
            + "|".join(_AUTHOR[:1])
            + r")\s*:\s*"
            + _WORD
            + r"(?:\s+"
            + _WORD
            + r"){0,3})*)?$",
            re.IGNORECASE,
        ),
        max_words=14,
    ),
    Rule(
        "photo-credit",
        "photo credit or caption credit",
        re.compile(
            r"\b(?:foto|fotos|fotó|fotografía|fotografia|фото|снимка|bild|crédit photo|"
            r"crédito|kredit foto|imagen|ilustración|ilustrasi|fotoğraf|görsel|"
            r"图片|图|사진|写真)\s*[:/]\s*\S",
            re.IGNORECASE,
        ),
        max_words=40,
        needs=any_of(
            *"foto фото снимка bild crédit crédito kredit imagen ilustr görsel 图 사진 写真".split()
        ),
    ),
    Rule(
        "photo-credit",
        "caption ending in an agency credit in brackets",
        # "... in Paris on May 7, 2017. (REUTERS)", "... (AP Photo/Ann Lee)"
        re.compile(
            r"[.!?]['\"”’»]?\s*\((?:©\s*)?(?:" + _AGENCIES + r")(?:\s+(?:photo|foto|images?))?"
            r"(?:\s*/\s*[^()]{1,40})?\)$",
            re.IGNORECASE,
        ),
        max_words=60,
        needs=any_of("("),  # the credit is in brackets: a line without one is never tried
    ),
    Rule(
        "byline",
        "stand-alone byline (by and the author's names)",
        # "Por Juan Carlos Pérez", "Par Ana Lind, AFP", "Oleh Budi Santoso | Antara"
        re.compile(
            r"^(?i:por|par|von|di|oleh|door|przez|от|by)\s+"
            + _NAME
            + r"(?:\s+(?:"
            + _NAME
            + r"|de|da|del|dos|van|von|der|y|e|et|und|and|la|le|и))"
            r"{0,5}(?:\s*[,|/–-]\s*[\w .'’-]{1,40})?$"
        ),
        max_words=10,
    ),
    Rule(
        "page-label",
        "page metadata label (tags, keywords)",
        _start(
            r"etiquetas|palabras clave|temas|tags|mots-clés|thèmes|schlagwörter|themen|теги",
            r"метки|темы|теми|etiketler|etiket|kata kunci|topik|tag|标签|关键词|タグ|الوسوم",
            r"parole chiave|argomenti|palavras-chave|assuntos",
        ),
        max_words=25,
    ),
    Rule(
        "share-prompt",
        "share or follow prompt naming a network",
        re.compile(
            r"^(?:" + "|".join(_SHARE[:2]) + r")\s+(?:en|no|na|sur|auf|в|у|di|на|su|ile|em)\s+"
            r"\S.{0,30}$",
            re.IGNORECASE,
        ),
        max_words=8,
    ),
    Rule(
        "photo-credit",
        "photo credit without a colon ('Beeld ANP', '... FOTO agency.com')",
        re.compile(
            r"^(?:null\s+)?(?i:beeld|foto|fotó|фото)\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][^.!?]{0,60}$"
            r"|\sFOTO\s+\S{1,40}$"
        ),
        max_words=10,
        needs=any_of("beeld", "foto", "fotó", "фото"),
    ),
    Rule(
        "navigation",
        "menu items spaced apart on one line",
        # "Analyses      Glossary      Methods": items the extraction kept apart by wide gaps
        # (items start with no lower-case letter, and the line ends no sentence)
        re.compile(
            r"^(?:(?![a-zß-ÿа-яё])[^\s].{0,40}?\s{3,}){2,}(?![a-zß-ÿа-яё])[^\s].{0,40}(?<![.!?])$"
        ),
        max_words=30,
        needs=any_of("   "),
    ),
    Rule(
        "photo-credit",
        "image file name or slug",
        # "estadio-arturo-c-nahl", "img_2024_05_01": words joined by hyphens, no space
        re.compile(r"^(?=[^-_]*[a-z])[a-z0-9]+(?:[-_][a-z0-9]+){2,}$"),
        max_words=12,
    ),
)
