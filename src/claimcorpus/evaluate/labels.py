"""Label sets the scorer checks predictions against.

They mirror ``schema/scheme.yaml`` (a test keeps them in step) so the scorer can run on a
release alone, without the project tree or a YAML parser.
"""

from __future__ import annotations

SPAN_LABELS: tuple[str, ...] = ("CLAIM", "SOURCE", "CUE")
STANCES: tuple[str, ...] = ("support", "refute", "neutral")
TOPIC_STANCES: tuple[str, ...] = ("favor", "against", "none")
SOURCE_TYPES: tuple[str, ...] = (
    "government",
    "government_official",
    "spokesperson",
    "anonymous_official",
    "anonymous_other",
    "expert",
    "media_outlet",
    "organisation",
    "author",
)

# The four SemEval-2013 task 9.1 schemes, in nervaluate's naming.
SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "ent_type")
# Schemes whose precision/recall give half credit to partial matches (nervaluate's
# ``partial_or_type`` formula).
HALF_CREDIT_SCHEMES: frozenset[str] = frozenset({"partial", "ent_type"})

# Outcome columns of a count array, in this order everywhere.
OUTCOMES: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
CORRECT, INCORRECT, PARTIAL, MISSED, SPURIOUS = range(5)
