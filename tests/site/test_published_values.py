"""The programme's published figures, recomputed from the counts and scores in data/.

Source of every published value: NHS England / NHS Digital, NHS Talking Therapies annual
reports (formerly Psychological Therapies: Annual Report on the use of IAPT services),
as stored in data/nhs-talking-therapies/ with the URL of each file in its rows.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from toulmin.definitions import effects

DATA = Path(__file__).resolve().parents[2] / "data" / "nhs-talking-therapies"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _round1(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


ANNUAL = [r for r in _rows("england_annual.csv") if r["recovery_rate_published_pct"]]


def test_twelve_published_years():
    assert [r["reporting_year"] for r in ANNUAL] == [
        f"{y}-{(y + 1) % 100:02d}" for y in range(2013, 2025)]


@pytest.mark.parametrize("row", ANNUAL, ids=[r["reporting_year"] for r in ANNUAL])
def test_published_rates_recompute_from_counts(row):
    n = {k: int(v) for k, v in row.items() if v.isdigit()}
    rec = effects.recovery_rate(n["recovered"], n["finished_course"], n["not_at_caseness"])
    rel = effects.reliable_recovery_rate(n["reliably_recovered"], n["finished_course"],
                                         n["not_at_caseness"])
    imp = effects.reliable_improvement_rate(n["reliably_improved"], n["finished_course"])
    assert _round1(rec.value) == Decimal(row["recovery_rate_published_pct"])
    assert _round1(rel.value) == Decimal(row["reliable_recovery_rate_published_pct"])
    assert _round1(imp.value) == Decimal(row["reliable_improvement_rate_published_pct"])


OUTCOMES_2024_25 = [
    r for r in _rows("england_outcomes_by_therapy.csv")
    if r["reporting_year"] == "2024-25" and r["problem_descriptor"] == "Total"
    and r["effect_size_published"] and r["mean_first_score"] and r["sd_first_score"]
    and r["mean_last_score"]
]


def test_pre_post_effect_sizes_by_therapy_2024_25():
    """Each therapy's published pre-post effect size (PHQ-9, GAD-7, WSAS), 2024-25.

    The published means and SDs are themselves rounded to 0.1, so the recomputed value
    can miss the published 0.1 at a rounding boundary. The test therefore requires (a) the
    published value to be reachable from inputs within their rounding (every row), and
    (b) exact agreement at 0.1 on nine rows in ten or more.
    """
    assert len(OUTCOMES_2024_25) >= 40
    exact = 0
    for r in OUTCOMES_2024_25:
        mf, sd, ml = (float(r[k]) for k in ("mean_first_score", "sd_first_score",
                                            "mean_last_score"))
        published = Decimal(r["effect_size_published"])
        d = effects.pre_post_d(mf, sd, ml).value
        exact += _round1(d) == published
        lows = [(mf + a - (ml + b)) / (sd + c)
                for a in (-0.05, 0.05) for b in (-0.05, 0.05) for c in (-0.05, 0.05)]
        lo, hi = min(lows), max(lows)
        assert lo <= float(published) + 0.05 and hi >= float(published) - 0.05, r
    assert exact / len(OUTCOMES_2024_25) >= 0.9
