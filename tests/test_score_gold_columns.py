"""evaluate/score.GoldColumns: counts against gold columns built once are the counts
document_counts makes itself, for every baseline; columns of other gold are refused."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import REPO

from claimcorpus.baseline import rules, trivial
from claimcorpus.core.layers import load_layer
from claimcorpus.evaluate.score import GoldColumns, document_counts
from claimcorpus.ingest.store import load_document


def _gold() -> list[dict]:
    gold = load_layer(REPO, "gold")
    assert gold, "the project has no gold layer"
    out = []
    for doc_id, rec in sorted(gold.items()):
        doc = load_document(REPO, doc_id)
        out.append({**rec, "text": doc["text"], "sentences": doc["sentences"]})
    return out


def test_shared_gold_columns_give_the_same_counts_for_each_baseline():
    gold = _gold()
    columns = GoldColumns.of(gold)
    for extract in (rules.extract, trivial.extract):
        pred = [
            extract(d["doc_id"], d["text"], [(s["start"], s["end"]) for s in d["sentences"]])
            for d in gold
        ]
        assert any(p["attributions"] for p in pred)
        alone, shared = document_counts(gold, pred), document_counts(gold, pred, columns=columns)
        assert alone.keys() == shared.keys()
        for k in alone:
            assert np.array_equal(alone[k], shared[k]), k


def test_gold_columns_of_other_gold_are_refused():
    gold = _gold()
    with pytest.raises(ValueError, match="not those of this gold"):
        document_counts(gold[1:], [], columns=GoldColumns.of(gold))
    with pytest.raises(ValueError, match="not those of this gold"):
        document_counts(gold, [], with_stance=False, columns=GoldColumns.of(gold))
