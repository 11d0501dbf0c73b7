"""Train the learned baseline on a release's train split into a model folder.

Steps: read the train split (``release/load``), fit one CRF per span label (``spans``), fit
the linker on the gold attributions (``linker``), write the manifest last. Everything is
written into a temporary folder next to ``out`` and renamed into place at the end, so a
failed run leaves an earlier model of that name as it was. Deterministic: crfsuite's L-BFGS
has no randomness and the linker's solver is seeded, so one seed gives one model.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from tqdm import tqdm

from claimcorpus.core.io import atomic_write_json, sha256_file
from claimcorpus.core.problems import InputError
from claimcorpus.learn import linker as linking
from claimcorpus.learn.assemble import Decoding
from claimcorpus.learn.model import FORMAT, FORMAT_VERSION, LINKER, LOG, MANIFEST
from claimcorpus.learn.scheme_id import release_scheme
from claimcorpus.learn.spans import CrfConfig, gold_items, train_label
from claimcorpus.release.load import load_documents

LIBRARIES = ("sklearn-crfsuite", "python-crfsuite", "scikit-learn")
PRINT_EVERY = 10  # iterations between printed loss lines (every one is in the log file)


@dataclass
class TrainResult:
    """What a run made: the folder, its manifest, and the loss log."""

    folder: Path
    manifest: dict[str, Any]
    log: list[dict[str, Any]]


def load_config(path: str | Path | None) -> CrfConfig:
    """The CRF settings of a YAML or JSON file (absent: the defaults); unknown keys and
    wrong types are errors naming the file and the field."""
    if path is None:
        return CrfConfig()
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the training config: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path}: the training config must be a mapping of settings")
    known = {f.name: f.type for f in fields(CrfConfig)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise InputError(f"{path}: field {key!r} is not a setting; expected {sorted(known)}")
        want = float if known[key] in (float, "float") else int
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{path}: field {key!r} must be a number, got {value!r}")
        if want is int and not float(value).is_integer():
            raise InputError(f"{path}: field {key!r} must be a whole number, got {value!r}")
        values[key] = want(value)
    return CrfConfig(**values)


def train_documents(release: Path) -> list[dict[str, Any]]:
    """The annotated documents of the release's train split, or an error saying why not."""
    if not (release / "splits.json").is_file():
        raise InputError(f"{release}: not a release folder (no splits.json)")
    try:
        docs = load_documents(release, "train")
    except InputError as exc:
        raise InputError(f"{exc}: `claimcorpus train` needs a train split") from exc
    if not docs:
        raise InputError(
            f"{release}/splits.json: split 'train' has no annotated document to learn from"
        )
    return docs


def train_model(
    release: str | Path,
    out: str | Path,
    config: CrfConfig | None = None,
    seed: int = 0,
    progress: bool = True,
) -> TrainResult:
    """Train on ``release``'s train split and write the model folder ``out``."""
    release, out = Path(release), Path(out)
    config = config or CrfConfig()
    docs = train_documents(release)
    scheme = release_scheme(release)
    labels = list(scheme["class_names"]["spans"]["label"])
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    log: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        bar = tqdm(
            total=config.max_iterations * len(labels) + 1, desc="train", disable=not progress
        )

        def hook(label: str, info: Mapping[str, Any]) -> None:
            entry = {
                "step": f"crf-{label}",
                "iteration": int(info["num"]),
                "loss": float(info["loss"]),
                "seconds": float(info["time"]),
            }
            log.append(entry)
            bar.update(1)
            if entry["iteration"] % PRINT_EVERY == 0 or entry["iteration"] == 1:
                tqdm.write(f"{label} iteration {entry['iteration']}: loss {entry['loss']:.2f}")

        items = gold_items(docs)
        for label in labels:
            done = len(log)
            train_label(docs, items, label, tmp, config, hook)
            bar.update(config.max_iterations - (len(log) - done))  # L-BFGS may stop early
            tqdm.write(f"{label}: {len(log) - done} iterations, final loss {log[-1]['loss']:.2f}")
        link = linking.fit_linker(docs, seed)
        log.append({"step": "linker", "iteration": 1, "loss": None, "seconds": None})
        bar.update(1)
        bar.close()
        (tmp / LINKER).write_text(
            json.dumps({"cue": link.cue.to_json(), "source": link.source.to_json()}) + "\n",
            encoding="utf-8",
        )
        (tmp / LOG).write_text("".join(json.dumps(e) + "\n" for e in log), encoding="utf-8")
        manifest = _manifest(out.name, release, scheme, labels, config, seed, len(docs), tmp)
        manifest["training_seconds"] = round(time.perf_counter() - started, 1)
        atomic_write_json(tmp / MANIFEST, manifest)
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return TrainResult(out, manifest, log)


def _manifest(
    name: str,
    release: Path,
    scheme: dict[str, Any],
    labels: list[str],
    config: CrfConfig,
    seed: int,
    n_docs: int,
    folder: Path,
) -> dict[str, Any]:
    sums = release / "SHA256SUMS"
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "scheme": scheme,
        "labels": labels,
        "library": {lib: version(lib) for lib in LIBRARIES},
        "config": asdict(config),
        "decoding": asdict(Decoding()),
        "seed": seed,
        "release": {
            "path": str(release),
            "split": "train",
            "documents": n_docs,
            "sha256sums_sha256": sha256_file(sums) if sums.is_file() else None,
        },
        "files": {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.name != MANIFEST},
    }


def _replace(tmp: Path, out: Path) -> None:
    """Move the finished folder to ``out``; an older model there is removed only after."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
