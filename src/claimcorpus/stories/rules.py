"""Every threshold and token rule of story grouping, declared once.

Why one module: the NumPy signatures, the LSH banding, the evidence blocks, the components,
the Spark engine and the reference in tests/reference_stories.py all read these, so they
cannot drift apart. ``EVENT_RULES`` holds the same-event thresholds (README, "Story grouping").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM_PERM = 128
NEAR_DUP = 0.5
SAME_STORY = 0.35  # the entity signature's LSH threshold (candidates only since issue 16)
SHINGLE = 5
KINDS = ("near-duplicate", "same-story")
EDGE_THRESHOLD = {"near-duplicate": NEAR_DUP, "same-story": SAME_STORY}
# (bands, rows). near-duplicate: 32x4 catches J=0.5 with p=0.87 (datasketch's 25x5: 0.55).
BANDS = {"near-duplicate": (32, 4), "same-story": (32, 4)}
BAND_BLOCK = 32  # bands numbered in one range (Spark): kind i has bands 32i .. 32i+31
assert all(b <= BAND_BLOCK for b, _ in BANDS.values())
WORD = re.compile(r"\w+")
ENTITY = re.compile(r"\b(?:[A-Z][\w-]+|\d[\d.,%]*)\b")

# --- same-event evidence (stories/features.py, stories/evidence.py) -----------------------
# a quotation: text between double quotes (curly or straight) on one line
QUOTE = re.compile(r"[\u201c\"]([^\u201c\u201d\"\n]+)[\u201d\"]")
# a name: a capitalized word (a run of them counts word by word, so "Olaf Scholz" and
# "Scholz" share one); a number: digits with their separators, an optional percent sign
# (one character long matches are dropped: "A", "5"; these spellings run 3-8x faster than
# ones that exclude them inside the pattern)
PROPER_NAME = re.compile(r"\b[A-Z]\w*(?:[\u2019'-]\w+)*")
NUMBER = re.compile(r"(?<![\w.,])\d(?:[\d.,]*\d)?%?")
YEAR = re.compile(r"(?:19|20)\d\d")
# reported speech: what follows a speech verb to the end of its sentence ("Osei said those
# who profit ... closed to them."), the unquoted variant of a quotation another outlet quotes
SPEECH = re.compile(
    r"\b(?:said|says|told|added|warned|warning|stated|stating|insisted|noted|argued)"
    r"(?: that)?[ ,]+([^.!?\n\u201c\u201d\"]+)"
)
# a term: a lowercase word of letters (no capital, digit or hyphen inside); the ones of
# ``SameEvent.term_letters`` letters or more are the event's vocabulary ("nitrocellulose")
TERM = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")
# capitalized words that start sentences or name a weekday everywhere: never a name
COMMON_CAPS = frozenset(
    "A An And As At But By For From He Her His How I If In It Its Mr Mrs Ms New No Not Of On "
    "Or Our She So That The Their There These They This Those To We What When Where While Who "
    "Why With You However According After Before Also Last Since Some Such Two One Three "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Yesterday Officials".split()
)


@dataclass(frozen=True)
class SameEvent:
    """When two articles report the same event (``stories.evidence.decide``).

    A pair joins when its near-duplicate Jaccard reaches ``NEAR_DUP`` (the one signal
    strong enough alone), or when at least ``min_signals`` content signals support it (text
    overlap, a shared quotation, shared rare names, numbers or terms), or when the
    articles were published within ``close_days`` and a shared quotation, number or text
    supports it, or ``names_with_date`` rare names do. Known dates more than ``far_days``
    apart veto every join but a near-duplicate one (the same spokesperson's stock denial
    months later). A quotation's words also count where the other article reports them
    unquoted (``rules.SPEECH``); rare terms (``terms_min_shared`` shared rare lowercase words
    of ``term_letters`` letters or more: the same list of goods, "turbojet",
    "nitrocellulose") are the fifth content signal, for rewrites that share no quotation,
    number or date.
    """

    near_support: float = 0.12  # near-duplicate Jaccard that counts as shared text
    quote_words: int = 5  # a quotation counts from this many words; shingles of this length
    quote_min_shared: int = 1  # shared quotation shingles for the quotation signal
    names_min_shared: int = 3  # shared rare names for the names signal
    names_with_date: int = 4  # rare names that, with close dates, join on their own
    numbers_min_shared: int = 1  # shared rare numbers for the numbers signal
    terms_min_shared: int = 12  # shared rare terms for the terms signal
    term_letters: int = 8  # a term counts from this many letters
    min_signals: int = 2
    close_days: int = 2
    far_days: int = 14
    # a name or number is rare when at most max(rare_min, rare_share x articles) articles
    # have it, and never more than block_max: a block is every pair of articles sharing a key
    rare_min: int = 5
    rare_share: float = 0.05
    block_max: int = 50
    # near-duplicate Jaccard of a copy: a copy merges without the chaining guard
    copy: float = 0.8
    # chaining guard: two groups merge only if more than half of their cross pairs
    # are joined pairs (average linkage), so one hybrid article cannot bridge two stories
    linkage: float = 0.6


EVENT_RULES = SameEvent()
