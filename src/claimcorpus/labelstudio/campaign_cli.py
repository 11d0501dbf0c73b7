"""``claimcorpus ls annotators add|list|remove`` and ``ls campaign create|status|reassign|
adjudicate``.

Exit codes as the other ``ls`` actions: 0 done, 1 a problem with the data or the request
(nothing changed), 2 the server or the credentials.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimcorpus.annotate.adjudication_io import AdjudicationRefused, summary_line
from claimcorpus.core.problems import InputError
from claimcorpus.labelstudio import annotators as A
from claimcorpus.labelstudio import campaign as C
from claimcorpus.labelstudio import server as S
from claimcorpus.labelstudio.campaign_adjudicate import run
from claimcorpus.labelstudio.campaign_pull import lines
from claimcorpus.labelstudio.campaign_reassign import reassign
from claimcorpus.labelstudio.campaign_status import progress, status, table
from claimcorpus.labelstudio.client import LSError, connect
from claimcorpus.labelstudio.layers import LayoutError
from claimcorpus.labelstudio.pull import PullError

Actions = argparse._SubParsersAction
DATA_ERRORS = (C.CampaignError, InputError, LayoutError, PullError, AdjudicationRefused)


def _fail(exc: Exception) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 1 if isinstance(exc, DATA_ERRORS) else 2


def _path(args: argparse.Namespace, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else Path(args.root) / p


def cmd_annotators(args: argparse.Namespace) -> int:
    try:
        conn = connect(args.url)
        if args.action == "add":
            added = A.add(
                conn, _path(args, args.venv), _path(args, args.data_dir), args.name, args.email
            )
            print(f"{'created' if added.created else 'reset password of'} {added.account.name}")
            print(A.login_line(conn.url, added))
        elif args.action == "remove":
            acc = A.remove(conn, args.name)
            print(
                f"removed {acc.name} ({acc.email}, user {acc.user_id}); their token no longer "
                "works. Their annotations stay on the tasks without an author; a campaign pull "
                "still counts those in their own project as theirs"
            )
        else:
            print(f"{'id':>4s}  {'name':16s} {'e-mail':32s}")
            for a in A.accounts(conn):
                print(f"{a.user_id:4d}  {a.name:16s} {a.email:32s}")
            print("roles: Community Edition has none; every user can open every project")
    except (LSError, S.ServerError) as exc:
        return _fail(exc)
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    try:
        docs = C.choose_docs(args.root, args.docs, args.unannotated, args.from_file)
        others = C.overlapping(args.root, args.name, docs)
        conn = connect(args.url)
        camp, reports = C.create(
            conn,
            args.root,
            args.name,
            docs,
            args.annotators,
            overlap=args.overlap,
            preannotate=args.preannotate,
            predictions=args.predictions,
        )
    except ValueError as exc:  # CampaignError, and push's unknown doc_id
        return _fail(C.CampaignError(str(exc)))
    except LSError as exc:
        return _fail(exc)
    print(
        f"campaign {camp.name}: {len(camp.documents)} documents, overlap {camp.overlap}, "
        f"preannotate {camp.preannotate}; state in {C.state_path(args.root, camp.name)}"
    )
    for who, rep in reports.items():
        m = camp.annotators[who]
        print(
            f"  {who}: project {m.project!r} (id {m.project_id}), "
            f"{len(camp.assigned(who))} documents"
        )
        print("\n".join(f"    {x}" for x in rep.lines()))
    for other, shared in others.items():
        print(
            f"  note: {len(shared)} document(s) are also in campaign {other!r} "
            f"({', '.join(shared[:5])}{' …' if len(shared) > 5 else ''}); each campaign "
            "has its own projects and layers, and whichever is adjudicated later writes "
            "their gold"
        )
    print(
        "  annotators: open your own project only; others' projects are readable "
        "(Community Edition has no per-project membership)"
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:

    try:
        camp = C.load(args.root, args.name)
        st = status(connect(args.url), args.root, camp)
    except (C.CampaignError, LSError, LayoutError, PullError) as exc:
        return _fail(exc)
    if args.progress:
        progress(st)
    print(table(st))
    return 0


def cmd_reassign(args: argparse.Namespace) -> int:
    try:
        camp = C.load(args.root, args.name)
        out = reassign(
            connect(args.url), args.root, camp, args.src, args.dst, predictions=args.predictions
        )
    except ValueError as exc:  # CampaignError, and push's unknown doc_id
        return _fail(C.CampaignError(str(exc)))
    except LSError as exc:
        return _fail(exc)
    m = camp.annotators[args.dst]
    print(
        f"campaign {camp.name}: {len(out.moved)} document(s) of {args.src} now {args.dst}'s "
        f"(project {m.project!r}, id {m.project_id}): {', '.join(out.moved) or '-'}"
    )
    if out.already:
        print(
            f"  {len(out.already)} {args.dst} already had (no second task; one annotator fewer "
            f"for now): {', '.join(out.already)}"
        )
    print(f"  {len(out.kept)} submitted by {args.src} stay theirs: {', '.join(out.kept) or '-'}")
    print(f"  {len(out.deleted)} unannotated task(s) removed from {args.src}'s project")
    if out.push is not None:
        print("\n".join(f"  {x}" for x in out.push.lines()))
    print(f"  state in {C.state_path(args.root, camp.name)}")
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:

    if args.allow_shrink and not args.overwrite:
        return _fail(C.CampaignError("--allow-shrink only applies with --overwrite"))
    try:
        camp = C.load(args.root, args.name)
        out = run(
            connect(args.url),
            args.root,
            camp,
            adjudicator=args.adjudicator,
            overwrite=args.overwrite,
            allow_shrink=args.allow_shrink,
        )
    except (*DATA_ERRORS, LSError) as exc:
        return _fail(exc)
    print("\n".join(lines(camp, out.pulled)))
    for p in out.agreement:
        s = p["spans"]["ALL"]
        print(
            f"agreement {p['a']} vs {p['b']}: {p['docs']} document(s), spans strict F1 "
            f"{s['strict_f1'] if s['strict_f1'] is None else round(s['strict_f1'], 3)}, "
            f"links F1 {p['attributions']['link_f1']}"
        )
    if out.adjudicator:
        print(f"adjudicator's decisions: {out.adjudicator}")
    for s in out.summaries:
        print(summary_line(s))
    if out.open_docs and out.review is not None:
        print(
            f"{len(out.open_docs)} document(s) with open disputes are review tasks in project "
            f"{camp.review_project!r}: {', '.join(out.open_docs)}"
        )
        print("\n".join(out.review.lines()))
        print(f"decide them there, then run `claimcorpus ls campaign adjudicate {camp.name}` again")
    else:
        print("no open disputes; `claimcorpus build --version X.Y.Z` makes the next release")
    return 0


def add_annotators(ls: Actions) -> None:
    p = ls.add_parser("annotators", help="add, list or remove annotator accounts")
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="create a user with a new password, shown once")
    add.add_argument("name")
    add.add_argument("--email", default=None, help="login e-mail (default NAME@example.org)")
    add.add_argument("--venv", default=str(S.DEFAULT_VENV), help="Label Studio venv")
    add.add_argument("--data-dir", default=str(S.DEFAULT_DATA_DIR), help="the server's data dir")
    rm = sub.add_parser("remove", help="delete a user (their annotations stay)")
    rm.add_argument("name")
    sub.add_parser("list", help="every user of the server")
    for q in (add, rm, sub.choices["list"]):
        q.add_argument("--url", default=None, help="server URL (default $CLAIMCORPUS_LS_URL)")
    p.set_defaults(func=cmd_annotators)


def add_campaign(ls: Actions) -> None:
    p = ls.add_parser(
        "campaign", help="blind multiple annotation: create, status, reassign, adjudicate"
    )
    sub = p.add_subparsers(dest="campaign_action", required=True, metavar="ACTION")
    c = sub.add_parser("create", help="one project per annotator, each document to --overlap")
    c.add_argument("name")
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--docs", nargs="+", help="these doc_ids")
    which.add_argument("--unannotated", action="store_true", help="every document without gold")
    which.add_argument("--from-file", help="a file of doc_ids, one a line")
    c.add_argument("--annotators", nargs="+", required=True)
    c.add_argument("--overlap", type=int, default=2)
    c.add_argument("--preannotate", choices=C.PREANNOTATE, default="none")
    c.add_argument(
        "--predictions", default=None, help="with --preannotate: gold, baseline, a layer"
    )
    c.set_defaults(func=cmd_create, writes=True)
    s = sub.add_parser("status", help="assigned, submitted, skipped; agreement so far")
    s.add_argument("name")
    s.add_argument("--progress", action="store_true", help="progress bars too")
    s.set_defaults(func=cmd_status, reads=True)
    r = sub.add_parser("reassign", help="hand an annotator's unsubmitted documents to another")
    r.add_argument("name")
    r.add_argument("--from", dest="src", required=True, help="the annotator leaving")
    r.add_argument("--to", dest="dst", required=True, help="who takes their open documents")
    r.add_argument(
        "--predictions", default=None, help="the campaign's prediction source, if it has one"
    )
    r.set_defaults(func=cmd_reassign, writes=True)
    a = sub.add_parser("adjudicate", help="pull, agreement, adjudication, review tasks, gold")
    a.add_argument("name")
    a.add_argument("--adjudicator", default=None, help="whose review decisions count")
    a.add_argument("--overwrite", action="store_true", help="replace hand-made gold too")
    a.add_argument("--allow-shrink", action="store_true", help="with --overwrite: also by less")
    a.set_defaults(func=cmd_adjudicate, writes=True)
    for q in (c, s, r, a):
        q.add_argument("--url", default=None, help="server URL (default $CLAIMCORPUS_LS_URL)")
