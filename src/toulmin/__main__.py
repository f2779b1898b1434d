"""``python -m toulmin`` runs the command-line interface."""

from toulmin.cli import main

raise SystemExit(main())
