"""The commentary's charts: the committed files are what its scripts render from its data
(the engine's own tests of charts run on the synthetic site, tests/engine)."""

from __future__ import annotations

#: the charts defined in scripts/charts.py, and those of the December posts
#: (scripts/deterioration.py, scripts/areas.py)
CHARTS = ("pre_post_effect_by_therapy", "provider_funnel_plot", "recovery_by_denominator",
          "referral_funnel", "deterioration_by_therapy", "icb_recovery_by_year")


def test_committed_charts_are_up_to_date(site, run_cli):
    code, out, err = run_cli("charts", "--check", site)
    assert code == 0, out + err
    assert set(CHARTS) <= {p.name.split(".")[0] for p in (site / "charts").iterdir()}
