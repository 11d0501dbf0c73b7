"""``claimcorpus ls push``: create or update the project and sync the corpus into it as tasks.

Tasks carry ``data = {text, doc_id, text_sha256}`` (what the annotator sees; offsets are into
this exact normalized text) and ``meta`` with the same keys plus title/outlet/url for the
Data Manager. Predictions come from a layer in the one record format (converted with
convert.py): gold, a model's ``pred/<model>`` or an annotator's raw layer; or from the rule
baseline (``claimcorpus.baseline.rules``). See tasks.py for idempotency, and preannotate.py
for how predictions reach the annotator (``none``, ``on-demand``, ``prefill``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from claimcorpus.baseline.rules import extract
from claimcorpus.core.layers import checked_layer, load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio import preannotate as P
from claimcorpus.labelstudio.client import Connection, ensure_project
from claimcorpus.labelstudio.config import label_config
from claimcorpus.labelstudio.convert import record_to_results
from claimcorpus.labelstudio.guidelines import expert_instruction
from claimcorpus.labelstudio.suggestions import hide_columns, render
from claimcorpus.labelstudio.tasks import SyncReport, TaskSpec, sync_tasks

META_KEYS = ("title", "outlet", "url", "published", "story", "language")


def prediction_source(value: str) -> str:
    """``--predictions``: ``gold``, ``baseline`` (the rule baseline, run on the spot) or a
    layer, such as a model's ``pred/<model>`` (``claimcorpus predictions import``)."""
    if value == "baseline":
        return value
    try:
        return checked_layer(value)
    except ValueError as exc:
        raise ValueError(
            f"unknown prediction source {value!r}: gold, baseline or a layer such as pred/<model>"
        ) from exc


def prediction_records(
    root: str | Path, docs: list[dict[str, Any]], source: str | None
) -> dict[str, dict]:
    """doc_id -> record to show as a prediction; only records made on the current text.

    Gold, a pred layer and a raw layer are read alike: every layer holds the same record."""
    if source is None:
        return {}
    if source == "baseline":
        records = {d["doc_id"]: extract(d["doc_id"], d["text"]) for d in docs}
    else:
        records = load_layer(root, prediction_source(source))
    sha = {d["doc_id"]: d["text_sha256"] for d in docs}
    return {k: r for k, r in records.items() if k in sha and r.get("text_sha256", sha[k]) == sha[k]}


def task_specs(
    docs: list[dict[str, Any]],
    preds: dict[str, dict[str, Any]],
    model_version: str,
    scheme_version: str,
    mode: str = "prefill",
) -> list[TaskSpec]:
    """One task per document; ``preds`` become Label Studio predictions (``prefill``) or the
    task's ``data.suggestions`` panel text (``on-demand``, suggestions.py)."""
    specs = []
    for d in docs:
        data = {"text": d["text"], "doc_id": d["doc_id"], "text_sha256": d["text_sha256"]}
        if mode == "on-demand":
            data["suggestions"] = render(preds.get(d["doc_id"]), model_version)
            data["suggestions_from"] = model_version
        meta = {"text_sha256": d["text_sha256"], "scheme_version": scheme_version}
        meta.update({k: d[k] for k in META_KEYS if d.get(k) is not None})
        predictions = []
        if d["doc_id"] in preds and mode != "on-demand":
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
    preannotate: str | None = None,
    doc_ids: list[str] | None = None,
    batch_size: int = 1000,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[SyncReport, str]:
    """Create/update the project (config + guidelines) and sync every document as a task.

    ``preannotate`` (default: ``on-demand`` with predictions, else ``none``) decides how
    predictions reach the page: not at all, as a panel opened on demand (task data, never
    Label Studio predictions), or as the starting draft (preannotate.py)."""
    mode = preannotate or P.default_mode(predictions)
    P.check_mode(mode, predictions)
    if mode == "none":
        predictions = None
    scheme = load_scheme(root)
    docs = load_documents(root)
    if doc_ids:
        unknown = sorted(set(doc_ids) - {d["doc_id"] for d in docs})
        if unknown:
            raise ValueError(f"unknown doc_id(s): {unknown}")
        docs = [d for d in docs if d["doc_id"] in set(doc_ids)]
    version = model_version or f"{predictions}-{scheme.version}"
    preds = prediction_records(root, docs, predictions)
    config = label_config(scheme, suggestions=mode == "on-demand")
    project, status = ensure_project(conn, title, config, expert_instruction(root))
    specs = task_specs(docs, preds, version, scheme.version, mode)
    report = sync_tasks(conn, int(project.id), specs, batch_size=batch_size, on_batch=on_batch)
    changed = P.apply(conn, project, mode, version)
    if mode == "on-demand":
        changed = bool(hide_columns(conn, int(project.id))) or changed
    if changed and status == "unchanged":
        status = "updated"
    report.preannotate = mode
    return report, status
