"""Releases: the one reader (load), the build steps, splits, card, Croissant, variants, diff."""
