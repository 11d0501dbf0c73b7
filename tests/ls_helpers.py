"""Helpers shared by the Label Studio tests: annotation records to submit, API shortcuts."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def free_word(text: str, spans: list[dict[str, Any]], min_len: int = 6) -> tuple[int, int]:
    """A word that crosses no existing span (nesting is allowed) and is no span already."""
    taken = {(s["start"], s["end"]) for s in spans}
    for m in re.finditer(rf"[A-Za-z]{{{min_len},}}", text):
        a, b = m.span()
        crosses = any(
            s["start"] < b
            and a < s["end"]
            and not ((s["start"] <= a and b <= s["end"]) or (a <= s["start"] and s["end"] <= b))
            for s in spans
        )
        if not crosses and (a, b) not in taken:
            return a, b
    raise AssertionError("no free word found")


def with_new_claim(record: dict[str, Any], text: str, span_id: str = "new1") -> dict[str, Any]:
    """The record plus one unattributed CLAIM over a free word (a valid addition)."""
    rec = copy.deepcopy(record)
    a, b = free_word(text, rec["spans"])
    rec["spans"].append(
        {
            "id": span_id,
            "label": "CLAIM",
            "start": a,
            "end": b,
            "text": text[a:b],
            "topic_stance": "none",
            "cluster": None,
            "antecedent": None,
        }
    )
    rec["attributions"].append(
        {
            "id": f"{span_id}.author",
            "claim": span_id,
            "source": None,
            "cue": None,
            "stance": "support",
            "source_type": "author",
            "anonymous_source": False,
            "unattributed": True,
        }
    )
    return rec


def without_claim(record: dict[str, Any], claim_id: str) -> dict[str, Any]:
    rec = copy.deepcopy(record)
    rec["spans"] = [s for s in rec["spans"] if s["id"] != claim_id]
    rec["attributions"] = [a for a in rec["attributions"] if a["claim"] != claim_id]
    return rec


def with_stance(record: dict[str, Any], att_id: str, stance: str) -> dict[str, Any]:
    rec = copy.deepcopy(record)
    for a in rec["attributions"]:
        if a["id"] == att_id:
            a["stance"] = stance
    return rec


def tasks_by_doc(conn: Any, project_id: int) -> dict[str, list[int]]:
    from claimcorpus.labelstudio.tasks import list_tasks

    out: dict[str, list[int]] = {}
    for t in list_tasks(conn, project_id):
        out.setdefault(str(t.doc_id), []).append(t.id)
    return out


def project_id(conn: Any, title: str) -> int:
    from claimcorpus.labelstudio.client import find_project

    p = find_project(conn, title)
    assert p is not None, f"no project {title!r}"
    return int(p.id)


def annotate(url: str, token: str, task_id: int, results: list[dict[str, Any]]) -> int:
    """Submit an annotation as the token's user, through the SDK like any API client."""
    from label_studio_sdk import LabelStudio

    client = LabelStudio(base_url=url, api_key=token)
    ann = client.annotations.create(
        id=task_id,
        result=results,
        was_cancelled=False,
        lead_time=3.0,
        request_options={"max_retries": 0},
    )
    return int(ann.id)


def span_keys(record: dict[str, Any]) -> set[tuple[str, int, int]]:
    return {(s["label"], s["start"], s["end"]) for s in record["spans"]}
