"""toulmin.effects against published values, a trusted tool, and definitional identities.

Every reference value has its source in a comment beside the assertion. Values that are
identities (round trips, a formula evaluated at its own threshold) say so.
"""

from __future__ import annotations

import itertools
import math
import statistics
import subprocess
import sys

import pytest

from toulmin.definitions import effects
from toulmin.definitions.estimate import Estimate

# --------------------------------------------------------------------------- Lakens (2013)
# Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science:
# a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863,
# doi:10.3389/fpsyg.2013.00863. Table 1: ratings of two movies by the same 10 people.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def _lakens_groups() -> tuple[float, float, int, float, float, int]:
    return (statistics.mean(MOVIE_1), statistics.stdev(MOVIE_1), len(MOVIE_1),
            statistics.mean(MOVIE_2), statistics.stdev(MOVIE_2), len(MOVIE_2))


def _lakens_differences() -> tuple[float, float, int]:
    diffs = [a - b for a, b in zip(MOVIE_1, MOVIE_2, strict=True)]
    return statistics.mean(diffs), statistics.stdev(diffs), len(diffs)


def test_lakens_between_subjects_d_s():
    d = effects.cohens_d(*_lakens_groups())
    assert isinstance(d, Estimate)
    assert round(d.value, 2) == 1.13  # Lakens 2013, between-subjects example: d_s = 1.13
    assert d.n == 20
    assert d.ci_method == "noncentral t" and d.ci[0] < d.value < d.ci[1]
    assert "pooled SD" in d.formula


def test_lakens_between_subjects_t():
    m1, s1, n1, m2, s2, n2 = _lakens_groups()
    d = effects.cohens_d(m1, s1, n1, m2, s2, n2).value
    t = d * math.sqrt(n1 * n2 / (n1 + n2))
    assert round(t, 2) == 2.52  # Lakens 2013: t(18) = 2.52 for the between-subjects test


def test_lakens_hedges_g_s():
    g = effects.hedges_g(*_lakens_groups())
    assert round(g.value, 2) == 1.08  # Lakens 2013: Hedges' g_s = 1.08
    approx = effects.hedges_g(*_lakens_groups(), correction="approximate")
    assert round(approx.value, 2) == 1.08  # Lakens 2013 eq. 4 (the approximate J): 1.08


def test_lakens_d_from_t_reproduces_d_s():
    d = effects.d_from_t(2.52, 10, 10)
    assert round(d.value, 2) == 1.13  # Lakens 2013: t(18) = 2.52 -> d_s = 1.13 (eq. 2)
    assert d.n == 20 and d.ci_method == "noncentral t"


def test_lakens_within_subjects_d_z():
    mean_diff, sd_diff, n = _lakens_differences()
    dz = effects.d_paired(mean_diff, sd_diff, n)
    assert round(dz.value, 2) == 1.50  # Lakens 2013, within-subjects example: d_z = 1.50
    assert round(dz.value * math.sqrt(n), 2) == 4.74  # Lakens 2013: t(9) = 4.74
    assert dz.n == 10 and dz.ci[0] < dz.value < dz.ci[1]


def test_d_paired_without_n_has_no_interval():
    dz = effects.d_paired(1.0, 2.0)
    assert dz.value == 0.5 and dz.ci is None and dz.n is None  # definition: 1 / 2


# --------------------------------------------------------------------------- Borenstein (2009)
# Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis (Wiley),
# Table 14.1 ("Dataset 1"): treated mean, SD, n, control mean, SD, n. The same rows are
# typed into W. Viechtbauer's metafor companion to the book (github.com/wviechtb/
# meta_analysis_books, borenstein2009.rmd, "Table 14.1: Dataset 1").
BORENSTEIN_14_1 = {
    "Carroll": (94, 22, 60, 92, 20, 60),
    "Grant": (98, 21, 65, 92, 22, 65),
    "Peck": (98, 28, 40, 88, 26, 40),
    "Donat": (94, 19, 200, 82, 17, 200),
    "Stewart": (98, 21, 50, 88, 22, 45),
    "Young": (96, 21, 85, 92, 22, 85),
}
# Hedges' g with the book's J = 1 − 3/(4df − 1) (ch. 4, eqs. 4.18-4.23) applied to Table 14.1,
# to 4 decimals: the g column of the book's chapter 14 worked example. Provenance: obtained
# here from the book's equations and data; not re-read from a copy of the book. NOTE: the
# values 0.0951, 0.2772, 0.3650, 0.6632, 0.4569, 0.1817 (given to us as "published") do NOT
# follow from Table 14.1's data; 0.0951 is Carroll's d, not its g.
BORENSTEIN_G = {
    "Carroll": 0.0945, "Grant": 0.2774, "Peck": 0.3665,
    "Donat": 0.6644, "Stewart": 0.4618, "Young": 0.1852,
}
BORENSTEIN_D = {  # Cohen's d (book eq. 4.18, before the J correction), to 4 decimals
    "Carroll": 0.0951, "Grant": 0.2790, "Peck": 0.3701,
    "Donat": 0.6656, "Stewart": 0.4656, "Young": 0.1860,
}


@pytest.mark.parametrize("study", list(BORENSTEIN_14_1))
def test_borenstein_hedges_g_approximate_j(study):
    g = effects.hedges_g(*BORENSTEIN_14_1[study], correction="approximate")
    assert round(g.value, 4) == BORENSTEIN_G[study]  # Borenstein et al. 2009, ch. 14


@pytest.mark.parametrize("study", list(BORENSTEIN_14_1))
def test_borenstein_cohens_d(study):
    assert round(effects.cohens_d(*BORENSTEIN_14_1[study]).value, 4) == BORENSTEIN_D[study]


@pytest.mark.parametrize("study", list(BORENSTEIN_14_1))
def test_borenstein_hedges_g_exact_j(study):
    # The book's J = 1 − 3/(4df − 1) exceeds the exact J by about 1/(32·df²), at most
    # 5.2e-6 for these df (78 to 398), so the exact g is below the book's by at most
    # |d| × 5.2e-6 < 4e-6 (|d| ≤ 0.67): tolerance = half a unit in the 4th decimal + 4e-6.
    row = BORENSTEIN_14_1[study]
    df = row[2] + row[5] - 2
    delta_j = effects.hedges_j(df, "approximate") - effects.hedges_j(df)
    assert 0 < delta_j < 1.1 / (32 * df**2) <= 5.7e-6
    g = effects.hedges_g(*row)
    assert abs(g.value - BORENSTEIN_G[study]) <= 0.5e-4 + 4e-6  # book value ± rounding ± ΔJ·d


def test_hedges_j_exact_is_the_gamma_ratio():
    # Hedges (1981): J(m) = Γ(m/2) / (√(m/2) Γ((m − 1)/2)); J(2) = Γ(1)/(1·Γ(1/2)) = 1/√π
    assert effects.hedges_j(2) == pytest.approx(1 / math.sqrt(math.pi), rel=1e-12)
    # J(3) = Γ(3/2) / (√(3/2) Γ(1)) = (√π/2) / √1.5 (definition)
    assert effects.hedges_j(3) == pytest.approx(math.sqrt(math.pi) / 2 / math.sqrt(1.5))


def test_hedges_g_interval_is_d_interval_times_j():
    row = BORENSTEIN_14_1["Peck"]
    d, g = effects.cohens_d(*row), effects.hedges_g(*row)
    j = effects.hedges_j(row[2] + row[5] - 2)
    assert g.ci == pytest.approx((d.ci[0] * j, d.ci[1] * j), rel=1e-12)  # by construction


# --------------------------------------------------------------------------- noncentral t CIs


def _nct_cdf_by_integration(t: float, df: float, delta: float) -> float:
    """P(T ≤ t) for T = (Z + δ)/√(V/df), V ~ χ²_df: ∫ Φ(t·√(v/df) − δ) f_χ²(v) dv.

    An independent route to the noncentral t CDF (its definition), not scipy.stats.nct.
    """
    from scipy.integrate import quad
    from scipy.stats import chi2, norm

    spread = 30 * math.sqrt(2 * df)
    lo, hi = max(0.0, df - spread), df + spread
    value, _ = quad(lambda v: norm.cdf(t * math.sqrt(v / df) - delta) * chi2.pdf(v, df),
                    lo, hi, limit=400, epsabs=1e-12, epsrel=1e-10, points=[df])
    return value


CI_CASES = [
    # (function, args, df, scale): t and δ are the estimate and its limits × scale
    ("cohens_d", _lakens_groups(), 18, math.sqrt(10 * 10 / 20)),
    ("cohens_d", (10.0, 4.0, 12, 14.0, 5.0, 15), 25, math.sqrt(12 * 15 / 27)),
    ("d_paired", _lakens_differences(), 9, math.sqrt(10)),
    ("glass_delta", (8.7, 0.82, 10, 7.7, 0.95, 10), 9, math.sqrt(10 * 10 / 20)),
    ("d_from_t", (-3.1, 30, 25), 53, 1 / math.sqrt(1 / 30 + 1 / 25)),
]


@pytest.mark.parametrize(("name", "args", "df", "scale"), CI_CASES)
def test_noncentral_t_limits_satisfy_their_definition(name, args, df, scale):
    from scipy.stats import nct

    est = getattr(effects, name)(*args)
    t = est.value * scale
    lo, hi = est.ci[0] * scale, est.ci[1] * scale
    # Steiger & Fouladi (1997): δ_L has P(T ≤ t | δ_L) = .975, δ_U has P(T ≤ t | δ_U) = .025
    assert nct.cdf(t, df, lo) == pytest.approx(0.975, abs=1e-9)
    assert nct.cdf(t, df, hi) == pytest.approx(0.025, abs=1e-9)
    # the same limits, checked by integrating the definition of the noncentral t
    assert _nct_cdf_by_integration(t, df, lo) == pytest.approx(0.975, abs=1e-6)
    assert _nct_cdf_by_integration(t, df, hi) == pytest.approx(0.025, abs=1e-6)


def test_noncentral_t_interval_matches_normal_approximation_for_large_samples():
    # Large-sample variance of d (Hedges & Olkin 1985; Borenstein et al. 2009 eq. 4.20):
    # V_d = (n1 + n2)/(n1·n2) + d²/(2(n1 + n2)); the exact interval should agree with
    # d ± 1.96·√V_d to about 3 decimals when n1 = n2 = 5000.
    n1 = n2 = 5000
    d = effects.cohens_d(10.3, 1.0, n1, 10.0, 1.0, n2)
    half = 1.959964 * math.sqrt((n1 + n2) / (n1 * n2) + d.value**2 / (2 * (n1 + n2)))
    assert d.ci == pytest.approx((d.value - half, d.value + half), abs=1e-3)


def test_glass_delta_interval_matches_its_normal_approximation_for_large_samples():
    # Hedges (1981): for Glass's Δ with the control SD on n2 − 1 df,
    # V ≈ (n1 + n2)/(n1·n2) + Δ²/(2(n2 − 1)).
    n1 = n2 = 5000
    g = effects.glass_delta(10.3, 1.2, n1, 10.0, 1.0, n2)
    assert g.value == pytest.approx(0.3)  # (10.3 − 10.0) / 1.0 by definition
    half = 1.959964 * math.sqrt((n1 + n2) / (n1 * n2) + g.value**2 / (2 * (n2 - 1)))
    assert g.ci == pytest.approx((g.value - half, g.value + half), abs=1e-3)


def test_zero_effect_has_symmetric_interval():
    d = effects.cohens_d(5.0, 2.0, 20, 5.0, 2.0, 20)  # symmetry of the noncentral t at t = 0
    assert d.value == 0 and d.ci[0] == pytest.approx(-d.ci[1], abs=1e-9)


def test_interval_level_is_recorded():
    d90 = effects.cohens_d(*_lakens_groups(), level=0.90)
    d95 = effects.cohens_d(*_lakens_groups())
    assert d90.level == 0.90 and d95.level == 0.95
    assert d95.ci[0] < d90.ci[0] < d90.ci[1] < d95.ci[1]  # a 90% interval is narrower


# --------------------------------------------------------------------------- Wilson intervals
# Newcombe (1998), Two-sided confidence intervals for the single proportion: comparison of
# seven methods. Statistics in Medicine 17:857-872, method 3 (Wilson score), its examples.
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE)
def test_wilson_interval_newcombe_examples(k, n, low, high):
    p = effects.proportion(k, n)
    assert p.value == k / n and p.unit == "" and p.n == n and p.ci_method == "Wilson score"
    assert round(p.ci[0], 4) == low  # Newcombe 1998, method 3
    assert round(p.ci[1], 4) == high  # Newcombe 1998, method 3


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE)
def test_rate_per_scales_wilson_to_percent(k, n, low, high):
    r = effects.rate_per(k, n)
    assert r.unit == "%" and r.value == pytest.approx(100 * k / n)
    assert round(r.ci[0], 2) == round(100 * low, 2)  # Newcombe 1998 limits × 100
    assert round(r.ci[1], 2) == round(100 * high, 2)


def test_rate_per_other_bases():
    r = effects.rate_per(3, 2000, per=1000)
    assert r.value == pytest.approx(1.5) and r.unit == ""  # 1000 × 3 / 2000
    assert r.ci == pytest.approx(tuple(1000 * x for x in effects.wilson_interval(3, 2000)))


def test_wilson_limits_are_exact_at_the_ends():
    assert effects.wilson_interval(0, 7)[0] == 0.0  # k = 0: the lower limit is 0
    assert effects.wilson_interval(7, 7)[1] == 1.0  # k = n: the upper limit is 1


# --------------------------------------------------------------------------- conversions


@pytest.mark.parametrize("d", [-1.2, -0.3, 0.0, 0.2, 0.5, 0.8, 2.0])
def test_d_r_round_trip(d):
    assert effects.r_to_d(effects.d_to_r(d)) == pytest.approx(d, abs=1e-12)  # identity


@pytest.mark.parametrize("d", [-1.2, -0.3, 0.0, 0.2, 0.5, 0.8, 2.0])
def test_d_odds_ratio_round_trip(d):
    assert effects.odds_ratio_to_d(effects.d_to_odds_ratio(d)) == pytest.approx(d, abs=1e-12)


def test_borenstein_chapter_7_conversions():
    # Borenstein et al. 2009, ch. 7 (eq. 7.1): log odds ratio 0.9069 -> d = 0.9069·√3/π = 0.5000
    assert round(effects.odds_ratio_to_d(math.exp(0.9069)), 4) == 0.5000
    # eq. 7.3, the inverse: d = 0.5 -> ln OR = 0.5·π/√3 = 0.9069
    assert round(math.log(effects.d_to_odds_ratio(0.5)), 4) == 0.9069
    # eq. 7.5: r = 0.50 -> d = 2·0.5/√(1 − 0.25) = 1.1547 (arithmetic identity)
    assert round(effects.r_to_d(0.5), 4) == 1.1547
    # eqs. 7.7-7.8 with a = 4 (equal groups): d = 1.1547 -> r = 0.5000
    assert round(effects.d_to_r(1.1547), 4) == 0.5000


def test_d_to_r_unequal_groups():
    # eq. 7.8: a = (n1 + n2)²/(n1·n2); equal groups give a = 4, i.e. the default
    assert effects.d_to_r(0.5, 50, 50) == pytest.approx(effects.d_to_r(0.5))
    a = (20 + 80) ** 2 / (20 * 80)
    assert effects.d_to_r(0.5, 20, 80) == pytest.approx(0.5 / math.sqrt(0.25 + a))


def test_variance_explained_to_r():
    assert effects.variance_explained_to_r(0.25) == 0.5  # r² = .25 -> r = .5 (definition)
    assert effects.variance_explained_to_r(0) == 0.0
    assert effects.variance_explained_to_r(1) == 1.0


# --------------------------------------------------------------------------- NNT


@pytest.mark.parametrize(("d", "nnt"), [(0.2, 8.9), (0.5, 3.6), (0.8, 2.3)])
def test_nnt_kraemer_kupfer(d, nnt):
    # Kraemer & Kupfer (2006), Biological Psychiatry 59:990-996, table of d, AUC and NNT
    assert round(effects.nnt_from_d(d), 1) == nnt


def test_nnt_furukawa_identity():
    # Furukawa (1999): the treated group's event rate is the control rate shifted by d SDs on
    # the probit scale; at CER = 0.5 that is Φ(d), so NNT = 1 / (Φ(d) − 0.5).
    from statistics import NormalDist

    for d in (0.2, 0.5, 0.8):
        expected = 1 / (NormalDist().cdf(d) - 0.5)
        assert effects.nnt_from_d(d, 0.5) == pytest.approx(expected, rel=1e-12)
    # d = 0.5, CER = 0.2: EER = Φ(0.5 + Φ⁻¹(0.2)) = Φ(−0.3416) = 0.3663, NNT = 6.0
    assert round(effects.nnt_from_d(0.5, 0.2), 1) == 6.0


def test_nnt_no_effect_and_harm():
    assert effects.nnt_from_d(0) == math.inf  # no benefit: no finite number to treat
    assert effects.nnt_from_d(-0.5) == pytest.approx(-effects.nnt_from_d(0.5))  # symmetry


# --------------------------------------------------------------------------- reliable change
# Jacobson & Truax (1991), Journal of Consulting and Clinical Psychology 59:12-19, p. 14.


def test_reliable_change_index_definition():
    sd, r = 5.7, 0.84
    se = sd * math.sqrt(1 - r)
    rci = effects.reliable_change_index(20, 10, sd, r)
    assert rci.value == pytest.approx((10 - 20) / math.sqrt(2 * se**2))  # J&T's RC
    assert rci.ci is None and "S_diff" in rci.formula


@pytest.mark.parametrize(("sd", "r"), [(5.7, 0.84), (10.0, 0.9), (3.0, 0.0)])
def test_change_at_threshold_has_rci_196(sd, r):
    threshold = effects.reliable_change_threshold(sd, r)
    assert threshold == pytest.approx(1.96 * math.sqrt(2) * sd * math.sqrt(1 - r))
    # a change of exactly the threshold has |RCI| = 1.96 (J&T's criterion for p < .05)
    assert effects.reliable_change_index(0, threshold, sd, r).value == pytest.approx(1.96)
    assert effects.reliable_change_index(threshold, 0, sd, r).value == pytest.approx(-1.96)


# --------------------------------------------------------------------------- the programme
# NHS Talking Therapies (formerly IAPT) annual reports, England totals. Counts copied from
# the NHS files at these addresses (the source of each row):
SRC = {
    "2013-14": "https://files.digital.nhs.uk/publicationimport/pub14xxx/pub14899/"
               "psych-ther-ann-rep-tab-2013-14.xlsx",
    "2014-15": "https://files.digital.nhs.uk/publicationimport/pub19xxx/pub19098/"
               "psych-ther-ann-rep-tab-2014-15.xlsx",
    "2015-16": "https://files.digital.nhs.uk/zip/2/j/psych-ther-ann-rep-csv-pack-2015-16.zip",
    "2016-17": "https://files.digital.nhs.uk/F8/5B17FF/"
               "psych-ther-ann-rep-csv-pack-2016-17_v3.0.zip",
    "2017-18": "https://files.digital.nhs.uk/82/2CCBED/psych-ther-ann-2017-18-csvs.zip",
    "2018-19": "https://files.digital.nhs.uk/88/EBA9A6/psych-ther-ann-2018-19-csvs.rar",
    "2019-20": "https://files.digital.nhs.uk/1A/F2ABB3/psych-ther-ann-2019-20-csvs.zip",
    "2020-21": "https://files.digital.nhs.uk/62/DBF395/psych-ther-ann-rep-csvs-2020-21.zip",
    "2021-22": "https://files.digital.nhs.uk/DC/9E8751/psych-ther-ann-rep-csvs-2021-22.zip",
    "2022-23": "https://files.digital.nhs.uk/CA/8F53D1/psych-ther-ann-rep-csvs-2022-23.zip",
    "2023-24": "https://files.digital.nhs.uk/4E/6D88C2/psych-ther-ann-rep-csvs-2023-24.zip",
    "2024-25": "https://files.digital.nhs.uk/4E/2104A0/psych-ther-ann-rep-csv-2024-25-2.zip",
}
# year: finished_course, not_at_caseness, recovered, reliably_recovered, reliably_improved,
#       published % recovery, reliable recovery, reliable improvement
# (2013-14's not_at_caseness is finished − at_caseness, derived by the nhstt extraction.)
ANNUAL = {
    "2013-14": (364343, 44439, 143833, 136928, 217591, 45.0, 42.8, 59.7),
    "2014-15": (468881, 47137, 189152, 180300, 285060, 44.8, 42.8, 60.8),
    "2015-16": (537131, 46736, 226850, 215942, 333962, 46.3, 44.0, 62.2),
    "2016-17": (567106, 42376, 258888, 246460, 369254, 49.3, 47.0, 65.1),
    "2017-18": (554709, 36767, 263295, 250395, 368518, 50.8, 48.3, 66.4),
    "2018-19": (582556, 35706, 284810, 270763, 392662, 52.1, 49.5, 67.4),
    "2019-20": (606192, 36054, 291371, 276261, 406118, 51.1, 48.5, 67.0),
    "2020-21": (634649, 37267, 306990, 291091, 433327, 51.4, 48.7, 68.3),
    "2021-22": (664087, 38168, 313919, 296070, 444555, 50.2, 47.3, 66.9),
    "2022-23": (672193, 37805, 316251, 297186, 446968, 49.9, 46.8, 66.5),
    "2023-24": (671648, 37164, 318013, 298780, 448634, 50.1, 47.1, 66.8),
    "2024-25": (670419, 35234, 321061, 301815, 452284, 50.5, 47.5, 67.5),
}


def test_annual_table_covers_twelve_years():
    assert len(ANNUAL) == 12 and set(ANNUAL) == set(SRC)


@pytest.mark.parametrize("year", list(ANNUAL))
def test_programme_rates_reproduce_published_percentages(year):
    finished, nac, recovered, rel_recovered, improved, pub_rec, pub_relrec, pub_imp = ANNUAL[year]
    rec = effects.recovery_rate(recovered, finished, nac)
    relrec = effects.reliable_recovery_rate(rel_recovered, finished, nac)
    imp = effects.reliable_improvement_rate(improved, finished)
    for est, published in ((rec, pub_rec), (relrec, pub_relrec), (imp, pub_imp)):
        assert abs(est.value - published) <= 0.1  # NHS annual report (SRC[year]), 1 dp
        assert round(est.value, 1) == published  # ... and it rounds to the published figure
        assert est.unit == "%" and est.ci_method == "Wilson score"
        assert est.ci[0] < est.value < est.ci[1]
    assert rec.n == relrec.n == finished - nac and imp.n == finished


def test_programme_rate_formula_and_interval():
    finished, nac, recovered, *_ = ANNUAL["2024-25"]
    rec = effects.recovery_rate(recovered, finished, nac)
    assert "finished − not_at_caseness" in rec.formula and str(recovered) in rec.formula
    low, high = effects.wilson_interval(recovered, finished - nac)
    assert rec.ci == pytest.approx((100 * low, 100 * high))  # Wilson interval in percent


def test_programme_rates_accept_pandas_style_numbers():
    np = pytest.importorskip("numpy")
    finished, nac, recovered, *_ = ANNUAL["2024-25"]
    a = effects.recovery_rate(np.int64(recovered), np.float64(finished), np.int64(nac))
    assert a.value == effects.recovery_rate(recovered, finished, nac).value


# NHS Talking Therapies therapy-based outcomes 2024-25, Table 4 (England, problem descriptor
# "Total"), https://files.digital.nhs.uk/B7/464F54/ther-based-outcomes2425-2.zip, file
# "Therapy Based Outcomes Table 4-2.csv": mean and SD of first scores, mean of last scores
# (each published to 1 dp) and the published effect size (1 dp).
PRE_POST_2024_25 = [
    ("CBT", "PHQ-9", 14.2, 6.1, 9.5, 0.8),
    ("CBT", "GAD-7", 13.3, 5.1, 8.6, 0.9),
    ("CBT", "WSAS", 19.0, 9.4, 14.0, 0.5),
    ("Counselling for Depression", "PHQ-9", 14.4, 5.7, 9.3, 0.9),
    ("Guided Self Help (Book)", "PHQ-9", 13.5, 5.9, 9.4, 0.7),
]


@pytest.mark.parametrize(("therapy", "measure", "first", "sd", "last", "published"),
                         PRE_POST_2024_25)
def test_pre_post_d_reproduces_published_effect_sizes(therapy, measure, first, sd, last,
                                                      published):
    est = effects.pre_post_d(first, sd, last)
    assert est.value == pytest.approx((first - last) / sd)  # NHS metadata, EffectSize
    assert est.ci is None and est.unit == ""
    # The inputs are rounded to 1 dp, so the exact value lies within the range spanned by
    # inputs ± 0.05; the published 1-dp figure (± 0.05) must overlap that range.
    corners = [effects.pre_post_d(first + a, sd + b, last + c).value
               for a, b, c in itertools.product((-0.05, 0.05), repeat=3)]
    assert min(corners) - 0.05 <= published <= max(corners) + 0.05, (therapy, measure)


# --------------------------------------------------------------------------- bad inputs

BAD_INPUTS = [
    (effects.cohens_d, (1, 1, -5, 0, 1, 10), "n1"),
    (effects.cohens_d, (1, 1, 1, 0, 1, 10), "n1"),
    (effects.cohens_d, (1, 0, 10, 0, 1, 10), "sd1"),
    (effects.cohens_d, (1, 1, 10, 0, -2, 10), "sd2"),
    (effects.cohens_d, (1, 1, 10.5, 0, 1, 10), "n1"),
    (effects.cohens_d, (float("nan"), 1, 10, 0, 1, 10), "m1"),
    (effects.cohens_d, ("1", 1, 10, 0, 1, 10), "m1"),
    (effects.hedges_g, (1, 1, 10, 0, 0, 10), "sd2"),
    (effects.glass_delta, (1, 1, 10, 0, 0, 10), "sd2"),
    (effects.glass_delta, (1, 1, 10, 0, 1, -3), "n2"),
    (effects.d_from_t, (2.0, 10, -1), "n2"),
    (effects.d_from_t, (float("inf"), 10, 10), "t"),
    (effects.d_paired, (1.0, 0.0, 10), "sd_diff"),
    (effects.d_paired, (1.0, 1.0, -10), "n"),
    (effects.hedges_j, (1,), "df"),
    (effects.r_to_d, (1.0,), "r"),
    (effects.r_to_d, (-1.5,), "r"),
    (effects.d_to_r, (0.5, 10, None), "n1"),
    (effects.d_to_r, (0.5, -10, 10), "n1"),
    (effects.odds_ratio_to_d, (0.0,), "or_"),
    (effects.odds_ratio_to_d, (-2.0,), "or_"),
    (effects.variance_explained_to_r, (1.2,), "share"),
    (effects.variance_explained_to_r, (-0.1,), "share"),
    (effects.proportion, (11, 10), "k"),
    (effects.proportion, (-1, 10), "k"),
    (effects.proportion, (0, 0), "n"),
    (effects.wilson_interval, (3, -4), "n"),
    (effects.rate_per, (5, 0), "denominator"),
    (effects.rate_per, (5, -3), "denominator"),
    (effects.rate_per, (12, 10), "numerator"),
    (effects.rate_per, (1, 10, 0), "per"),
    (effects.nnt_from_d, (0.5, 1.0), "control_event_rate"),
    (effects.nnt_from_d, (0.5, 0.0), "control_event_rate"),
    (effects.reliable_change_index, (10, 5, 0, 0.8), "sd"),
    (effects.reliable_change_index, (10, 5, 5, 1.0), "reliability"),
    (effects.reliable_change_index, (10, 5, 5, -0.2), "reliability"),
    (effects.reliable_change_threshold, (5, 1.2), "reliability"),
    (effects.reliable_change_threshold, (5, 0.8, 0), "z"),
    (effects.recovery_rate, (10, 20, 20), "denominator is zero"),
    (effects.recovery_rate, (10, 20, 25), "denominator is negative"),
    (effects.recovery_rate, (15, 20, 10), "recovered"),
    (effects.recovery_rate, (-1, 20, 10), "recovered"),
    (effects.recovery_rate, (1, -20, 10), "finished"),
    (effects.reliable_recovery_rate, (1, 5, 5), "denominator is zero"),
    (effects.reliable_recovery_rate, (11, 20, 10), "reliably_recovered"),
    (effects.reliable_improvement_rate, (1, 0), "denominator is zero"),
    (effects.reliable_improvement_rate, (21, 20), "reliably_improved"),
    (effects.pre_post_d, (14.2, 0, 9.5), "sd_first"),
    (effects.pre_post_d, (14.2, 6.1, None), "mean_last"),
]


@pytest.mark.parametrize(("func", "args", "named"), BAD_INPUTS,
                         ids=[f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(BAD_INPUTS)])
def test_bad_input_raises_one_line_value_error(func, args, named):
    with pytest.raises(ValueError) as info:
        func(*args)
    message = str(info.value)
    assert "\n" not in message and message.strip()
    assert named in message


def test_zero_denominator_message_names_values():
    with pytest.raises(ValueError, match=r"^denominator is zero: ") as info:
        effects.recovery_rate(0, 1200, 1200)
    assert "finished=1200" in str(info.value) and "not_at_caseness=1200" in str(info.value)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="correction"):
        effects.hedges_g(*_lakens_groups(), correction="olkin")
    with pytest.raises(ValueError, match="level"):
        effects.cohens_d(*_lakens_groups(), level=95)


# --------------------------------------------------------------------------- import cost


def test_import_does_not_import_scipy():
    code = ("import sys, toulmin.definitions.effects; "
            "sys.exit(1 if any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules)"
            " else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, "importing toulmin.effects imported scipy" + result.stderr


def test_every_public_function_has_a_sourced_docstring():
    for name in effects.__all__:
        doc = getattr(effects, name).__doc__ or ""
        assert any(ch.isdigit() for ch in doc), f"{name}: docstring names no year/equation"
