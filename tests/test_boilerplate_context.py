"""The boilerplate signals of issue 16's third pass (s4): UI vocabulary in other languages
(multilingual.py), context and stopword density (context.py), dates of more languages. Each
has a line that must go and an article line that looks like it and must stay. Every page,
outlet, person and quote here is invented.
"""

from __future__ import annotations

import pytest

from claimcorpus.normalize import boilerplate, context
from claimcorpus.normalize import linequality as lq
from claimcorpus.normalize.text import normalize_bytes

HEAD = "Harbour board rejects claims over dredging contract"
TEXT = [
    "The harbour board on Tuesday rejected claims that it had handed a dredging contract to a "
    "company owned by one of its members.",
    '"Every bid was opened in public and scored by independent engineers," said Mara Vell, '
    "who chairs the board.",
]
TEXT_ES = [
    "La junta del puerto rechazó el martes las acusaciones de que había adjudicado un contrato "
    "de dragado a una empresa de uno de sus miembros.",
    '"Cada oferta se abrió en público y la evaluaron ingenieros independientes", dijo Mara Vell, '
    "que preside la junta.",
]


def removed(page: list[str]) -> dict[str, str]:
    """Removed line -> rule id."""
    n = normalize_bytes("\n".join(page).encode())
    return {e["text"]: e["rule"] for e in n.exclusions}


def title(page: list[str]) -> str | None:
    return normalize_bytes("\n".join(page).encode()).title


# ------------------------------------------------------- UI vocabulary (multilingual.py)
@pytest.mark.parametrize(
    "line, rule",
    [
        ("Noticias relacionadas", "related-teaser"),
        ("Leia também", "related-teaser"),
        ("Читайте также:", "related-teaser"),
        ("Baca juga", "related-teaser"),
        ("热门新闻", "related-teaser"),
        ("Добавить комментарий", "comment-prompt"),
        ("Deixe um comentário", "comment-prompt"),
        ("Вы не авторизованы! Войти или зарегистрироваться?", "comment-prompt"),
        ("Комментариев 3", "comment-prompt"),
        ("12 просмотров", "media-player"),
        ("Compartir", "share-prompt"),
        ("Suivez-nous sur Telegram", "share-prompt"),
        ("Suscríbete a nuestro boletín", "subscribe-prompt"),
        ("Iniciar sesión", "paywall"),
        ("Todos los derechos reservados", "footer"),
        ("Política de privacidad", "footer"),
        ("Fuente: Agencia Portuaria", "source-link"),
        ("Источник", "source-link"),
        ("Penulis: Ana Wiraswasta | Editor: Budi", "byline"),
        ("Автор:", "byline"),
        ("Foto: Juan Pérez / Gaceta del Puerto", "photo-credit"),
        ("harbour-board-dredging-contract", "photo-credit"),
    ],
)
def test_a_prompt_in_another_language_below_the_text_is_removed_with_its_rule(line, rule):
    assert removed([HEAD, *TEXT_ES, line]).get(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        # the same words inside sentences of the article
        "La fuente del puerto dijo que el contrato de dragado se revisará el próximo mes.",
        "Los comentarios del ministro sobre la junta fueron publicados en su página.",
        "Vell compartió una foto de la reunión en la que se abrieron las ofertas.",
        "Los ingenieros, según la fuente, no conocían a los dueños de la empresa.",
        # a date in the slug shape is a timestamp, not an image name
    ],
)
def test_the_same_words_in_a_sentence_of_the_article_stay(line):
    page = [HEAD, TEXT_ES[0], line, TEXT_ES[1]]
    assert line not in removed(page)


def test_a_date_shaped_like_a_slug_stays_a_timestamp():
    assert removed([HEAD, "2024-05-03", *TEXT]).get("2024-05-03") == "timestamp"


@pytest.mark.parametrize(
    "line",
    ["Início Site Página 2415", "Start Blog Seite 198", "Accueil International"],
)
def test_a_home_trail_or_page_number_above_the_headline_is_navigation_not_the_title(line):
    page = [line, HEAD, *TEXT]
    assert line in removed(page)
    assert title(page) == HEAD


def test_a_headline_starting_with_the_word_for_start_stays_the_title():
    head = "Inicio de clases se retrasa por la huelga del puerto"
    assert title([head, *TEXT_ES]) == head


# ------------------------------------------------ dates of more languages (linequality.py)
@pytest.mark.parametrize(
    "line",
    ["20 Şubat 2026 Cuma", "vendredi 14 juillet 2017", "5 мая 2024, 10:30", "Senin, 3 Maret 2025"],
)
def test_a_date_in_another_language_is_a_timestamp(line):
    assert lq.is_timestamp(line)
    assert removed([HEAD, line, *TEXT]).get(line) == "timestamp"


# -------------------------------------------------------------------- context.py
def test_names_and_a_french_date_above_the_text_are_a_byline():
    line = "Ana Lind, Paul Roe le vendredi 14 juillet 2017"
    assert removed([HEAD, line, *TEXT]).get(line) == "byline"


def test_a_standfirst_with_a_date_stays():
    line = "La junta rechaza las acusaciones del sindicato del 14 de julio de 2017"
    assert line not in removed([HEAD, line, *TEXT_ES])


def test_a_caption_without_stopwords_between_headline_and_text_is_a_label():
    page = [HEAD, "Board chair Mara Vell", *TEXT]
    assert removed(page).get("Board chair Mara Vell") == "head-label"
    assert title(page) == HEAD


def test_a_standfirst_without_end_punctuation_stays():
    standfirst = "The board says the contract was won in an open tender"
    page = [HEAD, standfirst, *TEXT]
    assert standfirst not in removed(page)


def test_without_a_known_language_the_stopword_pass_abstains():
    # too few words to tell the page's language
    assert context.page_stoplist([HEAD, "Board chair Mara Vell"]) is None
    assert context.page_stoplist([HEAD, *TEXT]) is not None


def test_the_signature_under_a_statement_stays():
    sign = [
        "Harbour Workers Union",
        "Ana Lind – president of the Harbour Workers Union",
        "Paul Roe – coordinator of the dock committee",
    ]
    out = removed([HEAD, *TEXT, *sign])
    assert not set(sign) & set(out)


def test_a_teaser_below_the_text_is_no_signature():
    line = "Dock strike enters its third week"
    assert line in removed([HEAD, *TEXT, line])


def test_a_name_the_article_repeats_in_a_sentence_is_not_the_headline():
    lines = [HEAD, "Minister Ana Lind Roe", "The board met minister Ana Lind Roe on Tuesday."]
    assert boilerplate.title_index(lines, [None, None, None]) == 0


def test_a_breadcrumb_of_six_section_words_before_the_headline_is_removed():
    crumb = f"Home World Europe Ports Politics Latest {HEAD}"
    page = [crumb, HEAD, *TEXT]
    assert removed(page).get(crumb) == "breadcrumb"
    assert title(page) == HEAD


def test_a_related_heading_below_the_text_takes_its_teasers_with_it():
    teasers = [
        "Dock strike enters its third week as talks stall",
        "The union says the port authority has not answered its letter since March.",
    ]
    out = removed([HEAD, *TEXT, "Noticias relacionadas", *teasers])
    assert out.get("Noticias relacionadas") == "related-teaser"
    assert all(out.get(t) == "teaser-list" for t in teasers), out


def test_an_inline_related_heading_in_the_middle_of_the_article_leaves_its_sentences():
    more = [
        "The board will publish the engineers' scores on its website next week.",
        "The company has denied any link to board members.",
        "Auditors are expected to report to the city council in June.",
    ]
    out = removed([HEAD, TEXT[0], "Related", "Dock strike enters its third week", *more])
    assert out.get("Related") == "related-teaser"
    assert not set(more) & set(out)


def test_a_link_framed_by_symbols_is_removed_and_a_sentence_with_symbols_stays():
    framed = "+++ Live ticker on the dredging contract +++"
    sentence = "The board's C++ software scored every bid, Vell said."
    out = removed([HEAD, TEXT[0], framed, sentence, TEXT[1]])
    assert out.get(framed) == "symbols"
    assert sentence not in out


@pytest.mark.parametrize(
    "line, rule",
    [
        (
            "La presidenta de la junta, Mara Vell, en el puerto el 7 de mayo de 2024. (REUTERS)",
            "photo-credit",
        ),
        ("Dragas en el puerto exterior. (AP Photo/Ana Lind)", "photo-credit"),
        ("Imagen: Gaceta del Puerto", "photo-credit"),
        ("Por Juan Carlos Pérez Gómez", "byline"),
        ("Oleh Budi Santoso | Antara", "byline"),
        ("Etiquetas: puerto, dragado, contrato", "page-label"),
        ("Compartir en Facebook", "share-prompt"),
    ],
)
def test_credits_bylines_tags_and_share_links_in_other_languages_go(line, rule):
    assert removed([HEAD, *TEXT_ES, line, TEXT_ES[0]]).get(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "WASHINGTON (AP) — La junta del puerto dijo el martes que publicará las ofertas.",
        "Por primera vez, la junta publicará las puntuaciones de cada oferta.",
        "Por Dios, dijo Vell, que cada oferta se abra en público.",
    ],
)
def test_an_agency_dateline_or_a_sentence_opening_with_por_stays(line):
    assert line not in removed([HEAD, TEXT_ES[0], line, TEXT_ES[1]])


def test_short_sentences_under_a_question_headline_stay():
    # why a headline ending in "?" still counts as the text's first sentence: PolNeAR
    # articles open with a question headline and then short sentences ("YouTube and
    # Google."), which the head rules would take if the question were a heading
    page = [
        "Will the harbour board sell its dredger?",
        "Ships and cranes.",
        "Docks and sheds.",
        *TEXT,
    ]
    assert not {"Ships and cranes.", "Docks and sheds."} & set(removed(page))


def test_names_after_the_standfirst_are_a_byline_and_a_sentence_naming_them_stays():
    standfirst = "The board says every bid was scored by independent engineers."
    page = [HEAD, standfirst, "Ana Lind, Paul Roe and Mara Vell", *TEXT]
    out = removed(page)
    assert out.get("Ana Lind, Paul Roe and Mara Vell") == "byline"
    assert standfirst not in out and not set(TEXT) & set(out)


@pytest.mark.parametrize(
    "line", ["Beeld ANP", "null Beeld Rob en Robin", "Dredgers in the harbour FOTO gazette.example"]
)
def test_a_photo_credit_without_a_colon_goes(line):
    assert removed([HEAD, *TEXT, line, TEXT[0]]).get(line) == "photo-credit"


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Analyses, forecasts      Glossary      Methods      Security and policy", "navigation"),
        ("Meta fact-check 3. října 2023", "timestamp"),
        ("Jumapili, 12 Juni 2016", "timestamp"),
        ("Läs hela Vells brev här", "related-teaser"),
        ("Διαβάστε επίσης", "related-teaser"),
    ],
)
def test_spaced_menus_dates_and_prompts_of_more_languages_go(line, rule):
    assert removed([HEAD, *TEXT, line, TEXT[0]]).get(line) == rule


def test_a_sentence_with_wide_gaps_inside_stays():
    line = "The board met on Tuesday   and again on Friday   to score the last bids."
    assert line not in removed([HEAD, TEXT[0], line, TEXT[1]])


def test_a_headline_after_a_kicker_taken_for_the_title_is_no_label():
    # the kicker comes first and is taken for the title (the headline under it shares no
    # word with the text, so headline.best keeps the first); the headline has no stopword
    # but is longer than the kicker: it stays
    kicker, head = (
        "Press club debate in Seoul",
        "Quayside row: chairwoman dismisses allegations outright",
    )
    page = [kicker, head, *TEXT]
    assert title(page) == kicker  # the case: a kicker taken for the title
    assert head not in removed(page)
    # a headline that says what the text says is taken for the title over the kicker
    said = "Dredging deal: Vell rejects Harbour Board claims"
    assert title([kicker, said, *TEXT]) == said
