"""``claimcorpus ls pull``: snapshot-export every annotation and write one raw layer per
annotator of the project, ``annotations/raw/<project>/<annotator>/`` (see layers.py).

Why a snapshot export in JSON: JSON_MIN drops relations and region ids, and the simple export
gives predictions as ids only. The pull is all-or-nothing: the export is downloaded, parsed,
counted against the project's own counters and every annotation converted and checked
*before* any file is written, so a server that dies mid-pull or an annotation with an unknown
label never leaves a partial layer behind. With ``check`` the records also go through
``validate``'s own record check, and one it would reject blocks the pull the same way.
Previously pulled records whose task or annotation has gone from the server are kept (and
reported) unless ``prune`` is asked for; prune only ever looks inside the project's folder.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcorpus.core.layers import (
    canonical,
    check_record,
    layer_dir,
    load_clusters,
    load_layer,
    write_record,
)
from claimcorpus.core.problems import Problem
from claimcorpus.core.scheme import load_scheme
from claimcorpus.ingest.store import load_document, load_documents
from claimcorpus.labelstudio import layers
from claimcorpus.labelstudio.authorship import author
from claimcorpus.labelstudio.client import NO_RETRY, Connection, LSError, find_project, user_names
from claimcorpus.labelstudio.convert import ConvertError, results_to_record
from claimcorpus.labelstudio.suggestions import drop_panel_results


class PullError(LSError):
    """The export could not be turned into records; nothing was written."""


@dataclass
class DocChange:
    added: int = 0
    removed: int = 0
    changed: int = 0
    attributions: int = 0  # attributions added + removed + changed

    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.attributions)


@dataclass
class PullReport:
    project_id: int
    folder: str = ""  # annotations/raw/<folder>/ holds this project's layers
    tasks: int = 0
    annotations: int = 0
    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)
    invalid: set[tuple[str, str]] = field(default_factory=set)
    errors: list[ConvertError] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: dict[tuple[str, str], DocChange] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    gone: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        annotators = sorted({a for a, _ in self.records})
        out = [
            f"project {self.project_id}: {self.tasks} annotated tasks, {self.annotations} "
            f"annotations, annotators: {', '.join(annotators) or '-'}"
        ]
        for (who, doc), ch in sorted(self.changes.items()):
            out.append(
                f"  {self.layer(who)}/{doc}: +{ch.added} -{ch.removed} ~{ch.changed} spans, "
                f"{ch.attributions} attribution change(s)"
            )
        out += [f"  note: {n}" for n in self.notes]
        out.append(
            f"{len(self.written)} file(s) written; {len(self.errors)} error(s), "
            f"{sum(p.level == 'error' for p in self.problems)} check problem(s)"
        )
        return out

    def layer(self, who: str) -> str:
        return layers.project_layer(self.folder, who)


def export_snapshot(
    conn: Connection,
    project_id: int,
    timeout: float = 600.0,
    on_stage: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Create a JSON snapshot export of annotated tasks, wait for it, download and parse it."""
    c = conn.client.projects.exports
    ex = conn.call(
        f"create export of project {project_id}",
        c.create,
        id=project_id,
        title=f"claimcorpus pull {time.strftime('%Y%m%dT%H%M%S')}",
        task_filter_options={"only_with_annotations": True},
        serialization_options={"predictions": {"only_id": True}, "drafts": {"only_id": True}},
        request_options=NO_RETRY,
    )
    deadline = time.monotonic() + timeout
    while True:
        state = conn.call(f"poll export {ex.id}", c.get, id=project_id, export_pk=ex.id)
        if state.status == "completed":
            break
        if state.status == "failed" or time.monotonic() > deadline:
            raise PullError(
                f"export {ex.id} of project {project_id} {state.status}; nothing written"
            )
        time.sleep(0.2)
    if on_stage is not None:
        on_stage("exported")  # fault tests kill the server here, between export and download
    blob = conn.call(
        f"download export {ex.id}",
        lambda: b"".join(c.download(id=project_id, export_pk=ex.id, export_type="JSON")),
    )
    try:
        conn.call(f"delete export {ex.id}", c.delete, id=project_id, export_pk=ex.id)
    except LSError:
        pass  # a leftover export file is harmless
    try:
        tasks = json.loads(blob)
    except ValueError as exc:
        raise PullError(f"export {ex.id} is not complete JSON ({exc}); nothing written") from exc
    if not isinstance(tasks, list):
        raise PullError(f"export {ex.id} is not a list of tasks; nothing written")
    return tasks


def convert_export(
    tasks: list[dict[str, Any]],
    users: dict[int, str],
    root: str | Path,
    rep: PullReport,
    owner: int | None = None,
) -> None:
    """Fill ``rep.records`` (annotator, doc_id) -> record, ``rep.errors`` and ``rep.problems``."""
    scheme = load_scheme(root)
    docs = {d["doc_id"]: d for d in load_documents(root)}
    for task in tasks:
        data = task.get("data") or {}
        doc_id, text, tid = data.get("doc_id"), data.get("text"), task.get("id")
        anns = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not anns:
            continue
        rep.tasks += 1
        if not isinstance(doc_id, str) or not isinstance(text, str):
            rep.errors.append(ConvertError(f"task {tid}", "data has no doc_id/text"))
            continue
        if doc_id not in docs:
            rep.notes.append(
                f"task {tid}: doc {doc_id} is not in corpus/; its annotations are skipped"
            )
            continue
        latest: dict[int, dict[str, Any]] = {}
        for a in sorted(anns, key=lambda a: (a.get("updated_at") or "", a["id"])):
            uid = author(a, f"task {tid} ({doc_id})", owner, rep.notes)
            if uid is None:
                continue
            if uid in latest:
                rep.notes.append(
                    f"task {tid} ({doc_id}): user {users.get(uid, uid)} has several "
                    f"annotations; using the latest ({a['id']})"
                )
            latest[uid] = a
        for uid, a in latest.items():
            rep.annotations += 1
            who = users.get(uid, f"user{uid}")
            where = f"task {tid} (doc {doc_id}) annotation {a['id']} by {who}"
            results = drop_panel_results(a.get("result") or [])  # the suggestions panel's
            body, errs = results_to_record(
                results, text, scheme, where, _sentences(docs[doc_id], text)
            )
            if errs:
                rep.errors.extend(errs)
                rep.invalid.add((who, doc_id))
                continue
            record = {
                "doc_id": doc_id,
                "layer": "raw",
                "annotator": who,
                "scheme_version": scheme.version,
                "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                **body,
            }
            if record["text_sha256"] != docs[doc_id]["text_sha256"]:
                rep.notes.append(
                    f"{where}: made on a text that differs from corpus/ now (re-normalized?); "
                    "re-anchor before adjudication"
                )
            rep.records[(who, doc_id)] = record
            rep.where[(who, doc_id)] = where


def _sentences(doc: dict[str, Any], text: str) -> list[tuple[int, int]]:
    """The document's sentences, for the one-attribution notation; none (every attribution
    needs its relations) when the task's text is not the corpus text any more."""
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc["text_sha256"]:
        return []
    return [(x["start"], x["end"]) for x in doc.get("sentences") or []]


def check_changed(root: str | Path, rep: PullReport) -> set[tuple[str, str]]:
    """Run ``validate``'s record check (``check_record``, same arguments) on what would change;
    return the (annotator, doc_id) whose records have an error.

    Opt-in (``--check``): the JSON Schema part costs ~18 ms per record, which would make a
    10,000-document pull several times slower than the export itself.
    """
    scheme = load_scheme(root)
    clusters = load_clusters(root)
    bad: set[tuple[str, str]] = set()
    for who, doc_id in sorted(rep.changes):
        doc = load_document(root, doc_id)
        found = check_record(
            rep.records[(who, doc_id)],
            doc["text"],
            scheme,
            file=f"{rep.layer(who)}/{doc_id} ({rep.where[(who, doc_id)]})",
            paragraphs=[(p["start"], p["end"]) for p in doc.get("paragraphs") or []],
            clusters=clusters,
            text_sha256=doc["text_sha256"],
        )
        rep.problems += found
        if any(p.level == "error" for p in found):
            bad.add((who, doc_id))
    return bad


def refuse_checked(rep: PullReport, bad: set[tuple[str, str]], skip_invalid: bool) -> None:
    """A record ``validate`` would reject is never written: refuse all, or skip just those."""
    if not bad:
        return
    if not skip_invalid:
        errors = [p for p in rep.problems if p.level == "error"]
        raise PullError(
            f"{len(bad)} record(s) `claimcorpus validate` would reject; nothing written "
            "(fix them in Label Studio, or pass --skip-invalid to keep the old files for those):\n"
            + "\n".join(f"  {p}" for p in errors)
        )
    for key in bad:
        del rep.changes[key]
        rep.invalid.add(key)


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> DocChange:
    """Spans added, removed and changed (same id, other fields) between two pulls."""
    o = {s["id"]: s for s in (old or {}).get("spans", [])}
    n = {s["id"]: s for s in new["spans"]}
    oa = {a["id"]: a for a in (old or {}).get("attributions", [])}
    na = {a["id"]: a for a in new["attributions"]}
    return DocChange(
        added=len(n.keys() - o.keys()),
        removed=len(o.keys() - n.keys()),
        changed=sum(o[k] != n[k] for k in o.keys() & n.keys()),
        attributions=len(na.keys() ^ oa.keys())
        + sum(oa[k] != na[k] for k in oa.keys() & na.keys()),
    )


def pull(
    conn: Connection,
    root: str | Path,
    *,
    title: str,
    skip_invalid: bool = False,
    prune: bool = False,
    dry_run: bool = False,
    check: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> PullReport:
    """Export, convert and check everything; then write changed records (or nothing on error)."""
    rep = prepare(
        conn,
        root,
        title=title,
        skip_invalid=skip_invalid,
        prune=prune,
        check=check,
        on_stage=on_stage,
    )
    if not dry_run:
        commit(root, rep, title, prune)
    return rep


def prepare(
    conn: Connection,
    root: str | Path,
    *,
    title: str,
    skip_invalid: bool = False,
    prune: bool = False,
    check: bool = False,
    on_stage: Callable[[str], None] | None = None,
    owner: tuple[int, str] | None = None,
    project_id: int | None = None,
    known_users: dict[int, str] | None = None,
) -> PullReport:
    """Everything ``pull`` does before writing: the report says what ``commit`` would write.

    ``owner`` (user id, name): the project is that annotator's own (a campaign's); only
    their annotations are taken, also when their account was removed since."""
    folder = layers.check_folder(root, title)
    project = _project(conn, title, project_id)
    pid = int(project.id)
    rep = PullReport(pid, folder)
    expected = project.num_tasks_with_annotations or 0
    users = dict(known_users) if known_users is not None else user_names(conn)
    if owner is not None:
        users[owner[0]] = owner[1]
    tasks = export_snapshot(conn, pid, on_stage=on_stage)
    got = sum(1 for t in tasks if t.get("annotations"))
    if got < expected:
        raise PullError(
            f"export has {got} annotated tasks but the project reports {expected}: "
            "partial export, nothing written"
        )
    convert_export(tasks, users, root, rep, owner[0] if owner else None)
    if rep.errors and not skip_invalid:
        raise PullError(
            f"{len(rep.errors)} invalid annotation(s); nothing written "
            "(fix them in Label Studio, or pass --skip-invalid to keep the old files for those):\n"
            + "\n".join(f"  {e}" for e in rep.errors)
        )
    layers.refuse_old_layers(root, title, {who for who, _ in rep.records})
    plan(root, rep, {owner[1]} if owner else set(users.values()), prune)
    if check:
        refuse_checked(rep, check_changed(root, rep), skip_invalid)
    return rep


def _project(conn: Connection, title: str, project_id: int | None) -> Any:
    """The project, fetched whole: by its known id when its title still matches (one call
    instead of listing every project of the server), else found by title."""
    if project_id is not None:
        try:
            full = conn.call("get project", conn.client.projects.get, id=project_id)
        except LSError:
            full = None
        if full is not None and full.title == title:
            return full
    project = find_project(conn, title)
    if project is None:
        raise PullError(
            f"no project titled {title!r} at {conn.url}; run `claimcorpus ls push` first"
        )
    return conn.call("get project", conn.client.projects.get, id=int(project.id))


def commit(root: str | Path, rep: PullReport, title: str, prune: bool) -> None:
    """Write what ``prepare`` found changed (and, with ``prune``, remove what is gone)."""
    if rep.changes:
        layers.mark_folder(root, title, rep.folder)
    for who, doc_id in sorted(rep.changes):
        rep.written.append(write_record(root, rep.layer(who), rep.records[(who, doc_id)]))
    if prune:
        for who, doc_id in rep.gone:
            (layer_dir(root, rep.layer(who)) / f"{doc_id}.json").unlink(missing_ok=True)


def plan(root: str | Path, rep: PullReport, users: set[str], prune: bool) -> None:
    """Fill ``rep.changes`` and ``rep.gone`` from this project's layers only."""
    here = layers.raw_dir(root) / rep.folder
    existing = {d.name for d in here.iterdir() if d.is_dir()} if here.is_dir() else set()
    for who in sorted({who for who, _ in rep.records} | users | existing):
        old = load_layer(root, rep.layer(who))
        present = {d for w, d in rep.records.keys() | rep.invalid if w == who}
        for doc_id in sorted(set(old) - present):
            rep.gone.append((who, doc_id))
            rep.notes.append(
                f"{rep.layer(who)}/{doc_id}: no longer in Label Studio; "
                + ("removed (--prune)" if prune else "kept")
            )
        for (w, doc_id), record in sorted(rep.records.items()):
            if w != who:
                continue
            change = diff(old.get(doc_id), record)
            if change.any() or doc_id not in old or old[doc_id] != _canon(record):
                rep.changes[(who, doc_id)] = change


def _canon(new: dict[str, Any]) -> dict[str, Any]:
    """``new`` as it would read back from disk, to skip rewriting identical files."""
    return json.loads(json.dumps(canonical(new)))
