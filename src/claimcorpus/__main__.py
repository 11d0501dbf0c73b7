"""``python -m claimcorpus`` runs the CLI (when the console script is not on PATH)."""

from .cli import main

raise SystemExit(main())
