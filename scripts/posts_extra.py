"""Statistics and charts quoted in the alliance and questionnaire posts.

The alliance figures recompute translations of one published constant, the overall
alliance-outcome correlation for face-to-face psychotherapy, r = .278, reported by
Flückiger, Del Re, Wampold and Horvath (2018) in the abstract recorded in
sources/fluckiger2018alliance.yaml, with the conversions in toulmin.effects; they read no
data. The caseness figures come from the annual reports (england_annual; definitions in
data/nhs-talking-therapies/SOURCES.md).
"""

from __future__ import annotations

from statistics import NormalDist

import altair as alt
import pandas as pd

import toulmin
from toulmin import effects

ANNUAL = "england_annual"
REPORTS = ["nhsdigital_iapt_annual"]
ALLIANCE = ["fluckiger2018alliance"]
CONVERSION = ["fluckiger2018alliance", "borenstein2009introduction"]
COMMON_LANGUAGE = ["fluckiger2018alliance", "borenstein2009introduction", "lakens2013effect"]

#: The overall alliance-outcome correlation for face-to-face psychotherapy, r = .278
#: (95% CI .256 to .299; 295 studies), of Flückiger et al. (2018), abstract, p. 316.
ALLIANCE_R_FLUCKIGER2018 = 0.278
WIDTH = 560


def _year(data, year: str):
    table = data.table(ANNUAL).set_index("reporting_year")
    return table.loc[year]


def _d_from_alliance_r() -> float:
    return effects.r_to_d(ALLIANCE_R_FLUCKIGER2018)


@toulmin.statistic("alliance.variance_shared_fluckiger2018", sources=ALLIANCE, unit="%",
                   digits=1, title="Variance shared by alliance and outcome at r = .278")
def variance_shared_fluckiger2018(data):
    """The share of variance in outcome shared with alliance ratings when the correlation is
    .278, the overall face-to-face correlation of Flückiger et al. (2018): r² as a
    percentage. The value is checked by converting it back to r with
    effects.variance_explained_to_r."""
    share = ALLIANCE_R_FLUCKIGER2018 ** 2
    if abs(effects.variance_explained_to_r(share) - ALLIANCE_R_FLUCKIGER2018) > 1e-12:
        raise ArithmeticError("r² does not convert back to r")
    return 100 * share


@toulmin.statistic("alliance.variance_unshared_fluckiger2018", sources=ALLIANCE, unit="%",
                   digits=1, title="Variance not shared by alliance and outcome at r = .278")
def variance_unshared_fluckiger2018(data):
    """The share of variance in outcome left over by a straight-line relation with alliance
    ratings at r = .278 (Flückiger et al., 2018): 1 − r², as a percentage."""
    return 100 * (1 - ALLIANCE_R_FLUCKIGER2018 ** 2)


@toulmin.statistic("alliance.d_from_r_fluckiger2018", sources=CONVERSION, unit="", digits=2,
                   title="The alliance correlation of .278 as a standardised difference d")
def d_from_r_fluckiger2018(data):
    """The correlation of .278 (Flückiger et al., 2018) converted to a standardised mean
    difference, d = 2r / √(1 − r²) (Borenstein et al., 2009, via effects.r_to_d), which
    treats the correlation as if it came from two groups of equal size. It is the same
    conversion as the d = .579 that Flückiger et al. report beside r, not a second
    finding."""
    return _d_from_alliance_r()


@toulmin.statistic("alliance.common_language_fluckiger2018", sources=COMMON_LANGUAGE,
                   unit="%", digits=0,
                   title="Common-language effect size of d converted from r = .278")
def common_language_fluckiger2018(data):
    """The probability that a person drawn at random from the higher group has the better
    outcome than one drawn from the lower group, for the d converted from r = .278
    (Flückiger et al., 2018): Φ(d / √2) as a percentage (the common-language effect size
    described by Lakens, 2013), assuming normal distributions with equal variances."""
    return 100 * NormalDist().cdf(_d_from_alliance_r() / 2 ** 0.5)


@toulmin.statistic("nhstt.finished_not_at_caseness_share_2024_25", sources=REPORTS, unit="%",
                   digits=1,
                   title="Referrals finishing treatment not at caseness at the start, 2024-25")
def not_at_caseness_share_2024_25(data):
    """Referrals that finished a course of treatment in 2024-25 but were not at caseness at
    initial assessment, as a share of all referrals that finished a course."""
    row = _year(data, "2024-25")
    return effects.rate_per(row.not_at_caseness, row.finished_course)


@toulmin.statistic("nhstt.finished_not_at_caseness_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Referrals finishing treatment not at caseness at the start, 2024-25 "
                         "(count)")
def not_at_caseness_2024_25(data):
    """Referrals that finished a course of treatment in 2024-25 and were not at caseness at
    initial assessment: the count removed from the recovery denominator."""
    return float(_year(data, "2024-25").not_at_caseness)


@toulmin.statistic("nhstt.recovery_denominator_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Denominator of the recovery rate, England, 2024-25")
def recovery_denominator_2024_25(data):
    """The recovery rate's denominator in 2024-25: referrals that finished a course of
    treatment minus those not at caseness at the start."""
    row = _year(data, "2024-25")
    return float(row.finished_course - row.not_at_caseness)


@toulmin.statistic("nhstt.neither_caseness_flag_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Referrals finishing treatment with neither caseness flag, 2024-25")
def neither_caseness_flag_2024_25(data):
    """Referrals that finished a course of treatment in 2024-25 but were counted neither as
    at caseness nor as not at caseness at the start: finished_course − at_caseness −
    not_at_caseness. They stay in the recovery denominator."""
    row = _year(data, "2024-25")
    return float(row.finished_course - row.at_caseness - row.not_at_caseness)


@toulmin.chart(
    "caseness_at_start_by_year",
    title="Caseness at the start among referrals finishing treatment, England, 2012-13 to "
          "2024-25",
    description="Stacked bars, one per financial year from 2012-13 to 2024-25, of the "
    "referrals that finished a course of treatment, split into those at caseness at the "
    "start, those not at caseness (left out of the recovery denominator) and those with "
    "neither flag. Most finished referrals were at caseness every year. For 2012-13 and "
    "2013-14 the not-at-caseness count was derived as finished minus at caseness, so the "
    "third group is empty in those years.",
)
def caseness_at_start_by_year(data):
    """Referrals finishing a course of treatment, by caseness status at the start."""
    table = data.table(ANNUAL)
    rows = []
    for row in table.itertuples():
        neither = int(row.finished_course - row.at_caseness - row.not_at_caseness)
        for label, count in (("At caseness at the start", int(row.at_caseness)),
                             ("Not at caseness (outside the denominator)",
                              int(row.not_at_caseness)),
                             ("Neither flag recorded", neither)):
            rows.append({"year": row.reporting_year, "status": label, "count": count,
                         "share": round(100 * count / int(row.finished_course), 1)})
    frame = pd.DataFrame(rows)
    order = list(dict.fromkeys(frame.status))
    return alt.Chart(frame, width=WIDTH, height=300).mark_bar().encode(
        x=alt.X("year:O", title="Financial year", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("count:Q", title="Referrals finishing a course of treatment",
                axis=alt.Axis(format="~s")),
        color=alt.Color("status:N", title="Caseness at the start", sort=order,
                        scale=alt.Scale(range=["#5c6bc0", "#e65100", "#9e9e9e"]),
                        legend=alt.Legend(orient="bottom", direction="vertical",
                                          labelLimit=0)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("count:Q", title="Referrals", format=","),
                 alt.Tooltip("share:Q", title="% of finished", format=".1f")],
    ).transform_calculate(
        order=f"indexof({order!r}, datum.status)")


@toulmin.chart(
    "alliance_r_translations",
    title="One correlation, two readings: variance shared and d, for r from 0 to .6",
    description="Two line charts over correlations from 0 to .6. The left panel shows the "
    "share of variance shared (r squared, in per cent), which is under 8% at r = .278; "
    "the right panel shows the same correlation converted to a standardised difference d "
    "= 2r / sqrt(1 - r squared), which is about 0.58 at r = .278. A vertical rule marks "
    "r = .278, the overall alliance-outcome correlation for face-to-face psychotherapy "
    "in the meta-analysis of Flückiger, Del Re, Wampold and Horvath (2018).",
)
def alliance_r_translations(data):
    """r², and d = 2r/√(1 − r²), over a grid of correlations, with r = .278 (Flückiger et
    al., 2018) marked."""
    grid = [i / 100 for i in range(0, 61)]
    frame = pd.DataFrame({"r": grid,
                          "variance": [round(100 * r * r, 3) for r in grid],
                          "d": [round(effects.r_to_d(r), 4) for r in grid]})
    marker = pd.DataFrame({"r": [ALLIANCE_R_FLUCKIGER2018]})
    x = alt.X("r:Q", title="Correlation r", scale=alt.Scale(domain=[0, 0.6]))
    rule = alt.Chart(marker).mark_rule(color="#e65100", strokeDash=[4, 3]).encode(x=x)
    label = alt.Chart(marker).mark_text(align="left", dx=4, color="#e65100").encode(
        x=x, y=alt.value(10), text=alt.value("r = .278"))

    def panel(field: str, title: str):
        line = alt.Chart(frame).mark_line(color="#5c6bc0").encode(
            x=x, y=alt.Y(f"{field}:Q", title=title),
            tooltip=[alt.Tooltip("r:Q", title="r", format=".2f"),
                     alt.Tooltip(f"{field}:Q", title=title, format=".2f")])
        return alt.layer(line, rule, label).properties(width=(WIDTH - 60) // 2, height=240)

    return alt.hconcat(panel("variance", "Variance shared (%)"),
                       panel("d", "Standardised difference d"))
