"""How pre-annotations reach the annotator: ``none``, ``on-demand`` or ``prefill``.

Why a project setting and not only "push predictions or not": Label Studio's labeling page
copies a task's predictions into the annotator's new annotation when the project's
``show_collab_predictions`` ("Use predictions to prelabel tasks") is on, which is the
default; an annotator who submits then submits the predictions. Measured on the real
1.23.2 server (tests/test_labelstudio_browser.py):

* ``none``: no predictions are pushed; the page opens empty.
* ``on-demand``: no Label Studio predictions are pushed, because the page copies them into
  the draft on a path no project setting closes (measured: with ``show_collab_predictions``
  off the label stream opens empty, but opening the task from the Data Manager table still
  starts the annotator's annotation from them). Instead each task's ``data.suggestions``
  holds the predicted record rendered as HTML and the config gains a closed "Model
  suggestions" panel (suggestions.py, ``config.suggestions_panel``): read when the
  annotator clicks it, never in the draft, nothing saved from it. An API client reads
  ``data.suggestions`` (and ``data.suggestions_from``); the records themselves are the
  ``--predictions`` layer (or the rule baseline, recomputed).
* ``prefill`` (correction campaigns): predictions are pushed, ``show_collab_predictions`` on
  and the project's ``model_version`` set to the pushed version, so the page starts from the
  predictions of that version.
"""

from __future__ import annotations

from typing import Any

from claimcorpus.labelstudio.client import NO_RETRY, Connection

MODES = ("none", "on-demand", "prefill")


def check_mode(mode: str, predictions: str | None) -> None:
    """Refuse a mode that needs predictions when no prediction source is given."""
    if mode not in MODES:
        raise ValueError(f"unknown --preannotate {mode!r}; one of {', '.join(MODES)}")
    if mode != "none" and predictions is None:
        raise ValueError(
            f"--preannotate {mode} needs predictions: add --predictions gold|baseline|<layer>"
        )


def default_mode(predictions: str | None) -> str:
    """Without --preannotate: predictions, if given, are shown on demand, never pre-filled."""
    return "on-demand" if predictions else "none"


def project_settings(mode: str, model_version: str) -> dict[str, Any]:
    """The project fields that make Label Studio behave as ``mode`` says."""
    if mode == "prefill":
        return {"show_collab_predictions": True, "model_version": model_version}
    return {"show_collab_predictions": False}


def apply(conn: Connection, project: Any, mode: str, model_version: str) -> bool:
    """Set the project's prediction fields for ``mode`` (after the predictions exist: Label
    Studio refuses a ``model_version`` no prediction has). True when something changed."""
    want = project_settings(mode, model_version)
    have = {k: getattr(project, k, None) for k in want}
    if have == want:
        return False
    conn.call(
        f"set pre-annotation mode {mode!r} on project {project.id}",
        conn.client.projects.update,
        id=project.id,
        **want,
        request_options=NO_RETRY,
    )
    return True
