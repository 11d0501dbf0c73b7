"""Learned baselines: a CRF span extractor and an attribution linker trained on a release.

``claimcorpus train`` fits them on a release's train split into a model folder
(``model.save_model``); ``claimcorpus.learn.model.load_model`` reads it back as an
``Extractor`` (``baseline/run.py``'s contract), and ``claimcorpus predict`` writes its
output as a pred layer and as the JSONL ``claimcorpus evaluate`` reads.
"""
