"""claimcorpus: attributed claims in news, as a versioned dataset, a labeling workflow and a benchmark."""

__version__ = "0.1.0"
