"""``claimcorpus import polnear POLNEAR_DIR``: PolNeAR v1.0.0 in this package's scheme.

PolNeAR (Newell, Margolin and Ruths, LREC 2018) is brat standoff: ``data/<compartment>/
text/<article>.txt`` and ``attributions/<article>_<annotator>.ann`` with T lines ``Source``,
``Cue``, ``Content`` (and ``Content2``, a second content of one attribution), the event
triggers ``Attribution`` and ``Attribution-no-source``, and the annotators' ``Discuss`` and
``Discard`` marks (left out, counted). ``data/metadata.tsv`` has one row per article.

* Compartments ``train``, ``dev``, ``test`` become the release's fixed splits (train,
  validation, test; ``corpus/splits.json``). A compartment whose texts are missing (the
  shared copy has no ``test``) is reported and skipped.
* Metadata: ``publisher`` -> ``outlet`` (the publisher's name), ``publication_date`` ->
  ``published``, ``title``, ``author``; the whole row is kept as given in
  the meta of ``corpus/docs/<doc>.json`` (``source_metadata``).
* An article with one annotator file gives gold (that annotator named); an article with
  several keeps every file as a raw layer and gets gold by the project's majority policy.
  PolNeAR's README states no choice, and its software picks one annotator file at random
  (``random.choice`` in ``polnear/dataset.py``), which is not reproducible.
* The root gets PolNeAR's scheme (no stance, source types, topic stance, clusters or
  antecedents; fragments and author kept), a card text and a datasheet that say where the
  texts come from and that they belong to their publishers, and the published agreement
  figures for ``claimcorpus agreement`` to compare with.

The import needs a root made by ``claimcorpus init`` with no documents yet (or one that
already holds this very import). Texts and releases built from them must never enter a
public repository: the PolNeAR repository states no licence.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from claimcorpus.annotate.corpus_agreement import PUBLISHED
from claimcorpus.core.io import atomic_write_bytes, atomic_write_json
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import SCHEME_PATH, Scheme, load_scheme_file
from claimcorpus.corpora.brat_import import Options, Plan, commit, plan_import
from claimcorpus.corpora.brat_records import BratMap
from claimcorpus.corpora.init import package_file, write_scheme
from claimcorpus.corpora.polnear_docs import card_yaml, datasheet, published_agreement
from claimcorpus.ingest.store import doc_ids
from claimcorpus.release.fixed import CARD_META, FIXED_SPLITS

SPLIT_OF = {"train": "train", "dev": "validation", "test": "test"}
MAP = "Source=SOURCE,Cue=CUE,Content=CLAIM,Content2=CLAIM"
RELATIONS = "Attribution,Attribution-no-source"
IGNORE = "Discuss,Discard"
PUBLISHERS = {
    "breitbart": "Breitbart",
    "huff-post": "Huffington Post",
    "nyt": "New York Times",
    "politico": "Politico",
    "usa-today": "USA Today",
    "wash-post": "Washington Post",
    "west-journal": "Western Journalism",
}
COLUMNS = (
    "compartment",
    "filename",
    "annotators",
    "publisher",
    "publication_date",
    "author",
    "title",
)


@dataclass
class PolnearPlan:
    """Everything ``write`` needs: the merged brat plan, splits, notes for the user."""

    plan: Plan
    scheme_text: bytes
    splits: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    metadata_rows: int = 0


def read_metadata(path: Path) -> list[dict[str, str]]:
    """The rows of ``metadata.tsv``, checked for the columns the import uses."""
    if not path.is_file():
        raise InputError(f"{path}: not found; is this a PolNeAR folder (data/metadata.tsv)?")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise InputError(f"{path}: no rows, or columns {missing} missing")
    return rows


def doc_metadata(row: dict[str, str]) -> dict[str, Any]:
    """Release metadata of one article from its metadata.tsv row (the row kept as given)."""
    publisher = row["publisher"]
    name = PUBLISHERS.get(publisher, publisher)
    return {
        "outlet": name,
        "title": row["title"] or None,
        "published": row["publication_date"] or None,
        "author": row["author"] or None,
        "language": "en",
        "licence": (
            f"Article text: copyright of its publisher ({name}); from PolNeAR v1.0.0, whose "
            "repository states no licence. Not for redistribution."
        ),
        "source_metadata": dict(row),
    }


def polnear_scheme() -> tuple[Scheme, bytes]:
    text = package_file("polnear-scheme.yaml")
    with resources.as_file(
        resources.files("claimcorpus.corpora") / "data" / "polnear-scheme.yaml"
    ) as p:
        return load_scheme_file(p), text


def check_root(root: Path, scheme_text: bytes) -> None:
    """A root made by ``init``: no documents yet, or this import's scheme already in it."""
    path = root / SCHEME_PATH
    if not path.is_file():
        raise InputError(
            f"{root}: not a corpus root (no {SCHEME_PATH}); run `claimcorpus init` first"
        )
    if doc_ids(root) and path.read_bytes() != scheme_text:
        raise InputError(
            f"{root}: already holds documents under another scheme; import PolNeAR into a new "
            "root (`claimcorpus init DIR`)"
        )


def plan(root: Path, folder: Path, compartments: list[str]) -> PolnearPlan:
    """Read every requested compartment; write nothing."""
    scheme, text = polnear_scheme()
    check_root(root, text)
    unknown = sorted(set(compartments) - set(SPLIT_OF))
    if unknown:
        raise InputError(f"--compartments: {unknown} are not train, dev or test")
    rows = read_metadata(folder / "data" / "metadata.tsv")
    bmap = BratMap.parse(MAP, RELATIONS, IGNORE, scheme)
    out = PolnearPlan(Plan(), text, metadata_rows=len(rows))
    for comp in compartments:
        listed = [r for r in rows if r["compartment"] == comp]
        base = folder / "data" / comp
        if not (base / "text").is_dir() or not any((base / "text").glob("*.txt")):
            out.notes.append(
                f"compartment {comp}: {len(listed)} articles in metadata.tsv, but no texts under "
                f"{base / 'text'}: skipped"
            )
            continue
        meta = {r["filename"]: doc_metadata(r) for r in listed}
        opts = Options(single_as_gold=True, adjudicate=True, metadata=meta)
        part = plan_import(root, base / "text", base / "attributions", bmap, scheme, opts)
        merge_into(out.plan, part)
        out.splits[SPLIT_OF[comp]] = sorted(part.documents)
        texts = {p.stem for p in (base / "text").glob("*.txt")}
        unlisted = sorted(texts - set(meta))
        if unlisted:
            out.notes.append(f"compartment {comp}: {len(unlisted)} texts not in metadata.tsv")
        out.notes.append(
            f"compartment {comp} -> split {SPLIT_OF[comp]}: {len(texts)} texts, "
            f"{len(part.documents)} documents to import"
        )
    if not out.splits:
        raise InputError(f"{folder}: none of {compartments} has texts; nothing to import")
    return out


def merge_into(total: Plan, part: Plan) -> None:
    total.documents.update(part.documents)
    total.layers.update(part.layers)
    total.logs.update(part.logs)
    total.problems += part.problems
    total.skipped += part.skipped
    total.counts.update(part.counts)


def write(root: Path, result: PolnearPlan, source: str) -> Path:
    """Write the scheme, card text, datasheet, fixed splits, then the documents and layers."""
    write_scheme(root, result.scheme_text)
    log = commit(root, result.plan, "polnear", source)
    splits = {s: ids for s, ids in result.splits.items()}
    method = (
        "PolNeAR's own compartments: train is train, dev is validation, test is test "
        f"(present: {', '.join(sorted(splits))}); PolNeAR drew dev and test from the last "
        "two months of its sampling period."
    )
    atomic_write_json(root / FIXED_SPLITS, {"method": method, "splits": splits})
    counts = Counter(result.plan.counts)
    atomic_write_bytes(root / CARD_META, card_yaml(source).encode("utf-8"))
    atomic_write_bytes(root / "DATASHEET.md", datasheet(source, result, counts).encode("utf-8"))
    atomic_write_json(root / PUBLISHED, published_agreement())
    return log
