"""Statistics and the chart quoted in the post on differences in recovery between areas.

The areas are the integrated care boards (ICBs) and commissioning regions of the annual
reports, 2022-23 to 2024-25 (providers_annual; the UNKNOWN rows, referrals with no area,
are left out). The NHS rounds sub-national counts to the nearest 5 and suppresses small
ones, so every rate here is recomputed from rounded counts
(data/nhs-talking-therapies/SOURCES.md). A board's recovery rate is the programme's:
recovered / (finished_course − not_at_caseness).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

import toulmin
from toulmin import effects

AREAS = "providers_annual"
REPORTS = ["nhsdigital_iapt_annual"]
YEARS = ("2022-23", "2023-24", "2024-25")
FIRST, LAST = YEARS[0], YEARS[-1]
#: z for two-sided 99.8% binomial limits around the national rate.
Z_998 = 3.09
#: Boards in the top and bottom groups followed from the first year to the last.
GROUP = 10
WIDTH = 560


def _level(data, level: str, year: str):
    table = data.table(AREAS)
    rows = table[(table.reporting_year == year) & (table.org_level == level)
                 & (table.org_code != "UNKNOWN")].dropna(
        subset=["recovered", "finished_course", "not_at_caseness"])
    return rows.set_index("org_code")


def _recovery(data, year: str, level: str = "ICB") -> pd.Series:
    """Each area's recovery rate (%) in one year, by ODS code."""
    rows = _level(data, level, year)
    return 100 * rows.recovered / (rows.finished_course - rows.not_at_caseness)


def _england(data, year: str):
    table = data.table(AREAS)
    return table[(table.reporting_year == year) & (table.org_level == "England")].iloc[0]


def _both(data, first: str, last: str) -> pd.DataFrame:
    return pd.concat([_recovery(data, first).rename("first"),
                      _recovery(data, last).rename("last")], axis=1, join="inner")


def _iqr(rates: pd.Series) -> float:
    return float(rates.quantile(0.75) - rates.quantile(0.25))


@toulmin.statistic("areas.icbs_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Integrated care boards with a recovery rate, 2024-25")
def icbs_2024_25(data):
    """ICB rows of 2024-25 (UNKNOWN left out) with no suppressed count among recovered,
    finished course and not at caseness."""
    return float(len(_recovery(data, LAST)))


@toulmin.statistic("areas.england_recovery_2022_23", sources=REPORTS, unit="%", digits=1,
                   title="Recovery rate, England, 2022-23")
def england_recovery_2022_23(data):
    """recovered / (finished_course − not_at_caseness), England, 2022-23."""
    row = _england(data, FIRST)
    return effects.recovery_rate(int(row.recovered), int(row.finished_course),
                                 int(row.not_at_caseness))


@toulmin.statistic("areas.icb_lowest_2022_23", sources=REPORTS, unit="%", digits=1,
                   title="Lowest ICB recovery rate, 2022-23")
def icb_lowest_2022_23(data):
    """min over the ICBs of the recovery rate, 2022-23."""
    return float(_recovery(data, FIRST).min())


@toulmin.statistic("areas.icb_highest_2022_23", sources=REPORTS, unit="%", digits=1,
                   title="Highest ICB recovery rate, 2022-23")
def icb_highest_2022_23(data):
    """max over the ICBs of the recovery rate, 2022-23."""
    return float(_recovery(data, FIRST).max())


@toulmin.statistic("areas.icb_lowest_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Lowest ICB recovery rate, 2024-25")
def icb_lowest_2024_25(data):
    """min over the ICBs of the recovery rate, 2024-25."""
    return float(_recovery(data, LAST).min())


@toulmin.statistic("areas.icb_highest_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Highest ICB recovery rate, 2024-25")
def icb_highest_2024_25(data):
    """max over the ICBs of the recovery rate, 2024-25."""
    return float(_recovery(data, LAST).max())


def _same_extreme_change(data, pick: str) -> float:
    """The change from the first year to the last of the board with the lowest (pick =
    'idxmin') or highest ('idxmax') rate in the first year; it must hold that place in the
    last year too."""
    both = _both(data, FIRST, LAST)
    board = getattr(both["first"], pick)()
    if getattr(both["last"], pick)() != board:
        raise ValueError(f"the board with the {pick} rate differs between {FIRST} and {LAST}")
    return float(both.loc[board, "last"] - both.loc[board, "first"])


@toulmin.statistic("areas.lowest_board_change_2022_23_to_2024_25", sources=REPORTS, unit="",
                   digits=1, title="Change in recovery rate of the lowest ICB, 2022-23 to "
                   "2024-25 (percentage points)")
def lowest_board_change(data):
    """The 2024-25 rate minus the 2022-23 rate of the board with the lowest recovery rate in
    2022-23. Fails unless the same board is also the lowest in 2024-25."""
    return _same_extreme_change(data, "idxmin")


@toulmin.statistic("areas.highest_board_change_2022_23_to_2024_25", sources=REPORTS, unit="",
                   digits=1, title="Change in recovery rate of the highest ICB, 2022-23 to "
                   "2024-25 (percentage points)")
def highest_board_change(data):
    """The 2024-25 rate minus the 2022-23 rate of the board with the highest recovery rate
    in 2022-23. Fails unless the same board is also the highest in 2024-25."""
    return _same_extreme_change(data, "idxmax")


def _lowest_board_finished(data, year: str) -> float:
    board = _recovery(data, FIRST).idxmin()
    return float(_level(data, "ICB", year).loc[board, "finished_course"])


@toulmin.statistic("areas.lowest_board_finished_2022_23", sources=REPORTS, unit="", digits=0,
                   title="Referrals finishing a course in the lowest ICB of 2022-23, 2022-23")
def lowest_board_finished_2022_23(data):
    """finished_course (rounded to 5 by the NHS) of the board with the lowest recovery rate
    in 2022-23, in 2022-23."""
    return _lowest_board_finished(data, FIRST)


@toulmin.statistic("areas.lowest_board_finished_2024_25", sources=REPORTS, unit="", digits=0,
                   title="Referrals finishing a course in the lowest ICB of 2022-23, 2024-25")
def lowest_board_finished_2024_25(data):
    """finished_course (rounded to 5 by the NHS) of the board with the lowest recovery rate
    in 2022-23, in 2024-25."""
    return _lowest_board_finished(data, LAST)


@toulmin.statistic("areas.icb_sd_2022_23", sources=REPORTS, unit="", digits=1,
                   title="Standard deviation of ICB recovery rates, 2022-23 (points)")
def icb_sd_2022_23(data):
    """Sample standard deviation (n − 1) of the ICBs' recovery rates, 2022-23, in
    percentage points."""
    return float(_recovery(data, FIRST).std())


@toulmin.statistic("areas.icb_sd_2024_25", sources=REPORTS, unit="", digits=1,
                   title="Standard deviation of ICB recovery rates, 2024-25 (points)")
def icb_sd_2024_25(data):
    """Sample standard deviation (n − 1) of the ICBs' recovery rates, 2024-25, in
    percentage points."""
    return float(_recovery(data, LAST).std())


@toulmin.statistic("areas.icb_iqr_2022_23", sources=REPORTS, unit="", digits=1,
                   title="Interquartile range of ICB recovery rates, 2022-23 (points)")
def icb_iqr_2022_23(data):
    """Upper quartile minus lower quartile of the ICBs' recovery rates, 2022-23 (quartiles
    by linear interpolation, pandas' default)."""
    return _iqr(_recovery(data, FIRST))


@toulmin.statistic("areas.icb_iqr_2024_25", sources=REPORTS, unit="", digits=1,
                   title="Interquartile range of ICB recovery rates, 2024-25 (points)")
def icb_iqr_2024_25(data):
    """Upper quartile minus lower quartile of the ICBs' recovery rates, 2024-25."""
    return _iqr(_recovery(data, LAST))


@toulmin.statistic("areas.icb_chance_sd_2024_25", sources=REPORTS, unit="", digits=2,
                   title="Spread of ICB recovery rates that chance alone would give, "
                   "2024-25 (points)")
def icb_chance_sd_2024_25(data):
    """The standard deviation the boards' rates would have if every board had England's
    rate p and differed only by binomial chance: 100 × √(mean over boards of
    p(1 − p)/n), n a board's recovery denominator."""
    row = _england(data, LAST)
    p = float(row.recovered) / float(row.finished_course - row.not_at_caseness)
    rows = _level(data, "ICB", LAST)
    n = (rows.finished_course - rows.not_at_caseness).astype(float)
    return 100 * math.sqrt(float((p * (1 - p) / n).mean()))


@toulmin.statistic("areas.icbs_outside_998_2024_25", sources=REPORTS, unit="", digits=0,
                   title="ICBs outside the 99.8% binomial limits around England's recovery "
                   "rate, 2024-25")
def icbs_outside_998_2024_25(data):
    """Boards whose recovery rate lies more than 3.09 binomial standard errors,
    √(p(1 − p)/n), from England's rate p, 2024-25."""
    row = _england(data, LAST)
    p = float(row.recovered) / float(row.finished_course - row.not_at_caseness)
    rows = _level(data, "ICB", LAST)
    n = (rows.finished_course - rows.not_at_caseness).astype(float)
    k = rows.recovered.astype(float)
    se = (p * (1 - p) / n) ** 0.5
    return float(((k / n - p).abs() > Z_998 * se).sum())


@toulmin.statistic("areas.icb_r_2023_24_2024_25", sources=REPORTS, unit="", digits=2,
                   title="Correlation of ICB recovery rates, 2023-24 with 2024-25")
def icb_r_one_year(data):
    """Pearson correlation, over the boards present in both years, of each board's recovery
    rate in 2023-24 with its rate in 2024-25."""
    both = _both(data, "2023-24", LAST)
    return float(both["first"].corr(both["last"]))


@toulmin.statistic("areas.icb_r_2022_23_2024_25", sources=REPORTS, unit="", digits=2,
                   title="Correlation of ICB recovery rates, 2022-23 with 2024-25")
def icb_r_two_years(data):
    """Pearson correlation, over the boards present in both years, of each board's recovery
    rate in 2022-23 with its rate in 2024-25."""
    both = _both(data, FIRST, LAST)
    return float(both["first"].corr(both["last"]))


def _group_change(data, top: bool) -> float:
    both = _both(data, FIRST, LAST)
    group = (both["first"].nlargest(GROUP) if top else both["first"].nsmallest(GROUP)).index
    return float((both.loc[group, "last"] - both.loc[group, "first"]).mean())


@toulmin.statistic("areas.bottom10_change_2022_23_to_2024_25", sources=REPORTS, unit="",
                   digits=1, title="Mean change in recovery rate of the ten lowest ICBs of "
                   "2022-23, to 2024-25 (points)")
def bottom10_change(data):
    """Mean over the ten boards with the lowest recovery rates in 2022-23 of (rate in
    2024-25 − rate in 2022-23), in percentage points."""
    return _group_change(data, top=False)


@toulmin.statistic("areas.top10_change_2022_23_to_2024_25", sources=REPORTS, unit="",
                   digits=1, title="Mean change in recovery rate of the ten highest ICBs of "
                   "2022-23, to 2024-25 (points)")
def top10_change(data):
    """Mean over the ten boards with the highest recovery rates in 2022-23 of (rate in
    2024-25 − rate in 2022-23), in percentage points."""
    return _group_change(data, top=True)


@toulmin.statistic("areas.top10_kept_2022_23_to_2024_25", sources=REPORTS, unit="", digits=0,
                   title="ICBs in the top ten for recovery in both 2022-23 and 2024-25")
def top10_kept(data):
    """Boards among the ten highest recovery rates in 2022-23 that are also among the ten
    highest in 2024-25."""
    both = _both(data, FIRST, LAST)
    return float(len(set(both["first"].nlargest(GROUP).index)
                     & set(both["last"].nlargest(GROUP).index)))


@toulmin.statistic("areas.region_lowest_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Lowest commissioning region recovery rate, 2024-25")
def region_lowest_2024_25(data):
    """min over the seven commissioning regions of the recovery rate, 2024-25."""
    return float(_recovery(data, LAST, "Commissioning Region").min())


@toulmin.statistic("areas.region_highest_2024_25", sources=REPORTS, unit="%", digits=1,
                   title="Highest commissioning region recovery rate, 2024-25")
def region_highest_2024_25(data):
    """max over the seven commissioning regions of the recovery rate, 2024-25."""
    return float(_recovery(data, LAST, "Commissioning Region").max())


@toulmin.chart(
    "icb_recovery_by_year",
    title="Recovery rates of the integrated care boards, 2022-23 to 2024-25",
    description="A slope chart: one grey line per integrated care board joining its recovery "
    "rate in 2022-23, 2023-24 and 2024-25, with England's rate as a thicker orange line, labelled. "
    "The boards furthest below England in 2022-23 rose most, so the lines converge from "
    "the bottom; the middle of the distribution is about as wide in the last year as in "
    "the first. Rates are recomputed from counts the NHS rounds to the nearest 5.",
)
def icb_recovery_by_year(data):
    """Each board's recovery rate in each year, and England's, as lines over the years."""
    rows = []
    for year in YEARS:
        names = _level(data, "ICB", year).org_name
        for code, rate in _recovery(data, year).items():
            name = str(names[code]).removeprefix("NHS ").removesuffix(" INTEGRATED CARE BOARD")
            rows.append({"year": year, "area": name.title(), "code": code,
                         "rate": round(float(rate), 2), "kind": "Integrated care board"})
        row = _england(data, year)
        rows.append({"year": year, "area": "England", "code": "ENG", "kind": "England",
                     "rate": round(100 * float(row.recovered)
                                   / float(row.finished_course - row.not_at_caseness), 2)})
    frame = pd.DataFrame(rows).sort_values(["kind", "code", "year"]).reset_index(drop=True)
    x = alt.X("year:O", title="Financial year", axis=alt.Axis(labelAngle=0))
    y = alt.Y("rate:Q", title="Recovery rate (%)", scale=alt.Scale(domain=[30, 60]))
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("rate:Q", title="Recovery rate (%)", format=".1f")]
    boards = alt.Chart(frame[frame.kind != "England"]).mark_line(
        point=alt.OverlayMarkDef(size=20, color="#9e9e9e"), color="#9e9e9e", opacity=0.7,
        strokeWidth=1).encode(x=x, y=y, detail="code:N", tooltip=tooltip)
    england = alt.Chart(frame[frame.kind == "England"]).mark_line(
        point=alt.OverlayMarkDef(size=50, color="#e65100"), color="#e65100",
        strokeWidth=3).encode(x=x, y=y, tooltip=tooltip)
    label = alt.Chart(frame[(frame.kind == "England") & (frame.year == LAST)]).mark_text(
        align="left", dx=8, dy=-10, color="#e65100", fontWeight="bold").encode(
        x=x, y=y, text="area:N")
    return alt.layer(boards, england, label).properties(width=WIDTH - 160, height=340)
