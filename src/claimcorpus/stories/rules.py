"""Every threshold and token rule of story grouping, declared once.

Why one module: the NumPy signatures, the LSH banding, the components, the Spark engine and
the datasketch reference in tests/reference_stories.py all read these, so they cannot drift
apart.
"""

from __future__ import annotations

import re

NUM_PERM = 128
NEAR_DUP = 0.5
SAME_STORY = 0.35
SHINGLE = 5
KINDS = ("near-duplicate", "same-story")
THRESHOLD = {"near-duplicate": NEAR_DUP, "same-story": SAME_STORY}
# (bands, rows). near-duplicate: 32x4 catches J=0.5 with p=0.87 (datasketch's 25x5: 0.55).
BANDS = {"near-duplicate": (32, 4), "same-story": (32, 4)}
BAND_BLOCK = 32  # bands numbered in one range (Spark): kind i has bands 32i .. 32i+31
assert all(b <= BAND_BLOCK for b, _ in BANDS.values())
WORD = re.compile(r"\w+")
ENTITY = re.compile(r"\b(?:[A-Z][\w-]+|\d[\d.,%]*)\b")
