"""Floor baseline: every sentence with a cue word is one CLAIM, stance "support", no source.

Any model worth reporting should beat it; if it does not, the task or the scorer is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimcorpus.baseline.lexicon import folded, has_cue
from claimcorpus.normalize.segment import text_sentences

_EDGE = " \t\"'“”‘’.,;:!?"


def extract(
    doc_id: str, text: str, sentences: Sequence[tuple[int, int]] | None = None
) -> dict[str, Any]:
    """Prediction record: one CLAIM per cue sentence (edge punctuation trimmed)."""
    spans: list[dict[str, Any]] = []
    attributions: list[dict[str, Any]] = []
    low = folded(text)  # once per text: the cue test per sentence runs case-sensitive on it
    for s0, s1 in sentences if sentences is not None else text_sentences(text):
        if not has_cue(text, low, s0, s1):
            continue
        a, b = s0, s1
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE:
            b -= 1
        if a == b:
            continue
        n = len(spans) + 1
        spans.append({"id": f"c{n}", "label": "CLAIM", "start": a, "end": b, "text": text[a:b]})
        attributions.append(
            {
                "id": f"a{n}",
                "claim": f"c{n}",
                "source": None,
                "cue": None,
                "stance": "support",
                "source_type": None,
                "anonymous_source": False,
                "unattributed": False,
            }
        )
    return {"doc_id": doc_id, "spans": spans, "attributions": attributions}
