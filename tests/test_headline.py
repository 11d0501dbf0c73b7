"""``normalize/headline.py``: of several title-like lines above the article, the first that
shares words with the article's sentences at a headline's length is the headline (invented
pages)."""

from __future__ import annotations

from claimcorpus.normalize import boilerplate, headline
from claimcorpus.normalize import linequality as lq
from claimcorpus.normalize.text import normalize_bytes

TEXT = [
    "The harbour board on Tuesday rejected claims that it had handed a dredging contract to a "
    "company owned by one of its members.",
    '"Every bid was opened in public and scored by independent engineers," said Mara Vell, '
    "who chairs the board.",
]
HEAD = "Harbour board rejects claims over dredging contract"


def title(page: list[str]) -> str | None:
    at = boilerplate.title_index(page, boilerplate.classify(page))
    return None if at is None else page[at]


def test_a_tagline_or_prompt_above_the_headline_is_not_taken():
    for tagline in ("Seaside Courier - News for the whole coast since 1911", "Open in the app"):
        assert title([tagline, HEAD, *TEXT]) == HEAD


def test_a_caption_below_the_headline_does_not_win_though_it_shares_words():
    caption = "Harbour board members at the dredging contract hearing in Port Vell"
    assert title([HEAD, caption, *TEXT]) == HEAD


def test_without_a_candidate_that_shares_words_the_first_stays():
    first, second = "Morning briefing for the whole week", "Evening notes and other matters here"
    assert title([first, second, *TEXT]) == first


def test_a_short_candidate_does_not_qualify():
    # "Dredging contract" shares its words with the text but is no headline's length
    lines = ["Dredging contract row", HEAD, *TEXT]
    infos = [lq.info(x) for x in lines]
    assert headline.best(lines, [0, 1], [2, 3], infos) == 1


def test_chinese_words_are_pairs_of_characters():
    assert {"港口", "口管"} <= headline.content_words("港口管理局")
    lines = [
        "本网首页新闻中心欢迎您",
        "港口管理局否认疏浚合同指控",
        "港口管理局周二否认曾将疏浚合同交给成员公司。",
    ]
    infos = [lq.info(x) for x in lines]
    assert headline.best(lines, [0, 1], [2], infos) == 1


def test_a_question_heading_the_page_is_its_headline():
    ask = "Will the harbour board survive the dredging row?"
    assert title([ask, *TEXT]) == ask
    assert title(["Harbour board hits back!", *TEXT]) == "Harbour board hits back!"
    # a page that opens with a sentence has no headline, and a question below the first
    # sentence, or after another candidate, is the text's
    assert title(TEXT) is None
    assert title([TEXT[0], ask, TEXT[1]]) is None
    assert title([HEAD, ask, *TEXT]) == HEAD


def test_the_opening_words_of_a_paragraph_below_are_no_headline():
    # a standfirst that is the first paragraph cut off shares all its words with the text;
    # taken for the title, the paragraph that repeats it would be removed as its repeat
    teaser = "The harbour board on Tuesday rejected claims that it had handed a dredging contract"
    page = ["Weekly ports and shipping report", teaser, *TEXT]
    assert title(page) == "Weekly ports and shipping report"
    assert TEXT[0] not in boilerplate_removed(page)


def boilerplate_removed(page: list[str]) -> set[str]:
    n = normalize_bytes("\n".join(page).encode("utf-8"), "page")
    return {page[e["line"] - 1] for e in n.exclusions}
