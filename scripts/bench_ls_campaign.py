"""The campaign run of scripts/bench_labelstudio.py: each campaign step against the bare
Label Studio calls it wraps, measured in the same process on the same server.

100 documents (``--campaign-n``), two annotators made as ``ls annotators add`` makes them,
overlap 2, no pre-annotation. Annotator B drops one CLAIM in every third document, so
adjudication has disputes to push as review tasks. Steps and their bare counterparts:

- create: ``campaign.create`` vs, per annotator, ``projects.create`` + one ``import_tasks``;
- submit: 2 x n ``annotations.create`` through each annotator's own token (no wrapper);
- status: ``campaign_status.status`` vs, per project, one task listing + one snapshot export;
- pull: ``pull_campaign`` vs one snapshot export per project;
- agreement: ``annotate.agreement.compare`` over the two layers (no Label Studio call);
- adjudicate: ``campaign_adjudicate.run`` (pull, agreement, the checked policy, review tasks)
  vs the exports plus one ``import_tasks`` of the review tasks.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from pathlib import Path
from typing import Any

STEPS = (
    ("create", "bare create + import"),
    ("submit", None),
    ("status", "bare list + export"),
    ("pull", "bare export"),
    ("agreement", None),
    ("adjudicate", "bare exports + import"),
    ("adjudicate: of which the policy", None),
)


def _export(ls: Any, pid: int) -> list[dict]:
    ex = ls.projects.exports.create(
        id=pid, title="bare", task_filter_options={"only_with_annotations": True}
    )
    while ls.projects.exports.get(id=pid, export_pk=ex.id).status != "completed":
        time.sleep(0.2)
    return json.loads(
        b"".join(ls.projects.exports.download(id=pid, export_pk=ex.id, export_type="JSON"))
    )


def _timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _variant(rec: dict, i: int) -> dict:
    """Annotator B's record: the gold, less its first CLAIM in every third document."""
    if i % 3:
        return rec
    out = copy.deepcopy(rec)
    drop = next(s["id"] for s in out["spans"] if s["label"] == "CLAIM")
    out["spans"] = [s for s in out["spans"] if s["id"] != drop]
    out["attributions"] = [a for a in out["attributions"] if a["claim"] != drop]
    return out


def measure_campaign(root: Path, url: str, token: str, venv: str, data_dir: Path) -> dict:
    from label_studio_sdk import LabelStudio

    from claimcorpus.annotate.agreement import compare
    from claimcorpus.core.layers import load_layer
    from claimcorpus.core.scheme import load_scheme
    from claimcorpus.ingest.store import load_documents
    from claimcorpus.labelstudio import annotators as A
    from claimcorpus.labelstudio import campaign as C
    from claimcorpus.labelstudio.accounts import personal_token
    from claimcorpus.labelstudio.campaign_adjudicate import run
    from claimcorpus.labelstudio.campaign_pull import pull_campaign
    from claimcorpus.labelstudio.campaign_status import COUNT_FIELDS, status
    from claimcorpus.labelstudio.client import NO_RETRY, connect
    from claimcorpus.labelstudio.config import label_config
    from claimcorpus.labelstudio.convert import record_to_results
    from claimcorpus.labelstudio.review import review_specs
    from claimcorpus.labelstudio.tasks import list_tasks

    conn = connect(url, token)
    ls = conn.client
    tokens = {}
    for who in ("ann", "bea"):
        added = A.add(conn, venv, data_dir, f"{who}{secrets.token_hex(2)}")
        tokens[added.account.name] = personal_token(url, added.account.email, added.password)
    names = list(tokens)
    docs = load_documents(root)
    gold = load_layer(root, "gold")
    cfg = label_config(load_scheme(root))
    rows: dict[str, dict[str, float | None]] = {}

    def bare_create() -> None:
        for who in names:
            pid = ls.projects.create(title=f"bare {who}", label_config=cfg).id
            payload = [
                {
                    "data": {"text": d["text"], "doc_id": d["doc_id"]},
                    "meta": {"doc_id": d["doc_id"]},
                }
                for d in docs
            ]
            ls.projects.import_tasks(
                id=pid, request=payload, return_task_ids=True, request_options=NO_RETRY
            )

    bare, _ = _timed(bare_create)
    ours, (camp, _) = _timed(
        lambda: C.create(conn, root, "bench", [d["doc_id"] for d in docs], names)
    )
    rows["create"] = {"ours": ours, "bare": bare}

    def submit() -> None:
        for who in names:
            client = LabelStudio(base_url=url, api_key=tokens[who])
            tasks = {t.doc_id: t.id for t in list_tasks(conn, camp.annotators[who].project_id)}
            for i, d in enumerate(docs):
                rec = gold[d["doc_id"]] if who == names[0] else _variant(gold[d["doc_id"]], i)
                client.annotations.create(
                    id=tasks[d["doc_id"]],
                    result=record_to_results(rec),
                    was_cancelled=False,
                    request_options=NO_RETRY,
                )

    rows["submit"] = {"ours": _timed(submit)[0], "bare": None}
    pids = [camp.annotators[w].project_id for w in names]

    def bare_status() -> None:
        for pid in pids:
            list(ls.tasks.list(project=pid, include=COUNT_FIELDS, page_size=1000))
            _export(ls, pid)

    bare, _ = _timed(bare_status)
    ours, st = _timed(lambda: status(conn, root, camp))
    rows["status"] = {"ours": ours, "bare": bare}
    bare, _ = _timed(lambda: [_export(ls, pid) for pid in pids])
    ours, _ = _timed(lambda: pull_campaign(conn, root, camp))
    rows["pull"] = {"ours": ours, "bare": bare}
    layers = [load_layer(root, camp.layer(w)) for w in names]
    ours, _ = _timed(lambda: compare(layers[0], layers[1], load_scheme(root).span_labels))
    rows["agreement"] = {"ours": ours, "bare": None}
    ours, out = _timed(lambda: run(conn, root, camp, overwrite=True, allow_shrink=True))
    specs = [s.payload() for s in review_specs(root) if s.doc_id in set(out.open_docs)]

    def bare_adjudicate() -> None:
        for pid in pids:
            _export(ls, pid)
        pid = ls.projects.create(
            title="bare review", label_config=label_config(load_scheme(root), review=True)
        ).id
        ls.projects.import_tasks(
            id=pid, request=specs, return_task_ids=True, request_options=NO_RETRY
        )

    rows["adjudicate"] = {"ours": ours, "bare": _timed(bare_adjudicate)[0]}
    rows["adjudicate: of which the policy"] = {"ours": out.seconds["policy"], "bare": None}
    return {
        "n": len(docs),
        "annotations": 2 * len(docs),
        "complete": st.complete(),
        "disputed_docs": len(out.open_docs),
        "adjudicate_steps": {k: round(v, 2) for k, v in out.seconds.items()},
        "gold_written": sum(s.get("gold") == "written" for s in out.summaries),
        "steps": {
            k: {x: (None if v is None else round(v, 2)) for x, v in r.items()}
            for k, r in rows.items()
        },
    }


def campaign_table(result: dict) -> list[str]:
    rows = result["steps"]
    lines = [
        f"Campaign run: {result['n']} documents, 2 annotators, overlap 2 "
        f"({result['annotations']} annotations submitted through the API; {result['complete']} "
        f"documents complete, {result['disputed_docs']} pushed as review tasks, "
        f"{result['gold_written']} gold records written):",
        "",
        "| step | seconds | bare Label Studio calls it wraps | bare seconds | ratio |",
        "|---|---:|---|---:|---:|",
    ]
    for name, what in STEPS:
        if name not in rows:
            continue
        r = rows[name]
        bare = "-" if r["bare"] is None else f"{r['bare']:.2f}"
        ratio = "-" if r["bare"] is None else f"{r['ours'] / r['bare']:.2f}x"
        what = what or ("none: annotate/adjudicate, checked" if "policy" in name else "none")
        lines.append(f"| {name} | {r['ours']:.2f} | {what} | {bare} | {ratio} |")
    steps = result.get("adjudicate_steps")
    if steps:
        lines += [
            "",
            "adjudicate by step (s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()),
        ]
    return lines + [
        "",
        "Each bare call runs right before or after its step, on the same server; the bare "
        "adjudicate run imports the review tasks second, into a project it creates.",
    ]
