"""``--preannotate on-demand``: the predictions as a readable panel the annotator opens.

Why not Label Studio predictions: measured on the real 1.23.2 server, a task's predictions
reach the annotator's draft whatever the project says: ``show_collab_predictions`` off keeps
them out of the label stream, but opening the task from the Data Manager still copies them
into a new annotation, so "on demand" was not on demand. Here nothing is pushed as a
prediction: each task's ``data.suggestions`` holds the suggested record rendered as HTML
(each attribution as its quoted claim, source and cue with stance and source type, in
document order; then spans no attribution uses), shown by a ``<HyperText>`` inside a
``<Collapse>`` panel "Model suggestions" that is closed until the annotator clicks it.
A ``<HyperText>`` without a control makes no result, so nothing is copied into the draft;
the pull still drops any result aimed at the panel (``drop_panel_results``), so nothing the
panel could produce is ever saved. An API client reads the same text from the task's
``data.suggestions`` (and ``data.suggestions_from``, the model version). The Data Manager
would show those fields as table columns, so the project's views (tabs, shared by every
user of the organization) hide them (``hide_columns``); an annotator can unhide them, which
is asking.
"""

from __future__ import annotations

from html import escape
from typing import Any

from claimcorpus.labelstudio.client import NO_RETRY, Connection
from claimcorpus.labelstudio.config import SUGGESTIONS_TAG

NONE = "<p>No model suggestions for this document.</p>"
# the Data Manager lists every task data field as a column; these would show the
# suggestions unasked (a column id is "tasks:data.<field>")
HIDDEN = ("tasks:data.suggestions", "tasks:data.suggestions_from")


def _quote(span: dict[str, Any] | None) -> str:
    if span is None:
        return "<i>none</i>"
    return (
        f"&ldquo;{escape(span['text'])}&rdquo; <small>[{span['start']}&ndash;{span['end']})</small>"
    )


def _attribution(n: int, att: dict[str, Any], spans: dict[str, dict[str, Any]]) -> str:
    """Two lines: the numbered claim, then source, cue, stance and source type."""
    claim = spans.get(att.get("claim") or "")
    head = f"<b>{n}. claim</b> {_quote(claim)}"
    if claim is not None and claim.get("topic_stance"):
        head += f" (topic stance {escape(claim['topic_stance'])})"
    if att.get("unattributed"):
        rest = ["<b>unattributed</b>"]
    else:
        rest = [
            f"<b>source</b> {_quote(spans.get(att.get('source') or ''))}",
            f"<b>cue</b> {_quote(spans.get(att.get('cue') or ''))}",
            f"<b>stance</b> {escape(str(att.get('stance')))}",
            f"<b>source type</b> {escape(str(att.get('source_type')))}",
        ]
    return f"<li>{head}<br/>&nbsp;&nbsp;&nbsp;{' &middot; '.join(rest)}</li>"


def _start(att: dict[str, Any], spans: dict[str, dict[str, Any]]) -> int:
    used = [spans[att[k]]["start"] for k in ("claim", "source", "cue") if att.get(k) in spans]
    return min(used, default=0)


def render(record: dict[str, Any] | None, model_version: str) -> str:
    """The HTML of one task's suggestions: every attribution, then the spans left over."""
    if record is None:
        return NONE
    spans = {s["id"]: s for s in record.get("spans") or []}
    atts = sorted(record.get("attributions") or [], key=lambda a: (_start(a, spans), a["id"]))
    used = {a.get(k) for a in atts for k in ("claim", "source", "cue")}
    rest = sorted((s for s in spans.values() if s["id"] not in used), key=lambda s: s["start"])
    out = [
        f"<p>From <code>{escape(model_version)}</code>: {len(atts)} attribution(s). "
        "Read only: label the text yourself; nothing here is saved.</p>"
    ]
    out.append("<ol>" + "".join(_attribution(i, a, spans) for i, a in enumerate(atts, 1)) + "</ol>")
    if rest:
        items = "".join(f"<li>{escape(s['label'])} {_quote(s)}</li>" for s in rest)
        out.append(f"<p>Spans in no attribution:</p><ul>{items}</ul>")
    return "".join(out)


def drop_panel_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An annotation's results without any aimed at the suggestions panel (never saved)."""
    return [r for r in results if SUGGESTIONS_TAG not in (r.get("from_name"), r.get("to_name"))]


def hide_columns(conn: Connection, project_id: int) -> int:
    """Hide the suggestion columns in every Data Manager view of the project (making the
    default view if there is none yet); returns how many views changed."""
    views = conn.call(
        f"list Data Manager views of project {project_id}",
        conn.client.views.list,
        project=project_id,
    )
    if not views:
        data = {  # the fields the Data Manager's own default tab has (it fails without them)
            "title": "Default",
            "type": "list",
            "target": "tasks",
            "ordering": [],
            "filters": {"conjunction": "and", "items": []},
            "hiddenColumns": {"explore": list(HIDDEN), "labeling": list(HIDDEN)},
            "columnsWidth": {},
            "columnsDisplayType": {},
            "gridWidth": 4,
        }
        conn.call(
            f"create a Data Manager view of project {project_id}",
            conn.client.views.create,
            project=project_id,
            data=data,
            request_options=NO_RETRY,
        )
        return 1
    changed = 0
    for v in views:
        data = dict(v.data or {})
        hidden = dict(data.get("hiddenColumns") or {})
        for part in ("explore", "labeling"):
            have = list(hidden.get(part) or [])
            hidden[part] = have + [c for c in HIDDEN if c not in have]
        if hidden != (data.get("hiddenColumns") or {}):
            conn.call(
                f"hide suggestion columns in view {v.id}",
                conn.client.views.update,
                id=str(v.id),
                project=project_id,
                data={**data, "hiddenColumns": hidden},
                request_options=NO_RETRY,
            )
            changed += 1
    return changed
