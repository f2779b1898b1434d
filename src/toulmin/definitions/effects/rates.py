"""Proportions and rates with their Wilson score intervals, and the NHS Talking Therapies
programme's published rates (recovery, reliable recovery, reliable improvement).

The interval and the normal quantile come from the standard library
(``statistics.NormalDist``); nothing here imports scipy.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from toulmin.definitions.effects.arguments import (
    check_count,
    check_integer,
    check_level,
    check_number,
    formula_number,
)
from toulmin.definitions.estimate import Estimate

_NORMAL = NormalDist()
WILSON = "Wilson score"


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion k/n, as fractions 0..1.

    Wilson (1927), "Probable inference, the law of succession, and statistical inference",
    JASA 22:209-212; Newcombe (1998), "Two-sided confidence intervals for the single
    proportion: comparison of seven methods", Statistics in Medicine 17:857-872, method 3
    (score interval without continuity correction):

        (2k + z² ± z·√(z² + 4k(n − k)/n)) / (2(n + z²)),  z = Φ⁻¹(1 − α/2)

    The limits are exactly 0 when k = 0 and exactly 1 when k = n.
    """
    k = check_count("k", k)
    n = check_count("n", n, minimum=1)
    if k > n:
        raise ValueError(f"k ({k}) is larger than its denominator n ({n})")
    z = _NORMAL.inv_cdf(1 - (1 - check_level(level)) / 2)
    z2 = z * z
    centre = (k + z2 / 2) / (n + z2)
    half = z * math.sqrt(k * (n - k) / n + z2 / 4) / (n + z2)
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


# --------------------------------------------------------------------------- proportions


def proportion(k, n, *, level: float = 0.95) -> Estimate:
    """A proportion k/n (a fraction 0..1) with its Wilson score interval.

        p = k / n;  interval (2k + z² ± z·√(z² + 4k(n − k)/n)) / (2(n + z²))

    Wilson (1927), JASA 22:209-212; Newcombe (1998), Statistics in Medicine 17:857-872,
    method 3.
    """
    k = check_count("k", k)
    n = check_count("n", n, minimum=1)
    if k > n:
        raise ValueError(f"k ({k}) is larger than its denominator n ({n})")
    level = check_level(level)
    return Estimate(value=k / n, ci=wilson_interval(k, n, level), n=n,
                    formula=f"proportion = k / n = {k} / {n}", unit="", ci_method=WILSON,
                    level=level)


def _ratio_denominator(value, text: str) -> int:
    """Check a computed denominator: zero and negative values get their own message."""
    if value == 0:
        raise ValueError(f"denominator is zero: {text}")
    if value < 0:
        raise ValueError(f"denominator is negative: {text}")
    return value


def rate_per(numerator, denominator, per=100, *, level: float = 0.95) -> Estimate:
    """A rate per ``per`` (a percentage by default) with its Wilson score interval.

        rate = per · numerator / denominator

    The interval is the Wilson score interval for numerator/denominator (Wilson 1927;
    Newcombe 1998, method 3) multiplied by ``per``. ``unit`` is "%" when per = 100, else "".
    ``n`` is the denominator.
    """
    k = check_count("numerator", numerator)
    n = check_integer("denominator", denominator, "an integer")
    _ratio_denominator(n, f"denominator={n}")
    if k > n:
        raise ValueError(f"numerator ({k}) is larger than its denominator ({n})")
    per = check_number("per", per)
    if per <= 0:
        raise ValueError(f"per must be > 0, got {per!r}")
    level = check_level(level)
    lo, hi = wilson_interval(k, n, level)
    return Estimate(
        value=per * k / n,
        ci=(per * lo, per * hi),
        n=n,
        formula=(f"rate = {formula_number(per)} × numerator / denominator"
                 f" = {formula_number(per)} × {k} / {n}"),
        unit="%" if per == 100 else "",
        ci_method=WILSON,
        level=level,
    )


# --------------------------------------------------------------------------- the programme


def _programme_rate(measure: str, count_name: str, count, den_text: str, den: int,
                    level: float) -> Estimate:
    if count > den:
        raise ValueError(f"{count_name} ({count}) is larger than its denominator {den_text}")
    est = rate_per(count, den, 100, level=level)
    return est.with_(formula=(f"{measure} = 100 × {count_name} / {den_text}"
                              f" = 100 × {count} / {den}"))


def recovery_rate(recovered, finished, not_at_caseness, *, level: float = 0.95) -> Estimate:
    """NHS Talking Therapies recovery rate, in percent, with a Wilson score interval.

        recovery rate = 100 × recovered / (finished − not_at_caseness)

    The official construction (NHS Talking Therapies annual report metadata, measure
    Percentage_Recovery: Count_Recovery / (Count_FinishedCourseTreatment −
    Count_NotAtCaseness)): referrals that were not at caseness at their first assessment
    cannot "move to recovery" and leave the denominator. The denominator is not
    ``at_caseness``. Interval: Wilson (1927) / Newcombe (1998) method 3, scaled to percent.
    """
    recovered = check_count("recovered", recovered)
    finished = check_count("finished", finished)
    not_at_caseness = check_count("not_at_caseness", not_at_caseness)
    text = (f"finished − not_at_caseness = {finished} − {not_at_caseness}"
            f" (finished={finished}, not_at_caseness={not_at_caseness})")
    den = _ratio_denominator(finished - not_at_caseness, text)
    return _programme_rate("recovery rate", "recovered", recovered,
                           "(finished − not_at_caseness)", den, level)


def reliable_recovery_rate(reliably_recovered, finished, not_at_caseness, *,
                           level: float = 0.95) -> Estimate:
    """NHS Talking Therapies reliable recovery rate, in percent, with a Wilson interval.

        reliable recovery rate = 100 × reliably_recovered / (finished − not_at_caseness)

    Same denominator as the recovery rate (annual report metadata, measure
    Percentage_ReliableRecovery: Count_ReliableRecovery / (Count_FinishedCourseTreatment −
    Count_NotAtCaseness)). Interval: Wilson (1927) / Newcombe (1998) method 3.
    """
    reliably_recovered = check_count("reliably_recovered", reliably_recovered)
    finished = check_count("finished", finished)
    not_at_caseness = check_count("not_at_caseness", not_at_caseness)
    text = (f"finished − not_at_caseness = {finished} − {not_at_caseness}"
            f" (finished={finished}, not_at_caseness={not_at_caseness})")
    den = _ratio_denominator(finished - not_at_caseness, text)
    return _programme_rate("reliable recovery rate", "reliably_recovered", reliably_recovered,
                           "(finished − not_at_caseness)", den, level)


def reliable_improvement_rate(reliably_improved, finished, *, level: float = 0.95) -> Estimate:
    """NHS Talking Therapies reliable improvement rate, in percent, with a Wilson interval.

        reliable improvement rate = 100 × reliably_improved / finished

    Annual report metadata, measure Percentage_Improvement: Count_Improvement /
    Count_FinishedCourseTreatment (all referrals that finished a course of treatment).
    Interval: Wilson (1927) / Newcombe (1998) method 3.
    """
    reliably_improved = check_count("reliably_improved", reliably_improved)
    finished = check_count("finished", finished)
    den = _ratio_denominator(finished, f"finished={finished}")
    return _programme_rate("reliable improvement rate", "reliably_improved", reliably_improved,
                           "finished", den, level)
