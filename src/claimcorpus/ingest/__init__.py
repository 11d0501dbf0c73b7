"""The corpus store, the engine-neutral batch step, and the ingest / normalize commands."""
