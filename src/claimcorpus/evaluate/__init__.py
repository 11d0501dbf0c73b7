"""Scorer for claimcorpus predictions.

Spans follow nervaluate 1.2.1 count for count (strict, exact, partial, ent_type) but run on
NumPy columns; attributions are scored as (claim, source, stance) tuples under an optimal
one-to-one matching; stance as a classification of gold attributions. Every number comes
with a document bootstrap interval.
"""

from claimcorpus.evaluate.attribution import (
    AttributionColumns,
    attributions_from_documents,
    match_one_to_one,
)
from claimcorpus.evaluate.bootstrap import bootstrap_ci
from claimcorpus.evaluate.columns import SpanColumns, spans_from_documents
from claimcorpus.evaluate.reader import Known, PredictionError, read_predictions
from claimcorpus.evaluate.report import format_report
from claimcorpus.evaluate.schemes import span_counts
from claimcorpus.evaluate.score import document_counts, evaluate_documents, summarize

__all__ = [
    "AttributionColumns",
    "Known",
    "PredictionError",
    "SpanColumns",
    "attributions_from_documents",
    "bootstrap_ci",
    "document_counts",
    "evaluate_documents",
    "format_report",
    "match_one_to_one",
    "read_predictions",
    "span_counts",
    "spans_from_documents",
    "summarize",
]
