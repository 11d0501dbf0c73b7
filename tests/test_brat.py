"""brat standoff read and written by corpora/brat.py (issue 15): the format alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcorpus.corpora.brat import format_ann, parse_ann

GOOD = Path(__file__).parent / "fixtures" / "brat" / "good"
TEXT = "Ann said it rains.\n\nBob denied it."


def read(name: str) -> tuple[str, str]:
    return (GOOD / f"{name}.ann").read_text(encoding="utf-8"), (GOOD / f"{name}.txt").read_text(
        encoding="utf-8"
    )


def test_the_fixture_reads_whole_with_its_discontinuous_span_events_and_notes():
    ann, txt = read("harbour")
    doc, problems = parse_ann(ann, txt, "harbour.ann")
    assert problems == []
    assert len(doc.textbounds) == 16 and len(doc.events) == 4
    t7 = doc.textbounds["T7"]
    assert t7.type == "Content" and len(t7.fragments) == 2
    assert t7.text == " ".join(txt[a:b] for a, b in t7.fragments)
    assert doc.events["E4"].type == "Attribution-no-source"
    assert dict(doc.events["E2"].args) == {"Content": "T7", "Cue": "T6", "Source": "T5"}
    assert doc.ignored == {"note": 1}


def test_a_stored_text_with_a_line_break_continues_on_the_next_line():
    ann = "T1\tContent 4 30\tsaid it rains.\n\nBob denied\nT2\tCue 24 30\tdenied\n"
    doc, problems = parse_ann(ann, TEXT, "x.ann")
    assert problems == []
    assert doc.textbounds["T1"].text == "said it rains.\n\nBob denied"
    assert doc.textbounds["T2"].line == 4


def test_fragments_may_come_in_selection_order():
    ann = "T1\tContent 20 23;0 3\tBob Ann\n"
    doc, problems = parse_ann(ann, TEXT, "x.ann")
    assert problems == [] and doc.textbounds["T1"].fragments == ((20, 23), (0, 3))


@pytest.mark.parametrize(
    "ann, pid, line, words",
    [
        ("T1\tSource 0 3\tAnn\nthis is not brat\n", "brat-malformed-line", 2, "not a brat"),
        ("T1\tSource 0 3 Ann\n", "brat-malformed-line", 1, "malformed T"),
        ("T1\tSource 30 40\tit.\n", "brat-span-out-of-range", 1, "past the text"),
        ("T1\tSource 0 3\tBob\n", "brat-text-mismatch", 1, "differs from the .txt"),
        ("T1\tSource 5 3\tx\n", "brat-offsets", 1, "reversed"),
        ("T1\tContent 0 8;4 12\tAnn said said it\n", "brat-offsets", 1, "overlap"),
        ("T1\tSource 0 3\tAnn\nE1\tAttribution:T9 Source:T1\n", "brat-missing-target", 2, "T9"),
        ("T1\tSource 0 3\tAnn\nT1\tCue 4 8\tsaid\n", "brat-duplicate-id", 2, "already used"),
        ("R1\tAttribution Arg1:T1\n", "brat-malformed-line", 1, "malformed R"),
    ],
)
def test_bad_lines_are_named_by_file_line_and_problem(ann, pid, line, words):
    _, problems = parse_ann(ann, TEXT, "dir/doc.ann")
    assert [p.id for p in problems] == [pid]
    assert problems[0].file == f"dir/doc.ann:{line}"
    assert words in problems[0].message


def test_format_then_parse_gives_the_same_annotations():
    ann, txt = read("harbour")
    doc, _ = parse_ann(ann, txt, "a")
    again, problems = parse_ann(format_ann(doc), txt, "b")
    assert problems == []
    strip = lambda d: {k: (v.type, v.fragments, v.text) for k, v in d.textbounds.items()}  # noqa: E731
    assert strip(again) == strip(doc)
    assert {k: (e.type, e.trigger, e.args) for k, e in again.events.items()} == {
        k: (e.type, e.trigger, e.args) for k, e in doc.events.items()
    }
