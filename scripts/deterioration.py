"""Statistics and the chart quoted in the post on reliable deterioration.

Every figure is recomputed from the published counts in the Data Package: England from the
annual reports (england_annual), therapy types and problem descriptors from the
therapy-based outcome tables (england_recovery_by_therapy), and areas from the integrated
care board (ICB) rows of the annual reports (providers_annual, counts rounded to the
nearest 5 by the NHS). The programme's deterioration rate divides the referrals with
reliable deterioration by all referrals that finished a course of treatment; at therapy
level the denominator is the courses of that therapy (data/nhs-talking-therapies/SOURCES.md).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

import toulmin
from toulmin import effects

ANNUAL = "england_annual"
BY_THERAPY = "england_recovery_by_therapy"
AREAS = "providers_annual"
REPORTS = ["nhsdigital_iapt_annual"]
YEAR = "2024-25"
CBT = "Cognitive Behaviour Therapy (CBT)"
#: Therapy types shown in the chart: at least this many courses in the year.
MIN_COURSES = 1000
WIDTH = 560


def _year(data, year: str = YEAR):
    return data.table(ANNUAL).set_index("reporting_year").loc[year]


def _published_years(data):
    """The years with published rates: 2013-14 on (2012-13 used another denominator)."""
    table = data.table(ANNUAL)
    return table[table.reporting_year >= "2013-14"]


def _therapy(data, therapy: str, problem: str = "Total", year: str = YEAR):
    rows = data.table(BY_THERAPY)
    rows = rows[(rows.reporting_year == year) & (rows.problem_descriptor == problem)
                & (rows.therapy_type == therapy)]
    if len(rows) != 1:
        raise ValueError(f"expected one row for {therapy} / {problem}, found {len(rows)}")
    return rows.iloc[0]


def _therapy_rate(data, therapy: str, problem: str = "Total"):
    r = _therapy(data, therapy, problem)
    return effects.rate_per(int(r.reliably_deteriorated), int(r.courses_of_therapy))


def _icbs(data, year: str = YEAR):
    """The ICB rows of one year, the UNKNOWN row (referrals with no ICB) left out."""
    table = data.table(AREAS)
    rows = table[(table.reporting_year == year) & (table.org_level == "ICB")
                 & (table.org_code != "UNKNOWN")].dropna(
        subset=["reliably_deteriorated", "finished_course", "recovered", "not_at_caseness"])
    return rows.set_index("org_code")


def _icb_deterioration(data, year: str = YEAR) -> pd.Series:
    rows = _icbs(data, year)
    return 100 * rows.reliably_deteriorated / rows.finished_course


def _icb_recovery(data, year: str = YEAR) -> pd.Series:
    rows = _icbs(data, year)
    return 100 * rows.recovered / (rows.finished_course - rows.not_at_caseness)


@toulmin.statistic("deterioration.rate_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate, England, 2024-25")
def rate_2024_25(data):
    """Referrals that finished a course of treatment in 2024-25 with reliable deterioration,
    as a share of all referrals that finished a course:
    100 × reliably_deteriorated / finished_course (the published Percentage_Deterioration)."""
    row = _year(data)
    return effects.rate_per(int(row.reliably_deteriorated), int(row.finished_course))


@toulmin.statistic("deterioration.count_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Referrals with reliable deterioration, England, 2024-25")
def count_2024_25(data):
    """Referrals that finished a course of treatment in 2024-25 and showed reliable
    deterioration (Count_Deterioration), as published."""
    return float(_year(data).reliably_deteriorated)


@toulmin.statistic("deterioration.count_2013_14_to_2024_25", sources=REPORTS, unit="",
                   digits=0, title="Referrals with reliable deterioration, England, "
                   "2013-14 to 2024-25 (sum of the twelve annual counts)")
def count_2013_14_to_2024_25(data):
    """The published annual counts of referrals with reliable deterioration, summed over the
    twelve years 2013-14 to 2024-25: Σ reliably_deteriorated. Referrals, not people."""
    years = _published_years(data)
    if len(years) != 12:
        raise ValueError(f"expected 12 years from 2013-14, found {len(years)}")
    return float(years.reliably_deteriorated.sum())


@toulmin.statistic("deterioration.rate_lowest_2013_14_to_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Lowest annual reliable deterioration rate, England, "
                   "2013-14 to 2024-25")
def rate_lowest(data):
    """min over the years 2013-14 to 2024-25 of 100 × reliably_deteriorated /
    finished_course (the lowest year is 2020-21)."""
    years = _published_years(data)
    return float((100 * years.reliably_deteriorated / years.finished_course).min())


@toulmin.statistic("deterioration.rate_highest_2013_14_to_2024_25", sources=REPORTS,
                   unit="%", digits=1, title="Highest annual reliable deterioration rate, "
                   "England, 2013-14 to 2024-25")
def rate_highest(data):
    """max over the years 2013-14 to 2024-25 of 100 × reliably_deteriorated /
    finished_course."""
    years = _published_years(data)
    return float((100 * years.reliably_deteriorated / years.finished_course).max())


@toulmin.statistic("deterioration.improved_per_deteriorated_2024_25", sources=REPORTS,
                   unit="", digits=1, title="Referrals reliably improved per referral "
                   "reliably deteriorated, England, 2024-25")
def improved_per_deteriorated_2024_25(data):
    """reliably_improved / reliably_deteriorated among referrals that finished a course of
    treatment in 2024-25."""
    row = _year(data)
    return float(row.reliably_improved) / float(row.reliably_deteriorated)


@toulmin.statistic("deterioration.no_reliable_change_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="No reliable change rate, England, 2024-25")
def no_reliable_change_2024_25(data):
    """100 × no_reliable_change / finished_course, 2024-25 (Percentage_NoReliableChange)."""
    row = _year(data)
    return effects.rate_per(int(row.no_reliable_change), int(row.finished_course))


@toulmin.statistic("deterioration.cbt_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate of courses of CBT, England, 2024-25")
def cbt_2024_25(data):
    """Courses of CBT, all problem descriptors, with reliable deterioration, over all
    courses of CBT: 100 × reliably_deteriorated / courses_of_therapy."""
    return _therapy_rate(data, CBT)


@toulmin.statistic("deterioration.counselling_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate of courses of counselling for "
                   "depression, England, 2024-25")
def counselling_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for counselling for depression."""
    return _therapy_rate(data, "Counselling for Depression")


@toulmin.statistic("deterioration.gsh_book_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate of courses of guided self-help (book), "
                   "England, 2024-25")
def gsh_book_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for guided self-help (book)."""
    return _therapy_rate(data, "Guided Self Help (Book)")


@toulmin.statistic("deterioration.peer_support_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate of courses of psychoeducational peer "
                   "support, England, 2024-25")
def peer_support_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for psychoeducational peer
    support."""
    return _therapy_rate(data, "Psychoeducational peer support")


@toulmin.statistic("deterioration.ngsh_book_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate of courses of non-guided self-help "
                   "(book), England, 2024-25")
def ngsh_book_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for non-guided self-help (book)."""
    return _therapy_rate(data, "Non-guided Self Help (Book)")


@toulmin.statistic("deterioration.ngsh_book_courses_2024_25", sources=REPORTS, unit="",
                   digits=0, title="Courses of non-guided self-help (book), England, 2024-25")
def ngsh_book_courses_2024_25(data):
    """Courses of non-guided self-help (book), all problem descriptors (courses_of_therapy)."""
    return float(_therapy(data, "Non-guided Self Help (Book)").courses_of_therapy)


@toulmin.statistic("deterioration.ngsh_book_improvement_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Reliable improvement rate of courses of non-guided "
                   "self-help (book), England, 2024-25")
def ngsh_book_improvement_2024_25(data):
    """100 × reliably_improved / courses_of_therapy for non-guided self-help (book)."""
    r = _therapy(data, "Non-guided Self Help (Book)")
    return effects.reliable_improvement_rate(int(r.reliably_improved), int(r.courses_of_therapy))


@toulmin.statistic("deterioration.cbt_depression_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Reliable deterioration rate of courses of CBT for "
                   "depression, England, 2024-25")
def cbt_depression_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for CBT, problem descriptor
    depression."""
    return _therapy_rate(data, CBT, "Depression")


@toulmin.statistic("deterioration.cbt_ocd_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Reliable deterioration rate of courses of CBT for obsessive-"
                   "compulsive disorder, England, 2024-25")
def cbt_ocd_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for CBT, problem descriptor
    obsessive-compulsive disorder."""
    return _therapy_rate(data, CBT, "Obsessive-compulsive disorder")


@toulmin.statistic("deterioration.cbt_social_phobia_2024_25", sources=REPORTS, unit="%",
                   digits=1, title="Reliable deterioration rate of courses of CBT for social "
                   "phobia, England, 2024-25")
def cbt_social_phobia_2024_25(data):
    """100 × reliably_deteriorated / courses_of_therapy for CBT, problem descriptor social
    phobias."""
    return _therapy_rate(data, CBT, "Social phobias")


@toulmin.statistic("deterioration.icb_lowest_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Lowest ICB reliable deterioration rate, 2024-25")
def icb_lowest_2024_25(data):
    """min over the integrated care boards (UNKNOWN left out) of 100 ×
    reliably_deteriorated / finished_course, 2024-25, from counts rounded to 5."""
    return float(_icb_deterioration(data).min())


@toulmin.statistic("deterioration.icb_highest_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Highest ICB reliable deterioration rate, 2024-25")
def icb_highest_2024_25(data):
    """max over the integrated care boards (UNKNOWN left out) of 100 ×
    reliably_deteriorated / finished_course, 2024-25, from counts rounded to 5."""
    return float(_icb_deterioration(data).max())


@toulmin.statistic("deterioration.icb_year_to_year_r_2024_25", sources=REPORTS, unit="",
                   digits=2, title="Correlation of ICB deterioration rates, 2023-24 with "
                   "2024-25")
def icb_year_to_year_r(data):
    """Pearson correlation, over the ICBs present in both years, of each ICB's reliable
    deterioration rate in 2023-24 with its rate in 2024-25."""
    both = pd.concat([_icb_deterioration(data, "2023-24"), _icb_deterioration(data)],
                     axis=1, join="inner")
    return float(both.iloc[:, 0].corr(both.iloc[:, 1]))


@toulmin.statistic("deterioration.icb_recovery_r_2024_25", sources=REPORTS, unit="", digits=2,
                   title="Correlation between ICB recovery and deterioration rates, 2024-25")
def icb_recovery_r_2024_25(data):
    """Pearson correlation, over the integrated care boards in 2024-25, of the recovery
    rate (recovered / (finished_course − not_at_caseness)) with the reliable deterioration
    rate (reliably_deteriorated / finished_course)."""
    return float(_icb_recovery(data).corr(_icb_deterioration(data)))


@toulmin.chart(
    "deterioration_by_therapy",
    title="Reliable deterioration by therapy type, England, 2024-25",
    description="Horizontal bars, one per therapy type with at least 1,000 courses in "
    "2024-25, of the share of courses that ended with reliable deterioration, sorted from "
    "highest to lowest, with a vertical line at the rate for all referrals that finished a "
    "course of treatment in England. Non-guided self-help with a book has the highest "
    "rate; cognitive behaviour therapy and eye movement desensitisation and reprocessing "
    "are among the lowest. People are not allocated to therapies at random, so the bars "
    "compare groups that differ before treatment.",
)
def deterioration_by_therapy(data):
    """Reliable deterioration by therapy type, 2024-25: 100 × reliably_deteriorated /
    courses_of_therapy for each therapy with at least MIN_COURSES courses."""
    table = data.table(BY_THERAPY)
    rows = table[(table.reporting_year == YEAR) & (table.problem_descriptor == "Total")
                 & (table.courses_of_therapy >= MIN_COURSES)].dropna(
        subset=["reliably_deteriorated"])
    frame = pd.DataFrame([{
        "therapy": str(r.therapy_type),
        "rate": round(effects.rate_per(int(r.reliably_deteriorated),
                                       int(r.courses_of_therapy)).value, 2),
        "deteriorated": int(r.reliably_deteriorated),
        "courses": int(r.courses_of_therapy),
    } for r in rows.itertuples()]).sort_values(["rate", "therapy"], ascending=[False, True])
    england = _year(data)
    line = pd.DataFrame({"rate": [round(100 * float(england.reliably_deteriorated)
                                        / float(england.finished_course), 2)],
                         "label": ["All referrals finishing a course"]})
    x = alt.X("rate:Q", title="Courses ending with reliable deterioration (%)",
              scale=alt.Scale(domain=[0, 12]))
    bars = alt.Chart(frame).mark_bar(color="#5c6bc0").encode(
        y=alt.Y("therapy:N", title=None, sort=list(frame.therapy),
                axis=alt.Axis(labelLimit=0)),
        x=x,
        tooltip=[alt.Tooltip("therapy:N", title="Therapy"),
                 alt.Tooltip("rate:Q", title="Deteriorated (%)", format=".1f"),
                 alt.Tooltip("deteriorated:Q", title="Courses deteriorated", format=","),
                 alt.Tooltip("courses:Q", title="Courses of therapy", format=",")])
    rule = alt.Chart(line).mark_rule(color="#e65100", strokeDash=[4, 3], size=2).encode(
        x=x, tooltip=[alt.Tooltip("label:N", title="England"),
                      alt.Tooltip("rate:Q", title="Deteriorated (%)", format=".1f")])
    return alt.layer(bars, rule).properties(width=WIDTH - 300, height=alt.Step(20))
