"""``python -m analytics``: the command-line interface."""

from analytics.cli import main

raise SystemExit(main())
