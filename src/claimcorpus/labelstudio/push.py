"""``claimcorpus ls push``: create or update the project and sync the corpus into it as tasks.

Tasks carry ``data = {text, doc_id, text_sha256}`` (what the annotator sees; offsets are into
this exact normalized text) and ``meta`` with the same keys plus title/outlet/url for the
Data Manager. Predictions come from the gold layer (converted with convert.py) or from the
rule baseline when ``claimcorpus.baseline.rules`` exists. See tasks.py for idempotency.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.client import Connection, ensure_project
from claimcorpus.labelstudio.config import expert_instruction, label_config
from claimcorpus.labelstudio.convert import record_to_results
from claimcorpus.labelstudio.tasks import SyncReport, TaskSpec, sync_tasks

META_KEYS = ("title", "outlet", "url", "published", "story", "language")
BASELINE_MODULE = "claimcorpus.baseline.rules"


def baseline_available() -> bool:
    try:
        return importlib.util.find_spec(BASELINE_MODULE) is not None
    except ModuleNotFoundError:
        return False


def _baseline_records(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    extract = importlib.import_module(BASELINE_MODULE).extract
    return {d["doc_id"]: extract(d["doc_id"], d["text"]) for d in docs}


def prediction_records(
    root: str | Path, docs: list[dict[str, Any]], source: str | None
) -> dict[str, dict]:
    """doc_id -> record to show as a prediction; only records made on the current text."""
    if source is None:
        return {}
    if source == "gold":
        records = load_layer(root, "gold")
    elif source == "baseline":
        if not baseline_available():
            raise ValueError(
                f"--predictions baseline needs {BASELINE_MODULE}, which is not installed"
            )
        records = _baseline_records(docs)
    else:
        raise ValueError(f"unknown prediction source {source!r} (gold or baseline)")
    sha = {d["doc_id"]: d["text_sha256"] for d in docs}
    return {k: r for k, r in records.items() if k in sha and r.get("text_sha256", sha[k]) == sha[k]}


def task_specs(
    docs: list[dict[str, Any]],
    preds: dict[str, dict[str, Any]],
    model_version: str,
    scheme_version: str,
) -> list[TaskSpec]:
    specs = []
    for d in docs:
        data = {"text": d["text"], "doc_id": d["doc_id"], "text_sha256": d["text_sha256"]}
        meta = {"text_sha256": d["text_sha256"], "scheme_version": scheme_version}
        meta.update({k: d[k] for k in META_KEYS if d.get(k) is not None})
        predictions = []
        if d["doc_id"] in preds:
            predictions.append(
                {
                    "model_version": model_version,
                    "score": 1.0,
                    "result": record_to_results(preds[d["doc_id"]]),
                }
            )
        specs.append(TaskSpec(d["doc_id"], d["text_sha256"], data, meta, predictions))
    return specs


def push(
    conn: Connection,
    root: str | Path,
    *,
    title: str,
    predictions: str | None = None,
    model_version: str | None = None,
    doc_ids: list[str] | None = None,
    batch_size: int = 1000,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[SyncReport, str]:
    """Create/update the project (config + guidelines) and sync every document as a task."""
    scheme = load_scheme(root)
    docs = load_documents(root)
    if doc_ids:
        unknown = sorted(set(doc_ids) - {d["doc_id"] for d in docs})
        if unknown:
            raise ValueError(f"unknown doc_id(s): {unknown}")
        docs = [d for d in docs if d["doc_id"] in set(doc_ids)]
    version = model_version or f"{predictions}-{scheme.version}"
    preds = prediction_records(root, docs, predictions)
    project, status = ensure_project(conn, title, label_config(scheme), expert_instruction(root))
    specs = task_specs(docs, preds, version, scheme.version)
    report = sync_tasks(conn, int(project.id), specs, batch_size=batch_size, on_batch=on_batch)
    return report, status
