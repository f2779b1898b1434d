"""Effect sizes, rates, intervals and reliable-change arithmetic, each with its source.

Every function names, in its docstring, the formula it computes and the publication it
follows. Functions that estimate something return an :class:`~toulmin.definitions.estimate.Estimate`
(value, 95% interval where one exists and how it was computed, n, the formula in words);
plain conversions between effect-size metrics return a float.

Inputs are checked: a negative or non-integer count, an SD ≤ 0, a count larger than its
denominator, a value outside its range all raise ``ValueError`` with a one-line message that
names the argument and its value.

One namespace for site scripts (``toulmin.effects``) over three modules: ``rates``
(proportions, rates and Wilson intervals, the programme's published rates),
``standardised`` (the d family, conversions, NNT) and ``reliable_change``; ``arguments``
holds the checks they share. scipy is imported only inside the functions that need the
noncentral t distribution (importing this package stays fast); Wilson intervals and the
normal distribution come from the standard library (``statistics.NormalDist``).

The package may import ``toulmin.definitions.estimate`` and the standard library; scipy
only inside a function.
"""

from __future__ import annotations

# the names of the interval methods (``Estimate.ci_method``), importable but not in __all__
from toulmin.definitions.effects.rates import WILSON as WILSON
from toulmin.definitions.effects.rates import (
    proportion,
    rate_per,
    recovery_rate,
    reliable_improvement_rate,
    reliable_recovery_rate,
    wilson_interval,
)
from toulmin.definitions.effects.reliable_change import (
    reliable_change_index,
    reliable_change_threshold,
)
from toulmin.definitions.effects.standardised import NCT as NCT
from toulmin.definitions.effects.standardised import (
    cohens_d,
    d_from_t,
    d_paired,
    d_to_odds_ratio,
    d_to_r,
    glass_delta,
    hedges_g,
    hedges_j,
    nnt_from_d,
    odds_ratio_to_d,
    pre_post_d,
    r_to_d,
    variance_explained_to_r,
)

__all__ = [
    "cohens_d",
    "d_from_t",
    "d_paired",
    "d_to_odds_ratio",
    "d_to_r",
    "glass_delta",
    "hedges_g",
    "hedges_j",
    "nnt_from_d",
    "odds_ratio_to_d",
    "pre_post_d",
    "proportion",
    "r_to_d",
    "rate_per",
    "recovery_rate",
    "reliable_change_index",
    "reliable_change_threshold",
    "reliable_improvement_rate",
    "reliable_recovery_rate",
    "variance_explained_to_r",
    "wilson_interval",
]
