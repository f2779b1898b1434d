"""Standardised effect sizes: the d family with noncentral-t intervals, conversions
between d, r and odds ratios, the number needed to treat, and the programme's pre-post
"effect size".

scipy is imported only inside the function that inverts the noncentral t distribution
(importing this module stays fast); the normal distribution comes from the standard
library (``statistics.NormalDist``).
"""

from __future__ import annotations

import math
from statistics import NormalDist

from toulmin.definitions.effects.arguments import (
    check_count,
    check_level,
    check_number,
    check_sd,
    formula_number,
)
from toulmin.definitions.estimate import Estimate

_NORMAL = NormalDist()
NCT = "noncentral t"


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


# --------------------------------------------------------------------------- d family


def _pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def _d_interval(d: float, n1: int, n2: int, level: float) -> tuple[float, float]:
    """The noncentral-t interval for d_s: t = d·√(n1n2/(n1+n2)) on n1 + n2 − 2 df."""
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    lo, hi = _nct_noncentrality_ci(d * scale, n1 + n2 - 2, level)
    return lo / scale, hi / scale


def _two_groups(m1, sd1, n1, m2, sd2, n2) -> tuple[float, float, int, float, float, int]:
    return (check_number("m1", m1), check_sd("sd1", sd1), check_count("n1", n1, minimum=2),
            check_number("m2", m2), check_sd("sd2", sd2), check_count("n2", n2, minimum=2))


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
    level = check_level(level)
    sp = _pooled_sd(sd1, n1, sd2, n2)
    d = (m1 - m2) / sp
    return Estimate(
        value=d,
        ci=_d_interval(d, n1, n2, level),
        n=n1 + n2,
        formula=(f"Cohen's d_s = (mean 1 − mean 2) / pooled SD = ({formula_number(m1)} −"
                 f" {formula_number(m2)})"
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
    df = check_number("df", df)
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
    level = check_level(level)
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
    level = check_level(level)
    delta = (m1 - m2) / sd2
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    lo, hi = _nct_noncentrality_ci(delta * scale, n2 - 1, level)
    return Estimate(
        value=delta,
        ci=(lo / scale, hi / scale),
        n=n1 + n2,
        formula=(f"Glass's Δ = (mean 1 − mean 2) / SD of group 2 (control) ="
                 f" ({formula_number(m1)} − {formula_number(m2)}) / {formula_number(sd2)}"
                 " (Glass 1976; Hedges 1981)"),
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
    t = check_number("t", t)
    n1 = check_count("n1", n1, minimum=2)
    n2 = check_count("n2", n2, minimum=2)
    level = check_level(level)
    scale = math.sqrt(1 / n1 + 1 / n2)
    lo, hi = _nct_noncentrality_ci(t, n1 + n2 - 2, level)
    return Estimate(
        value=t * scale,
        ci=(lo * scale, hi * scale),
        n=n1 + n2,
        formula=(f"Cohen's d_s = t × √(1/n1 + 1/n2) = {formula_number(t)} × √(1/{n1} + 1/{n2})"
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
    mean_diff = check_number("mean_diff", mean_diff)
    sd_diff = check_sd("sd_diff", sd_diff)
    level = check_level(level)
    dz = mean_diff / sd_diff
    formula = (f"Cohen's d_z = mean difference / SD of differences = {formula_number(mean_diff)} /"
               f" {formula_number(sd_diff)} (Lakens 2013, eq. 6)")
    if n is None:
        return Estimate(value=dz, formula=formula, unit="", level=level)
    n = check_count("n", n, minimum=2)
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
    r = check_number("r", r)
    if not -1 < r < 1:
        raise ValueError(f"r must be strictly between -1 and 1, got {r!r}")
    return 2 * r / math.sqrt(1 - r * r)


def d_to_r(d, n1=None, n2=None) -> float:
    """d converted to a (point-biserial) correlation: r = d / √(d² + a).

    Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 7, eqs. 7.7-7.8:
    a = (n1 + n2)² / (n1·n2), which is 4 for equal groups (the value used when n1 and n2 are
    not given). Give both n1 and n2 or neither.
    """
    d = check_number("d", d)
    if (n1 is None) != (n2 is None):
        raise ValueError(f"give both n1 and n2 or neither, got n1={n1!r}, n2={n2!r}")
    if n1 is None:
        a = 4.0
    else:
        n1 = check_count("n1", n1, minimum=1)
        n2 = check_count("n2", n2, minimum=1)
        a = (n1 + n2) ** 2 / (n1 * n2)
    return d / math.sqrt(d * d + a)


def odds_ratio_to_d(or_) -> float:
    """An odds ratio converted to d by the logit method: d = ln(OR) · √3 / π.

    Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 7, eq. 7.1; Chinn (2000),
    "A simple method for converting an odds ratio to effect size for use in meta-analysis",
    Statistics in Medicine 19:3127-3131. Requires OR > 0.
    """
    x = check_number("or_", or_)
    if x <= 0:
        raise ValueError(f"or_ must be > 0 (an odds ratio), got {or_!r}")
    return math.log(x) * math.sqrt(3) / math.pi


def d_to_odds_ratio(d) -> float:
    """d converted to an odds ratio by the logit method: OR = exp(π·d / √3).

    Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 7, eq. 7.3 (ln OR = π·d/√3);
    Chinn (2000), Statistics in Medicine 19:3127-3131.
    """
    d = check_number("d", d)
    return math.exp(math.pi * d / math.sqrt(3))


def variance_explained_to_r(share) -> float:
    """The share of variance explained (r², as a fraction 0..1) converted to |r| = √share.

    The definition of the coefficient of determination for a simple correlation (Cohen 1988,
    Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 3: r² is the
    proportion of variance accounted for). The sign of r is not recoverable.
    """
    x = check_number("share", share)
    if not 0 <= x <= 1:
        raise ValueError(f"share must be a fraction between 0 and 1, got {share!r}")
    return math.sqrt(x)


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
    mean_first = check_number("mean_first", mean_first)
    sd_first = check_sd("sd_first", sd_first)
    mean_last = check_number("mean_last", mean_last)
    return Estimate(
        value=(mean_first - mean_last) / sd_first,
        formula=(f"pre-post effect size = (mean first score − mean last score) / SD of first"
                 f" scores = ({formula_number(mean_first)} − {formula_number(mean_last)})"
                 f" / {formula_number(sd_first)}"
                 " (NHS Talking Therapies metadata, EffectSize)"),
        unit="",
    )


# --------------------------------------------------------------------------- NNT


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
    d = check_number("d", d)
    if control_event_rate is None:
        benefit = 2 * _NORMAL.cdf(d / math.sqrt(2)) - 1
    else:
        cer = check_number("control_event_rate", control_event_rate)
        if not 0 < cer < 1:
            raise ValueError(f"control_event_rate must be between 0 and 1 (exclusive),"
                             f" got {control_event_rate!r}")
        benefit = _NORMAL.cdf(d + _NORMAL.inv_cdf(cer)) - cer
    return math.inf if benefit == 0 else 1 / benefit
