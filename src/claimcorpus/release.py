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

import argparse
import copy
import shutil
import sys
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from . import annotations as ann
from . import rows, splits
from .engines import EngineError, add_spark_master
from .io import atomic_write_json, dumps_json, read_json, sha256_file
from .problems import InputError, has_errors
from .scheme import CONFIGS, features, load_scheme
from .sources import CorpusSource, EngineSource

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
        if self.buf or self.rows == 0:
            self._flush(self.buf)
        self.buf = []
        self.writer.close()


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
    from .card import write_card

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
    manifest = splits.make_splits(story_of, outlet_of, previous=previous, edges=edges)
    empty = splits.empty_parts_error(manifest, story_of)
    if empty:
        raise InputError(f"cannot split the build's documents: {empty}")
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
        ),
        "exclusions_by_rule": dict(sorted(excluded_by_rule.items())),
        "stories": dict(sorted(Counter(story_of.values()).items())),
        "story_edges": edges,
        "warnings": [str(p) for p in problems],
    }
    report = splits.split_report(manifest, story_of)
    if report:  # only when there is something to look at (a quiet build's summary is unchanged)
        summary["split_report"] = report
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
        from .baseline import baseline_table

        table = baseline_table(out)
        write_card(root, out, version, scheme, summary, manifest, extra=baselines_section(table))
    from .croissant import write_croissant

    write_croissant(out, version, scheme, summary)
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


def write_checksums(folder: Path) -> None:
    lines = [
        f"{sha256_file(p)}  {p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_checksums(folder: Path) -> dict[str, str]:
    out = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        out[name] = digest
    return out


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
            from . import engines

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


def load_documents(release: str | Path, split: str) -> list[dict[str, Any]]:
    """Annotated gold documents of a split (standard, or a view such as ``fold0_test``).

    Label ids come back as names. Unannotated documents are left out: they have no gold to
    score against.
    """
    release = Path(release)
    manifest = read_json(release / "splits.json")
    if split not in manifest["splits"]:
        raise InputError(
            f"{release}/splits.json: no split {split!r}; have {sorted(manifest['splits'])}"
        )
    stamp = (release / "README.md").stat().st_mtime_ns
    docs = _all_annotated(str(release.resolve()), stamp)
    wanted = set(manifest["splits"][split])
    return [copy.deepcopy(d) for d in docs if d["doc_id"] in wanted]


@lru_cache(maxsize=4)
def _all_annotated(release: str, stamp: int) -> tuple[dict[str, Any], ...]:
    """Every annotated document of a release, read once per release (keyed by its card)."""
    from datasets import load_dataset

    ds = load_dataset(release, "documents", split="+".join(splits.STANDARD))
    # touch only the annotated rows: decoding every row of a large unannotated build
    # would page the whole text into memory for nothing
    flags = ds.data.column("annotated").to_pylist()
    ds = ds.select([i for i, a in enumerate(flags) if a])
    feats = ds.features
    out = []
    for row in ds:
        if not row["annotated"]:
            continue
        row = dict(row)
        row["spans"] = [_names(s, feats["spans"].feature) for s in row["spans"]]
        row["attributions"] = [
            _names(a, feats["attributions"].feature) for a in row["attributions"]
        ]
        out.append(row)
    return tuple(sorted(out, key=lambda r: r["doc_id"]))


def _names(rec: dict[str, Any], struct: dict) -> dict[str, Any]:
    """ClassLabel ids back to names (None stays None)."""
    from datasets import ClassLabel

    out = dict(rec)
    for k, v in rec.items():
        if isinstance(struct[k], ClassLabel) and v is not None:
            out[k] = struct[k].int2str(v)
    return out


def build_command(args: argparse.Namespace) -> int:
    try:
        folder, status = build_release(
            args.root,
            args.version,
            args.releases_dir,
            baselines=not args.no_baselines,
            engine=args.engine,
            inputs=args.input,
            workers=args.workers,
            sidecar_dir=args.sidecar_dir,
            batch_size=args.batch_size,
            spark_master=args.spark_master,
        )
    except (InputError, EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = read_json(folder / "build_summary.json")
    print(f"{status} {folder}")
    print(
        f"  documents {summary['documents']} (annotated {summary['annotated_documents']}), rows {dumps_json(summary['rows']).strip()}"
    )
    for line in splits.report_lines(summary.get("split_report", {})):
        print(f"warning: {line}", file=sys.stderr)
    if summary.get("input_exclusions"):
        kinds = ", ".join(f"{k} {n}" for k, n in summary["input_exclusions"].items())
        print(f"  input records excluded ({kinds}): listed in build_summary.json")
    print("load it with:")
    print("  from datasets import load_dataset")
    print(f'  ds = load_dataset("{folder}", "documents")   # or "claims", "tokens"')
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="build releases/X.Y.Z (Hub layout, byte-reproducible, immutable)",
        description="Build an immutable release folder from corpus/ and annotations/gold/.",
    )
    p.add_argument("--version", required=True, help="release version X.Y.Z")
    p.add_argument("--releases-dir", help="where releases go (default: releases/)")
    p.add_argument(
        "--engine",
        choices=("local", "spark"),
        help="normalize and group the --input articles with this engine instead of reading "
        "corpus/ (spark needs `pip install claimcorpus[spark]`)",
    )
    p.add_argument(
        "--input",
        nargs="+",
        metavar="PARQUET_OR_DIR",
        help="articles for --engine: one Parquet file (doc_id, source_file, raw[, story, "
        "outlet, title, published, url, language, licence]) or *.txt files/folders",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="--engine local: worker processes (1 = in-process); spark: local cores",
    )
    p.add_argument("--sidecar-dir", help="*.txt input: folder of <doc_id>.meta.json sidecars")
    p.add_argument("--batch-size", type=int, default=500, help="records per Arrow batch")
    add_spark_master(p)
    p.add_argument(
        "--no-baselines",
        action="store_true",
        help="leave the baseline scores out of the card (for large unannotated builds)",
    )
    p.set_defaults(func=build_command)
