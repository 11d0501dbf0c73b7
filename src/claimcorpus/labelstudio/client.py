"""Connecting to Label Studio: credentials from the environment, errors that say what to do.

The SDK retries POSTs by default, which can import a batch twice; every write here passes
``NO_RETRY`` and callers reconcile by ``doc_id`` instead. A dead server surfaces in the SDK
as ``httpx.TransportError`` (not ``ApiError``): ``call`` turns both into ``LSError`` naming
the URL and the step.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from claimcorpus.labelstudio.server import DEFAULT_PORT, HOST, mask

ENV_URL = "CLAIMCORPUS_LS_URL"
ENV_USERNAME = "CLAIMCORPUS_LS_USERNAME"
ENV_PASSWORD = "CLAIMCORPUS_LS_PASSWORD"
ENV_TOKEN = "CLAIMCORPUS_LS_TOKEN"
DEFAULT_URL = f"http://{HOST}:{DEFAULT_PORT}"
DEFAULT_PROJECT = "claimcorpus"
NO_RETRY: dict[str, Any] = {"max_retries": 0}
T = TypeVar("T")


class LSError(RuntimeError):
    """A Label Studio call failed; the message names the server, the step and the cause."""


@dataclass(frozen=True)
class Credentials:
    username: str | None
    password: str | None
    token: str | None

    @classmethod
    def from_env(cls) -> Credentials:
        return cls(
            os.environ.get(ENV_USERNAME), os.environ.get(ENV_PASSWORD), os.environ.get(ENV_TOKEN)
        )

    def require(self, *names: str) -> None:
        env = {"username": ENV_USERNAME, "password": ENV_PASSWORD, "token": ENV_TOKEN}
        missing = [env[n] for n in names if not getattr(self, n)]
        if missing:
            raise LSError(
                f"set {', '.join(missing)} in the environment (never in the repository); "
                "the username is the admin's e-mail address"
            )


@dataclass
class Connection:
    """An SDK client plus the URL, for messages and the few raw HTTP calls."""

    client: Any  # label_studio_sdk.LabelStudio, imported lazily: the SDK takes ~5 s to import
    url: str
    token: str

    def call(self, step: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one SDK call; turn transport and API failures into an ``LSError`` naming ``step``."""
        from label_studio_sdk.core.api_error import ApiError

        try:
            return fn(*args, **kwargs)
        except httpx.TransportError as exc:
            raise LSError(
                f"{step}: Label Studio at {self.url} is not reachable "
                f"({type(exc).__name__}: {exc}); "
                "is it running? start it with `claimcorpus ls serve`"
            ) from exc
        except ApiError as exc:
            if exc.status_code in (401, 403):
                raise LSError(
                    f"{step}: Label Studio at {self.url} refused the token {mask(self.token)} "
                    f"(HTTP {exc.status_code}); check {ENV_TOKEN}"
                ) from exc
            raise LSError(
                f"{step}: HTTP {exc.status_code} from {self.url}: {str(exc.body)[:500]}"
            ) from exc


def connect(
    url: str | None = None, token: str | None = None, *, timeout: float = 300.0
) -> Connection:
    """Connect and prove the token works (one whoami call), so later errors are about data."""
    url = (url or os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")
    token = token or os.environ.get(ENV_TOKEN)
    if not token:
        raise LSError(
            f"no API token: set {ENV_TOKEN} (the token `claimcorpus ls serve` was started with)"
        )
    from label_studio_sdk import LabelStudio

    conn = Connection(LabelStudio(base_url=url, api_key=token, timeout=timeout), url, token)
    conn.call("check token", conn.client.users.whoami)
    return conn


def find_project(conn: Connection, title: str) -> Any | None:
    """The project with exactly this title (the lowest id if several), or None."""
    matches = [
        p
        for p in conn.call("list projects", lambda: list(conn.client.projects.list()))
        if p.title == title
    ]
    return min(matches, key=lambda p: p.id) if matches else None


def ensure_project(
    conn: Connection, title: str, label_config: str, instruction: str
) -> tuple[Any, str]:
    """Create the project, or update its config and guidelines when they changed."""
    project = find_project(conn, title)
    if project is None:
        created = conn.call(
            f"create project {title!r}",
            conn.client.projects.create,
            title=title,
            label_config=label_config,
            expert_instruction=instruction,
            show_instruction=True,
            request_options=NO_RETRY,
        )
        return conn.call("get project", conn.client.projects.get, id=created.id), "created"
    full = conn.call(f"get project {project.id}", conn.client.projects.get, id=project.id)
    changes: dict[str, Any] = {}
    if (full.label_config or "").strip() != label_config.strip():
        changes["label_config"] = label_config
    if (full.expert_instruction or "") != instruction:
        changes["expert_instruction"] = instruction
    if not changes:
        return full, "unchanged"
    conn.call(
        f"update project {project.id} ({', '.join(changes)}); Label Studio refuses a config that "
        "drops labels existing annotations use",
        conn.client.projects.update,
        id=project.id,
        **changes,
    )
    return conn.call("get project", conn.client.projects.get, id=project.id), "updated"


def user_names(conn: Connection) -> dict[int, str]:
    """user id -> annotator name (username, else the e-mail's local part), safe as a folder name."""
    out = {}
    for u in conn.call("list users", conn.client.users.list):
        out[int(u.id)] = annotator_name(u.username, u.email, int(u.id))
    return out


def annotator_name(username: str | None, email: str | None, uid: int) -> str:
    import re

    base = username or (email or "").split("@")[0] or f"user{uid}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", base).strip("._") or f"user{uid}"
