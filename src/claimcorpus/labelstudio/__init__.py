"""Label Studio round trip: serve, push documents as tasks, pull annotations as raw layers.

The server runs from its own venv (``scripts/install_labelstudio.sh``) because label-studio
pins an older pyarrow than claimcorpus. Only the SDK (``label-studio-sdk``) is imported here.
"""
