"""Annotator accounts on a local server: create a user, set its password, get its API token.

Why three steps: ``users.create`` ignores the password it is given, so the password is set
with the venv's ``label-studio reset_password``; a personal access token (JWT) is then
obtained the way the web page does it: session login (csrftoken from GET /user/login/, POST
the form), then ``POST /api/token/``. The SDK refreshes such a JWT by itself. Annotations
created with that token are recorded as ``completed_by`` that user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from claimcorpus.labelstudio.client import Connection, LSError
from claimcorpus.labelstudio.server import reset_password, run_ls_cli


@dataclass(frozen=True)
class Annotator:
    user_id: int
    email: str
    username: str
    password: str
    token: str


def login_session(url: str, email: str, password: str) -> httpx.Client:
    """An httpx client logged in through the web form (cookies: csrftoken, sessionid)."""
    c = httpx.Client(base_url=url, timeout=30, follow_redirects=False)
    c.get("/user/login/")
    r = c.post(
        "/user/login/",
        data={
            "email": email,
            "password": password,
            "csrfmiddlewaretoken": c.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{url}/user/login/"},
    )
    if r.status_code != 302 or "/user/login" in r.headers.get("location", ""):
        c.close()
        raise LSError(f"login as {email} at {url} failed (HTTP {r.status_code})")
    return c


def personal_token(url: str, email: str, password: str) -> str:
    c = login_session(url, email, password)
    try:
        r = c.post(
            "/api/token/",
            headers={"X-CSRFToken": c.cookies.get("csrftoken", ""), "Referer": f"{url}/"},
        )
    finally:
        c.close()
    if r.status_code not in (200, 201):
        raise LSError(f"POST /api/token/ for {email} failed (HTTP {r.status_code}): {r.text[:300]}")
    return str(r.json()["token"])


def create_annotator(
    conn: Connection, venv: str | Path, data_dir: str | Path, username: str, password: str
) -> Annotator:
    """Create (or reuse) ``username`` with e-mail ``username@example.org`` and return its token."""
    email = f"{username}@example.org"
    existing = [u for u in conn.call("list users", conn.client.users.list) if u.email == email]
    if existing:
        uid = int(existing[0].id)
    else:
        user = conn.call(
            f"create user {username}", conn.client.users.create, username=username, email=email
        )
        uid = int(user.id)
    reset_password(venv, data_dir, email, password)
    try:
        token = personal_token(conn.url, email, password)
    except LSError:  # one personal token per user, shown once: fall back to the legacy token
        token = legacy_token(venv, data_dir, email)
    return Annotator(uid, email, username, password, token)


def legacy_token(venv: str | Path, data_dir: str | Path, email: str) -> str:
    """The user's legacy token as `label-studio user` prints it from the database."""
    out = run_ls_cli(venv, data_dir, "user", f"--username={email}")
    m = re.search(r"'token': '([0-9a-f]+)'", out)
    if not m:
        raise LSError(f"no legacy token for {email} in `label-studio user` output")
    return m.group(1)
