"""Sentence splitter: offsets, abbreviations, quotes, paragraphs."""

from __future__ import annotations

from claimcorpus.baseline.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_splits_on_terminal_punctuation():
    assert sentences("One thing. Another thing! A third?") == [
        "One thing.",
        "Another thing!",
        "A third?",
    ]


def test_abbreviations_and_initials_do_not_split():
    text = "The U.S. Department said so. Mr. Smith and J. Doe agreed."
    assert sentences(text) == ["The U.S. Department said so.", "Mr. Smith and J. Doe agreed."]


def test_closing_quotes_stay_with_their_sentence():
    text = "“It is false.” He said it twice."
    assert sentences(text) == ["“It is false.”", "He said it twice."]


def test_paragraph_breaks_always_end_a_sentence():
    assert sentences("A headline without a stop\n\nBody text here.") == [
        "A headline without a stop",
        "Body text here.",
    ]


def test_lowercase_continuation_does_not_split():
    assert sentences("It rose 3.5 percent. it is odd.") == ["It rose 3.5 percent. it is odd."]


def test_offsets_are_trimmed_and_half_open():
    text = "  Hello there.   Bye.  "
    spans = split_sentences(text)
    assert spans == [(2, 14), (17, 21)]
    assert [text[s:e] for s, e in spans] == ["Hello there.", "Bye."]
