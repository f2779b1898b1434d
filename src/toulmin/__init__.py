"""toulmin: a publishing pipeline for evidence-checked critical commentary.

The core (everything but ``mkdocs_plugin``) never imports mkdocs.
"""

__version__ = "0.1.0"

from toulmin.charts import chart
from toulmin.estimate import Estimate
from toulmin.stats import statistic

__all__ = ["Estimate", "__version__", "chart", "statistic"]
