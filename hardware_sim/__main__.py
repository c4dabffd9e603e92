"""`python -m hardware_sim`: see hardware_sim/cli.py."""

from .cli import main

raise SystemExit(main())
