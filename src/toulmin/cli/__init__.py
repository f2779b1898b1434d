"""The ``toulmin`` command line. May import every layer but ``adapters``.
"""

from toulmin.cli.app import main

__all__ = ["main"]
