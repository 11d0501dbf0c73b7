"""The boilerplate detector on pages of outlets it was not written for, and on the seeds.

``fixtures/boilerplate/pages.txt`` holds hand-written pages in many outlets' styles (wire
service, tabloid, regional paper, WordPress blog, broadcaster, magazine, German and Spanish
portals, aggregator, paywall, press release, local TV, live blog), every line labelled.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

from claimcorpus.normalize import boilerplate
from claimcorpus.normalize.repetition import SiteLines, line_hash
from claimcorpus.normalize.text import normalize_bytes

PAGES = Path(__file__).parent / "fixtures" / "boilerplate" / "pages.txt"


def labelled_pages(path: Path = PAGES) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(name, [(label, line), ...])] from '### name' sections of 'B|K|?<TAB>line' rows."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            out.append((line[4:].strip(), []))
        elif line.strip() and not line.startswith("#"):
            label, _, text = line.partition("\t")
            out[-1][1].append((label, text))
    return out


def removed_lines(rows: list[tuple[str, str]]) -> dict[int, str]:
    raw = "\n".join(t for _, t in rows).encode()
    return {e["line"]: e["rule"] for e in normalize_bytes(raw, "page").exclusions}


def test_the_fixture_set_covers_many_outlet_styles():
    pages = labelled_pages()
    assert len(pages) >= 15
    assert sum(label == "B" for _, rows in pages for label, _ in rows) >= 100


def test_at_least_90_percent_of_boilerplate_goes_and_no_article_line():
    boiler = kept_boiler = body = lost = 0
    misses = []
    for name, rows in labelled_pages():
        removed = removed_lines(rows)
        for no, (label, text) in enumerate(rows, start=1):
            if label == "B":
                boiler += 1
                if no not in removed:
                    kept_boiler += 1
                    misses.append(f"{name}: {text}")
            elif label == "K":
                body += 1
                if no in removed:
                    lost += 1
                    misses.append(f"{name}: LOST [{removed[no]}] {text}")
    assert lost == 0, "\n".join(misses)
    assert (boiler - kept_boiler) / boiler >= 0.9, "\n".join(misses)


def test_every_removed_line_is_kept_with_a_known_rule_and_a_reason():
    for _, rows in labelled_pages():
        raw = "\n".join(t for _, t in rows).encode()
        for e in normalize_bytes(raw, "page").exclusions:
            assert e["rule"] in boilerplate.ALL_RULE_IDS, e
            assert e["reason"]
            assert raw[e["raw_start"] : e["raw_end"]].decode() == e["text"]


def test_the_seeds_normalize_exactly_as_the_corpus_records_them():
    """The 23 lines removed from the seeds stay removed under the same rule; no line more."""
    total = 0
    for seed in sorted(SEEDS.glob("*.txt")):
        n = normalize_bytes(seed.read_bytes(), seed.name)
        stored = json.loads((REPO / "corpus/docs" / f"{seed.stem}.json").read_text())
        assert n.exclusions == stored["exclusions"], seed.name
        norm = stored["normalized"]
        assert (n.text, n.title) == (norm["text"], norm["title"]), seed.name
        total += len(n.exclusions)
    assert total == 23


def test_the_title_is_the_headline_not_a_menu_line():
    page = (
        "Skip to main content\nLatest news from the region\nMenu\n"
        "Envoy rejects claims over shipments of engine parts\n"
        "Envoy rejects claims over shipments of engine parts | The Coastal Times\n"
        "The envoy said on Monday that no engine parts had been shipped to the buyers.\n"
    )
    n = normalize_bytes(page.encode())
    assert n.title == "Envoy rejects claims over shipments of engine parts"
    assert "Skip to main content" not in n.text


def test_a_short_last_line_of_text_stays_and_one_after_a_signup_box_goes():
    page = (
        "Officials met on Monday to discuss the new export rules for machine tools.\n"
        "“No,” she said.\n"
        "Get the latest news in your inbox\n"
        "Thanks for submitting!\n"
    )
    n = normalize_bytes(page.encode())
    assert n.text.endswith("“No,” she said.")
    assert [e["text"] for e in n.exclusions] == [
        "Get the latest news in your inbox",
        "Thanks for submitting!",
    ]


TOPICS = ["ferries", "cranes", "tankers", "dredging", "pilots", "tugboats", "customs"]


def _site_page(i: int, extra: str = "") -> str:
    return (
        f"Harbour Gazette report on the {TOPICS[i]} of the port\n"
        f"The port authority said on Friday that {TOPICS[i]} were its main concern.\n"
        f"{extra}"
        "We rely on readers like you. Please support independent local journalism today.\n"
        "Harbour Gazette Media\n"
    )


def test_a_line_repeated_across_a_sites_documents_is_removed_and_text_stays():
    background = "The port was expanded in 2019 after a long planning dispute with residents.\n"
    pages = [_site_page(i, background if i < 2 else "") for i in range(6)]
    lines = SiteLines()
    for p in pages:
        lines.add("harbourgazette.example", [ln.strip() for ln in p.splitlines()])
        lines.add(None, [ln.strip() for ln in p.splitlines()])  # unknown site: not counted
    repeated = lines.repeated()
    assert set(repeated) == {"harbourgazette.example"}
    site = repeated["harbourgazette.example"]
    n = normalize_bytes(pages[0].encode(), "p0", site)
    rules = {e["text"]: e["rule"] for e in n.exclusions}
    plea = "We rely on readers like you. Please support independent local journalism today."
    assert rules[plea] == "repeated-in-site"
    assert "Harbour Gazette Media" in rules
    assert background.strip() in n.text  # a sentence in 2 of 6 documents is text
    assert line_hash("© 2024 Gazette") == line_hash("© 2025  gazette")
    # without the site's evidence the plea is text
    assert plea in normalize_bytes(pages[0].encode(), "p0").text


def test_a_site_with_too_few_documents_has_no_repetition_evidence():
    lines = SiteLines()
    for i in range(2):
        lines.add("tiny.example", [ln.strip() for ln in _site_page(i).splitlines()])
    assert lines.repeated() == {}


def test_copies_of_one_page_are_not_template_evidence():
    """Three captures of one article must not make its text look like the site's template."""
    lines = SiteLines()
    for _ in range(3):
        lines.add("copies.example", [ln.strip() for ln in _site_page(0).splitlines()])
    lines.add("copies.example", [ln.strip() for ln in _site_page(1).splitlines()])
    assert lines.repeated() == {}
    assert lines.docs == {"copies.example": 2}


def test_site_repetition_never_takes_every_sentence_of_a_page():
    page = "Short headline of a syndicated story\nThe whole text of the story is here.\n"
    table = frozenset(line_hash(x) for x in page.splitlines())  # every line "repeated"
    n = normalize_bytes(page.encode(), "p", table)
    assert "The whole text of the story is here." in n.text


@pytest.mark.parametrize(
    "line",
    [
        "Updated to add U.S. reaction.",
        "On 5 May, officials from both countries met again in the capital.",
        "By the end of the day, the ministry had issued a second statement.",
        "Support by China for Russian aggression against Ukraine",
    ],
)
def test_article_lines_that_look_like_boilerplate_are_kept(line):
    page = f"Officials said the talks would continue next week in the capital.\n{line}\n"
    page += "The next round of talks is planned for the second week of June.\n"
    assert line in normalize_bytes(page.encode()).text
