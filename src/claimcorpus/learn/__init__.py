"""Learned baselines: models trained on a release's train split, on a CPU."""
