"""``python -m claimcorpus``, or this file as the driver of ``spark-submit``, runs the CLI."""

from claimcorpus.cli import main

raise SystemExit(main())
