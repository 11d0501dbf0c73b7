"""``claimcorpus ls pull --campaign NAME``: one raw layer per annotator, all or nothing.

Why not one ``ls pull`` per project: a campaign is several projects, and a server that dies
after the first of them would leave some annotators pulled and others not. Every project is
exported, converted and checked first (``pull.prepare``); only when all of them succeeded is
anything written (``pull.commit``), each annotator's records into their own project's
folder, ``annotations/raw/<campaign project>/<annotator>/``. Only the project's annotator's
annotations are taken (authorship.py), so campaigns, projects and annotators never mix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from claimcorpus.labelstudio.campaign import Campaign
from claimcorpus.labelstudio.client import Connection, user_names
from claimcorpus.labelstudio.pull import PullReport, commit, prepare


def prepare_campaign(
    conn: Connection,
    root: str | Path,
    camp: Campaign,
    *,
    skip_invalid: bool = False,
    check: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> dict[str, PullReport]:
    """annotator -> the report of their project's pull, nothing written yet."""
    out = {}
    users = user_names(conn)
    for who, m in camp.annotators.items():
        out[who] = prepare(
            conn,
            root,
            title=m.project,
            skip_invalid=skip_invalid,
            check=check,
            on_stage=on_stage,
            owner=(m.user_id, who),
            project_id=m.project_id,
            known_users=users,
        )
    return out


def pull_campaign(
    conn: Connection,
    root: str | Path,
    camp: Campaign,
    *,
    skip_invalid: bool = False,
    prune: bool = False,
    dry_run: bool = False,
    check: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> dict[str, PullReport]:
    """Pull every annotator's project of the campaign; write only when all were read."""
    reports = prepare_campaign(
        conn, root, camp, skip_invalid=skip_invalid, check=check, on_stage=on_stage
    )
    if not dry_run:
        for who, rep in reports.items():
            commit(root, rep, camp.annotators[who].project, prune)
    return reports


def lines(camp: Campaign, reports: dict[str, PullReport]) -> list[str]:
    out = []
    for who, rep in reports.items():
        out.append(f"{who}: layer {camp.layer(who)}")
        out += [f"  {x}" for x in rep.lines()]
        out += [f"  skipped (invalid): {e}" for e in rep.errors]
    return out
