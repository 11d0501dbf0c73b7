"""``claimcorpus ls annotators add|list|remove``: the people who label, as Label Studio users.

Why a command: ``users.create`` ignores the password it is given, so an annotator made in the
API cannot log in; ``add`` creates the user, sets a fresh random password with the server's
own ``label-studio reset_password`` (a management command on the server's data dir, so the
server must be this machine's) and prints it once, in a login line. The password is never
written anywhere: lose it and ``add`` the same name again, which sets a new one.

What Label Studio Community Edition cannot enforce: it has no roles and no per-project
membership. Every user of the organization can open every project, read every annotation
through the API and the Data Manager, and delete tasks. Blindness between annotators is
therefore by arrangement (campaign.py: one project per annotator, each told which project is
theirs), not by permission; ``remove`` deletes the account, so its token stops working.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from claimcorpus.labelstudio.client import NO_RETRY, Connection, LSError, annotator_name
from claimcorpus.labelstudio.server import reset_password

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    email: str
    name: str  # the layer name pulls give this user (annotator_name)
    active: bool = True


@dataclass(frozen=True)
class Added:
    account: Account
    password: str
    created: bool


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise LSError(
            f"annotator name {name!r}: use letters, digits, '_', '.', '-' (it names a folder "
            "under annotations/raw/)"
        )
    return name


def accounts(conn: Connection) -> list[Account]:
    """Every user of the server's organization, by id."""
    out = []
    for u in conn.call("list users", conn.client.users.list):
        uid = int(u.id)
        out.append(
            Account(
                uid,
                u.username or "",
                u.email or "",
                annotator_name(u.username, u.email, uid),
                getattr(u, "is_active", None) is not False,
            )
        )
    return sorted(out, key=lambda a: a.user_id)


def find(conn: Connection, name: str) -> Account | None:
    """The account whose username, layer name or e-mail is ``name``."""
    for a in accounts(conn):
        if name in (a.username, a.name, a.email):
            return a
    return None


def add(
    conn: Connection, venv: str | Path, data_dir: str | Path, name: str, email: str | None = None
) -> Added:
    """Create ``name`` (or reuse it) and give it a new random password, returned once."""
    check_name(name)
    email = email or f"{name}@example.org"
    existing = find(conn, name) or find(conn, email)
    created = existing is None
    if existing is None:
        conn.call(
            f"create user {name}",
            conn.client.users.create,
            username=name,
            email=email,
            request_options=NO_RETRY,
        )
        existing = find(conn, name)
        if existing is None:
            raise LSError(f"user {name} was created but is not listed at {conn.url}")
    password = secrets.token_urlsafe(12)
    reset_password(venv, data_dir, existing.email, password)
    return Added(existing, password, created)


def remove(conn: Connection, name: str) -> Account:
    """Delete the account (its annotations stay on their tasks, ``completed_by`` its id)."""
    acc = find(conn, name)
    if acc is None:
        raise LSError(
            f"no user {name!r} at {conn.url}; `claimcorpus ls annotators list` lists them"
        )
    me = conn.call("who am I", conn.client.users.whoami)
    if int(me.id) == acc.user_id:
        raise LSError(f"{name!r} is the account this token belongs to; refusing to delete it")
    conn.call(
        f"delete user {name}", conn.client.users.delete, id=acc.user_id, request_options=NO_RETRY
    )
    return acc


def login_line(url: str, added: Added) -> str:
    return (
        f"log in at {url}/user/login/ as {added.account.email} with password {added.password}"
        "  (shown once, stored nowhere; `ls annotators add` again sets a new one)"
    )
