"""The release card's results section: the results table of the release just written.

Why here: the card and ``claimcorpus results --release release=.`` must print the same
table, so the card calls the same code on the release as written, through the same loader.
The release is read once, straight from its Parquet files and only the columns scoring
needs (``release/load.annotated_documents``: no offset maps, no tokens, no unannotated
row, no copies), and each baseline predicts every document once: the cost grows linearly
with the annotated documents. Above ``STANCE_LIMIT`` attributions the documents are not held
at all: ``results_stream`` scores them a chunk at a time (the same rows).
"""

from __future__ import annotations

from pathlib import Path

from claimcorpus.report.results import Corpus, corpus_block, stance_results
from claimcorpus.report.results_stream import claim_rows, id_corpus, streamed_block
from claimcorpus.report.results_table import render

CARD_CORPUS = "release"  # the corpus name the card's table uses: `--release release=.`
RESAMPLES = 1000
# Above this many attributions the card leaves the stance classifier out: at 10,000 annotated
# articles (30,000 attributions) its fits per fold took minutes on 2 shared cores, against a
# card that otherwise costs the rule baseline's one pass (measured with bench_build).
STANCE_LIMIT = 5_000
START, END = "<!-- results:start -->", "<!-- results:end -->"


def results_table(release: Path, n_resamples: int = RESAMPLES, seed: int = 0) -> str:
    """The results text of one release, as ``claimcorpus results --release release=PATH``
    prints it; above :data:`STANCE_LIMIT` attributions without the stance classifier's rows
    and table (the card says so and how to get them)."""
    claims = claim_rows(release)
    if claims <= STANCE_LIMIT:
        corpus = Corpus.read(CARD_CORPUS, release)
        block = corpus_block(corpus, (), n_resamples, seed, train_stance=True)
        stance = {CARD_CORPUS: stance_results(corpus, n_resamples, seed)}
        return render([block], stance, n_resamples)
    # a large release: the same baseline rows, its documents read a chunk at a time
    block = streamed_block(id_corpus(CARD_CORPUS, release), n_resamples, seed)
    return render([block], {}, n_resamples) + (
        f"\n\nThe stance classifier is not trained in the card of a release with more than "
        f"{STANCE_LIMIT:,} attributions (this one has {claims:,}): its "
        f"cross-validation costs more than the rest of the build. `claimcorpus results "
        f"--release {CARD_CORPUS}=.` gives its rows and table."
    )


def card_section(release: Path, own: bool = True) -> str:
    """The card's ``## Results`` section; ``own`` is False for another corpus brought into
    the scheme (PolNeAR), whose card says the rules were written for other guidelines."""
    why = (
        "The rule baseline's patterns were written from the guidelines, whose examples quote "
        "these very articles, so its scores are optimistic."
        if own
        else "The rule baseline's patterns were written for the claimcorpus guidelines, not "
        "this corpus's."
    )
    return (
        "\n## Results\n\nThe reference baselines and the stance classifier on this release "
        f"(`claimcorpus results --release {CARD_CORPUS}=.` prints the same table; learned models "
        f"join it with `--model`). {why} A metric the corpus has no gold for is n/a, never "
        f"0.\n\n{START}\n{results_table(release)}\n{END}\n"
    )
