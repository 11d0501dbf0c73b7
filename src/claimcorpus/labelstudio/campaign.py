"""``claimcorpus ls campaign create``: blind multiple annotation, one Label Studio project per
annotator, the campaign's state kept in ``annotations/campaigns/<NAME>.yaml``.

Why one project per annotator (measured on Label Studio 1.23.2, README "Campaigns"): in one
shared project with ``maximum_annotations: 2`` the label stream does hand a task to a second
annotator and hides the first one's annotation in that payload, but the task itself (``GET
/api/tasks/ID``, the Data Manager of the project the annotator works in) shows it. With a
project per annotator, an annotator's own project holds only their work; another's is one
project away, readable through the API or the project list (Community Edition has no
per-project membership), which the README states. A second reason: deleting a user leaves
their annotations with ``completed_by`` null; in an annotator's own project they are still
known to be that annotator's (campaign_pull.py).

Each document goes to ``overlap`` annotators, round robin over the list given (document i
to annotators i, i+1, ... modulo their number), so the load is even. Documents are pushed
through ``push.push`` (idempotent, reconciled by ``doc_id``) with ``preannotate`` passed on;
the default ``none`` pushes no predictions. The state file is written atomically after the
projects exist, and again whenever an annotator is added to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.layers import ANNOTATIONS_DIR, load_layer
from claimcorpus.ingest.store import doc_ids as corpus_doc_ids
from claimcorpus.labelstudio.annotators import find
from claimcorpus.labelstudio.client import Connection
from claimcorpus.labelstudio.layers import project_folder, project_layer
from claimcorpus.labelstudio.push import push
from claimcorpus.labelstudio.tasks import SyncReport

CAMPAIGNS_DIR = ANNOTATIONS_DIR / "campaigns"
PREANNOTATE = ("none", "on-demand", "prefill")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class CampaignError(ValueError):
    """A campaign cannot be created, read or used as asked; nothing was changed."""


@dataclass
class Member:
    """One annotator of a campaign: their Label Studio user and their own project."""

    user_id: int
    email: str
    project: str  # the project's title
    project_id: int | None = None


@dataclass
class Handover:
    """One document moved from an annotator to another (``ls campaign reassign``)."""

    doc_id: str
    src: str
    dst: str
    at: str


@dataclass
class Campaign:
    name: str
    overlap: int
    preannotate: str
    created: str
    annotators: dict[str, Member] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> annotators
    handovers: list[Handover] = field(default_factory=list)

    @property
    def review_project(self) -> str:
        return f"campaign {self.name} review"

    def layer(self, who: str) -> str:
        """The raw layer ``ls pull --campaign`` writes for ``who``."""
        return project_layer(project_folder(self.annotators[who].project), who)

    def assigned(self, who: str) -> list[str]:
        return sorted(d for d, names in self.documents.items() if who in names)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["annotators"] = {k: asdict(v) for k, v in self.annotators.items()}
        return d


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise CampaignError(
            f"campaign name {name!r}: use letters, digits, '_', '.', '-' (it names a file)"
        )
    return name


def state_path(root: str | Path, name: str) -> Path:
    return Path(root) / CAMPAIGNS_DIR / f"{check_name(name)}.yaml"


def load(root: str | Path, name: str) -> Campaign:
    path = state_path(root, name)
    if not path.exists():
        have = sorted(p.stem for p in (Path(root) / CAMPAIGNS_DIR).glob("*.yaml"))
        raise CampaignError(f"no campaign {name!r} ({path} missing); campaigns here: {have}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        members = {k: Member(**v) for k, v in (raw.get("annotators") or {}).items()}
        return Campaign(
            name=raw["name"],
            overlap=int(raw["overlap"]),
            preannotate=raw["preannotate"],
            created=raw["created"],
            annotators=members,
            documents={k: list(v) for k, v in (raw.get("documents") or {}).items()},
            handovers=[Handover(**h) for h in raw.get("handovers") or []],
        )
    except (KeyError, TypeError) as exc:
        raise CampaignError(f"{path}: field {exc} missing or malformed") from exc


def save(root: str | Path, campaign: Campaign) -> Path:
    path = state_path(root, campaign.name)
    text = yaml.safe_dump(campaign.to_dict(), allow_unicode=True, sort_keys=False)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def assign(docs: list[str], annotators: list[str], overlap: int) -> dict[str, list[str]]:
    """Document i to annotators i .. i+overlap-1 (mod n): each doc to ``overlap`` people."""
    if len(set(annotators)) != len(annotators):
        raise CampaignError(f"an annotator is named twice in {annotators}")
    if not 1 <= overlap <= len(annotators):
        raise CampaignError(
            f"--overlap {overlap} needs at least {overlap} annotators (given {len(annotators)})"
        )
    n = len(annotators)
    return {d: [annotators[(i + j) % n] for j in range(overlap)] for i, d in enumerate(docs)}


def choose_docs(
    root: str | Path, docs: list[str] | None, unannotated: bool, from_file: str | None
) -> list[str]:
    """The documents named by ``--docs``, ``--from-file`` (one doc_id a line, ``#`` comments)
    or ``--unannotated`` (every document without gold), checked against ``corpus/``."""
    have = corpus_doc_ids(root)
    if unannotated:
        gold = load_layer(root, "gold")
        chosen = [d for d in have if d not in gold]
    elif from_file is not None:
        path = Path(from_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CampaignError(f"--from-file {path}: {exc.strerror}") from exc
        chosen = [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]
        bad = [f"line {i}" for i, ln in enumerate(lines, 1) if " " in ln.split("#")[0].strip()]
        if bad:
            raise CampaignError(f"{path}: {bad[0]}: one doc_id a line")
    else:
        chosen = list(docs or [])
    unknown = sorted(set(chosen) - set(have))
    if unknown:
        raise CampaignError(f"unknown doc_id(s), not in corpus/: {unknown}")
    if not chosen:
        raise CampaignError("no documents chosen (nothing unannotated, or an empty list)")
    return sorted(dict.fromkeys(chosen))


def overlapping(root: str | Path, name: str, docs: list[str]) -> dict[str, list[str]]:
    """Other campaigns of this project that already hold some of ``docs``: name -> doc ids."""
    out = {}
    for path in sorted((Path(root) / CAMPAIGNS_DIR).glob("*.yaml")):
        if path.stem == name:
            continue
        other = load(root, path.stem)
        shared = sorted(set(docs) & set(other.documents))
        if shared:
            out[path.stem] = shared
    return out


def create(
    conn: Connection,
    root: str | Path,
    name: str,
    docs: list[str],
    annotators: list[str],
    *,
    overlap: int = 2,
    preannotate: str = "none",
    predictions: str | None = None,
) -> tuple[Campaign, dict[str, SyncReport]]:
    """Make (or extend) the campaign: one project per annotator holding their documents."""
    if preannotate not in PREANNOTATE:
        raise CampaignError(f"--preannotate {preannotate!r}: one of {', '.join(PREANNOTATE)}")
    if preannotate != "none" and predictions is None:
        raise CampaignError(f"--preannotate {preannotate} needs --predictions SOURCE")
    path = state_path(root, name)
    camp = (
        load(root, name)
        if path.exists()
        else Campaign(name, overlap, preannotate, datetime.now(UTC).isoformat(timespec="seconds"))
    )
    if path.exists() and (camp.overlap, camp.preannotate) != (overlap, preannotate):
        raise CampaignError(
            f"campaign {name!r} exists with overlap {camp.overlap}, preannotate "
            f"{camp.preannotate}; a campaign keeps them (make a new campaign instead)"
        )
    for who in annotators:
        acc = find(conn, who)
        if acc is None:
            raise CampaignError(
                f"no Label Studio user {who!r} at {conn.url}: `claimcorpus ls annotators add {who}`"
            )
        if who not in camp.annotators:
            camp.annotators[who] = Member(acc.user_id, acc.email, f"campaign {name}: {who}")
    plan = assign(docs, annotators, overlap)
    for d, names in plan.items():
        camp.documents[d] = sorted(set(camp.documents.get(d, [])) | set(names))
    reports = {}
    for who, member in camp.annotators.items():
        mine = camp.assigned(who)
        if not mine:
            continue
        reports[who], _ = push(
            conn,
            root,
            title=member.project,
            predictions=None if preannotate == "none" else predictions,
            doc_ids=mine,
            preannotate=preannotate,
        )
        member.project_id = reports[who].project_id
    save(root, camp)
    return camp, reports


def require_members(camp: Campaign, conn: Connection) -> dict[str, bool]:
    """annotator -> whether their account still exists (a removed one keeps their work)."""
    live = {int(u.id) for u in conn.call("list users", conn.client.users.list)}
    return {who: m.user_id in live for who, m in camp.annotators.items()}
