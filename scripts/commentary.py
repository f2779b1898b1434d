"""Statistics for the commentary posts of November 2026, from the same Data Package.

Monthly figures are sums over the twelve reports from April 2025 to March 2026, set only
against other sums over the same months; annual and therapy-level figures come from the
annual reports (data/nhs-talking-therapies/SOURCES.md).
"""

from __future__ import annotations

import math

import toulmin
from toulmin import effects

REPORTS = ["nhsdigital_iapt_annual"]
MONTHLY_REPORTS = ["nhsengland_tt_monthly"]
CBT = "Cognitive Behaviour Therapy (CBT)"
GSH_BOOK = "Guided Self Help (Book)"
MUS = ["Chronic Fatigue Syndrome", "Irritable Bowel Syndrome", "MUS not otherwise specified"]


def _months(data):
    table = data.table("england_monthly")
    months = table[(table.reporting_month >= "2025-04") & (table.reporting_month <= "2026-03")]
    if len(months) != 12:
        raise ValueError(f"expected 12 months, found {len(months)}")
    return months


def _therapy(data, table, therapy, measure=None, problem="Total"):
    rows = data.table(table)
    rows = rows[(rows.reporting_year == "2024-25") & (rows.problem_descriptor == problem)
                & (rows.therapy_type == therapy)]
    if measure is not None:
        rows = rows[rows.measure == measure]
    if len(rows) != 1:
        raise ValueError(f"expected one row for {therapy} {measure} {problem}, found {len(rows)}")
    return rows.iloc[0]


def _providers(data):
    table = data.table("providers_annual")
    year = table[table.reporting_year == "2024-25"]
    england = year[year.org_level == "England"].iloc[0]
    p = float(england.recovered) / float(england.finished_course - england.not_at_caseness)
    rows = year[year.org_level == "Provider"].dropna(
        subset=["recovered", "finished_course", "not_at_caseness"])
    n = rows.finished_course - rows.not_at_caseness
    rows, n = rows[n > 0], n[n > 0]
    return p, rows.recovered.astype(float), n.astype(float)


def _outside(data, z):
    p, k, n = _providers(data)
    se = (p * (1 - p) / n).apply(math.sqrt)
    outside = ((k / n - p).abs() > z * se).sum()
    return effects.rate_per(int(outside), len(n))


@toulmin.statistic("nhstt.m078_one_session_share_2025_26", sources=MONTHLY_REPORTS, unit="%",
                   digits=1, title="Ended referrals with exactly one treatment appointment, "
                   "2025-26 (the M078 denominator)")
def m078_one_session_share_2025_26(data):
    """Referrals that ended after exactly one treatment appointment, as a share of all
    referrals that ended (treated or not), summed over April 2025 to March 2026: the
    published measure M078 over the year."""
    months = _months(data)
    return effects.rate_per(int(months.ended_after_one_treatment.sum()),
                            int(months.ended_referrals.sum()))


@toulmin.statistic("nhstt.ended_before_treatment_share_2025_26", sources=MONTHLY_REPORTS,
                   unit="%", digits=1,
                   title="Ended referrals with no treatment appointment, 2025-26")
def ended_before_treatment_share_2025_26(data):
    """Referrals that ended with no treatment appointment, as a share of all referrals that
    ended, summed over April 2025 to March 2026."""
    months = _months(data)
    return effects.rate_per(int(months.ended_before_treatment.sum()),
                            int(months.ended_referrals.sum()))


@toulmin.statistic("nhstt.finished_per_entering_treatment_2025_26", sources=MONTHLY_REPORTS,
                   unit="%", digits=1,
                   title="Referrals finishing a course per referral entering treatment, 2025-26")
def finished_per_entering_treatment_2025_26(data):
    """Referrals that finished a course of treatment (two or more treatment appointments),
    as a share of referrals that had a first treatment appointment, both summed over April
    2025 to March 2026. Yearly flows, not one cohort."""
    months = _months(data)
    return effects.rate_per(int(months.finished_course.sum()),
                            int(months.accessing_services.sum()))


@toulmin.statistic("nhstt.pre_post_d_cbt_phq9_2024_25", sources=REPORTS, unit="", digits=2,
                   title="Pre-post effect size of CBT on the PHQ-9, England, 2024-25")
def pre_post_d_cbt_phq9_2024_25(data):
    """The programme's pre-post effect size for courses of CBT, all problem descriptors, on
    the PHQ-9: (mean first score − mean last score) / SD of first scores, recomputed from
    the published means and SD."""
    r = _therapy(data, "england_outcomes_by_therapy", CBT, "PHQ-9")
    return effects.pre_post_d(r.mean_first_score, r.sd_first_score, r.mean_last_score)


@toulmin.statistic("nhstt.pre_post_d_cbt_gad7_2024_25", sources=REPORTS, unit="", digits=2,
                   title="Pre-post effect size of CBT on the GAD-7, England, 2024-25")
def pre_post_d_cbt_gad7_2024_25(data):
    """As the PHQ-9 figure, on the GAD-7 (anxiety) scale."""
    r = _therapy(data, "england_outcomes_by_therapy", CBT, "GAD-7")
    return effects.pre_post_d(r.mean_first_score, r.sd_first_score, r.mean_last_score)


@toulmin.statistic("nhstt.pre_post_d_gsh_book_phq9_2024_25", sources=REPORTS, unit="",
                   digits=2, title="Pre-post effect size of guided self-help (book) on the "
                   "PHQ-9, England, 2024-25")
def pre_post_d_gsh_book_phq9_2024_25(data):
    """The programme's pre-post effect size for courses of guided self-help (book), all
    problem descriptors, on the PHQ-9, recomputed from the published means and SD."""
    r = _therapy(data, "england_outcomes_by_therapy", GSH_BOOK, "PHQ-9")
    return effects.pre_post_d(r.mean_first_score, r.sd_first_score, r.mean_last_score)


@toulmin.statistic("nhstt.recovery_rate_gsh_book_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Recovery rate of courses of guided self-help (book), England, 2024-25")
def recovery_rate_gsh_book_2024_25(data):
    """Recovered courses of guided self-help (book), all problem descriptors, over courses
    of that therapy minus those not at caseness at the start."""
    r = _therapy(data, "england_recovery_by_therapy", GSH_BOOK)
    return effects.recovery_rate(r.recovered, r.courses_of_therapy, r.not_at_caseness)


@toulmin.statistic("nhstt.reliable_improvement_gsh_book_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Reliable improvement rate of courses of guided self-help "
                   "(book), England, 2024-25")
def reliable_improvement_gsh_book_2024_25(data):
    """Courses of guided self-help (book) with reliable improvement, over all courses of
    that therapy."""
    r = _therapy(data, "england_recovery_by_therapy", GSH_BOOK)
    return effects.reliable_improvement_rate(r.reliably_improved, r.courses_of_therapy)


@toulmin.statistic("nhstt.recovery_rate_cbt_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Recovery rate of courses of CBT, England, 2024-25")
def recovery_rate_cbt_2024_25(data):
    """Recovered courses of CBT, all problem descriptors, over courses of CBT minus those
    not at caseness at the start."""
    r = _therapy(data, "england_recovery_by_therapy", CBT)
    return effects.recovery_rate(r.recovered, r.courses_of_therapy, r.not_at_caseness)


@toulmin.statistic("nhstt.gsh_book_courses_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Courses of guided self-help (book), England, 2024-25")
def gsh_book_courses_2024_25(data):
    """Courses of guided self-help (book) among referrals that finished a course of
    treatment (at least two attended appointments of that therapy)."""
    return float(_therapy(data, "england_recovery_by_therapy", GSH_BOOK).courses_of_therapy)


@toulmin.statistic("nhstt.providers_funnel_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Providers in the 2024-25 funnel plot")
def providers_funnel_2024_25(data):
    """Providers in 2024-25 with no suppressed count among recovered, finished course and
    not at caseness, and a positive recovery denominator."""
    return float(len(_providers(data)[2]))


@toulmin.statistic("nhstt.providers_outside_998_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Providers outside the 99.8% funnel limits, 2024-25")
def providers_outside_998_2024_25(data):
    """Share of providers in the funnel plot whose recovery rate lies outside the national
    rate ± 3.09 binomial standard errors for their denominator."""
    return _outside(data, 3.09)


@toulmin.statistic("nhstt.providers_outside_95_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Providers outside the 95% funnel limits, 2024-25")
def providers_outside_95_2024_25(data):
    """Share of providers in the funnel plot whose recovery rate lies outside the national
    rate ± 1.96 binomial standard errors for their denominator."""
    return _outside(data, 1.96)


@toulmin.statistic("nhstt.not_at_caseness_share_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Finished referrals not at caseness at the start, England, 2024-25")
def not_at_caseness_share_2024_25(data):
    """Referrals that finished a course of treatment but scored below the caseness
    thresholds at the start, as a share of all that finished a course."""
    row = data.table("england_annual").set_index("reporting_year").loc["2024-25"]
    return effects.rate_per(int(row.not_at_caseness), int(row.finished_course))


@toulmin.statistic("nhstt.cbt_mus_courses_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Courses of CBT recorded against a medically unexplained symptoms "
                   "descriptor, England, 2024-25")
def cbt_mus_courses_2024_25(data):
    """Courses of CBT whose problem descriptor was chronic fatigue syndrome, irritable bowel
    syndrome or MUS not otherwise specified, summed."""
    return float(sum(_therapy(data, "england_recovery_by_therapy", CBT, problem=m)
                     .courses_of_therapy for m in MUS))


@toulmin.statistic("nhstt.cbt_depression_courses_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Courses of CBT recorded against depression, England, 2024-25")
def cbt_depression_courses_2024_25(data):
    """Courses of CBT whose problem descriptor was depression."""
    return float(_therapy(data, "england_recovery_by_therapy", CBT,
                          problem="Depression").courses_of_therapy)


@toulmin.statistic("nhstt.pre_post_d_ngsh_book_phq9_2024_25", sources=REPORTS, unit="",
                   digits=2, title="Pre-post effect size of non-guided self-help (book) on the "
                   "PHQ-9, England, 2024-25")
def pre_post_d_ngsh_book_phq9_2024_25(data):
    """The programme's pre-post effect size for courses of non-guided self-help (book), all
    problem descriptors, on the PHQ-9, recomputed from the published means and SD."""
    r = _therapy(data, "england_outcomes_by_therapy", "Non-guided Self Help (Book)", "PHQ-9")
    return effects.pre_post_d(r.mean_first_score, r.sd_first_score, r.mean_last_score)


def _published_d(data, therapy, measure):
    """The pre-post effect size as the annual report prints it (to 0.1)."""
    value = _therapy(data, "england_outcomes_by_therapy", therapy, measure).effect_size_published
    if value is None or value != value:
        raise ValueError(f"no published effect size for {therapy} {measure}")
    return float(value)


@toulmin.statistic("nhstt.published_d_cbt_phq9_2024_25", sources=REPORTS, unit="", digits=1,
                   title="Published pre-post effect size of CBT on the PHQ-9, England, 2024-25")
def published_d_cbt_phq9_2024_25(data):
    """The pre-post effect size for courses of CBT on the PHQ-9 as the annual report
    publishes it, to one decimal place (the recomputed value has more digits than its
    inputs, which are published to 0.1)."""
    return _published_d(data, CBT, "PHQ-9")


@toulmin.statistic("nhstt.published_d_cbt_gad7_2024_25", sources=REPORTS, unit="", digits=1,
                   title="Published pre-post effect size of CBT on the GAD-7, England, 2024-25")
def published_d_cbt_gad7_2024_25(data):
    """As the PHQ-9 figure, on the GAD-7, as published."""
    return _published_d(data, CBT, "GAD-7")


@toulmin.statistic("nhstt.published_d_gsh_book_phq9_2024_25", sources=REPORTS, unit="",
                   digits=1, title="Published pre-post effect size of guided self-help (book) "
                   "on the PHQ-9, England, 2024-25")
def published_d_gsh_book_phq9_2024_25(data):
    """Guided self-help (book), PHQ-9, as published."""
    return _published_d(data, GSH_BOOK, "PHQ-9")


@toulmin.statistic("nhstt.published_d_ngsh_book_phq9_2024_25", sources=REPORTS, unit="",
                   digits=1, title="Published pre-post effect size of non-guided self-help "
                   "(book) on the PHQ-9, England, 2024-25")
def published_d_ngsh_book_phq9_2024_25(data):
    """Non-guided self-help (book), PHQ-9, as published."""
    return _published_d(data, "Non-guided Self Help (Book)", "PHQ-9")


@toulmin.statistic("nhstt.providers_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Providers with a row in the 2024-25 annual report")
def providers_2024_25(data):
    """Provider rows published for 2024-25, before any are dropped for suppressed counts."""
    table = data.table("providers_annual")
    return float(((table.reporting_year == "2024-25") & (table.org_level == "Provider")).sum())
