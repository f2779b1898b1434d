"""Statistics on NHS Talking Therapies (formerly IAPT), England, from the published counts.

Every function recomputes one figure the site quotes from the Data Package in data/. The
annual figures come from the annual reports (england_annual); figures that need the number
of referrals entering treatment or ending after one session come from the monthly
statistics (england_monthly), summed over the twelve months of a financial year: the annual
files do not carry those counts (data/nhs-talking-therapies/SOURCES.md). Such twelve-month
sums are not the annual report's figures (that is a separate, later extraction), so each
is set only against other sums over the same months.
"""

from __future__ import annotations

import toulmin
from toulmin import effects

ANNUAL = "england_annual"
MONTHLY = "england_monthly"
REPORTS = ["nhsdigital_iapt_annual"]
MONTHLY_REPORTS = ["nhsengland_tt_monthly"]


def _year(data, year: str):
    table = data.table(ANNUAL).set_index("reporting_year")
    return table.loc[year]


def _months(data, first: str, last: str):
    table = data.table(MONTHLY)
    months = table[(table.reporting_month >= first) & (table.reporting_month <= last)]
    if len(months) != 12:
        raise ValueError(f"expected 12 months from {first} to {last}, found {len(months)}")
    return months


@toulmin.statistic("nhstt.recovery_rate_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Recovery rate, England, 2024-25 (official denominator)")
def recovery_rate_2024_25(data):
    """Referrals that moved to recovery, as a share of referrals that finished a course of
    treatment and were at caseness at the start: the programme's headline measure."""
    row = _year(data, "2024-25")
    return effects.recovery_rate(row.recovered, row.finished_course, row.not_at_caseness)


@toulmin.statistic("nhstt.reliable_recovery_rate_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Reliable recovery rate, England, 2024-25")
def reliable_recovery_rate_2024_25(data):
    """Referrals that recovered and improved reliably, over the same denominator as the
    recovery rate."""
    row = _year(data, "2024-25")
    return effects.reliable_recovery_rate(row.reliably_recovered, row.finished_course,
                                          row.not_at_caseness)


@toulmin.statistic("nhstt.reliable_improvement_rate_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Reliable improvement rate, England, 2024-25")
def reliable_improvement_rate_2024_25(data):
    """Referrals that finished a course of treatment with reliable improvement, as a share
    of all referrals that finished a course."""
    row = _year(data, "2024-25")
    return effects.reliable_improvement_rate(row.reliably_improved, row.finished_course)


@toulmin.statistic("nhstt.recovered_per_referral_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Recovered referrals per referral received, 2024-25")
def recovered_per_referral_2024_25(data):
    """Referrals that moved to recovery in 2024-25 as a share of referrals received in the
    same year. The two counts are not the same cohort (a referral received late in a year
    ends in the next), so this is a ratio of yearly flows, not a probability."""
    row = _year(data, "2024-25")
    return effects.rate_per(row.recovered, row.referrals_received)


@toulmin.statistic("nhstt.referrals_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Referrals received, England, 2024-25")
def referrals_2024_25(data):
    """Referrals received in the year (a referral is a care pathway, not a person)."""
    return float(_year(data, "2024-25").referrals_received)


@toulmin.statistic("nhstt.finished_course_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Referrals that finished a course of treatment, England, 2024-25")
def finished_course_2024_25(data):
    """Referrals ended in the year with at least two attended treatment appointments."""
    return float(_year(data, "2024-25").finished_course)


@toulmin.statistic("nhstt.recovered_per_entering_treatment_2025_26", sources=MONTHLY_REPORTS,
                   unit="%", digits=1,
                   title="Recovered referrals per referral entering treatment, 2025-26")
def recovered_per_entering_treatment_2025_26(data):
    """Referrals that moved to recovery, as a share of referrals that had a first treatment
    appointment, both summed over April 2025 to March 2026 (monthly statistics)."""
    months = _months(data, "2025-04", "2026-03")
    return effects.rate_per(int(months.recovered.sum()), int(months.accessing_services.sum()))


@toulmin.statistic("nhstt.one_session_share_2025_26", sources=MONTHLY_REPORTS, unit="%", digits=1,
                   title="Referrals ending after one treatment appointment, per referral "
                         "entering treatment, 2025-26")
def one_session_share_2025_26(data):
    """Referrals that ended after exactly one treatment appointment, as a share of
    referrals entering treatment, both summed over April 2025 to March 2026."""
    months = _months(data, "2025-04", "2026-03")
    return effects.rate_per(int(months.ended_after_one_treatment.sum()),
                            int(months.accessing_services.sum()))


@toulmin.statistic("nhstt.recovery_rate_2025_26_monthly", sources=MONTHLY_REPORTS, unit="%",
                   digits=1, title="Recovery rate, April 2025 to March 2026 (monthly data)")
def recovery_rate_2025_26_monthly(data):
    """The official recovery rate over the same twelve months as the per-entering-treatment
    figure, so the two can be set side by side."""
    months = _months(data, "2025-04", "2026-03")
    return effects.recovery_rate(int(months.recovered.sum()), int(months.finished_course.sum()),
                                 int(months.not_at_caseness.sum()))
