"""``python -m dprk_report``: see ``cli``."""

from .cli import main

raise SystemExit(main())
