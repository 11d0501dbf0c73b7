"""The rule and trivial baselines decide as they did before their issue-14 prefilters
(``tests/reference_rules.py``): the same predictions on the project's documents, on their
sentences re-cased and re-punctuated to reach every prefilter, and on generated text made of
cue words, separators and the characters case folding treats specially; and the folding the
prefilters rely on holds for every code point."""

from __future__ import annotations

import dataclasses
import re

import pytest
import reference_rules as ref
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.baseline import lexicon, rules, trivial
from claimcorpus.ingest.store import doc_ids, load_document


def _found(f):
    return None if f is None else dataclasses.astuple(f)


def _documents() -> list[tuple[str, str, list[tuple[int, int]]]]:
    docs = [load_document(REPO, d) for d in doc_ids(REPO)]
    assert docs, "the project's corpus/docs has no document"
    return [
        (d["doc_id"], d["text"], [(s["start"], s["end"]) for s in d["sentences"]]) for d in docs
    ]


def _variants(sentence: str) -> list[str]:
    """The sentence, re-cased, with its cue verbs spelt with characters re.IGNORECASE folds
    specially, and with its commas turned into quotes and back."""
    out = [sentence, sentence.upper(), sentence.lower(), sentence.title(), sentence.swapcase()]
    out += [sentence.replace("s", "\u017f"), sentence.replace("i", "\u0131")]
    out += [sentence.replace("K", "\u212a").replace("I", "\u0130")]
    out += [sentence.replace(",", "”"), sentence.replace(",", ", said"), sentence + " they said."]
    out += [
        sentence.replace(" was ", " was false, ").replace(" is ", " is a lie "),
        f"“{sentence}”",
    ]
    return out


def test_fold_unsafe_are_the_characters_ignorecase_folds_to_an_ascii_letter():
    letter = re.compile("[a-z]", re.IGNORECASE)
    special = {chr(i) for i in range(0x80, 0x110000) if letter.fullmatch(chr(i))}
    assert special == set(lexicon.FOLD_UNSAFE)


def test_lower_keeps_each_other_character_one_non_ascii_character_of_its_class():
    word, space = re.compile(r"\w"), re.compile(r"\s")
    for i in range(0x80, 0x110000):
        c = chr(i)
        if c in lexicon.FOLD_UNSAFE:
            continue
        low = c.lower()
        assert len(low) == 1 and not low.isascii(), hex(i)
        assert bool(word.match(c)) == bool(word.match(low)), hex(i)
        assert bool(space.match(c)) == bool(space.match(low)), hex(i)


def test_folded_gives_none_for_a_text_with_an_unsafe_character():
    assert lexicon.folded("He ſaid so.") is None
    assert lexicon.folded("He SAID so.") == "he said so."


def test_same_predictions_as_the_reference_on_the_project_documents():
    for doc_id, text, sents in _documents():
        assert rules.extract(doc_id, text, sents) == ref.extract(doc_id, text, sents), doc_id
        assert trivial.extract(doc_id, text, sents) == ref.trivial_extract(doc_id, text, sents)
        # without given sentences both segment the text the same way
        assert rules.extract(doc_id, text) == ref.extract(doc_id, text)


def test_same_decisions_as_the_reference_on_varied_sentences():
    found = 0
    for _, text, sents in _documents():
        for a, b in sents:
            for s in _variants(text[a:b]):
                new = rules.find_attribution(s)
                assert _found(new) == _found(ref.find_attribution(s)), s
                assert lexicon.has_cue(s, lexicon.folded(s), 0, len(s)) == bool(
                    ref.ANY_CUE.search(s)
                ), s
                found += new is not None
                if new is not None and new.source is not None:
                    phrase = s[new.source[0] : new.source[1]]
                    assert lexicon.guess_source_type(phrase) == ref.guess_source_type(phrase)
    assert found > 100  # the variants reach the patterns, not only the guards


FRAGMENTS = (
    " ",
    "  ",
    ",",
    ", ",
    "”",
    "“",
    '"',
    ".",
    "\n",
    ": ",
    "the ",
    "The ",
    "officials",
    "Officials ",
    "spokesman ",
    "Reuters",
    "Mr Lin ",
    "China ",
    "he",
    "that ",
    "said",
    "Said",
    "SAID",
    "says",
    "say",
    "ſaid",
    "ſays",
    "told",
    "TOLD ",
    "told reporters ",
    "has ",
    "also ",
    "denied",
    "Denies",
    "rejected",
    "accused ",
    " of ",
    "according to",
    "According to ",
    "ACCORDING  TO",
    "added",
    "wrote",
    "claimed",
    " on Friday",
    "were ",
    "was ",
    "is ",
    "false",
    "FALSE",
    "untrue",
    "a lie",
    "a  LIE",
    "lies",
    "İ",
    "ı",
    "K",
    "ΣΑΪΝ ",
    "sanctions work",
    "x",
    "7",
    "suggested to Newsweek ",
    "said to the Financial Times ",
    "told the Times",
    "vehemently ",
    "had ",
    "again ",
    "stressed",
    "stated",
    "disputes",
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=24).map("".join))
def test_same_decisions_as_the_reference_on_generated_text(s):
    assert _found(rules.find_attribution(s)) == _found(ref.find_attribution(s))
    low = lexicon.folded(s)
    for a in range(0, len(s), 7):  # offsets inside a text, as trivial.extract passes them
        assert lexicon.has_cue(s, low, a, len(s)) == bool(ref.ANY_CUE.search(s, a, len(s)))
    assert lexicon.guess_source_type(s) == ref.guess_source_type(s)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join))
def test_the_cue_grouped_by_first_letter_matches_the_flat_one(s):
    """rules._CUE (each alternation grouped by first letter) against the reference's flat
    alternation, at every position, with the sentence end the patterns put after it."""
    grouped, flat = re.compile(rules._CUE + rules._END), re.compile(ref._CUE + ref._END)
    for a in range(len(s)):
        g, f = grouped.match(s, a), flat.match(s, a)
        assert (g and (g.span(), g.span("cue"))) == (f and (f.span(), f.span("cue"))), (s, a)


@pytest.mark.parametrize(
    "sentence",
    [
        "The embassy said the claims were false.",
        "“It is untrue,” the SPOKESMAN said.",
        "Officials said those reports were BASELESS.",
        "Mr Lin said the story is a lie.",
        "Mr Lin said the story is a lie, officials said.",
    ],
)
def test_called_false_prefilter_keeps_every_refutation(sentence):
    new = rules.find_attribution(sentence)
    assert new is not None and new.refute
    assert _found(new) == _found(ref.find_attribution(sentence))
