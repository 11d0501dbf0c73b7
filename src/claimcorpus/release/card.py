"""The dataset card (release README.md), generated from the scheme and the build.

The YAML header is what ``datasets.load_dataset`` reads: ``configs`` (data_files per split,
with the release version so a rebuilt version invalidates caches) and ``dataset_info``
(features from ``scheme.features`` via ``core.hub_yaml``, split sizes). The prose
sections are filled from the build summary, so numbers in the card cannot drift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from claimcorpus.core.hub_yaml import features_to_yaml
from claimcorpus.core.scheme import CONFIGS, Scheme, features
from claimcorpus.release.fixed import card_meta
from claimcorpus.release.splits import STANDARD

LICENSE = "cc-by-4.0"


def _size_category(n: int) -> str:
    return (
        "n<1K"
        if n < 1000
        else "1K<n<10K"
        if n < 10_000
        else "10K<n<100K"
        if n < 100_000
        else "100K<n<1M"
    )


def loadable_splits(summary: dict[str, Any], config: str) -> list[str]:
    """The standard splits of a config that have rows.

    ``datasets`` cannot load a split with no rows (an empty Parquet file fails the whole
    config), so the card declares only these; the empty file stays for the checksums. A
    build never leaves a ``documents`` split empty (it refuses), but ``claims`` and
    ``tokens`` are empty in a part with no annotated document.
    """
    return [s for s in STANDARD if summary["rows"][config][s] > 0]


def card_yaml(
    version: str, scheme: Scheme, summary: dict[str, Any], meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    meta = meta or {}
    configs, infos = [], []
    for config in CONFIGS:
        present = loadable_splits(summary, config)
        if not present:
            continue
        configs.append(
            {
                "config_name": config,
                "version": version,
                "data_files": [
                    {"split": s, "path": f"data/{config}/{s}-*.parquet"} for s in present
                ],
                **({"default": True} if config == "documents" else {}),
            }
        )
        infos.append(
            {
                "config_name": config,
                "features": features_to_yaml(features(scheme, config)),
                "splits": [
                    {
                        "name": s,
                        "num_bytes": summary["arrow_bytes"][config][s],
                        "num_examples": summary["rows"][config][s],
                    }
                    for s in present
                ],
            }
        )
    return {
        "pretty_name": meta.get("pretty_name", "claimcorpus: attributed claims in news"),
        "license": meta.get("license", LICENSE),
        "language": ["en"],
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition"],
        "size_categories": [_size_category(summary["documents"])],
        "tags": meta.get("tags", ["claims", "attribution", "stance", "news"]),
        "configs": configs,
        "dataset_info": infos,
    }


def _table(header: list[str], body: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def _split_notes(summary: dict[str, Any], manifest: dict[str, Any]) -> str:
    """Paragraphs on what departs from the usual splits (empty for a usual build)."""
    notes = [
        f"The `{c}` config has no {' or '.join(missing)} split: no document there is "
        "annotated, and `load_dataset` cannot read an empty split."
        for c in CONFIGS
        if (missing := [s for s in STANDARD if s not in loadable_splits(summary, c)])
    ]
    notes += [
        f"Story `{story}` crosses parts of {', '.join(views)}: its documents released "
        "earlier keep their parts (`pinned_crossings` in `splits.json`)."
        for story, views in manifest.get("pinned_crossings", {}).items()
    ]
    return "".join(f"\n\n{n}" for n in notes)


def _intro(version: str, scheme: Scheme, summary: dict[str, Any], meta: dict[str, Any]) -> str:
    """The opening of a card for a corpus other than the seeds' (its own words, or ours)."""
    labels = ", ".join(scheme.span_labels)
    stance = " with the source's stance" if scheme.has("stance") else ""
    text = meta.get("intro") or (
        f"News articles annotated with **who is said to claim what**: {labels} spans and the "
        f"attributions linking them{stance}."
    )
    lacks = scheme.lacks()
    note = (
        f"\n\nThis corpus has no {', '.join(f'`{f}`' for f in lacks)} annotations: its scheme "
        "(`fields:`) leaves them out, the release has no columns for them, and "
        "`claimcorpus evaluate` skips their metrics instead of scoring them as zero."
        if lacks
        else ""
    )
    tiny = (
        "\n\n**This corpus is tiny.** Scores on it have wide confidence intervals; report them."
        if summary["documents"] < 100
        else ""
    )
    return (
        f"\n# {scheme.name} {version}\n\n{text.strip()} Scheme {scheme.name} {scheme.version}; "
        f"{summary['documents']} documents ({summary['annotated_documents']} annotated).{note}{tiny}\n"
    )


def _splits_text(manifest: dict[str, Any]) -> str:
    if manifest.get("fixed"):
        return (
            "These are the corpus's own splits, kept as given (no folds or held-out-outlet "
            f"views): {manifest['method']}"
        )
    return (
        "Splits keep every story (`story_id`: near-duplicates, same-story rewrites) in one part.\n"
        "Cross-validation folds and held-out-outlet views are listed in `splits.json` (doc ids per\n"
        "part); `claimcorpus evaluate --split fold0_test` and friends read them. Method: "
        f"{manifest['method']}"
    )


def card_body(
    version: str,
    scheme: Scheme,
    summary: dict[str, Any],
    manifest: dict[str, Any],
    extra: str = "",
    meta: dict[str, Any] | None = None,
) -> str:
    meta = meta or {}
    if meta or scheme.lacks() or scheme.name != "claimcorpus" or manifest.get("fixed"):
        return _generic_body(version, scheme, summary, manifest, extra, meta)
    rows = summary["rows"]
    split_table = _table(
        ["split", "documents", "claims (attributions)", "token rows (paragraphs)"],
        [[s, rows["documents"][s], rows["claims"][s], rows["tokens"][s]] for s in STANDARD],
    )
    label_rows = [
        [lab, summary["labels"].get(lab, 0), scheme.descriptions["span_labels"][lab]]
        for lab in scheme.span_labels
    ]
    return f"""
# claimcorpus {version}

News articles about contested questions, annotated with **who claims what, and whether they
affirm or deny it**: CLAIM, SOURCE and CUE spans, attributions linking them with the source's
stance, each claim's stance toward the target proposition *"{scheme.target["statement"]}"*, and
cross-document claim clusters. Scheme {scheme.version}; {summary["documents"]} documents
({summary["annotated_documents"]} annotated).

**This corpus is tiny.** Scores on it have wide confidence intervals; use the grouped
cross-validation folds and report intervals.

## Load

```python
from datasets import load_dataset
docs = load_dataset("path/to/this/folder", "documents")    # one row per article
claims = load_dataset("path/to/this/folder", "claims")     # one row per attribution
tokens = load_dataset("path/to/this/folder", "tokens")     # BIO tags per paragraph
```

Offsets are half-open `[start, end)` Python code-point indices into `text`, and
`text[start:end] == span.text` for every span.

## Configs and splits

{split_table}

Splits keep every story (`story_id`: near-duplicates, same-story rewrites) in one part.
Cross-validation folds and held-out-outlet views are listed in `splits.json` (doc ids per
part); `claimcorpus evaluate --split fold0_test` and friends read them. Method: {manifest["method"]}{_split_notes(summary, manifest)}

## Labels

{_table(["label", "spans", "definition"], label_rows)}

Source stance: {", ".join(f"`{s}` {summary['stances'].get(s, 0)}" for s in scheme.stances)}.
{extra}
## Files

`data/<config>/<split>-*.parquet`, `splits.json` (split manifest), `build_summary.json`
(counts, removed boilerplate by rule, story-grouping evidence), `SHA256SUMS` (checksums of
every file; `sha256sum -c SHA256SUMS`).

## Licence

Annotations: CC BY 4.0. Article texts remain the copyright of their publishers and are
included for non-commercial research; see each document's `licence` field.
"""


def _generic_body(
    version: str,
    scheme: Scheme,
    summary: dict[str, Any],
    manifest: dict[str, Any],
    extra: str,
    meta: dict[str, Any],
) -> str:
    """The card of any other corpus: what it has, where its texts come from, its splits."""
    rows = summary["rows"]
    split_table = _table(
        ["split", "documents", "claims (attributions)", "token rows (paragraphs)"],
        [[s, rows["documents"][s], rows["claims"][s], rows["tokens"][s]] for s in STANDARD],
    )
    label_rows = [
        [lab, summary["labels"].get(lab, 0), scheme.descriptions["span_labels"][lab]]
        for lab in scheme.span_labels
    ]
    stance = (
        "\nSource stance: "
        + ", ".join(f"`{s}` {summary['stances'].get(s, 0)}" for s in scheme.stances)
        + ".\n"
        if scheme.has("stance")
        else ""
    )
    about = f"\n## About this corpus\n\n{meta['about'].strip()}\n" if meta.get("about") else ""
    licence = meta.get("licence") or (
        "Annotations: CC BY 4.0. Article texts remain the copyright of their publishers and are\n"
        "included for non-commercial research; see each document's `licence` field."
    )
    return f"""{_intro(version, scheme, summary, meta)}{about}
## Load

```python
from datasets import load_dataset
docs = load_dataset("path/to/this/folder", "documents")    # one row per article
claims = load_dataset("path/to/this/folder", "claims")     # one row per attribution
tokens = load_dataset("path/to/this/folder", "tokens")     # BIO tags per paragraph
```

Offsets are half-open `[start, end)` Python code-point indices into `text`, and
`text[start:end] == span.text` for every span.

## Configs and splits

{split_table}

{_splits_text(manifest)}

## Labels

{_table(["label", "spans", "definition"], label_rows)}
{stance}{extra}
## Files

`data/<config>/<split>-*.parquet`, `splits.json` (split manifest), `build_summary.json`
(counts, removed boilerplate by rule, story-grouping evidence), `SHA256SUMS` (checksums of
every file; `sha256sum -c SHA256SUMS`).

## Licence

{licence.strip()}
"""


def write_card(
    root: Path,
    out: Path,
    version: str,
    scheme: Scheme,
    summary: dict[str, Any],
    manifest: dict[str, Any],
    extra: str = "",
) -> None:
    meta = card_meta(root)
    header = yaml.safe_dump(
        card_yaml(version, scheme, summary, meta), sort_keys=False, allow_unicode=True
    )
    (out / "README.md").write_text(
        f"---\n{header}---\n{card_body(version, scheme, summary, manifest, extra, meta)}",
        encoding="utf-8",
    )
