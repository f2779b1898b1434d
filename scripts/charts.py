"""Charts of NHS Talking Therapies (formerly IAPT), England, from the published counts.

Each function draws one chart the site shows, from the same Data Package as the statistics
(data/; definitions in data/nhs-talking-therapies/SOURCES.md). `toulmin charts` renders them
to charts/NAME.vl.json and charts/NAME.svg; posts show the SVG as an ordinary image.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

import toulmin
from toulmin import effects

WIDTH = 560


@toulmin.chart(
    "recovery_by_denominator",
    title="Recovered referrals by denominator, England, 2012-13 to 2024-25",
    description="Three lines, one value per year from 2012-13 to 2024-25: recovered referrals "
    "as a share of the official denominator (referrals that finished a course of treatment "
    "and were at caseness at the start), of all referrals that finished a course, and of "
    "all referrals received. The official rate is the highest of the three every year; the "
    "rate per referral received is the lowest.",
)
def recovery_by_denominator(data):
    """Recovery rate by denominator: the same numerator over three different counts."""
    table = data.table("england_annual")
    rows = []
    for row in table.itertuples():
        official = effects.recovery_rate(row.recovered, row.finished_course,
                                         row.not_at_caseness).value
        for label, denominator, rate in (
            ("Official: finished a course, at caseness",
             row.finished_course - row.not_at_caseness, official),
            ("All who finished a course", row.finished_course,
             100 * row.recovered / row.finished_course),
            ("All referrals received", row.referrals_received,
             100 * row.recovered / row.referrals_received),
        ):
            rows.append({"year": row.reporting_year, "denominator": label,
                         "rate": round(float(rate), 2), "recovered": int(row.recovered),
                         "count": int(denominator)})
    frame = pd.DataFrame(rows)
    order = list(dict.fromkeys(frame.denominator))
    return alt.Chart(frame, width=WIDTH, height=300).mark_line(point=True).encode(
        x=alt.X("year:O", title="Financial year", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("rate:Q", title="Recovered referrals (%)", scale=alt.Scale(domain=[0, 60])),
        color=alt.Color("denominator:N", title="Denominator", sort=order,
                        legend=alt.Legend(orient="bottom", direction="vertical",
                                          labelLimit=0)),
        tooltip=[alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("denominator:N", title="Denominator"),
                 alt.Tooltip("rate:Q", title="Recovered (%)", format=".1f"),
                 alt.Tooltip("recovered:Q", title="Recovered", format=","),
                 alt.Tooltip("count:Q", title="Denominator count", format=",")],
    )


@toulmin.chart(
    "referral_funnel",
    title="From referral to recovery, England, April 2025 to March 2026",
    description="Horizontal bars for four counts summed over the twelve monthly reports "
    "from April 2025 to March 2026: referrals received, referrals entering treatment, "
    "referrals that finished a course of treatment, and referrals that moved to recovery. "
    "Each stage is smaller than the one before.",
)
def referral_funnel(data):
    """The funnel from referrals to entering treatment, finishing and recovery."""
    table = data.table("england_monthly")
    months = table[(table.reporting_month >= "2025-04") & (table.reporting_month <= "2026-03")]
    if len(months) != 12:
        raise ValueError(f"expected 12 months from 2025-04 to 2026-03, found {len(months)}")
    stages = [("Referrals received", "referrals_received"),
              ("Entered treatment", "accessing_services"),
              ("Finished a course of treatment", "finished_course"),
              ("Moved to recovery", "recovered")]
    first = int(months["referrals_received"].sum())
    frame = pd.DataFrame([{"stage": label, "count": int(months[column].sum()),
                           "share": round(100 * int(months[column].sum()) / first, 1)}
                          for label, column in stages])
    return alt.Chart(frame, width=WIDTH, height=200).mark_bar().encode(
        y=alt.Y("stage:N", title=None, sort=[label for label, _ in stages]),
        x=alt.X("count:Q", title="Referrals, April 2025 to March 2026", axis=alt.Axis(
            format="~s")),
        color=alt.value("#5c6bc0"),
        tooltip=[alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("count:Q", title="Referrals", format=","),
                 alt.Tooltip("share:Q", title="% of referrals received", format=".1f")],
    )


#: Control limits of the funnel plot: two-sided 95% and 99.8% (Spiegelhalter 2005).
LIMITS = (("95%", 1.96), ("99.8%", 3.09))


@toulmin.chart(
    "provider_funnel_plot",
    title="Provider recovery rates against the number finishing treatment, 2024-25",
    description="A funnel plot: one point per NHS Talking Therapies provider in 2024-25, its "
    "recovery rate against the number of referrals that finished treatment at caseness, "
    "with the national rate as a horizontal line and 95% and 99.8% binomial control limits "
    "that narrow as the number grows. Points outside the outer limits vary more than chance "
    "alone would explain. Providers with suppressed counts are left out.",
)
def provider_funnel_plot(data):
    """Funnel plot of provider recovery rates (Spiegelhalter 2005, Stat Med 24:1185-1202).

    Limits around the national rate p for a provider with n referrals in the denominator:
    p ± z·sqrt(p(1−p)/n), z = 1.96 (95%) and 3.09 (99.8%).
    """
    table = data.table("providers_annual")
    year = table[table.reporting_year == "2024-25"]
    england = year[year.org_level == "England"].iloc[0]
    p = float(england.recovered) / float(england.finished_course - england.not_at_caseness)
    providers = year[year.org_level == "Provider"].dropna(
        subset=["recovered", "finished_course", "not_at_caseness"])
    points = pd.DataFrame({
        "provider": providers.org_name.astype(str),
        "n": (providers.finished_course - providers.not_at_caseness).astype(int),
        "recovered": providers.recovered.astype(int),
    })
    points = points[points.n > 0]
    points["rate"] = (100 * points.recovered / points.n).round(2)
    points = points.sort_values(["n", "provider"]).reset_index(drop=True)
    lo, hi = max(int(points.n.min()), 10), int(points.n.max()) + 1
    steps = 120
    grid = sorted({round(lo * (hi / lo) ** (i / steps)) for i in range(steps + 1)})
    limits = []
    for n in grid:
        se = math.sqrt(p * (1 - p) / n)
        for label, z in LIMITS:
            limits.append({"n": n, "limit": label, "lower": round(100 * max(p - z * se, 0), 3),
                           "upper": round(100 * min(p + z * se, 1), 3)})
    limits = pd.DataFrame(limits)
    x = alt.X("n:Q", title="Referrals finishing treatment at caseness (log scale)",
              scale=alt.Scale(type="log", domain=[lo, hi], nice=False),
              axis=alt.Axis(values=[v for v in (10, 30, 100, 300, 1000, 3000, 10000, 30000)
                                    if lo <= v <= hi], format=","))
    bottom = min(20, 5 * math.floor(float(points.rate.min()) / 5))
    top = max(80, 5 * math.ceil(float(points.rate.max()) / 5))
    y_scale = alt.Scale(domain=[bottom, top], clamp=True)
    band = alt.Chart(limits).encode(
        x=x, strokeDash=alt.StrokeDash("limit:N", title="Control limits",
                                       sort=["95%", "99.8%"],
                                       scale=alt.Scale(range=[[6, 3], [2, 2]])))
    lower = band.mark_line(color="#888888").encode(
        y=alt.Y("lower:Q", title="Recovery rate (%)", scale=y_scale))
    upper = band.mark_line(color="#888888").encode(y=alt.Y("upper:Q", scale=y_scale))
    national = alt.Chart(pd.DataFrame({"rate": [round(100 * p, 2)]})).mark_rule(
        color="#e65100").encode(y=alt.Y("rate:Q", scale=y_scale),
                                tooltip=[alt.Tooltip("rate:Q", title="England (%)",
                                                     format=".1f")])
    dots = alt.Chart(points).mark_circle(size=40, opacity=0.8, color="#5c6bc0").encode(
        x=x, y=alt.Y("rate:Q", scale=y_scale),
        tooltip=[alt.Tooltip("provider:N", title="Provider"),
                 alt.Tooltip("rate:Q", title="Recovery rate (%)", format=".1f"),
                 alt.Tooltip("recovered:Q", title="Recovered", format=","),
                 alt.Tooltip("n:Q", title="Finished at caseness", format=",")])
    return alt.layer(lower, upper, national, dots).properties(
        width=WIDTH, height=340).configure_legend(orient="bottom")


@toulmin.chart(
    "pre_post_effect_by_therapy",
    title="Pre-post effect sizes by therapy type, England, 2024-25",
    description="A dot plot of the published pre-post effect size (mean first score minus "
    "mean last score, over the SD of first scores) for each therapy type in 2024-25, all "
    "problem descriptors, on the PHQ-9 (depression) and GAD-7 (anxiety) scales, sorted by "
    "the PHQ-9 value. These are uncontrolled changes within one group, not comparisons "
    "with a control group.",
)
def pre_post_effect_by_therapy(data):
    """Pre-post effect sizes by therapy type, recomputed with effects.pre_post_d."""
    table = data.table("england_outcomes_by_therapy")
    rows = table[(table.reporting_year == "2024-25") & (table.problem_descriptor == "Total")
                 & table.measure.isin(["PHQ-9", "GAD-7"])].dropna(
        subset=["mean_first_score", "sd_first_score", "mean_last_score"])
    frame = pd.DataFrame([{
        "therapy": str(r.therapy_type), "measure": str(r.measure),
        "d": round(effects.pre_post_d(r.mean_first_score, r.sd_first_score,
                                      r.mean_last_score).value, 3),
        "published": None if pd.isna(r.effect_size_published) else
        float(r.effect_size_published),
        "courses": None if pd.isna(r.courses_of_therapy) else int(r.courses_of_therapy),
    } for r in rows.itertuples()])
    phq = frame[frame.measure == "PHQ-9"].sort_values(["d", "therapy"], ascending=[False, True])
    order = list(phq.therapy) + sorted(set(frame.therapy) - set(phq.therapy))
    frame = frame.sort_values(["measure", "therapy"]).reset_index(drop=True)
    return alt.Chart(frame, width=WIDTH - 160, height=alt.Step(18)).mark_point(
        filled=True, size=60).encode(
        y=alt.Y("therapy:N", title=None, sort=order),
        x=alt.X("d:Q", title="Pre-post effect size (SD units)"),
        color=alt.Color("measure:N", title="Measure", sort=["PHQ-9", "GAD-7"],
                        scale=alt.Scale(range=["#5c6bc0", "#e65100"]),
                        legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("measure:N", sort=["PHQ-9", "GAD-7"], title="Measure",
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("therapy:N", title="Therapy"),
                 alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("d:Q", title="Effect size (recomputed)", format=".2f"),
                 alt.Tooltip("published:Q", title="Effect size (published)", format=".1f"),
                 alt.Tooltip("courses:Q", title="Courses of therapy", format=",")],
    )
