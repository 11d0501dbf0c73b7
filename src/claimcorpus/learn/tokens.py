"""Tokens with offsets and BIO tags: the sequences the CRF learns from.

A sentence is cut into word and punctuation tokens whose [start, end) are code-point offsets
into the document text, so a tagged run of tokens maps back to an exact span. A span that
runs over a sentence boundary (PolNeAR claims often do) is tagged ``I`` from the first token
of the next sentence on, and :func:`decode` joins such a run back to the span it left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claimcorpus.normalize.segment import text_sentences

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
OUTSIDE = "O"


@dataclass(frozen=True)
class Sentence:
    """One sentence's tokens: their texts and document offsets."""

    start: int
    end: int
    words: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]


def sentences_of(text: str, sentences: Sequence[tuple[int, int]] | None) -> list[Sentence]:
    """The tokenized sentences of a text (the release's own boundaries when given)."""
    bounds = sentences if sentences is not None else text_sentences(text)
    out = []
    for s0, s1 in bounds:
        found = tuple(m.span() for m in TOKEN.finditer(text, s0, s1))
        if found:  # findall: the same matches (TOKEN has no capturing group), texts in C
            out.append(Sentence(s0, s1, tuple(TOKEN.findall(text, s0, s1)), found))
    return out


def bio_tags(sentence: Sentence, spans: Iterable[tuple[int, int]]) -> list[str]:
    """``B``/``I``/``O`` per token for the spans of one label (a token belongs to a span
    when it lies inside it; a span carried over from the previous sentence starts with I)."""
    tags = [OUTSIDE] * len(sentence.words)
    for a, b in sorted(spans):
        first = True
        for i, (t0, t1) in enumerate(sentence.offsets):
            if t0 >= a and t1 <= b and tags[i] == OUTSIDE:
                tags[i] = "B" if first and a >= sentence.start else "I"
                first = False
    return tags


def decode(sentences: Sequence[Sentence], tags: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """Document spans from per-sentence BIO tags: a run starts at ``B`` (or a stray ``I``)
    and ends at the last ``I``; an ``I`` opening a sentence whose predecessor ended inside a
    span extends that span."""
    out: list[tuple[int, int]] = []
    open_at_end = False
    for sent, seq in zip(sentences, tags, strict=True):
        if seq.count(OUTSIDE) == len(seq):  # most sentences: nothing to open or close
            open_at_end = False
            continue
        current: list[int] | None = None
        for i, tag in enumerate(seq):
            t0, t1 = sent.offsets[i]
            if tag == "I" and current is not None:
                current[1] = t1
            elif tag == "I" and i == 0 and open_at_end and out:
                current = list(out.pop())
                current[1] = t1
            elif tag in ("B", "I"):
                if current is not None:
                    out.append((current[0], current[1]))
                current = [t0, t1]
            elif current is not None:
                out.append((current[0], current[1]))
                current = None
        open_at_end = current is not None
        if current is not None:
            out.append((current[0], current[1]))
    return out
