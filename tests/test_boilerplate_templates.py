"""The boilerplate rules written from session 10's development pages: each line must go with
its rule id, and an article line that looks like it must stay. Every page, outlet, person
and quote here is invented.

Pages are a headline, two sentences of text and the line under test, as in
``test_boilerplate_signals``.
"""

from __future__ import annotations

import pytest
from test_boilerplate_signals import HEAD, TEXT, kept, removed

from claimcorpus.normalize import boilerplate
from claimcorpus.normalize import linequality as lq
from claimcorpus.normalize.text import normalize_bytes

NEW_RULES = {
    "bare-url",
    "copyright-notice",
    "link-prompt",
    "media-teaser",
    "notification-prompt",
    "page-label",
    "upgrade-prompt",
}


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Ferry fares rise again after the storm - 29 mins ago", "related-teaser"),
        ("Council to close two car parks - about 1 hour ago", "related-teaser"),
        ("La junta nombra a su nueva presidenta · hace 3 horas", "related-teaser"),
        ("Совет порта назначил нового главу — 5 минут назад", "related-teaser"),
        ("/https%3A%2F%2Fcdn.harbourgazette.example%2Fimg%2F42.jpg)", "bare-url"),
        ("cdn.example%2Fimages%2Fharbour-board.png", "bare-url"),
        ("Turn on notifications to get the latest harbour news", "notification-prompt"),
        ("Attiva le notifiche per ricevere gli aggiornamenti su", "notification-prompt"),
        ("Unlock tide tables and a members' newsfeed for the port. Upgrade Now", "upgrade-prompt"),
        ("To learn more about dredging, click here.", "link-prompt"),
        ("Video: Harbour board chair speaks", "media-teaser"),
        ("Mara Vell at the harbour office. Ann Lee / AP", "photo-credit"),
        ("12/03/2024 - Mara Vell no porto - Ann Lee/Folhapress", "photo-credit"),
        ("Mara Vell no porto Imagem: Ann Lee/Folhapress", "photo-credit"),
        ("港口委员会主席 资料图 图源：港口委员会网站", "photo-credit"),
        ("本站所有文章均为原创。任何个人或组织禁止复制、转载本站内容。", "copyright-notice"),
        ("Entries in Harbour (21)", "page-label"),
        ("View More In This Section", "related-teaser"),
        ("Share Adjust Comment Print", "share-prompt"),
        (
            "Also Read | Ferry operator warns of fare rises across the northern routes",
            "related-teaser",
        ),
        ("Leia também: Conselho do porto rejeita acusações sobre contrato", "related-teaser"),
        ("Ann Lee and Tom Roe report for The Harbour Post.", "byline"),
        ("Ann Lee reports for Harbour Data Foundation May 24, 2022.", "byline"),
        ("Mara Vell at the harbour office (archive photo)", "photo-credit"),
        ("Ann Lee-USA TODAY Sports", "photo-credit"),
        ("clock menu more-arrow no yes mobile", "navigation"),
        ("1. Перейти до змісту", "navigation"),
        ("鄭重声明：記事の転載は情報の伝達のみを目的としています。", "copyright-notice"),
        ("視頻：港口委员会主席讲话", "media-teaser"),
        ("Click here to sign up for our newsletter!", "link-prompt"),
        ("Read the article.", "link-prompt"),
        ("La suite est réservée à nos abonnés.", "paywall"),
        ("1 min de leitura", "timestamp"),
        ("تاريخ النشر: 18th, February 2025 GMT", "timestamp"),
        ("The harbour office on Tuesday. / Getty Images", "photo-credit"),
        ("Caption", "navigation"),
        ("The harbour at dawn. Credit: annlee/Shutterstock.com", "photo-credit"),
        ("جانب من اجتماع مجلس الميناء الثلاثاء (د.ب.أ)", "photo-credit"),
        ("GAZETE HABER MERKEZİ", "byline"),
        ("You are using an older browser version. Please use a supported version.", "navigation"),
        ("En esta noticia", "related-teaser"),
    ],
)
def test_a_template_line_goes_with_its_rule(line, rule):
    assert removed([HEAD, TEXT[0], line, TEXT[1]]).get(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "The board said the contract had been signed two years ago - and never reviewed.",
        "The figures were published at http://harbourgazette.example.",
        "Residents can turn on notifications in the council's app, the board said.",
        "The board said it would upgrade the cranes within a year, not now.",
        "Mara Vell said the board would review every bid before the vote, officials said.",
        "Video: the chair explained the contract in a long interview with local radio on Monday.",
        "The port's figures were compiled by Ann Lee / Harbour Data.",
        "法院裁定该公司禁止复制他人作品，并处以罚款。",
        "港口委员会周二表示，所有投标均公开开启并由独立工程师评分。",
        "Harbour Board reports for March show a loss of two million pounds.",
        "Ann Lee reported for the Gazette for ten years before she joined the board.",
        "Click the map to see where the new channel will run, the board's website says.",
        "The board said the rest of the report was reserved for its members and auditors.",
        "وقال رئيس مجلس الميناء إن جميع العطاءات فتحت علنا (د.ب.أ).",
        "The council said residents using an older browser could not file objections online.",
        "Also read out at the meeting was a letter from the two bidders who lost the contract last year.",
    ],
)
def test_an_article_line_with_the_same_words_stays(line):
    assert line in kept([HEAD, TEXT[0], line, TEXT[1]])


def test_every_new_rule_id_is_listed():
    assert NEW_RULES <= set(boilerplate.ALL_RULE_IDS)


def test_a_chinese_sentence_with_its_source_in_brackets_ends_a_sentence():
    line = "另外，海关总署23日宣布，现允许俄罗斯全境小麦进口。(综合报道)"
    assert lq.info(line).terminal
    assert lq.info("海关总署23日宣布。（综合报道）").terminal
    assert not lq.info("海关总署23日宣布(综合报道)").terminal  # no sentence end before it
    page = ["港口委员会否认疏浚合同指控", "港口委员会周二表示，所有投标均公开开启。", line]
    assert line in normalize_bytes("\n".join(page).encode()).text


def test_a_subheading_above_a_paragraph_the_page_cuts_off_stays():
    cut = (
        "The second contract, for the northern channel, was signed in March after a tender "
        "that two of the losing bidders have since asked the courts to"
    )
    assert lq.info(cut).words >= 20 and not lq.info(cut).terminal
    page = [HEAD, *TEXT, "The northern channel", cut]
    assert "The northern channel" in kept(page) and cut in kept(page)
    # cut off above a footer another rule removes: still the text's
    footer = "© 2024 Harbour Gazette. All rights reserved."
    assert set(removed([HEAD, *TEXT, "The northern channel", cut, footer])) == {footer}
    # a kept line below it is no footer: the long line is below the text, as before
    below = removed([HEAD, *TEXT, "The northern channel", cut, "Harbour Gazette newsroom"])
    assert set(below) == {"The northern channel", cut, "Harbour Gazette newsroom"}
    # the same subheading closing the page, or above a short line, is below the text: it goes
    assert removed([HEAD, *TEXT, "The northern channel"]) == {"The northern channel": "tail-short"}
    short = removed([HEAD, *TEXT, "The northern channel", "Related stories from the port"])
    assert short.get("The northern channel") == "tail-short"


def test_a_photo_credit_run_into_the_first_paragraph_is_text():
    fused = (
        "Photo by Ann Lee(PORTSMOUTH, N.H.) -- The harbour board on Tuesday rejected claims "
        "that it had handed a dredging contract to a company owned by one of its members."
    )
    assert fused in kept([HEAD, fused, TEXT[1]])
    assert removed([HEAD, "Photo by Ann Lee", *TEXT]) == {"Photo by Ann Lee": "photo-credit"}


def test_a_list_of_longer_headlines_closing_the_page_goes_even_after_a_question():
    teasers = [
        "Ferry operator warns of fare rises across the northern routes after the winter storms",
        "Council leader under pressure as harbour dredging costs climb for a third year",
        "Fishing fleet owners ask ministers for help with fuel costs; talks set for Monday",
        "Harbour museum to close two galleries over the winter for repairs to its roof",
        "Will the new ferry terminal ever open before the summer season?",
        "Island ferry timetables for the spring",
        "Harbour board chair answers readers' questions; listen to the podcast",
    ]
    # the question ends a sentence: the lines above it are no longer below the text
    assert lq.info(teasers[4]).prose
    assert all(12 < lq.info(t).words <= 16 for t in teasers[:4])
    out = removed([HEAD, *TEXT, *teasers])
    assert set(teasers) <= set(out)
    # three closing lines that end with a full stop are the article's, however long
    closing = [
        "The board will meet again in March to decide on the northern channel contract.",
        "Its chair said the tender would be reopened if the courts asked for it.",
        "Bidders have until the end of the month to lodge their objections with the board.",
    ]
    assert all(line in kept([HEAD, *TEXT, *closing]) for line in closing)


def test_a_list_of_long_teasers_closing_the_page_is_no_cut_paragraph():
    teasers = [
        "The harbour board's chair faces growing pressure from councillors over the cost of the "
        "dredging contract and the way it was awarded last year Harbour Gazette - Politics",
        "Island ferry operators warn that fares will rise again next spring unless the port cuts "
        "its landing charges for passenger vessels and freight Harbour Gazette - Business",
    ]
    assert all(lq.info(t).words >= 20 and not lq.info(t).terminal for t in teasers)
    out = removed([HEAD, *TEXT, *teasers])
    assert set(out) == set(teasers) and set(out.values()) == {"tail-short"}
