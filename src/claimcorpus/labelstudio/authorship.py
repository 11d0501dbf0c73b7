"""Who made an annotation, as ``ls pull`` decides it.

Why its own rule: deleting a Label Studio user keeps their annotations but sets
``completed_by`` to null (seen on 1.23.2), so a pull can no longer tell whose they are,
except in a project that belongs to one annotator (a campaign's), where they are that
annotator's. Another user's annotation in such a project is left out, not mixed in.
"""

from __future__ import annotations

from typing import Any


def user_id(completed_by: Any) -> int | None:
    """The author's user id; None when Label Studio lost it (the user was deleted)."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("id")
    return None if completed_by is None else int(completed_by)


def author(a: dict[str, Any], where: str, owner: int | None, notes: list[str]) -> int | None:
    """Whose annotation this is. In an annotator's own project (``owner``, a campaign's)
    an annotation without author is the owner's (deleting a user nulls ``completed_by``),
    and another user's annotation is not pulled: it would mix into the owner's campaign."""
    uid = user_id(a.get("completed_by"))
    if owner is None:
        if uid is None:
            notes.append(f"{where}: annotation {a['id']} has no author (user deleted?); skipped")
        return uid
    if uid is None:
        notes.append(
            f"{where}: annotation {a['id']} has no author (account removed); "
            "counted as the project's annotator's"
        )
        return owner
    if uid != owner:
        notes.append(
            f"{where}: annotation {a['id']} by user {uid}, not this project's "
            "annotator; not pulled (a campaign layer holds one annotator's work)"
        )
        return None
    return uid
