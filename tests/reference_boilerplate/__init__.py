"""The boilerplate detector as it was before it was made faster (issue 14, item 4): a frozen
copy of ``normalize/boilerplate.py`` and the modules it uses (linequality, placement, promos,
repetition, vocabulary), imports pointed here. ``test_boilerplate_fast.py`` compares the
detector in src with this one line by line; ``scripts/bench_normalize.py`` times both.

Issue 16 (s4) changed decisions on purpose: the multilingual UI vocabulary (multilingual.py),
the context passes (context.py), month and day names of more languages (linequality), longer
breadcrumb trails (TRAIL_WORDS 6) and a headline no longer chosen for being repeated inside a
sentence. Those changes are applied here too, in this copy's plain-loop form, so the copy
stays the slow baseline of the decisions the faster code must reproduce.

The rule tables (vocabulary, promos, multilingual, templates) and the placement passes are
code the speed work did not touch (placement's copy was src's byte for byte, but for its
import of linequality, whose ``letter_share`` and word limits are the same here): the copy
reads today's from src instead of keeping copies that had to follow every change. What it
keeps is the plain-loop detector: this boilerplate, context, linequality and repetition."""
