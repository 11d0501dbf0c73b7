"""Each boilerplate signal of issue 16's second pass: a line that must go, and an article line
that looks like it and must stay. Every page, outlet, person and quote here is invented.

The pages are built from three parts: a headline, two sentences of text, and the lines
under test (above, between or below the text, as the signal needs).
"""

from __future__ import annotations

import pytest

from claimcorpus.normalize import boilerplate
from claimcorpus.normalize.text import normalize_bytes

HEAD = "Harbour board rejects claims over dredging contract"
TEXT = [
    "The harbour board on Tuesday rejected claims that it had handed a dredging contract to a "
    "company owned by one of its members.",
    '"Every bid was opened in public and scored by independent engineers," said Mara Vell, '
    "who chairs the board.",
]


def removed(page: list[str]) -> dict[str, str]:
    """Removed line -> rule id."""
    n = normalize_bytes("\n".join(page).encode())
    return {e["text"]: e["rule"] for e in n.exclusions}


def kept(page: list[str]) -> str:
    return normalize_bytes("\n".join(page).encode()).text


# ---------------------------------------------------------------- reader prompts (promos.py)
@pytest.mark.parametrize(
    "line, rule",
    [
        ("Members only", "paywall"),
        ("Log in or create an account to continue reading", "paywall"),
        ("This story is available to registered Harbour Gazette subscribers.", "paywall"),
        ("New to the Gazette? Register now and start reading.", "paywall"),
        ("All the latest news is on the Harbour Gazette channel in Telegram.", "share-prompt"),
        (
            "Get the latest updates on WhatsApp and Viber by subscribing to our channels. You "
            "can also download our app for your phone.",
            "share-prompt",
        ),
        ("Get instant alerts on your phone, subscribe now.", "subscribe-prompt"),
        ("This article was first published on The Coastal Ledger.", "source-link"),
        ("harbourgazette.example", "source-link"),
        ("provided by harbourgazette.example", "source-link"),
        ("Both comments and trackbacks are currently closed.", "comment-prompt"),
        ("Dredgers at work in the outer harbour FileShutterstock", "photo-credit"),
        ("Harbour Gazette, 3 May 2024 Adjust font size:", "navigation"),
        ("Exit mobile version", "navigation"),
    ],
)
def test_a_reader_prompt_below_the_text_is_removed_with_its_rule(line, rule):
    assert removed([HEAD, *TEXT, line]).get(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "Members of the public may inspect the bids at the harbour office.",
        "The board posted its reply on its Telegram channel on Monday evening.",
        "Officials said the group grew quickly by subscribing to foreign news channels.",
        "The union urged members to subscribe to the new pension plan before June.",
        "This report was published by the audit office on Friday, officials said.",
        "The comments are closed to the press until the hearing ends, the judge said.",
        "Data provided by the harbour office show the dredging cost rose by a third.",
        "Shares in Shutterstock fell on Monday after the results.",
        "You are here to listen, not to lecture, the minister told the board.",
    ],
)
def test_an_article_sentence_with_the_same_words_stays(line):
    assert line in kept([HEAD, TEXT[0], line, TEXT[1]])


def test_the_sentence_a_paywall_cuts_off_stays():
    page = [HEAD, TEXT[0], "We categorically deny", "Members only", "Log in to continue reading"]
    assert "We categorically deny" in kept(page)
    assert removed(page) == {"Members only": "paywall", "Log in to continue reading": "paywall"}


# ---------------------------------------------------------------- line form (boilerplate.py)
def test_four_headlines_between_bullets_are_a_link_list():
    teasers = "Port reopens after storm • Ferry fares rise again • Council votes on budget • Tug crews strike"
    assert removed([teasers, HEAD, *TEXT]).get(teasers) == "navigation"
    sentence = "The board listed three options • dredge • wait • sell the berth to the city."
    assert sentence in kept([HEAD, TEXT[0], sentence, TEXT[1]])


def test_embedded_post_links_and_signatures_go_its_sentences_stay():
    post = (
        "We have opened every bid in public and will publish the scores on Friday. "
        "pic.twitter.com/Ab12Cd34Ef — Harbour Board (@HarbourBoard) May 3, 2024"
    )
    page = [HEAD, TEXT[0], "Dredging day one #harbour pic.twitter.com/Zz99Yy88Xx", post, TEXT[1]]
    page.insert(4, "— Mara Vell (@MaraVell) May 3, 2024")
    out = removed(page)
    assert out.get("Dredging day one #harbour pic.twitter.com/Zz99Yy88Xx") == "embedded-post"
    assert "— Mara Vell (@MaraVell) May 3, 2024" in out
    assert post in kept(page)


def test_a_sentence_followed_by_its_credit_in_brackets_is_text():
    last = "The board meets again in June. (Reporting by Ann Lee; Editing by Bo Chan)"
    assert last in kept([HEAD, *TEXT, last])


def test_duplicates_match_across_straight_and_curly_quotes():
    page = ["Board’s dredging reply angers captains", "Board's dredging reply angers captains"]
    page += TEXT
    assert removed(page) == {"Board's dredging reply angers captains": "duplicate-line"}


# ---------------------------------------------------------------- place on the page (placement.py)
def test_a_menu_glued_without_spaces_goes_above_the_text_and_stays_inside_it():
    menu = "WorldBusiness SportTechnology ScienceHealth TravelCulture"
    assert removed([menu, HEAD, *TEXT]).get(menu) == "navigation"
    assert menu in kept([HEAD, TEXT[0], menu, TEXT[1]])


TEASERS = [
    "Ferry fares rise again!",
    "Council votes on the budget",
    "Tug crews end their strike!",
    "Storm warning for the coast",
    "Lighthouse keeper retires after 40 years",
]


def test_a_run_of_short_headlines_closing_the_page_goes():
    out = removed([HEAD, *TEXT, *TEASERS])
    assert set(TEASERS) <= set(out)
    assert out[TEASERS[0]] == "tail-run"  # a "!" headline that no other rule takes


def test_short_closing_sentences_are_not_a_run():
    dialog = ["Will they bid again?", "No.", "Not this year.", "Maybe next spring.", "We will see."]
    page = [HEAD, *TEXT, *dialog]
    assert all(line in kept(page) for line in dialog)


def test_a_list_a_lead_in_introduces_stays_below_the_last_sentence():
    lead = "The board listed the conditions every bidder had to meet before the tender closed:"
    items = [
        "- a dredger certified for harbour work",
        "- insurance for damage to the quays",
        "- a plan for the silt it removes",
    ]
    page = [HEAD, *TEXT, lead, *items]
    text = kept(page)
    assert lead in text and all(i in text for i in items)


def test_a_statements_signature_stays_a_journalists_byline_goes():
    signed = [HEAD, *TEXT, "Amina Roe", "Press Secretary to the Harbour Board"]
    assert kept(signed).endswith("Amina Roe\n\nPress Secretary to the Harbour Board")
    byline = [HEAD, *TEXT, "Jane Doe", "Staff Reporter"]
    assert set(removed(byline)) == {"Jane Doe", "Staff Reporter"}


def test_a_pages_only_heading_stays_a_kicker_above_a_headline_goes():
    statement = ["PRESS STATEMENT", *TEXT]
    n = normalize_bytes("\n".join(statement).encode())
    assert n.text.startswith("PRESS STATEMENT") and not n.exclusions
    kicker = ["WORLD NEWS", HEAD, *TEXT]
    assert removed(kicker) == {"WORLD NEWS": "head-short"}


def test_every_new_rule_id_is_listed_and_the_title_skips_boilerplate():
    assert {"paywall", "tail-run"} <= set(boilerplate.ALL_RULE_IDS)
    page = [
        "Members only",
        "WorldBusiness SportTechnology ScienceHealth TravelCulture",
        HEAD,
        *TEXT,
    ]
    assert normalize_bytes("\n".join(page).encode()).title == HEAD


# ---------------------------------------------------------------- what the held-out pages showed
@pytest.mark.parametrize(
    "line, rule",
    [
        ("HomeWorldHarbour board rejects claims over dredging contract", "breadcrumb"),
        ("Please enter your comment!", "comment-prompt"),
        ("READ  Ferry fares rise again after the storm", "related-teaser"),
        ("Gazette >World >Harbour board rejects claims >", "breadcrumb-trail"),
    ],
)
def test_navigation_and_prompts_of_other_templates_go(line, rule):
    assert (
        removed(
            [line, HEAD, *TEXT] if line.startswith(("Home", "Gazette")) else [HEAD, *TEXT, line]
        ).get(line)
        == rule
    )


def test_a_note_in_brackets_closing_the_page_goes_and_what_is_above_it():
    page = [
        HEAD,
        *TEXT,
        "***",
        "MV",
        "(This is an archive copy of the statement and was not edited.)",
    ]
    assert set(removed(page)) == set(page[3:])


def test_a_menu_item_with_a_separator_is_no_heading():
    assert removed(["Press Releases|", *TEXT]) == {"Press Releases|": "head-short"}


def test_a_sentence_ending_in_a_stray_quote_is_still_a_sentence():
    last = "“There is a sense of ‘what did they expect?’ “"
    assert last in kept([HEAD, *TEXT, last])


def test_scripts_without_spaces_or_with_their_own_full_stop():
    hindi = [
        "देश",
        "बंदरगाह बोर्ड ने ठेके के आरोपों को खारिज किया",
        "बोर्ड ने मंगलवार को कहा कि हर बोली सार्वजनिक रूप से खोली गई थी।",
    ]
    assert removed(hindi) == {"देश": "head-short"}  # "।" ends a sentence; "देश" is one word
    chinese = [
        "港口委员会否认疏浚合同指控",
        "港口委员会周二表示，所有投标均公开开启并由独立工程师评分。",
    ]
    n = normalize_bytes("\n".join(chinese).encode())
    assert n.title == chinese[0] and not n.exclusions


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Sponsored AdvertisementHarbour Insurance", "advertisement"),
        ("What you think?", "comment-prompt"),
        ("Return to Gazette main page", "navigation"),
        ("Original: https://harbourgazette.example/story/42", "source-link"),
        ("Stock photo, Harbour Board, Associated Press", "photo-credit"),
    ],
)
def test_more_prompts_and_credits_go(line, rule):
    assert removed([HEAD, TEXT[0], line, TEXT[1]]).get(line) == rule


def test_a_breadcrumb_that_ends_in_the_headline_goes_the_headline_stays():
    trail = f"Home Ports {HEAD}"
    n = normalize_bytes("\n".join([trail, HEAD, *TEXT]).encode())
    assert {e["text"]: e["rule"] for e in n.exclusions} == {trail: "breadcrumb"}
    assert n.title == HEAD


def test_an_author_box_goes_a_sentence_about_an_official_stays():
    box = ["Ann Lee", "Ann Lee is a journalist who has covered the harbour for ten years."]
    assert set(removed([HEAD, *TEXT, *box])) == set(box)
    official = ["Mara Vell", "Mara Vell is a former harbour pilot who chairs the board."]
    assert removed([HEAD, *TEXT, *official]) == {}
