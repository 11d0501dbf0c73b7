"""The streamed baseline rows (the card of a large release) are the rows `corpus_block`
gives on the same release, whatever the chunk size; the card takes the streamed path above
STANCE_LIMIT attributions and says how many there were.

Scored on the committed release 1.1.0 (read only)."""

from __future__ import annotations

import pytest
from conftest import REPO

from claimcorpus.report import results_card, results_stream
from claimcorpus.report.results import Corpus, corpus_block
from claimcorpus.report.results_table import render

RELEASE = REPO / "releases" / "1.1.0"


@pytest.mark.parametrize("chunk", [1, 2, 2_000])
def test_streamed_rows_equal_the_in_memory_ones(chunk: int, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(results_stream, "CHUNK", chunk)
    whole = corpus_block(Corpus.read("release", RELEASE), (), 50, 3, train_stance=False)
    streamed = results_stream.streamed_block(results_stream.id_corpus("release", RELEASE), 50, 3)
    assert [r.name for r in streamed.rows] == ["trivial", "rules"]
    assert streamed.rows[1].documents == 5  # the seed release's annotated documents
    assert streamed == whole  # titles, documents, every count, point and interval
    assert render([streamed], {}, 50) == render([whole], {}, 50)


def test_claim_rows_count_the_claims_config():
    corpus = Corpus.read("release", RELEASE)
    assert results_stream.claim_rows(RELEASE) == len(corpus.claims) > 0
    assert results_stream.gold_stance(RELEASE)


def test_the_card_streams_a_large_release(monkeypatch: pytest.MonkeyPatch):
    whole = corpus_block(Corpus.read("release", RELEASE), (), 20, train_stance=False)
    monkeypatch.setattr(results_card, "STANCE_LIMIT", 1)
    read = []
    monkeypatch.setattr(Corpus, "read", classmethod(lambda cls, *a: read.append(a)))
    text = results_card.results_table(RELEASE, n_resamples=20)
    assert not read  # the documents were never read whole
    claims = results_stream.claim_rows(RELEASE)
    assert text.startswith(render([whole], {}, 20) + "\n\nThe stance classifier is not")
    assert f"more than 1 attributions (this one has {claims:,})" in text
