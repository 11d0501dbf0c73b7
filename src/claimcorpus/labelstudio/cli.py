"""``claimcorpus ls serve|config|push|pull|review|migrate``: the Label Studio round trip.

Credentials are read from the environment only (CLAIMCORPUS_LS_USERNAME / _PASSWORD / _TOKEN,
and CLAIMCORPUS_LS_URL for a server elsewhere than http://127.0.0.1:8080); tokens are printed
masked. Exit codes: 0 done, 1 data problems (nothing written), 2 server or credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from claimcorpus.labelstudio import postgres as PG
from claimcorpus.labelstudio import server as S
from claimcorpus.labelstudio.campaign_cli import add_annotators, add_campaign
from claimcorpus.labelstudio.client import DEFAULT_PROJECT, Credentials, LSError, connect
from claimcorpus.labelstudio.config import label_config
from claimcorpus.labelstudio.push import prediction_source


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root)


def _under_root(args: argparse.Namespace, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else _root(args) / p


def _fail(exc: Exception, code: int) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return code


def _stop_postgres(data_dir: Path) -> None:
    """Stop the data dir's private PostgreSQL cluster, if it has one (no password needed)."""
    pg = PG.Cluster(data_dir.resolve() / PG.FOLDER, 0, "", "")
    if (pg.path / "PG_VERSION").exists() and pg.running():
        pg.stop()
        print(f"stopped PostgreSQL ({pg.path})")


def _start_postgres(args: argparse.Namespace, data_dir: Path) -> PG.Cluster:
    pg = PG.cluster(data_dir, args.pg_port)
    made = pg.init()
    pg.start()
    pg.remember()
    print(f"PostgreSQL {'created and ' if made else ''}started in {pg.path} on 127.0.0.1:{pg.port}")
    return pg


def cmd_serve(args: argparse.Namespace) -> int:
    data_dir = _under_root(args, args.data_dir)
    if args.stop or args.status:
        handle = S.attach(data_dir)
        if handle is None:
            print(f"no server running from {data_dir}")
            if args.stop:
                _stop_postgres(data_dir)
            return 0 if args.stop else 1
        if args.stop:
            handle.stop()
            print(f"stopped Label Studio (pid {handle.pid})")
            _stop_postgres(data_dir)
        else:
            print(f"running at {handle.url} (pid {handle.pid}), healthy={S.is_healthy(handle.url)}")
        return 0
    creds = Credentials.from_env()
    pg = None
    try:
        creds.require("username", "password", "token")
        lan = S.check_lan(args.host, dict(os.environ))
        if args.database == "sqlite" and (data_dir / PG.SETTINGS).exists():
            raise S.ServerError(
                f"{data_dir} was set up for PostgreSQL ({PG.SETTINGS}); "
                "start it with --database postgresql"
            )
        if S.attach(data_dir) is None and args.database == "postgresql":
            pg = _start_postgres(args, data_dir)
        print(f"starting Label Studio from {args.venv} with data in {data_dir} …", flush=True)
        handle = S.start_server(
            username=creds.username or "",
            password=creds.password or "",
            token=creds.token or "",
            venv=_under_root(args, args.venv),
            data_dir=data_dir,
            port=args.port,
            extra_env=pg.env() if pg else None,
            host=args.host,
        )
    except (LSError, S.ServerError, PG.PostgresError) as exc:
        if pg is not None:
            pg.stop()
        return _fail(exc, 2)
    print(f"Label Studio is up at {handle.url}  (pid {handle.pid}, log {handle.log_path})")
    print(f"  log in as {creds.username} with the password in $CLAIMCORPUS_LS_PASSWORD")
    print(f"  API token {S.mask(creds.token)} (legacy token, from $CLAIMCORPUS_LS_TOKEN)")
    print(f"  database: {'PostgreSQL on 127.0.0.1:' + str(pg.port) if pg else 'SQLite'}")
    if lan:
        print("  signup without an invite link is off")
        print("\n".join(lan))
    else:
        print("  bound to 127.0.0.1 only; signup without an invite link is off")
    if args.background:
        print("  stop it with: claimcorpus ls serve --stop")
        return 0
    print("  Ctrl-C stops it")
    code = S.main_loop(handle)
    if pg is not None:
        pg.stop()
    return code


def cmd_config(args: argparse.Namespace) -> int:
    from claimcorpus.core.scheme import load_scheme

    print(label_config(load_scheme(_root(args)), review=args.review), end="")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from claimcorpus.labelstudio.push import push

    try:
        conn = connect(args.url)
        report, status = push(
            conn,
            _root(args),
            title=args.project,
            predictions=args.predictions,
            model_version=args.model_version,
            preannotate=args.preannotate,
            doc_ids=args.doc,
            batch_size=args.batch_size,
        )
    except ValueError as exc:
        return _fail(exc, 1)
    except LSError as exc:
        return _fail(exc, 2)
    print(f"project {args.project!r} {status} at {conn.url}")
    print("\n".join(report.lines()))
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from claimcorpus.labelstudio.layers import LayoutError
    from claimcorpus.labelstudio.pull import PullError, pull

    if args.campaign:
        return _pull_campaign(args)
    try:
        conn = connect(args.url)
        rep = pull(
            conn,
            _root(args),
            title=args.project,
            skip_invalid=args.skip_invalid,
            prune=args.prune,
            dry_run=args.dry_run,
            check=args.check,
        )
    except (PullError, LayoutError) as exc:
        return _fail(exc, 1)
    except LSError as exc:
        return _fail(exc, 2)
    print("\n".join(rep.lines()))
    for e in rep.errors:
        print(f"  skipped (invalid): {e}")
    for p in rep.problems[: args.max_problems]:
        print(f"  {'skipped (invalid): ' if p.level == 'error' else ''}{p}")
    if len(rep.problems) > args.max_problems:
        print(f"  … {len(rep.problems) - args.max_problems} more (claimcorpus validate lists all)")
    return 0


def _pull_campaign(args: argparse.Namespace) -> int:
    from claimcorpus.labelstudio.campaign import CampaignError, load
    from claimcorpus.labelstudio.campaign_pull import lines, pull_campaign
    from claimcorpus.labelstudio.layers import LayoutError
    from claimcorpus.labelstudio.pull import PullError

    try:
        camp = load(_root(args), args.campaign)
        reps = pull_campaign(
            connect(args.url),
            _root(args),
            camp,
            skip_invalid=args.skip_invalid,
            prune=args.prune,
            dry_run=args.dry_run,
            check=args.check,
        )
    except (CampaignError, PullError, LayoutError) as exc:
        return _fail(exc, 1)
    except LSError as exc:
        return _fail(exc, 2)
    print("\n".join(lines(camp, reps)))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from claimcorpus.labelstudio.layers import LayoutError, migrate, project_folder

    try:
        moves = migrate(_root(args), args.project, args.layer)
    except LayoutError as exc:
        return _fail(exc, 1)
    moved = sorted({m.src.parent.name for m in moves})
    print(
        f"moved {len(moves)} record(s) of {', '.join(moved) or 'no layer'} into "
        f"annotations/raw/{project_folder(args.project)}/ (project {args.project!r})"
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from claimcorpus.labelstudio.review import push_reviews

    try:
        conn = connect(args.url)
        report, n = push_reviews(conn, _root(args), title=args.project or f"{args.source} review")
    except LSError as exc:
        return _fail(exc, 2)
    print(f"{n} document(s) with disagreements")
    print("\n".join(report.lines()))
    return 0


Actions = argparse._SubParsersAction


def add_parser(sub: Actions) -> None:
    """``claimcorpus ls``: one sub-command per step of the round trip, in help order."""
    p = sub.add_parser(
        "ls",
        help="Label Studio round trip: serve, push, pull, config, review",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ls = p.add_subparsers(dest="ls_command", required=True, metavar="ACTION")
    steps = (_add_serve, _add_config, _add_push, _add_pull, _add_migrate, _add_review)
    for add in (*steps, add_annotators, add_campaign):
        add(ls)


def _add_serve(ls: Actions) -> None:
    s = ls.add_parser("serve", help="start the local Label Studio server (127.0.0.1)")
    s.add_argument("--port", type=int, default=S.DEFAULT_PORT)
    s.add_argument(
        "--data-dir",
        default=str(S.DEFAULT_DATA_DIR),
        help="SQLite data dir, reused across restarts (default .ls/data)",
    )
    s.add_argument(
        "--venv", default=str(S.DEFAULT_VENV), help="Label Studio venv (default .ls/venv)"
    )
    s.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="sqlite (default, no set-up) or postgresql: a private cluster in "
        "<data-dir>/postgresql on 127.0.0.1, password from $CLAIMCORPUS_PG_PASSWORD",
    )
    s.add_argument("--pg-port", type=int, default=PG.DEFAULT_PG_PORT, help="PostgreSQL port")
    s.add_argument(
        "--host",
        default=S.HOST,
        metavar="ADDR",
        help="address to listen on (default 127.0.0.1); another address serves a LAN, "
        "refused with signup open, and still needs a reverse proxy with TLS",
    )
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--background", action="store_true", help="start, wait until healthy, return")
    mode.add_argument(
        "--foreground",
        dest="background",
        action="store_false",
        help="stay attached; Ctrl-C stops the server (default)",
    )
    mode.add_argument("--stop", action="store_true", help="stop the server of --data-dir")
    mode.add_argument("--status", action="store_true", help="is the server of --data-dir running?")
    s.set_defaults(func=cmd_serve)


def _add_config(ls: Actions) -> None:
    c = ls.add_parser("config", help="print the labeling config generated from schema/scheme.yaml")
    c.add_argument("--review", action="store_true", help="the review project's variant")
    c.set_defaults(func=cmd_config)


def _server_options(q: argparse.ArgumentParser) -> None:
    """--url and --project, shared by the actions that talk to one project (push, pull)."""
    q.add_argument(
        "--url",
        default=None,
        help="server URL (default $CLAIMCORPUS_LS_URL or http://127.0.0.1:8080)",
    )
    q.add_argument("--project", default=DEFAULT_PROJECT, help="project title (default claimcorpus)")


def _add_push(ls: Actions) -> None:
    u = ls.add_parser("push", help="create/update the project and sync documents as tasks")
    _server_options(u)
    u.add_argument(
        "--predictions",
        type=prediction_source,
        default=None,
        metavar="SOURCE",
        help="attach predictions: gold, baseline (the rule baseline) or a layer such as "
        "pred/<model> (`claimcorpus predictions import`)",
    )
    u.add_argument("--model-version", default=None, help="prediction model_version label")
    u.add_argument(
        "--preannotate",
        choices=["none", "on-demand", "prefill"],
        default=None,
        help="none: push no predictions; on-demand (default with --predictions): show them "
        "in a closed 'Model suggestions' panel, never in the draft; prefill: push them as "
        "Label Studio predictions the page starts from (correction)",
    )
    u.add_argument(
        "--doc", action="append", default=None, help="push only this doc_id (repeatable)"
    )
    u.add_argument("--batch-size", type=int, default=1000)
    u.set_defaults(func=cmd_push, reads=True)


def _add_pull(ls: Actions) -> None:
    q = ls.add_parser(
        "pull", help="export all annotations into annotations/raw/<project>/<annotator>/"
    )
    _server_options(q)
    q.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write valid annotations even if others are invalid (old files kept)",
    )
    q.add_argument(
        "--prune",
        action="store_true",
        help="remove raw records whose annotation is gone from the server",
    )
    q.add_argument("--dry-run", action="store_true", help="report changes, write nothing")
    q.add_argument(
        "--check",
        action="store_true",
        help="also run the full record checks (as `claimcorpus validate`) on changed records",
    )
    q.add_argument("--max-problems", type=int, default=50)
    q.add_argument(
        "--campaign",
        default=None,
        metavar="NAME",
        help="pull every annotator's project of this campaign (instead of --project), "
        "all or nothing",
    )
    q.set_defaults(func=cmd_pull, writes=True)


def _add_migrate(ls: Actions) -> None:
    m = ls.add_parser(
        "migrate",
        help="move layers of the old layout (annotations/raw/<annotator>/) into a project's folder",
    )
    m.add_argument(
        "--project",
        default=DEFAULT_PROJECT,
        help="title of the project they were pulled from (default claimcorpus)",
    )
    m.add_argument(
        "--layer",
        action="append",
        default=None,
        help="annotator whose old layer to move (repeatable; default: every old-layout layer)",
    )
    m.set_defaults(func=cmd_migrate, writes=True)


def _add_review(ls: Actions) -> None:
    r = ls.add_parser("review", help="push adjudication disagreements as review tasks")
    r.add_argument("--url", default=None)
    r.add_argument("--source", default=DEFAULT_PROJECT, help=argparse.SUPPRESS)
    r.add_argument(
        "--project", default=None, help="review project title (default 'claimcorpus review')"
    )
    r.set_defaults(func=cmd_review, writes=True)
