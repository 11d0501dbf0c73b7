"""``claimcorpus ls campaign reassign NAME --from A --to B``: hand A's open documents to B.

Why a campaign step and not part of ``ls annotators remove``: an annotator may leave a
campaign and stay on the server (another campaign, a review), and a removed one's documents
need a new annotator chosen by a person. What moves is what A had not submitted, read from
A's project on the server (a task with a submitted annotation stays A's: that work is kept
and pulled as A's, campaign_pull.py). Those documents are pushed into B's own project
through ``push.push`` (reconciled by ``doc_id``, so a document B already has gets no second
task, and a re-run imports nothing). A's unannotated tasks of them are then deleted from A's
project, so A's label stream no longer offers them. The campaign YAML is written once,
atomically, after B's project holds the documents (a crash before that leaves the old state;
the re-run finds the same documents open and finishes). Each move is recorded under
``handovers`` (document, from, to, when).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from claimcorpus.labelstudio.annotators import find
from claimcorpus.labelstudio.campaign import (
    Campaign,
    CampaignError,
    Handover,
    Member,
    save,
)
from claimcorpus.labelstudio.client import NO_RETRY, Connection, find_project
from claimcorpus.labelstudio.push import push
from claimcorpus.labelstudio.tasks import SyncReport, list_tasks


@dataclass
class Reassigned:
    moved: list[str] = field(default_factory=list)  # now B's (B's project holds them)
    already: list[str] = field(default_factory=list)  # B had them: A dropped, no new task
    kept: list[str] = field(default_factory=list)  # A submitted them: A's work stays
    deleted: list[int] = field(default_factory=list)  # A's unannotated task ids removed
    push: SyncReport | None = None


def _project_id(conn: Connection, m: Member) -> int | None:
    if m.project_id is not None:
        return m.project_id
    project = find_project(conn, m.project)
    return None if project is None else int(project.id)


def reassign(
    conn: Connection,
    root: str | Path,
    camp: Campaign,
    src: str,
    dst: str,
    *,
    predictions: str | None = None,
) -> Reassigned:
    """Move ``src``'s unsubmitted documents of ``camp`` to ``dst``; the state file follows."""
    if src not in camp.annotators:
        raise CampaignError(f"{src!r} is not an annotator of campaign {camp.name!r}")
    if src == dst:
        raise CampaignError("--from and --to name the same annotator")
    if camp.preannotate != "none" and predictions is None:
        raise CampaignError(
            f"campaign {camp.name!r} has --preannotate {camp.preannotate}: give --predictions"
        )
    if dst not in camp.annotators:
        acc = find(conn, dst)
        if acc is None:
            raise CampaignError(
                f"no Label Studio user {dst!r} at {conn.url}: `claimcorpus ls annotators add {dst}`"
            )
        camp.annotators[dst] = Member(acc.user_id, acc.email, f"campaign {camp.name}: {dst}")
    pid = _project_id(conn, camp.annotators[src])
    tasks = list_tasks(conn, pid) if pid is not None else []
    done = {t.doc_id for t in tasks if t.annotations}
    out = Reassigned()
    when = datetime.now(UTC).isoformat(timespec="seconds")
    for doc in camp.assigned(src):
        names = camp.documents[doc]
        if doc in done:
            out.kept.append(doc)
            continue
        (out.already if dst in names else out.moved).append(doc)
        camp.documents[doc] = sorted({w for w in names if w != src} | {dst})
        camp.handovers.append(Handover(doc, src, dst, when))
    member = camp.annotators[dst]
    out.push, _ = push(
        conn,
        root,
        title=member.project,
        predictions=None if camp.preannotate == "none" else predictions,
        doc_ids=camp.assigned(dst),
        preannotate=camp.preannotate,
    )
    member.project_id = out.push.project_id
    handed = set(out.moved) | set(out.already)
    for t in tasks:
        if t.doc_id in handed and not t.annotations:
            conn.call(
                f"delete task {t.id} ({t.doc_id}) from {src}'s project",
                conn.client.tasks.delete,
                id=str(t.id),
                request_options=NO_RETRY,
            )
            out.deleted.append(t.id)
    save(root, camp)
    return out
