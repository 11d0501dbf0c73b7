"""The words a PolNeAR root carries: its card text, its datasheet, PolNeAR's own figures.

Kept apart from the importer so the provenance and rights statements read in one place.
The build copies the card text into the release card and the datasheet into the release.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml

PUBLISHERS_TEXT = (
    "Breitbart, Huffington Post, New York Times, Politico, USA Today, Washington Post and "
    "Western Journalism"
)
CITATION = (
    "Edward Newell, Drew Margolin and Derek Ruths. An attribution relations corpus for "
    "political news. LREC 2018."
)
# PolNeAR's README, "Statistics" table (the figures the paper reports)
PUBLISHED = {
    "token_alpha": 0.754,
    "attribution_agreement": 0.923,
    "source": "PolNeAR v1.0.0 README, Statistics: token-wise Krippendorff's alpha 75.4%, "
    "attribution-wise agreement (agr) 92.3%",
}
RIGHTS = (
    f"The article texts belong to their publishers ({PUBLISHERS_TEXT}). The PolNeAR repository states no "
    "licence for its texts or annotations. A release built from it is for private research "
    "use: do not publish it or commit it to a public repository."
)


def published_agreement() -> dict[str, Any]:
    return dict(PUBLISHED)


def about(source: str) -> str:
    return (
        f"Texts and annotations are PolNeAR v1.0.0 ({CITATION} "
        "https://github.com/networkdynamics/PolNeAR), imported by `claimcorpus import polnear` "
        f"from `{source}`. PolNeAR annotates SOURCE, CUE and CONTENT (here CLAIM) of "
        "attributions in US political news of 2015-2016 and has no stance, source types, "
        "topic stance or claim clusters. A discontinuous content is one CLAIM over the hull "
        "of its pieces (first start to last end), with the pieces in `fragments`; the "
        "`tokens` config tags the pieces. Articles with several annotators keep every layer "
        "raw and got gold by majority vote (`annotations/adjudication/` in the corpus root). "
        f"{RIGHTS}"
    )


def card_yaml(source: str) -> str:
    meta = {
        "pretty_name": "PolNeAR in the claimcorpus scheme",
        "license": "other",
        "tags": ["attribution", "quotation", "news", "polnear"],
        "intro": (
            "PolNeAR's political news articles with their attributions: **who is said to "
            "claim what**, as SOURCE, CUE and CLAIM (PolNeAR's CONTENT) spans linked into "
            "attributions."
        ),
        "about": about(source),
        "licence": RIGHTS,
        "datasheet": "DATASHEET.md",
        "croissant_name": "polnear-claimcorpus",
        "croissant_description": (
            "PolNeAR v1.0.0 political news articles with SOURCE, CUE and CLAIM (content) spans "
            "and attributions, in the claimcorpus scheme (no stance)."
        ),
        "croissant_license": [
            {"@type": "sc:CreativeWork", "name": "No licence stated", "description": RIGHTS}
        ],
    }
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)


def datasheet(source: str, result: Any, counts: Counter[str]) -> str:
    """A short datasheet (Gebru et al. headings) with the import's own counts."""
    plan = result.plan
    split_rows = "\n".join(f"| {s} | {len(ids)} |" for s, ids in sorted(result.splits.items()))
    count_rows = "\n".join(f"| {k} | {v} |" for k, v in sorted(counts.items()))
    skipped = "\n".join(f"- {s}" for s in plan.skipped) or "- none"
    notes = "\n".join(f"- {n}" for n in result.notes)
    return f"""# Datasheet: PolNeAR in the claimcorpus scheme

## Motivation
PolNeAR v1.0.0 ({CITATION} https://github.com/networkdynamics/PolNeAR) was made to study
attribution in political news; this root holds it in
the claimcorpus scheme so that one loader and one scorer serve it and claimcorpus's own
corpus.

## Composition
News articles about the 2016 US presidential campaign from {PUBLISHERS_TEXT}, with SOURCE,
CUE and CONTENT spans and the attributions linking them. Documents per split:

| split | documents |
|---|---:|
{split_rows}

Import counts (from `claimcorpus import polnear`):

| what | count |
|---|---:|
{count_rows}

Files left out by the import (each with its reason):

{skipped}

## Collection and preprocessing
Texts, annotations and metadata come from `{source}` ({result.metadata_rows} rows in
`metadata.tsv`). Notes from the import:

{notes}

Texts were normalized by claimcorpus (white space folded, boilerplate lines removed and
listed in each document's `exclusions` in `corpus/docs/`); every annotation offset was carried onto the normalized
text through the offset map and checked, and a span whose text could not be placed exactly
would have been refused.

## Uses and distribution
{RIGHTS}

## Maintenance
Re-run `claimcorpus import polnear` on a new root to refresh it; the original data are
maintained by PolNeAR's authors.
"""
