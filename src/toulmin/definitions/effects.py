"""Effect sizes, rates, intervals and reliable-change arithmetic, each with its source.

Every function names, in its docstring, the formula it computes and the publication it
follows. Functions that estimate something return an :class:`~toulmin.definitions.estimate.Estimate`
(value, 95% interval where one exists and how it was computed, n, the formula in words);
plain conversions between effect-size metrics return a float.

Inputs are checked: a negative or non-integer count, an SD ≤ 0, a count larger than its
denominator, a value outside its range all raise ``ValueError`` with a one-line message that
names the argument and its value.

scipy is imported only inside the functions that need the noncentral t distribution
(importing this module stays fast); Wilson intervals and the normal distribution come
from the standard library (``statistics.NormalDist``).
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from statistics import NormalDist

from toulmin.definitions.estimate import Estimate

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

_NORMAL = NormalDist()
NCT = "noncentral t"
WILSON = "Wilson score"


# --------------------------------------------------------------------------- validation


def _number(name: str, value) -> float:
    """``value`` as a finite float, or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return x


def _integer(name: str, value, requirement: str) -> int:
    """``value`` as an int (integral floats such as 12.0 are accepted)."""
    if not isinstance(value, bool):
        if isinstance(value, Integral):
            return int(value)
        if isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
            return int(value)
    raise ValueError(f"{name} must be {requirement}, got {value!r}")


def _count(name: str, value, minimum: int = 0) -> int:
    """``value`` as an int ≥ ``minimum``, or ValueError naming ``name``."""
    requirement = f"an integer ≥ {minimum}"
    k = _integer(name, value, requirement)
    if k < minimum:
        raise ValueError(f"{name} must be {requirement}, got {value!r}")
    return k


def _sd(name: str, value) -> float:
    x = _number(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0 (a standard deviation), got {value!r}")
    return x


def _level(level) -> float:
    x = _number("level", level)
    if not 0 < x < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    return x


def _fmt(x: float) -> str:
    """A number for a formula string: integers without decimals, others to 6 significant."""
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


# --------------------------------------------------------------------------- intervals


def _nct_noncentrality_ci(t: float, df: float, level: float) -> tuple[float, float]:
    """The interval for the noncentrality parameter δ of a t statistic ``t`` on ``df``.

    Inverts the noncentral t distribution (Steiger & Fouladi 1997; Cumming & Finch 2001,
    Educational and Psychological Measurement 61:532-574): the lower limit δ_L solves
    F(t; df, δ_L) = 1 − α/2 and the upper limit δ_U solves F(t; df, δ_U) = α/2, where F is
    the noncentral t CDF and α = 1 − level.
    F is decreasing in δ, so each limit is bracketed by stepping outward from δ = t and then
    found with Brent's method.
    """
    from scipy.optimize import brentq
    from scipy.stats import nct

    alpha = 1 - level

    def solve(p: float, direction: float) -> float:
        def f(delta: float) -> float:
            return float(nct.cdf(t, df, delta)) - p

        near = t
        step = 1.0
        far = t + direction * step
        for _ in range(200):
            if (f(far) > 0) != (f(near) > 0):
                break
            near, step = far, step * 2
            far = near + direction * step
        else:  # pragma: no cover - the CDF always crosses p for finite t
            raise ArithmeticError(f"could not bracket the noncentral t limit for t={t}, df={df}")
        lo, hi = sorted((near, far))
        return float(brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=500))

    lower = solve(1 - alpha / 2, -1.0)
    upper = solve(alpha / 2, +1.0)
    return lower, upper


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion k/n, as fractions 0..1.

    Wilson (1927), "Probable inference, the law of succession, and statistical inference",
    JASA 22:209-212; Newcombe (1998), "Two-sided confidence intervals for the single
    proportion: comparison of seven methods", Statistics in Medicine 17:857-872, method 3
    (score interval without continuity correction):

        (2k + z² ± z·√(z² + 4k(n − k)/n)) / (2(n + z²)),  z = Φ⁻¹(1 − α/2)

    The limits are exactly 0 when k = 0 and exactly 1 when k = n.
    """
    k = _count("k", k)
    n = _count("n", n, minimum=1)
    if k > n:
        raise ValueError(f"k ({k}) is larger than its denominator n ({n})")
    z = _NORMAL.inv_cdf(1 - (1 - _level(level)) / 2)
    z2 = z * z
    centre = (k + z2 / 2) / (n + z2)
    half = z * math.sqrt(k * (n - k) / n + z2 / 4) / (n + z2)
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


# --------------------------------------------------------------------------- d family


def _pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def _d_interval(d: float, n1: int, n2: int, level: float) -> tuple[float, float]:
    """The noncentral-t interval for d_s: t = d·√(n1n2/(n1+n2)) on n1 + n2 − 2 df."""
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    lo, hi = _nct_noncentrality_ci(d * scale, n1 + n2 - 2, level)
    return lo / scale, hi / scale


def _two_groups(m1, sd1, n1, m2, sd2, n2) -> tuple[float, float, int, float, float, int]:
    return (_number("m1", m1), _sd("sd1", sd1), _count("n1", n1, minimum=2),
            _number("m2", m2), _sd("sd2", sd2), _count("n2", n2, minimum=2))


def cohens_d(m1, sd1, n1, m2, sd2, n2, *, level: float = 0.95) -> Estimate:
    """Cohen's d_s for two independent groups, standardised by the pooled SD.

    Lakens (2013), "Calculating and reporting effect sizes to facilitate cumulative science:
    a practical primer for t-tests and ANOVAs", Frontiers in Psychology 4:863, eq. 1:

        d_s = (m1 − m2) / s_pooled,
        s_pooled = √(((n1 − 1)·sd1² + (n2 − 1)·sd2²) / (n1 + n2 − 2))

    The interval inverts the noncentral t distribution of the observed
    t = d_s·√(n1·n2/(n1 + n2)) on n1 + n2 − 2 degrees of freedom, then divides the limits
    for the noncentrality parameter by √(n1·n2/(n1 + n2)) (Steiger & Fouladi 1997,
    "Noncentrality interval estimation and the evaluation of statistical models", in
    Harlow, Mulaik & Steiger (eds), What if there were no significance tests?, pp. 221-257;
    Cumming & Finch 2001, Educational and Psychological Measurement 61:532-574). It assumes
    normal data with equal population SDs.
    """
    m1, sd1, n1, m2, sd2, n2 = _two_groups(m1, sd1, n1, m2, sd2, n2)
    level = _level(level)
    sp = _pooled_sd(sd1, n1, sd2, n2)
    d = (m1 - m2) / sp
    return Estimate(
        value=d,
        ci=_d_interval(d, n1, n2, level),
        n=n1 + n2,
        formula=(f"Cohen's d_s = (mean 1 − mean 2) / pooled SD = ({_fmt(m1)} − {_fmt(m2)})"
                 f" / {sp:.6g}; pooled SD = √(((n1 − 1)·SD1² + (n2 − 1)·SD2²) / (n1 + n2 − 2))"
                 f" with n1 = {n1}, n2 = {n2} (Lakens 2013, eq. 1)"),
        unit="",
        ci_method=NCT,
        level=level,
    )


def hedges_j(df, correction: str = "exact") -> float:
    """Hedges' small-sample correction factor J for ``df`` degrees of freedom.

    Exact (Hedges 1981, "Distribution theory for Glass's estimator of effect size and
    related estimators", Journal of Educational Statistics 6:107-128):

        J(df) = Γ(df/2) / (√(df/2) · Γ((df − 1)/2))

    computed through log-gamma (``math.lgamma``, the same function as
    ``scipy.special.gammaln``). ``correction="approximate"`` gives the approximation used by
    Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, eq. 4.22,
    and Lakens (2013) eq. 4: J ≈ 1 − 3/(4·df − 1). The approximation is slightly too large,
    by about 1/(32·df²): 3·10⁻⁴ at df = 10, 2·10⁻⁵ at df = 40, 5·10⁻⁶ at df = 80.
    """
    df = _number("df", df)
    if df <= 1:
        raise ValueError(f"df must be > 1 for Hedges' correction, got {df!r}")
    if correction == "exact":
        return math.exp(math.lgamma(df / 2) - 0.5 * math.log(df / 2) - math.lgamma((df - 1) / 2))
    if correction == "approximate":
        return 1 - 3 / (4 * df - 1)
    raise ValueError(f"correction must be 'exact' or 'approximate', got {correction!r}")


def hedges_g(m1, sd1, n1, m2, sd2, n2, *, correction: str = "exact",
             level: float = 0.95) -> Estimate:
    """Hedges' g_s: Cohen's d_s times the small-sample correction J(df), df = n1 + n2 − 2.

        g_s = J(df) · d_s,   J(df) = Γ(df/2) / (√(df/2) · Γ((df − 1)/2))

    Hedges (1981), Journal of Educational Statistics 6:107-128 (exact J, the unbiased
    estimator); ``correction="approximate"`` uses J ≈ 1 − 3/(4·df − 1) as in Borenstein et
    al. (2009), Introduction to Meta-Analysis, eqs. 4.22-4.23, and Lakens (2013), eq. 4.
    The interval is d_s's noncentral-t interval (see :func:`cohens_d`) multiplied by J.
    """
    m1, sd1, n1, m2, sd2, n2 = _two_groups(m1, sd1, n1, m2, sd2, n2)
    level = _level(level)
    df = n1 + n2 - 2
    j = hedges_j(df, correction)
    d = (m1 - m2) / _pooled_sd(sd1, n1, sd2, n2)
    lo, hi = _d_interval(d, n1, n2, level)
    jtext = ("J = Γ(df/2) / (√(df/2)·Γ((df − 1)/2))" if correction == "exact"
             else "J = 1 − 3/(4·df − 1)")
    return Estimate(
        value=j * d,
        ci=(j * lo, j * hi),
        n=n1 + n2,
        formula=(f"Hedges' g_s = J × Cohen's d_s = {j:.6g} × {d:.6g}; {jtext} with"
                 f" df = n1 + n2 − 2 = {df} (Hedges 1981; Lakens 2013, eq. 4)"),
        unit="",
        ci_method=NCT,
        level=level,
    )


def glass_delta(m1, sd1, n1, m2, sd2, n2, *, level: float = 0.95) -> Estimate:
    """Glass's Δ: the difference in means standardised by the control group's SD (group 2).

        Δ = (m1 − m2) / sd2

    Glass (1976), "Primary, secondary, and meta-analysis of research", Educational Researcher
    5(10):3-8; distribution theory in Hedges (1981), Journal of Educational Statistics
    6:107-128: with normal data and equal population SDs, Δ·√(n1·n2/(n1 + n2)) follows a
    noncentral t distribution on n2 − 1 degrees of freedom (only the control SD enters the
    denominator). The interval inverts that noncentral t (as for :func:`cohens_d`) and
    divides the limits by √(n1·n2/(n1 + n2)); it is exact only if the two groups' population
    SDs are equal. ``sd1`` is validated but does not enter the value.
    """
    m1, sd1, n1, m2, sd2, n2 = _two_groups(m1, sd1, n1, m2, sd2, n2)
    level = _level(level)
    delta = (m1 - m2) / sd2
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    lo, hi = _nct_noncentrality_ci(delta * scale, n2 - 1, level)
    return Estimate(
        value=delta,
        ci=(lo / scale, hi / scale),
        n=n1 + n2,
        formula=(f"Glass's Δ = (mean 1 − mean 2) / SD of group 2 (control) = ({_fmt(m1)} −"
                 f" {_fmt(m2)}) / {_fmt(sd2)} (Glass 1976; Hedges 1981)"),
        unit="",
        ci_method=NCT,
        level=level,
    )


def d_from_t(t, n1, n2, *, level: float = 0.95) -> Estimate:
    """Cohen's d_s recovered from an independent-groups t statistic.

    Lakens (2013), Frontiers in Psychology 4:863, eq. 2:

        d_s = t · √(1/n1 + 1/n2)

    The interval inverts the noncentral t distribution of t on n1 + n2 − 2 degrees of
    freedom (Steiger & Fouladi 1997; Cumming & Finch 2001), scaled by √(1/n1 + 1/n2).
    """
    t = _number("t", t)
    n1 = _count("n1", n1, minimum=2)
    n2 = _count("n2", n2, minimum=2)
    level = _level(level)
    scale = math.sqrt(1 / n1 + 1 / n2)
    lo, hi = _nct_noncentrality_ci(t, n1 + n2 - 2, level)
    return Estimate(
        value=t * scale,
        ci=(lo * scale, hi * scale),
        n=n1 + n2,
        formula=(f"Cohen's d_s = t × √(1/n1 + 1/n2) = {_fmt(t)} × √(1/{n1} + 1/{n2})"
                 " (Lakens 2013, eq. 2)"),
        unit="",
        ci_method=NCT,
        level=level,
    )


def d_paired(mean_diff, sd_diff, n=None, *, level: float = 0.95) -> Estimate:
    """Cohen's d_z for paired (within-subjects) data: the mean difference over its SD.

    Lakens (2013), Frontiers in Psychology 4:863, eq. 6:

        d_z = M_diff / S_diff

    With ``n`` (the number of pairs) the interval inverts the noncentral t distribution of
    t = d_z·√n on n − 1 degrees of freedom and divides the limits by √n (Steiger & Fouladi
    1997; Cumming & Finch 2001). Without ``n`` there is no interval.
    """
    mean_diff = _number("mean_diff", mean_diff)
    sd_diff = _sd("sd_diff", sd_diff)
    level = _level(level)
    dz = mean_diff / sd_diff
    formula = (f"Cohen's d_z = mean difference / SD of differences = {_fmt(mean_diff)} /"
               f" {_fmt(sd_diff)} (Lakens 2013, eq. 6)")
    if n is None:
        return Estimate(value=dz, formula=formula, unit="", level=level)
    n = _count("n", n, minimum=2)
    root = math.sqrt(n)
    lo, hi = _nct_noncentrality_ci(dz * root, n - 1, level)
    return Estimate(value=dz, ci=(lo / root, hi / root), n=n, formula=formula, unit="",
                    ci_method=NCT, level=level)


# --------------------------------------------------------------------------- conversions


def r_to_d(r) -> float:
    """A correlation converted to d: d = 2r / √(1 − r²).

    Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, ch. 7,
    eq. 7.5. Requires −1 < r < 1.
    """
    r = _number("r", r)
    if not -1 < r < 1:
        raise ValueError(f"r must be strictly between -1 and 1, got {r!r}")
    return 2 * r / math.sqrt(1 - r * r)


def d_to_r(d, n1=None, n2=None) -> float:
    """d converted to a (point-biserial) correlation: r = d / √(d² + a).

    Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 7, eqs. 7.7-7.8:
    a = (n1 + n2)² / (n1·n2), which is 4 for equal groups (the value used when n1 and n2 are
    not given). Give both n1 and n2 or neither.
    """
    d = _number("d", d)
    if (n1 is None) != (n2 is None):
        raise ValueError(f"give both n1 and n2 or neither, got n1={n1!r}, n2={n2!r}")
    if n1 is None:
        a = 4.0
    else:
        n1 = _count("n1", n1, minimum=1)
        n2 = _count("n2", n2, minimum=1)
        a = (n1 + n2) ** 2 / (n1 * n2)
    return d / math.sqrt(d * d + a)


def odds_ratio_to_d(or_) -> float:
    """An odds ratio converted to d by the logit method: d = ln(OR) · √3 / π.

    Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 7, eq. 7.1; Chinn (2000),
    "A simple method for converting an odds ratio to effect size for use in meta-analysis",
    Statistics in Medicine 19:3127-3131. Requires OR > 0.
    """
    x = _number("or_", or_)
    if x <= 0:
        raise ValueError(f"or_ must be > 0 (an odds ratio), got {or_!r}")
    return math.log(x) * math.sqrt(3) / math.pi


def d_to_odds_ratio(d) -> float:
    """d converted to an odds ratio by the logit method: OR = exp(π·d / √3).

    Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 7, eq. 7.3 (ln OR = π·d/√3);
    Chinn (2000), Statistics in Medicine 19:3127-3131.
    """
    d = _number("d", d)
    return math.exp(math.pi * d / math.sqrt(3))


def variance_explained_to_r(share) -> float:
    """The share of variance explained (r², as a fraction 0..1) converted to |r| = √share.

    The definition of the coefficient of determination for a simple correlation (Cohen 1988,
    Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 3: r² is the
    proportion of variance accounted for). The sign of r is not recoverable.
    """
    x = _number("share", share)
    if not 0 <= x <= 1:
        raise ValueError(f"share must be a fraction between 0 and 1, got {share!r}")
    return math.sqrt(x)


# --------------------------------------------------------------------------- proportions


def proportion(k, n, *, level: float = 0.95) -> Estimate:
    """A proportion k/n (a fraction 0..1) with its Wilson score interval.

        p = k / n;  interval (2k + z² ± z·√(z² + 4k(n − k)/n)) / (2(n + z²))

    Wilson (1927), JASA 22:209-212; Newcombe (1998), Statistics in Medicine 17:857-872,
    method 3.
    """
    k = _count("k", k)
    n = _count("n", n, minimum=1)
    if k > n:
        raise ValueError(f"k ({k}) is larger than its denominator n ({n})")
    level = _level(level)
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
    k = _count("numerator", numerator)
    n = _integer("denominator", denominator, "an integer")
    _ratio_denominator(n, f"denominator={n}")
    if k > n:
        raise ValueError(f"numerator ({k}) is larger than its denominator ({n})")
    per = _number("per", per)
    if per <= 0:
        raise ValueError(f"per must be > 0, got {per!r}")
    level = _level(level)
    lo, hi = wilson_interval(k, n, level)
    return Estimate(
        value=per * k / n,
        ci=(per * lo, per * hi),
        n=n,
        formula=f"rate = {_fmt(per)} × numerator / denominator = {_fmt(per)} × {k} / {n}",
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
    recovered = _count("recovered", recovered)
    finished = _count("finished", finished)
    not_at_caseness = _count("not_at_caseness", not_at_caseness)
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
    reliably_recovered = _count("reliably_recovered", reliably_recovered)
    finished = _count("finished", finished)
    not_at_caseness = _count("not_at_caseness", not_at_caseness)
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
    reliably_improved = _count("reliably_improved", reliably_improved)
    finished = _count("finished", finished)
    den = _ratio_denominator(finished, f"finished={finished}")
    return _programme_rate("reliable improvement rate", "reliably_improved", reliably_improved,
                           "finished", den, level)


def pre_post_d(mean_first, sd_first, mean_last) -> Estimate:
    """The programme's published "effect size": pre-post change over the SD of first scores.

        effect size = (mean first score − mean last score) / SD of first scores

    NHS Talking Therapies annual report 2024-25 metadata, field EffectSize ("Cohen's D effect
    size of difference between first and last recorded scores"; technical construction
    "(MeanStart - MeanEnd) / England-level SDStart"). Positive values mean scores fell
    (symptoms improved on PHQ-9, GAD-7, WSAS). It is an uncontrolled within-group change,
    not a treatment-versus-control d; no interval is given because the correlation between
    first and last scores is not published.
    """
    mean_first = _number("mean_first", mean_first)
    sd_first = _sd("sd_first", sd_first)
    mean_last = _number("mean_last", mean_last)
    return Estimate(
        value=(mean_first - mean_last) / sd_first,
        formula=(f"pre-post effect size = (mean first score − mean last score) / SD of first"
                 f" scores = ({_fmt(mean_first)} − {_fmt(mean_last)}) / {_fmt(sd_first)}"
                 " (NHS Talking Therapies metadata, EffectSize)"),
        unit="",
    )


# --------------------------------------------------------------------------- NNT, reliable change


def nnt_from_d(d, control_event_rate=None) -> float:
    """The number needed to treat implied by a standardised mean difference d.

    Without a control event rate (CER), Kraemer & Kupfer (2006), "Size of treatment effects
    and their importance to clinical research and practice", Biological Psychiatry
    59:990-996 (via the area under the curve, AUC = Φ(d/√2)):

        NNT = 1 / (2·Φ(d/√2) − 1)

    With a CER (the proportion of control patients with the good outcome, 0 < CER < 1),
    Furukawa (1999), "From effect size into number needed to treat", Lancet 353:1680:

        NNT = 1 / (Φ(d + Φ⁻¹(CER)) − CER)

    Returns ``math.inf`` for d = 0 and a negative number (a number needed to harm) for d < 0.
    """
    d = _number("d", d)
    if control_event_rate is None:
        benefit = 2 * _NORMAL.cdf(d / math.sqrt(2)) - 1
    else:
        cer = _number("control_event_rate", control_event_rate)
        if not 0 < cer < 1:
            raise ValueError(f"control_event_rate must be between 0 and 1 (exclusive),"
                             f" got {control_event_rate!r}")
        benefit = _NORMAL.cdf(d + _NORMAL.inv_cdf(cer)) - cer
    return math.inf if benefit == 0 else 1 / benefit


def _reliable_sdiff(sd, reliability) -> tuple[float, float, float]:
    sd = _sd("sd", sd)
    r = _number("reliability", reliability)
    if not 0 <= r < 1:
        raise ValueError(f"reliability must be in [0, 1), got {reliability!r}")
    se = sd * math.sqrt(1 - r)
    return sd, r, math.sqrt(2 * se * se)


def reliable_change_index(x1, x2, sd, reliability) -> Estimate:
    """Jacobson & Truax's reliable change index for one person's change from x1 to x2.

    Jacobson & Truax (1991), "Clinical significance: a statistical approach to defining
    meaningful change in psychotherapy research", Journal of Consulting and Clinical
    Psychology 59:12-19, p. 14:

        SE = sd · √(1 − r),   S_diff = √(2·SE²),   RCI = (x2 − x1) / S_diff

    where sd is the SD of the measure (pre-treatment, or a normal population) and r its
    reliability (test-retest or internal consistency). |RCI| > 1.96 is a reliable change
    at p < .05. The sign follows x2 − x1: on symptom scales a negative RCI is improvement.
    """
    x1 = _number("x1", x1)
    x2 = _number("x2", x2)
    sd, r, sdiff = _reliable_sdiff(sd, reliability)
    return Estimate(
        value=(x2 - x1) / sdiff,
        formula=(f"RCI = (x2 − x1) / S_diff = ({_fmt(x2)} − {_fmt(x1)}) / {sdiff:.6g};"
                 f" S_diff = √2 × SD × √(1 − r) with SD = {_fmt(sd)}, r = {_fmt(r)}"
                 " (Jacobson & Truax 1991)"),
        unit="",
    )


def reliable_change_threshold(sd, reliability, z=1.96) -> float:
    """The smallest change that is reliable: z · S_diff, S_diff = √2 · sd · √(1 − r).

    Jacobson & Truax (1991), Journal of Consulting and Clinical Psychology 59:12-19, p. 14
    (a change is reliable when |RCI| > z, z = 1.96 for p < .05). A change of exactly this
    size has |RCI| = z.
    """
    _, _, sdiff = _reliable_sdiff(sd, reliability)
    z = _number("z", z)
    if z <= 0:
        raise ValueError(f"z must be > 0, got {z!r}")
    return z * sdiff
