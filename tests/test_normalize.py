"""Normalization: boilerplate kept as exclusions, sentence splits, and exact offset maps."""

from __future__ import annotations

import unicodedata

from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.normalize.segment import sentences
from claimcorpus.normalize.text import fold, normalize_bytes


def _seed(prefix: str) -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


def test_seed_boilerplate_lines_become_exclusions_with_rule_ids():
    rules = {
        p: {e["rule"] for e in normalize_bytes(_seed(p)).exclusions}
        for p in ("000", "001", "002", "003", "004")
    }
    assert rules["000"] == {"contact-line"}
    assert rules["001"] == {"language-switcher", "repeated-headline"}
    assert rules["002"] == {"donation-plea"}
    assert {"breadcrumb", "related-teaser", "comment-prompt", "cookie-banner"} <= rules["003"]
    assert {"subscribe-prompt", "source-link", "comment-prompt"} <= rules["004"]


def test_no_boilerplate_text_survives_in_normalized_seeds():
    for p in ("000", "001", "002", "003", "004"):
        text = normalize_bytes(_seed(p)).text
        for junk in (
            "Leave a",
            "cookies",
            "Source link",
            "Dear readers",
            "See also",
            "ua en ru",
            "LiveNews@",
        ):
            assert junk not in text, (p, junk)


def test_every_removed_line_is_recorded_verbatim():
    raw = _seed("002")
    n = normalize_bytes(raw)
    assert len(n.exclusions) == 8
    for e in n.exclusions:
        assert raw[e["raw_start"] : e["raw_end"]].decode() == e["text"]


def test_us_and_dr_do_not_end_a_sentence():
    text = (
        "Dr. Smith met U.S. officials in Washington. They said China helped. U.K. sources agreed."
    )
    got = [text[a:b] for a, b in sentences(text)]
    assert got == [
        "Dr. Smith met U.S. officials in Washington.",
        "They said China helped.",
        "U.K. sources agreed.",
    ]


def test_seed_sentences_never_split_inside_us():
    n = normalize_bytes(_seed("000"))
    for a, b in n.sentences:
        assert not n.text[a:b].endswith("U.S."), n.text[a:b]
    assert any(
        "originate in the U.S. or from its Western allies." in n.text[a:b] for a, b in n.sentences
    )


def test_whitespace_controls_and_nbsp_are_folded_and_typographic_quotes_kept():
    raw = "Title words here now\r\n\r\n\u201cA\u00a0 quote\u200b\u201d\tsaid  him.\x07\r\n".encode()
    n = normalize_bytes(raw)
    assert n.text == "Title words here now\n\n\u201cA quote\u201d said him."
    assert any("CRLF" in x for x in n.notices)


def test_bom_is_dropped_and_reported():
    n = normalize_bytes("\ufeffOfficials said so today.".encode())
    assert n.text == "Officials said so today."
    assert any("byte-order mark" in x for x in n.notices)


def test_nfc_is_applied_and_mapped():
    raw = "Havre\u0301n said it.".encode()
    n = normalize_bytes(raw)
    assert n.text == unicodedata.normalize("NFC", "Havre\u0301n said it.")
    s, e = n.text.index("Havrén"), n.text.index("Havrén") + len("Havrén")
    rs, re_ = n.raw_span(s, e)
    assert raw[rs:re_].decode() == "Havre\u0301n"


_piece = st.sampled_from(
    [
        "China",
        "said",
        "U.S.",
        "\u201cquote\u201d",
        "é",
        "e\u0301",
        " ",
        "  ",
        "\t",
        "\u00a0",
        "\u200b",
        "\x07",
        "\n",
        "\r\n",
        "\n\n",
        "Leave a Comment\n",
        "Source link\n",
        "Лиу",
        "🙂",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, min_size=1, max_size=60), st.data())
def test_any_normalized_span_maps_back_to_its_exact_raw_bytes(pieces, data):
    raw = ("Officials said " + "".join(pieces)).encode()
    n = normalize_bytes(raw)
    for a, z in n.paragraphs:
        start = data.draw(st.integers(a, z - 1))
        end = data.draw(st.integers(start + 1, z))
        rs, re_ = n.raw_span(start, end)
        assert fold(raw[rs:re_].decode()) == n.text[start:end]
        # copy characters map one to one: the raw bytes of a single copied char are that char
        k = n.raw_span(start, start + 1)
        chunk = raw[k[0] : k[1]].decode()
        assert (
            fold(chunk) in (n.text[start], " ", "")
            or unicodedata.normalize("NFC", chunk) == n.text[start]
        )
