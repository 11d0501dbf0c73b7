"""``claimcorpus ls campaign adjudicate NAME``: from the campaign's layers to gold.

One command, run until nothing is open, each run doing the steps in order:

1. pull the campaign (campaign_pull.py: every annotator's layer, all or nothing);
2. agreement over the campaign's layers (annotate/agreement.compare), printed;
3. pull the campaign's review project, if it has decisions: the adjudicator's layer
   (``raw/campaign-NAME-review/<adjudicator>``);
4. the adjudication policy (annotate/adjudicate.adjudicate, the checked path: every record
   checked as ``validate`` checks gold before anything is written) over the campaign's layers
   only, the adjudicator's decisions winning for the documents they cover;
5. push the documents still in dispute to the review project (review.py's tasks: the
   disputes listed above the text, each annotator's version and the gold as predictions).

Why in one command: each step needs the previous one's output, and running them by hand
(``ls pull`` per annotator, ``agreement --layers``, ``adjudicate --layers``, ``ls review``)
means naming the campaign's layers five times; a mistyped layer mixes campaigns.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcorpus.annotate.adjudicate import adjudicate, load_logs
from claimcorpus.annotate.agreement import compare
from claimcorpus.core.layers import load_layer
from claimcorpus.core.scheme import load_scheme
from claimcorpus.labelstudio.campaign import Campaign, CampaignError
from claimcorpus.labelstudio.campaign_pull import pull_campaign
from claimcorpus.labelstudio.client import Connection, ensure_project, find_project
from claimcorpus.labelstudio.config import label_config
from claimcorpus.labelstudio.guidelines import expert_instruction
from claimcorpus.labelstudio.layers import project_folder, project_layer
from claimcorpus.labelstudio.pull import PullReport, pull
from claimcorpus.labelstudio.review import review_specs
from claimcorpus.labelstudio.tasks import SyncReport, sync_tasks


@dataclass
class Outcome:
    pulled: dict[str, PullReport]
    agreement: list[dict[str, Any]]
    adjudicator: str | None
    summaries: list[dict[str, Any]]
    open_docs: list[str] = field(default_factory=list)
    review: SyncReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step


def campaign_layers(camp: Campaign) -> list[str]:
    return [camp.layer(who) for who in camp.annotators]


def _pull_review(
    conn: Connection, root: Path, camp: Campaign, adjudicator: str | None
) -> str | None:
    """The adjudicator's layer after pulling the review project, or None (no decisions)."""
    title = camp.review_project
    if find_project(conn, title) is None:
        return None
    rep = pull(conn, root, title=title)
    who = sorted({w for w, d in rep.records if d in camp.documents})
    folder = project_folder(title)
    if adjudicator is not None:
        if adjudicator not in who and not load_layer(root, project_layer(folder, adjudicator)):
            raise CampaignError(
                f"--adjudicator {adjudicator}: no decisions of theirs in project {title!r} "
                f"(decisions by: {', '.join(who) or 'nobody yet'})"
            )
        return project_layer(folder, adjudicator)
    if len(who) > 1:
        raise CampaignError(
            f"project {title!r} has decisions by {', '.join(who)}: name the one that counts "
            "with --adjudicator"
        )
    return project_layer(folder, who[0]) if who else None


def push_open(conn: Connection, root: Path, camp: Campaign) -> tuple[list[str], SyncReport | None]:
    """Documents of this campaign whose latest adjudication left disputes open, as review tasks."""
    logs = load_logs(root)
    open_docs = sorted(
        d
        for d in camp.documents
        if d in logs and any(not x["accepted"] for x in logs[d].get("disputes") or [])
    )
    if not open_docs:
        return [], None
    specs = [s for s in review_specs(root) if s.doc_id in set(open_docs)]
    scheme = load_scheme(root)
    project, _ = ensure_project(
        conn, camp.review_project, label_config(scheme, review=True), expert_instruction(root)
    )
    return open_docs, sync_tasks(conn, int(project.id), specs)


def run(
    conn: Connection,
    root: str | Path,
    camp: Campaign,
    *,
    adjudicator: str | None = None,
    overwrite: bool = False,
    allow_shrink: bool = False,
    min_annotators: int = 2,
) -> Outcome:
    root = Path(root)
    seconds: dict[str, float] = {}
    t = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal t
        seconds[step] = time.perf_counter() - t
        t = time.perf_counter()

    pulled = pull_campaign(conn, root, camp)
    lap("pull")
    layers = campaign_layers(camp)
    data = {lay: load_layer(root, lay) for lay in layers}
    data = {
        lay: {d: r for d, r in recs.items() if d in camp.documents} for lay, recs in data.items()
    }
    labels = load_scheme(root).span_labels
    pairs = [
        {"a": a, "b": b, **compare(data[a], data[b], labels)}
        for a, b in itertools.combinations(layers, 2)
    ]
    lap("agreement")
    judge = _pull_review(conn, root, camp, adjudicator)
    lap("review pull")
    present = [lay for lay in layers if data[lay]]
    if not present:
        raise CampaignError(
            f"campaign {camp.name!r}: nothing submitted yet (`ls campaign status {camp.name}`)"
        )
    summaries = adjudicate(
        root,
        layers=present,
        adjudicator=judge,
        overwrite=overwrite,
        allow_shrink=allow_shrink,
        min_annotators=min_annotators,
    )
    lap("policy")
    open_docs, review = push_open(conn, root, camp)
    lap("review push")
    return Outcome(pulled, pairs, judge, summaries, open_docs, review, seconds)
