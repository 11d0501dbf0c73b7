"""``claimcorpus ls review``: send adjudication disputes back to Label Studio as review tasks.

One task per document with unresolved disputes, in a separate project (default
"claimcorpus review") whose config shows a ``$review_note`` listing each dispute. Every
annotator's raw record and the current gold come along as predictions (model_version
``raw/<name>`` and ``gold``), so the reviewer can switch between versions and submit the
resolution. Pull that project into a raw layer and run ``claimcorpus adjudicate
--adjudicator NAME`` to let it win. Re-running only updates documents whose disputes changed
(the task version is a digest of text and disputes; tasks already reviewed are kept).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from claimcorpus.annotate.adjudicate import load_logs
from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_documents
from claimcorpus.labelstudio.client import Connection, ensure_project
from claimcorpus.labelstudio.config import label_config
from claimcorpus.labelstudio.convert import record_to_results
from claimcorpus.labelstudio.guidelines import expert_instruction
from claimcorpus.labelstudio.tasks import SyncReport, TaskSpec, sync_tasks


def _fmt_value(v: dict[str, Any], text: str) -> str:
    def span(k: Any) -> str:
        if not k:
            return "-"
        label, start, end = k
        return f"{label} [{start},{end}) {text[start:end][:60]!r}"

    if "label" in v:
        extra = {x: v[x] for x in ("topic_stance", "cluster") if v.get(x)}
        if v.get("antecedent"):
            extra["antecedent"] = span(v["antecedent"])
        return span((v["label"], v["start"], v["end"])) + (f" {extra}" if extra else "")
    return (
        f"claim {span(v['claim'])} <- source {span(v['source'])} cue {span(v['cue'])}: "
        f"{v['stance']}, {v['source_type']}"
        + (", anonymous" if v.get("anonymous_source") else "")
        + (", unattributed" if v.get("unattributed") else "")
    )


def review_note(log: dict[str, Any], text: str) -> str:
    """Plain-text list of unresolved disputes: each variant and who chose it."""
    lines = [f"Annotators: {', '.join(log['annotators'])} (threshold {log['threshold']})"]
    for i, d in enumerate((d for d in log["disputes"] if not d["accepted"]), 1):
        lines.append(f"{i}. {d['kind']}:")
        for var in d["variants"]:
            lines.append(f"   {', '.join(var['annotators'])}: {_fmt_value(var['value'], text)}")
        if d["missing"]:
            lines.append(f"   {', '.join(d['missing'])}: (not marked)")
    return "\n".join(lines)


def review_specs(root: str | Path) -> list[TaskSpec]:
    docs = {d["doc_id"]: d for d in load_documents(root)}
    gold = load_layer(root, "gold")
    specs = []
    for doc_id, log in load_logs(root).items():
        doc = docs.get(doc_id)
        if doc is None or not any(not d["accepted"] for d in log["disputes"]):
            continue
        note = review_note(log, doc["text"])
        digest = hashlib.sha256(
            (doc["text_sha256"] + json.dumps(log["disputes"], sort_keys=True)).encode()
        ).hexdigest()
        preds = []
        for who in log["annotators"]:
            rec = load_layer(root, f"raw/{who}").get(doc_id)
            if rec:
                preds.append(
                    {"model_version": f"raw/{who}", "score": 1.0, "result": record_to_results(rec)}
                )
        if doc_id in gold:
            preds.append(
                {"model_version": "gold", "score": 1.0, "result": record_to_results(gold[doc_id])}
            )
        data = {
            "text": doc["text"],
            "doc_id": doc_id,
            "text_sha256": doc["text_sha256"],
            "review_note": note,
        }
        specs.append(TaskSpec(doc_id, digest, data, {"text_sha256": doc["text_sha256"]}, preds))
    return specs


def push_reviews(conn: Connection, root: str | Path, *, title: str) -> tuple[SyncReport, int]:
    """Create/update the review project and sync one task per disputed document."""
    specs = review_specs(root)
    project, _ = ensure_project(
        conn, title, label_config(load_scheme(root), review=True), expert_instruction(root)
    )
    return sync_tasks(conn, int(project.id), specs), len(specs)
