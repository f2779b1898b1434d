"""``Estimate``: a computed value with what a reader needs to trust it.

Like ``scipy.stats`` results, a value comes with named fields, not a bare float: the
point value, its 95% confidence interval where one exists (and how it was computed), the
number of observations behind it, and the formula in words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point value with its interval, n and formula.

    ``ci`` is ``(low, high)`` at ``level`` (0.95 unless stated) or None; ``ci_method``
    names the interval's method ("Wilson score", "noncentral t"). ``unit`` is "%" for
    percentages (then ``value`` is in percent, 0-100), "" for plain numbers.
    """

    value: float
    ci: tuple[float, float] | None = None
    n: int | None = None
    formula: str = ""
    unit: str = ""
    ci_method: str = ""
    level: float = 0.95

    def __float__(self) -> float:
        return float(self.value)

    def with_(self, **changes) -> Estimate:
        """A copy with some fields changed (``est.with_(unit="%")``)."""
        return replace(self, **changes)

    def scaled(self, factor: float, unit: str | None = None) -> Estimate:
        """The value and interval multiplied by ``factor`` (0.42 -> 42.0 with factor 100)."""
        ci = None if self.ci is None else (self.ci[0] * factor, self.ci[1] * factor)
        return replace(self, value=self.value * factor, ci=ci,
                       unit=self.unit if unit is None else unit)
