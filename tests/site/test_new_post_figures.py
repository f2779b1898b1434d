"""Headline figures of the December 2026 posts, recomputed from the CSV files with pandas.

Independent of the site's scripts: each test reads the published counts in
data/nhs-talking-therapies/ (NHS England / NHS Digital, NHS Talking Therapies annual reports,
as stored there with the URL of each file in its rows), computes the figure by the
programme's published formula (definitions.csv), and compares it with the number the post
prints, at the precision the post writes it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "nhs-talking-therapies"
POSTS = ROOT / "posts"


def _written(post: str, stat: str) -> str:
    """The figure a post writes for one checked statistic, as written (first occurrence)."""
    text = (POSTS / post).read_text(encoding="utf-8")
    match = re.search(r"\[([^\]]+)\]\{stat=" + re.escape(stat) + r"\}", text)
    assert match, f"{post} does not quote {stat}"
    return match.group(1)


def _round(x: float, places: str) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def test_deterioration_rate_2024_25_matches_the_post_and_the_published_rate():
    annual = pd.read_csv(DATA / "england_annual.csv").set_index("reporting_year")
    row = annual.loc["2024-25"]
    rate = 100 * row.reliably_deteriorated / row.finished_course
    assert _written("2026-12-03-who-gets-worse.md", "deterioration.rate_2024_25") == (
        f"{_round(rate, '0.1')}%")
    # the NHS's own published percentage (Percentage_Deterioration) agrees
    assert _round(rate, "0.1") == Decimal(str(row.reliable_deterioration_rate_published_pct))


def test_deterioration_count_2024_25_matches_the_post():
    annual = pd.read_csv(DATA / "england_annual.csv").set_index("reporting_year")
    count = int(annual.loc["2024-25", "reliably_deteriorated"])
    assert _written("2026-12-03-who-gets-worse.md", "deterioration.count_2024_25") == (
        f"{count:,}")


def test_spread_of_board_recovery_rates_matches_the_post():
    """The standard deviation of the integrated care boards' recovery rates (the UNKNOWN
    row left out), 2022-23 and 2024-25, and the lowest and highest board in 2024-25."""
    areas = pd.read_csv(DATA / "providers_annual.csv")
    boards = areas[(areas.org_level == "ICB") & (areas.org_code != "UNKNOWN")]
    rate = 100 * boards.recovered / (boards.finished_course - boards.not_at_caseness)
    by_year = rate.groupby(boards.reporting_year)
    post = "2026-12-04-does-it-matter-where-you-are-treated.md"
    assert by_year.size().to_dict() == {"2022-23": 42, "2023-24": 42, "2024-25": 42}
    assert _written(post, "areas.icb_sd_2022_23") == str(_round(by_year.std()["2022-23"], "0.1"))
    assert _written(post, "areas.icb_sd_2024_25") == str(_round(by_year.std()["2024-25"], "0.1"))
    assert _written(post, "areas.icb_lowest_2024_25") == (
        f"{_round(by_year.min()['2024-25'], '0.1')}%")
    assert _written(post, "areas.icb_highest_2024_25") == (
        f"{_round(by_year.max()['2024-25'], '0.1')}%")
    # each recomputed board rate is within rounding of the NHS's whole-number percentage
    published = boards.recovery_rate_published_pct
    assert ((rate - published).abs() <= 0.6).all()
