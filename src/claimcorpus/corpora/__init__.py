"""Corpus roots and other corpora: ``init``, brat standoff import and export, PolNeAR."""
