"""The boilerplate detector as it was before it was made faster (issue 14, item 4): a frozen
copy of ``normalize/boilerplate.py`` and the modules it uses (linequality, placement, promos,
repetition, vocabulary), imports pointed here. ``test_boilerplate_fast.py`` compares the
detector in src with this one line by line; ``scripts/bench_normalize.py`` times both."""
