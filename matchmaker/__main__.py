"""`python -m matchmaker …` — see matchmaker/cli.py."""

from matchmaker.cli import main

raise SystemExit(main())
