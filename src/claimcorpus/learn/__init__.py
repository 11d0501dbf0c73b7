"""Learned baselines trained on a release's train split, on a CPU: a CRF span extractor and
an attribution linker, and the stance classifiers (``stance``, ``stance_cv``).

``claimcorpus train`` fits the extractor and linker into a model folder
(``model.save_model``); ``claimcorpus.learn.model.load_model`` reads it back as an
``Extractor`` (``baseline/run.py``'s contract), and ``claimcorpus predict`` writes its
output as a pred layer and as the JSONL ``claimcorpus evaluate`` reads.
"""
