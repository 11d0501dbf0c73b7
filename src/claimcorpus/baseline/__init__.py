"""Baselines for the claimcorpus benchmark: a rule-based extractor and a trivial floor."""

from claimcorpus.baseline.rules import extract
from claimcorpus.baseline.run import baseline_table, interval_table, markdown_table, run_baselines

__all__ = ["baseline_table", "extract", "interval_table", "markdown_table", "run_baselines"]
