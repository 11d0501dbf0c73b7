"""Build an immutable, byte-reproducible release folder in Hugging Face Hub layout.

``claimcorpus build --version X.Y.Z`` writes ``releases/X.Y.Z/``::

    README.md                    dataset card; YAML ``configs:`` (data_files per split) and
                                 ``dataset_info`` (features, split sizes) for load_dataset
    data/<config>/<split>-00000-of-00001.parquet   documents, claims, tokens x train/validation/test
    splits.json                  split manifest: doc ids per split and view, and how chosen
    build_summary.json           counts, exclusions by rule, story-grouping evidence
    SHA256SUMS                   sha256 of every other file (sha256sum -c format)

Two passes stream the corpus (story signatures first, then rows), so memory does not grow
with the article text. Parquet files are written from combined tables with fixed writer
options (zstd, 10k-row groups) and the pinned pyarrow, so the same inputs give the same
bytes. The release is assembled in a temporary folder and renamed into place; an existing
version is never overwritten with different content.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimcorpus import engines
from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.ingest.sites import load_repeated
from claimcorpus.release import splits
from claimcorpus.release.checksums import read_checksums
from claimcorpus.release.sources import CorpusSource, EngineSource
from claimcorpus.release.steps import BuildState, CardSection, run_steps

RELEASES = Path("releases")


_VERSION_OK = __import__("re").compile(r"^\d+\.\d+\.\d+$")


def build_into(
    root: Path,
    version: str,
    out: Path,
    card_sections: Sequence[CardSection] = (),
    previous: dict[str, list[str]] | None = None,
    source: CorpusSource | EngineSource | None = None,
) -> dict[str, Any]:
    """Write every release file into the empty folder ``out``; return the build summary.

    ``source``: where the documents come from (default: ``root/corpus``); gold annotations,
    clusters and the scheme always come from ``root``. The work is ``release.steps.STEPS``;
    each of ``card_sections`` adds a section to the card (the `build` command adds the
    baseline table: ``pipeline``).
    """
    state = BuildState(root, version, out, source or CorpusSource(root), previous, card_sections)
    with fewer_collections():
        return run_steps(state)


# The cyclic collector's first-generation threshold during a build (Python's default: 700).
GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections(threshold: int = GC_THRESHOLD) -> Iterator[None]:
    """Run the cyclic garbage collector less often while the steps run, then as before.

    Why: the rows of a pass are many small lists and dicts (tokens, tags, spans), freed by
    reference counting, and no cycle; at Python's default threshold the collector ran
    about 1,500 times in a 3,000-article annotated build, re-scanning the rows buffered for
    a row group each time, for 17% of the build's CPU (10.8 s -> 9.0 s, same release bytes
    and peak RSS, measured with ``scripts/bench_build.py``'s project). Cycles are still
    collected, only in larger batches."""
    old = gc.get_threshold()
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def previous_splits(base: Path, version: str) -> dict[str, list[str]] | None:
    """Standard parts and folds of every release older than ``version`` (to keep docs put).

    Oldest first, each newer release overriding: a document keeps the part and fold it last
    had, also when it was missing from a release in between.
    """
    older = sorted(
        (
            p
            for p in base.iterdir()
            if p.is_dir()
            and _VERSION_OK.match(p.name)
            and _version_key(p.name) < _version_key(version)
            and (p / "splits.json").exists()
        ),
        key=lambda p: _version_key(p.name),
    )
    if not older:
        return None
    part_of: dict[str, str] = {}
    fold_of: dict[str, str] = {}
    folds: set[str] = set()  # a fold whose documents all left still counts
    for folder in older:
        had = read_json(folder / "splits.json")["splits"]
        part_of.update({d: p for p in splits.STANDARD for d in had.get(p, [])})
        for name in filter(splits.is_fold_test, had):
            folds.add(name)
            fold_of.update({d: name for d in had[name]})
    merged: dict[str, list[str]] = {name: [] for name in (*splits.STANDARD, *sorted(folds))}
    for doc, name in sorted(part_of.items()) + sorted(fold_of.items()):
        merged[name].append(doc)
    return merged


def build_release(
    root: str | Path,
    version: str,
    releases_dir: str | Path | None = None,
    card_sections: Sequence[CardSection] = (),
    engine: str | None = None,
    inputs: list[str | Path] | None = None,
    workers: int = 1,
    sidecar_dir: str | Path | None = None,
    batch_size: int = 500,
    spark_master: str | None = None,
) -> tuple[Path, str]:
    """Build ``version``; returns (folder, status) with status ``built`` or ``identical``.

    Without ``engine`` the documents are ``root/corpus``. With ``engine`` (local or spark)
    the articles in ``inputs`` (a Parquet file, or *.txt files/folders) are normalized and
    grouped by that engine into a hidden work folder first, then written by the same code.
    Raises InputError when the version exists with different content (it is left as it was),
    engines.EngineError when the engine run fails (nothing is written).
    """
    root = Path(root)
    if not _VERSION_OK.match(version):
        raise InputError(f"--version {version!r}: expected X.Y.Z")
    if engine is None and inputs:
        engine = "local"
    if engine is not None and not inputs:
        raise InputError(f"--engine {engine}: say what to build from with --input")
    base = Path(releases_dir) if releases_dir else root / RELEASES
    base.mkdir(parents=True, exist_ok=True)
    final = base / version
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=base))
    try:
        source = None
        if engine is not None:
            work = tmp / ".engine"  # removed with tmp; never part of the release
            work.mkdir()
            sidecars = Path(sidecar_dir) if sidecar_dir else None
            input_path = engines.prepare_input(list(map(Path, inputs)), work, batch_size, sidecars)
            stored = load_repeated(root)  # the project's site tables, as ingest reads them
            engines.run(engine, input_path, work / "out", workers, batch_size, spark_master, stored)
            source = EngineSource(work / "out")
        (tmp / "release").mkdir()
        try:
            build_into(
                root,
                version,
                tmp / "release",
                card_sections=card_sections,
                previous=previous_splits(base, version),
                source=source,
            )
        finally:
            if source is not None:
                shutil.rmtree(tmp / ".engine")
        tmp_release = tmp / "release"
        if final.exists():
            old, new = read_checksums(final), read_checksums(tmp_release)
            if old == new:
                return final, "identical"
            changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            raise InputError(
                f"{final}: release {version} exists with different content ({', '.join(changed[:5])}"
                f"{' …' if len(changed) > 5 else ''}); releases are immutable: choose a new version"
            )
        tmp_release.rename(final)
        return final, "built"
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
