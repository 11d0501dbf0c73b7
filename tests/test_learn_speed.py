"""The fast prediction path equals the old one (``tests/learn_reference.py``): the same
feature strings (as UTF-8 bytes) in the same order, and the same prediction records, on a tiny trained
model; the speed itself is measured by ``scripts/bench_train.py --predict-only``."""

from __future__ import annotations

from pathlib import Path

import learn_reference as ref
from pycrfsuite import ItemSequence
from test_learn import model, release  # noqa: F401 - the tiny model's fixtures

from claimcorpus.learn.features import document_features
from claimcorpus.learn.linker import candidates
from claimcorpus.learn.model import load_model
from claimcorpus.learn.predict import predict_documents
from claimcorpus.learn.spans import BOUND_MARGIN, doc_sentences, weak_tokens
from claimcorpus.learn.tokens import Sentence, sentences_of
from claimcorpus.release.load import load_documents

# quotes opening and closing across sentences, a cue far (> 16 tokens) from some words,
# one- and two-token sentences, digits, capitals, underscores and punctuation as shapes
TRICKY = (
    '“We will win,” she said. Yes. "No" — NATO_x 42 officials, told reporters on Monday, '
    "that the long and winding road of the very many small words here goes on and on and "
    "on until it ends far away from every cue word in it. Ok “open quote. still open. "
    'Closed” he denied. A "b" c. Many small words run on and on here before anyone at all '
    "in this long line of text finally said it."
)


def test_features_are_the_reference_strings_in_the_same_order(release: Path):  # noqa: F811
    docs = [d for split in ("train", "validation", "test") for d in load_documents(release, split)]
    texts = [doc_sentences(d) for d in docs] + [sentences_of(TRICKY, None)]
    texts.append(sentences_of("said", None))
    for sents in texts:
        feats = document_features(sents)  # UTF-8 bytes, as crfsuite stores them
        assert [[[f.decode() for f in tok] for tok in s] for s in feats] == (
            ref.document_features(sents)
        )
        assert all(type(f) is bytes for s in feats for tok in s for f in tok)
    assert (
        document_features([Sentence(0, 0, (), ())])
        == [[]]
        == ref.document_features([Sentence(0, 0, (), ())])
    )
    tricky = ref.document_features(texts[-2])
    names = {f for sent in tricky for tok in sent for f in tok}
    # the sample reaches every branch: far and near cues both ways, quotes, edges, shapes
    assert {"cue_left=far", "cue_right=far", "cue_left=16", "inq=1", "cue-2", "cue+1"} <= names
    assert {"shape=d", "shape=X", "shape=Xx", "shape=x", "w-2=<edge>", "w+2=<edge>"} <= names


def test_predictions_equal_the_old_extraction_path(release: Path, model: Path):  # noqa: F811
    loaded = load_model(model)
    docs = [d for split in ("train", "validation", "test") for d in load_documents(release, split)]
    docs.append({"doc_id": "tricky", "text": TRICKY})
    new = predict_documents(loaded, docs)
    assert new == ref.predict_documents(loaded, docs)
    assert sum(len(r["spans"]) for r in new) > 20 and any(r["attributions"] for r in new)
    assert any(a["source"] and a["cue"] for r in new for a in r["attributions"])


def test_candidates_with_precomputed_sentences_equal_the_reference():
    starts = [0, 10, 30, 50, 70, 90]
    spans = [(2, 5), (12, 18), (31, 33), (52, 60), (95, 99), (11, 12), (40, 45)]
    for claim in [(12, 18), (31, 55), (0, 3), (90, 100)]:
        for cue in (None, (40, 45), (2, 5)):
            new = candidates(claim, spans, starts, cue)
            assert new == ref.candidates(claim, spans, starts, cue)
            at = [sum(1 for b in starts if b <= s[0]) - 1 for s in spans]
            assert candidates(claim, spans, starts, cue, at) == new


def test_weak_tokens_skip_only_marginals_the_best_path_rules_out(release: Path, model: Path):  # noqa: F811
    tagger = load_model(model).tagger
    docs = [d for split in ("train", "validation") for d in load_documents(release, split)]
    seen = {"bound, all outside": 0, "bound, some inside": 0, "no bound": 0}
    for label in ("CLAIM", "SOURCE"):
        crf = tagger.crfs[label].tagger_
        for limit in (0.05, 0.1, 0.2, 0.5):
            for doc in docs:
                for feats in document_features(doc_sentences(doc)):
                    seq = crf.tag(ItemSequence(feats))
                    full = [1.0 - crf.marginal("O", i) >= limit for i in range(len(seq))]
                    got = weak_tokens(crf, seq, limit)
                    assert (got if got is not None else [False] * len(seq)) == full
                    bound = 1.0 - crf.probability(seq) < limit - BOUND_MARGIN
                    kind = "no bound" if not bound else "bound, some inside"
                    seen["bound, all outside" if got is None else kind] += 1
    assert all(seen.values()), seen  # every branch was taken
