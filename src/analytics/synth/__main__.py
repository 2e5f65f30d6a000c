"""``python -m analytics.synth``: write a synthetic corpus."""

from analytics.synth.cli import main

raise SystemExit(main())
