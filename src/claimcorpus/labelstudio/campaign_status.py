"""``claimcorpus ls campaign status NAME``: who has done what, and agreement so far.

Read from the server, never from pulled files, so it is current: per annotator the tasks
assigned, submitted and skipped in their own project (task counters, one listing per
project), per document how many independent annotations it has of the overlap asked, and
the pairwise agreement (annotate/agreement.compare) on what has been submitted, converted
exactly as a pull would convert it (``pull.prepare``, writing nothing). ``--progress``
shows the same counts as progress bars (tqdm), for a campaign of many documents.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from claimcorpus.annotate.agreement import compare
from claimcorpus.core.scheme import load_scheme
from claimcorpus.labelstudio.campaign import Campaign, require_members
from claimcorpus.labelstudio.campaign_pull import prepare_campaign
from claimcorpus.labelstudio.client import Connection, find_project

COUNT_FIELDS = "id,meta,total_annotations,cancelled_annotations"


@dataclass
class AnnotatorStatus:
    project_id: int | None
    assigned: int = 0
    submitted: int = 0
    skipped: int = 0
    account: bool = True
    done: set[str] = field(default_factory=set)  # doc ids submitted
    missing: list[str] = field(default_factory=list)  # assigned, but no task (deleted?)


@dataclass
class Status:
    campaign: Campaign
    annotators: dict[str, AnnotatorStatus]
    agreement: list[dict[str, Any]]
    invalid: int = 0

    def independent(self, doc_id: str) -> int:
        return sum(doc_id in self.annotators[w].done for w in self.campaign.documents[doc_id])

    def complete(self) -> int:
        return sum(self.independent(d) >= self.campaign.overlap for d in self.campaign.documents)


def _counts(conn: Connection, pid: int, mine: set[str], st: AnnotatorStatus) -> None:
    def fetch() -> list[Any]:
        return list(conn.client.tasks.list(project=pid, include=COUNT_FIELDS, page_size=1000))

    seen = set()
    for t in conn.call(f"list tasks of project {pid}", fetch):
        doc = (t.meta or {}).get("doc_id")
        if doc not in mine:
            continue
        seen.add(doc)
        if int(t.total_annotations or 0):
            st.submitted += 1
            st.done.add(doc)
        elif int(getattr(t, "cancelled_annotations", 0) or 0):
            st.skipped += 1
    st.missing = sorted(mine - seen)


def _find(conn: Connection, title: str) -> int | None:
    project = find_project(conn, title)
    return None if project is None else int(project.id)


def status(conn: Connection, root: str | Path, camp: Campaign) -> Status:
    alive = require_members(camp, conn)
    out: dict[str, AnnotatorStatus] = {}
    for who, m in camp.annotators.items():
        pid = m.project_id if m.project_id is not None else _find(conn, m.project)
        st = AnnotatorStatus(pid)
        mine = set(camp.assigned(who))
        st.assigned, st.account = len(mine), alive[who]
        if pid is not None:
            _counts(conn, pid, mine, st)
        out[who] = st
    reports = prepare_campaign(conn, root, camp, skip_invalid=True)
    layers = {
        who: {d: r for (w, d), r in rep.records.items() if w == who} for who, rep in reports.items()
    }
    labels = load_scheme(root).span_labels
    pairs = []
    for a, b in itertools.combinations(sorted(layers), 2):
        res = compare(layers[a], layers[b], labels)
        if res["docs"]:
            pairs.append({"a": a, "b": b, **res})
    return Status(camp, out, pairs, sum(len(r.errors) for r in reports.values()))


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def table(st: Status) -> str:
    c = st.campaign
    rows = [
        f"campaign {c.name}: {len(c.documents)} documents, overlap {c.overlap}, "
        f"preannotate {c.preannotate}; {st.complete()}/{len(c.documents)} complete",
        f"{'annotator':12s} {'project':>8s} {'assigned':>9s} {'submitted':>10s} {'skipped':>8s}",
    ]
    for who, a in st.annotators.items():
        note = "" if a.account else "  (account removed; submitted work kept)"
        pid = "missing" if a.project_id is None else str(a.project_id)
        rows.append(f"{who:12s} {pid:>8s} {a.assigned:9d} {a.submitted:10d} {a.skipped:8d}{note}")
    for who, a in st.annotators.items():
        if a.missing:
            rows.append(
                f"  {who}: {len(a.missing)} assigned task(s) missing from their project "
                f"(deleted in Label Studio?): {', '.join(a.missing)}; `ls campaign create "
                f"{c.name} --docs ... --annotators ...` with the same arguments re-imports them"
            )
    rows.append(f"{'document':40s} independent annotations")
    for doc, names in sorted(c.documents.items()):
        who = ", ".join(w for w in names if doc in st.annotators[w].done) or "-"
        gone = [
            w for w in names if not st.annotators[w].account and doc not in st.annotators[w].done
        ]
        mark = f"  REMOVED: {', '.join(gone)} (not submitted)" if gone else ""
        rows.append(f"{doc:40s} {st.independent(doc)}/{c.overlap}  ({who}){mark}")
    for w in sorted({w for names in c.documents.values() for w in names}):
        open_docs = [d for d in c.assigned(w) if d not in st.annotators[w].done]
        if not st.annotators[w].account and open_docs:
            rows.append(
                f"  {w}'s account is removed with {len(open_docs)} document(s) not submitted: "
                f"`claimcorpus ls campaign reassign {c.name} --from {w} --to ANOTHER`"
            )
    rows.append("agreement so far (submitted work, on the documents both annotated):")
    for p in st.agreement:
        rows.append(
            f"  {p['a']} vs {p['b']}: {p['docs']} document(s); spans strict F1 "
            f"{_f(p['spans']['ALL']['strict_f1'])}, overlap F1 {_f(p['spans']['ALL']['overlap_f1'])}; "
            f"attribution links F1 {_f(p['attributions']['link_f1'])}; stance kappa "
            f"{_f(p['stance']['cohen_kappa'])} on {p['stance']['n']}"
        )
    if not st.agreement:
        rows.append("  - (no document annotated by two annotators yet)")
    if st.invalid:
        rows.append(f"  note: {st.invalid} annotation(s) a pull would refuse are left out")
    return "\n".join(rows)


def progress(st: Status, file: TextIO = sys.stdout) -> None:
    """One bar per annotator (done of assigned) and one for complete documents (tqdm's meter)."""
    c = st.campaign
    bars = [
        (f"{w} (skipped {a.skipped})", a.submitted + a.skipped, a.assigned)
        for w, a in st.annotators.items()
    ]
    bars.append(("documents complete", st.complete(), len(c.documents)))
    width = max(len(name) for name, _, _ in bars)
    for name, n, total in bars:
        meter = tqdm.format_meter(
            n,
            total,
            0,
            ncols=80,
            prefix=name.ljust(width),
            ascii=True,
            bar_format="{desc} |{bar}| {n_fmt}/{total_fmt} {percentage:3.0f}%",
        )
        print(meter, file=file)
