"""toulmin: a publishing pipeline for evidence-checked critical commentary.

The engine is a library in layers (see DESIGN.md): ``bibliography``, ``scan``, ``style``,
``definitions``, ``registries``, ``checks``, ``render``, ``adapters`` and ``cli``; only
``adapters.mkdocs`` imports mkdocs, and an import contract in the tests keeps it so.

The public API for a site's ``scripts/`` is this package's own names: ``toulmin.statistic``,
``toulmin.chart``, ``toulmin.Estimate`` and ``toulmin.effects``. They are imported on first
use, so ``toulmin check`` does not pay for the statistics and charts machinery when its
caches are warm.
"""

__version__ = "0.1.0"

__all__ = ["Estimate", "__version__", "chart", "effects", "statistic"]

_LAZY = {
    "Estimate": ("toulmin.definitions.estimate", "Estimate"),
    "chart": ("toulmin.definitions.charts", "chart"),
    "effects": ("toulmin.definitions.effects", None),  # the package itself
    "statistic": ("toulmin.definitions.statistics", "statistic"),
}


def __getattr__(name: str):
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'toulmin' has no attribute {name!r}")
    import importlib

    module, attr = where
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value
