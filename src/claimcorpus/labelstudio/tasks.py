"""Idempotent task sync: make a project's tasks match a list of documents, never duplicate.

Why not just import: Label Studio's import is not idempotent and the SDK retries POSTs, so a
retried or interrupted import can double tasks. Every task carries ``meta.doc_id`` and
``meta.task_version`` (the text's sha256, or a review digest); a sync lists what exists
(``include=`` the few fields needed, 3-10x faster than full tasks), imports only the missing
documents in batches with retries off, and after a failed batch re-lists and reconciles.
A document whose text changed under existing annotations is reported, never replaced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from claimcorpus.labelstudio.client import NO_RETRY, Connection, LSError

LIST_FIELDS = "id,meta,total_annotations,predictions_model_versions"


@dataclass
class TaskSpec:
    doc_id: str
    version: str
    data: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    predictions: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        meta = {**self.meta, "doc_id": self.doc_id, "task_version": self.version}
        return {"data": self.data, "meta": meta, "predictions": self.predictions}


@dataclass(frozen=True)
class ExistingTask:
    id: int
    doc_id: str | None
    version: str | None
    annotations: int
    model_versions: frozenset[str]


@dataclass
class SyncReport:
    project_id: int
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    changed_annotated: list[tuple[str, int, int]] = field(default_factory=list)
    duplicates_removed: list[tuple[str, int]] = field(default_factory=list)
    duplicates_annotated: list[tuple[str, int]] = field(default_factory=list)
    predictions_added: list[str] = field(default_factory=list)
    orphans: list[tuple[str, int]] = field(default_factory=list)
    foreign: int = 0
    retried_batches: int = 0
    preannotate: str = "none"

    def lines(self) -> list[str]:
        out = [
            f"project {self.project_id}: {len(self.imported)} imported, "
            f"{len(self.unchanged)} unchanged, "
            f"{len(self.replaced)} replaced (text changed, no annotations), "
            f"{len(self.predictions_added)} tasks got new predictions; "
            f"pre-annotations: {self.preannotate}"
        ]
        for doc, tid, n in self.changed_annotated:
            out.append(
                f"  FLAG {doc}: text changed but task {tid} has {n} annotation(s); not replaced "
                "(re-anchor the annotations, or delete the task in Label Studio to re-import)"
            )
        for doc, tid in self.duplicates_removed:
            out.append(f"  removed duplicate task {tid} of {doc} (it had no annotations)")
        for doc, tid in self.duplicates_annotated:
            out.append(f"  WARN {doc}: duplicate task {tid} has annotations; kept, resolve by hand")
        for doc, tid in self.orphans:
            out.append(f"  note: task {tid} ({doc}) is not in the corpus; left alone")
        if self.foreign:
            out.append(f"  note: {self.foreign} task(s) without meta.doc_id left alone")
        if self.retried_batches:
            out.append(f"  {self.retried_batches} failed batch(es) reconciled and retried")
        return out


def _versions(raw: Any) -> frozenset[str]:
    if not raw:
        return frozenset()
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return frozenset(str(v).strip() for v in items if str(v).strip())


def list_tasks(conn: Connection, project_id: int) -> list[ExistingTask]:
    """Every task of a project with just doc_id, version, annotation count and model versions."""

    def fetch() -> list[ExistingTask]:
        out = []
        for t in conn.client.tasks.list(project=project_id, include=LIST_FIELDS, page_size=1000):
            meta = t.meta or {}
            out.append(
                ExistingTask(
                    int(t.id),
                    meta.get("doc_id"),
                    meta.get("task_version"),
                    int(t.total_annotations or 0),
                    _versions(t.predictions_model_versions),
                )
            )
        return out

    return conn.call(f"list tasks of project {project_id}", fetch)


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def sync_tasks(
    conn: Connection,
    project_id: int,
    specs: list[TaskSpec],
    *,
    batch_size: int = 1000,
    on_batch: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Import missing documents, add missing predictions, drop unannotated stale copies."""
    rep = SyncReport(project_id)
    wanted = {s.doc_id: s for s in specs}
    by_doc: dict[str, list[ExistingTask]] = defaultdict(list)
    for t in list_tasks(conn, project_id):
        if t.doc_id is None:
            rep.foreign += 1
        elif t.doc_id not in wanted:
            rep.orphans.append((t.doc_id, t.id))
        else:
            by_doc[t.doc_id].append(t)
    to_delete: list[tuple[str, int]] = []
    to_import: list[TaskSpec] = []
    new_preds: list[dict[str, Any]] = []
    for doc_id, spec in wanted.items():
        tasks = sorted(by_doc.get(doc_id, []), key=lambda t: (-t.annotations, t.id))
        current = [t for t in tasks if t.version == spec.version]
        stale = [t for t in tasks if t.version != spec.version]
        for t in stale:
            if t.annotations:
                rep.changed_annotated.append((doc_id, t.id, t.annotations))
            else:
                to_delete.append((doc_id, t.id))
                if current:  # an unannotated old copy beside the current task
                    rep.duplicates_removed.append((doc_id, t.id))
        if current:
            keep, *dups = current
            for t in dups:
                (rep.duplicates_annotated if t.annotations else rep.duplicates_removed).append(
                    (doc_id, t.id)
                )
                if not t.annotations:
                    to_delete.append((doc_id, t.id))
            rep.unchanged.append(doc_id)
            missing = [
                p for p in spec.predictions if p.get("model_version") not in keep.model_versions
            ]
            if missing:
                new_preds += [{**p, "task": keep.id} for p in missing]
                rep.predictions_added.append(doc_id)
        elif any(t.annotations for t in stale):
            continue  # flagged above; importing the new text would split the document's work
        else:
            if stale:
                rep.replaced.append(doc_id)
            to_import.append(spec)
    for doc_id, tid in to_delete:
        conn.call(
            f"delete task {tid} ({doc_id})",
            conn.client.tasks.delete,
            id=str(tid),
            request_options=NO_RETRY,
        )
    _import(conn, project_id, to_import, batch_size, rep, on_batch)
    for batch in _batches(new_preds, batch_size):
        conn.call(
            f"import {len(batch)} predictions into project {project_id}",
            conn.client.projects.import_predictions,
            id=project_id,
            request=batch,
            request_options=NO_RETRY,
        )
    return rep


def _import(
    conn: Connection,
    project_id: int,
    specs: list[TaskSpec],
    batch_size: int,
    rep: SyncReport,
    on_batch: Callable[[int, int], None] | None,
) -> None:
    """Import in batches; after a failure re-list, import only what is still missing, once."""
    pending = list(specs)
    retried = False
    while pending:
        batch = pending[:batch_size]
        try:
            conn.call(
                f"import {len(batch)} tasks into project {project_id}",
                conn.client.projects.import_tasks,
                id=project_id,
                request=[s.payload() for s in batch],
                return_task_ids=True,
                request_options=NO_RETRY,
            )
        except LSError as exc:
            try:
                present = {(t.doc_id, t.version) for t in list_tasks(conn, project_id)}
            except LSError:
                raise LSError(
                    f"{exc}\npush interrupted after {len(rep.imported)} of {len(specs)} new tasks; "
                    "the server is gone, so what landed of the last batch is unknown. Re-run "
                    "`claimcorpus ls push` once it is back: it lists tasks and imports only "
                    "missing ones"
                ) from exc
            landed = [s for s in pending if (s.doc_id, s.version) in present]
            rep.imported += [s.doc_id for s in landed]
            pending = [s for s in pending if (s.doc_id, s.version) not in present]
            if retried:
                raise LSError(
                    f"{exc}\npush failed twice; {len(pending)} tasks still missing"
                ) from exc
            retried = True
            rep.retried_batches += 1
            continue
        rep.imported += [s.doc_id for s in batch]
        pending = pending[batch_size:]
        if on_batch is not None:
            on_batch(len(rep.imported), len(specs))
