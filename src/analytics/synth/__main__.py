"""``python -m analytics.synth``: write a synthetic corpus."""

from analytics.synth.generate import main

raise SystemExit(main())
