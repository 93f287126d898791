"""``python -m citra_eval`` is the ``citra-eval`` command."""

from .cli import main

raise SystemExit(main())
