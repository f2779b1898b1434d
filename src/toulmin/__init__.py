"""toulmin: a publishing pipeline for evidence-checked critical commentary.

The core (everything but ``mkdocs_plugin`` and ``mkdocs_config``) never imports mkdocs.
``toulmin.statistic``, ``toulmin.chart`` and ``toulmin.Estimate`` are imported on first
use, so ``toulmin check`` does not pay for the statistics and charts machinery when its
caches are warm.
"""

__version__ = "0.1.0"

__all__ = ["Estimate", "__version__", "chart", "statistic"]

_LAZY = {"Estimate": "toulmin.estimate", "chart": "toulmin.charts", "statistic": "toulmin.stats"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toulmin' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
