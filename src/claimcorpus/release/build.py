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

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from claimcorpus.core import layers as ann
from claimcorpus.core.io import atomic_write_json, read_json
from claimcorpus.core.problems import InputError, has_errors
from claimcorpus.core.scheme import CONFIGS, features, load_scheme
from claimcorpus.release import rows, splits
from claimcorpus.release.checksums import read_checksums, write_checksums
from claimcorpus.release.fixed import card_meta, fixed_manifest
from claimcorpus.release.sources import CorpusSource, EngineSource

RELEASES = Path("releases")


ROW_GROUP = 10_000


_VERSION_OK = __import__("re").compile(r"^\d+\.\d+\.\d+$")


class _SplitWriter:
    """Streams rows of one config/split to Parquet in fixed 10k-row groups.

    Each group is encoded (label names to ClassLabel ids), made one contiguous table and
    written with fixed options, so the bytes depend only on the rows and the pinned pyarrow.
    """

    def __init__(self, path: Path, feats) -> None:
        self.path, self.feats = path, feats
        self.schema = feats.arrow_schema
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", use_dictionary=True, write_statistics=True
        )
        self.buf: list[dict[str, Any]] = []
        self.rows = 0
        self.nbytes = 0

    def add(self, rows_: list[dict[str, Any]]) -> None:
        self.buf.extend(rows_)
        while len(self.buf) >= ROW_GROUP:
            self._flush(self.buf[:ROW_GROUP])
            self.buf = self.buf[ROW_GROUP:]

    def _flush(self, rows_: list[dict[str, Any]]) -> None:
        encoded = [self.feats.encode_example(r) for r in rows_]
        table = pa.Table.from_pylist(encoded, schema=self.schema).combine_chunks()
        self.writer.write_table(table, row_group_size=ROW_GROUP)
        self.rows += table.num_rows
        self.nbytes += table.nbytes

    def close(self) -> None:
        if self.buf:
            self._flush(self.buf)
        self.buf = []
        self.writer.close()
        if self.rows == 0:  # datasets cannot read an empty split: it is left out (card too)
            self.path.unlink()


def build_into(
    root: Path,
    version: str,
    out: Path,
    baselines: bool = True,
    previous: dict[str, list[str]] | None = None,
    source: CorpusSource | EngineSource | None = None,
) -> dict[str, Any]:
    """Write every release file into the empty folder ``out``; return the build summary.

    ``source``: where the documents come from (default: ``root/corpus``); gold annotations,
    clusters and the scheme always come from ``root``.
    """
    from claimcorpus.release.card import write_card

    scheme = load_scheme(root)
    gold = ann.load_layer(root, "gold")
    clusters = ann.load_clusters(root)
    source = source or CorpusSource(root)
    ids = source.ids
    if not ids:
        if isinstance(source, CorpusSource):
            raise InputError(f"{root / 'corpus'}: no documents; run `claimcorpus ingest` first")
        raise InputError("--input: no record could be normalized; nothing to release")
    # pass 1: story grouping and gold checks, one document at a time
    problems = []
    outlet_of: dict[str, str | None] = {}
    excluded_by_rule: Counter[str] = Counter()  # one counter, not one per document (memory)

    def visit(doc: dict[str, Any]) -> None:
        d = doc["doc_id"]
        outlet_of[d] = doc.get("outlet")
        excluded_by_rule.update(e["rule"] for e in doc["exclusions"])
        if d in gold:
            problems.extend(
                ann.check_record(
                    gold[d],
                    doc["text"],
                    scheme,
                    file=f"annotations/gold/{d}.json",
                    paragraphs=[(p["start"], p["end"]) for p in doc["paragraphs"]],
                    clusters=clusters,
                    text_sha256=doc["text_sha256"],
                )
            )

    with tqdm(total=len(ids), unit="doc", desc="pass 1: check, group", disable=None) as bar:

        def visit_and_count(doc: dict[str, Any]) -> None:
            visit(doc)
            bar.update()

        story_of, edges = source.scan(visit_and_count)
    orphans = sorted(set(gold) - set(ids))
    if orphans:
        raise InputError(
            f"annotations/gold: records for documents not in the build's input {orphans}"
        )
    if has_errors(problems):
        raise InputError(
            "gold annotations have errors:\n"
            + "\n".join(str(p) for p in problems if p.level == "error")
        )
    manifest = fixed_manifest(root, story_of) or splits.make_splits(
        story_of, outlet_of, previous=previous
    )
    # pass 2: rows per config and split
    target = scheme.target["statement"]
    counts: dict[str, dict[str, int]] = {c: {} for c in CONFIGS}
    nbytes: dict[str, dict[str, int]] = {c: {} for c in CONFIGS}
    for split in splits.STANDARD:
        writers = {
            c: _SplitWriter(
                out / "data" / c / f"{split}-00000-of-00001.parquet", features(scheme, c)
            )
            for c in CONFIGS
        }
        docs = source.documents(manifest["splits"][split])
        for doc in tqdm(
            docs,
            total=len(manifest["splits"][split]),
            unit="doc",
            desc=f"pass 2: {split}",
            disable=None,
        ):
            d = doc["doc_id"]
            g = gold.get(d)
            writers["documents"].add([rows.document_row(doc, story_of[d], g)])
            if g is not None:
                writers["claims"].add(rows.claim_rows(doc, story_of[d], g, clusters, target))
                writers["tokens"].add(rows.token_rows(doc, g, scheme.span_labels))
        for config, w in writers.items():
            w.close()
            counts[config][split] = w.rows
            nbytes[config][split] = w.nbytes
    summary = {
        "version": version,
        "scheme_version": scheme.version,
        "documents": len(ids),
        "annotated_documents": len(gold),
        "rows": counts,
        "arrow_bytes": nbytes,
        "labels": dict(
            sorted(Counter(s["label"] for g in gold.values() for s in g["spans"]).items())
        ),
        "stances": dict(
            sorted(Counter(a["stance"] for g in gold.values() for a in g["attributions"]).items())
        )
        if scheme.has("stance")
        else {},
        "exclusions_by_rule": dict(sorted(excluded_by_rule.items())),
        "stories": dict(sorted(Counter(story_of.values()).items())),
        "story_edges": edges,
        "warnings": [str(p) for p in problems],
    }
    if source.excluded:  # only engine input has records that failed normalization
        summary["input_exclusions"] = dict(
            sorted(Counter(r["kind"] for r in source.excluded).items())
        )
        summary["input_excluded_records"] = source.excluded
    atomic_write_json(out / "splits.json", {**manifest, "story_of": story_of})
    atomic_write_json(out / "build_summary.json", summary)
    write_card(root, out, version, scheme, summary, manifest)
    if baselines:
        # Scored on the release just written, through the same loader users call, so the
        # card's table is exactly what `claimcorpus baseline --release` prints.
        from claimcorpus.baseline import baseline_table

        table = baseline_table(out)
        own = not card_meta(root) and not manifest.get("fixed")
        section = baselines_section(table) if own else corpus_baselines_section(table, out)
        write_card(root, out, version, scheme, summary, manifest, extra=section)
    from claimcorpus.release.croissant import write_croissant

    meta = card_meta(root)
    if meta.get("datasheet"):  # a corpus's own datasheet travels with its release
        shutil.copyfile(root / meta["datasheet"], out / "DATASHEET.md")
    write_croissant(out, version, scheme, summary, meta=meta)
    write_checksums(out)
    return summary


def baselines_section(table: str) -> str:
    return (
        "\n## Baselines\n\nScores of the reference baselines on every split and view "
        "(`claimcorpus baseline --release .` prints the same table). The rule baseline's "
        "patterns were written from the guidelines, whose examples quote these very articles, "
        "so its scores are optimistic.\n\n<!-- baselines:start -->\n"
        f"{table}\n<!-- baselines:end -->\n"
    )


def corpus_baselines_section(table: str, release: Path) -> str:
    """The baselines of another corpus's card: the table, and validation with intervals."""
    from claimcorpus.baseline import interval_table

    return (
        "\n## Baselines\n\nScores of the reference baselines (`claimcorpus baseline --release .` "
        "prints the same table). Their patterns were written for the claimcorpus guidelines, "
        "not this corpus's; a metric the corpus has no gold for is n/a, never 0.\n\n"
        f"<!-- baselines:start -->\n{table}\n<!-- baselines:end -->\n\n"
        "On the validation split, with 95% bootstrap intervals over documents "
        "(1000 resamples, seed 0):\n\n"
        f"{interval_table(release, 'validation')}\n"
    )


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def previous_splits(base: Path, version: str) -> dict[str, list[str]] | None:
    """Standard splits of the newest release older than ``version`` (to keep stories put)."""
    older = [
        p
        for p in base.iterdir()
        if p.is_dir() and _VERSION_OK.match(p.name) and _version_key(p.name) < _version_key(version)
    ]
    if not older:
        return None
    newest = max(older, key=lambda p: _version_key(p.name))
    return (
        read_json(newest / "splits.json")["splits"] if (newest / "splits.json").exists() else None
    )


def build_release(
    root: str | Path,
    version: str,
    releases_dir: str | Path | None = None,
    baselines: bool = True,
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
            from claimcorpus import engines

            work = tmp / ".engine"  # removed with tmp; never part of the release
            work.mkdir()
            sidecars = Path(sidecar_dir) if sidecar_dir else None
            input_path = engines.prepare_input(list(map(Path, inputs)), work, batch_size, sidecars)
            engines.run(engine, input_path, work / "out", workers, batch_size, spark_master)
            source = EngineSource(work / "out")
        (tmp / "release").mkdir()
        try:
            build_into(
                root,
                version,
                tmp / "release",
                baselines=baselines,
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
