"""The commentary's statistics: the posts quote real ones, and every number they state is
checked (the engine's own tests of statistics run on the synthetic site, tests/engine)."""

from __future__ import annotations

import re
from pathlib import Path

from sitebuild import bump_last_digit, checked_numbers
from toulmin.project import Project, Settings
from toulmin.scan.statrefs import find_stat_refs

ROOT = Path(__file__).resolve().parents[2]




def test_site_quotes_at_least_three_real_statistics():
    refs = [r.name for _, r in checked_numbers(ROOT)]
    assert len(set(refs)) >= 3
    for required in ("nhstt.recovery_rate_2024_25", "nhstt.recovered_per_referral_2024_25",
                     "nhstt.recovered_per_entering_treatment_2025_26",
                     "nhstt.one_session_share_2025_26"):
        assert required in refs


def test_alliance_statistics_translate_the_fluckiger_correlation(tmp_path):
    """The alliance post's four statistics are conversions of r = .278, the face-to-face
    alliance-outcome correlation of Flückiger, Del Re, Wampold and Horvath (2018, abstract,
    sources/fluckiger2018alliance.yaml). Reference values: that abstract's own conversion,
    d = .579, and by hand .278² = .077284 (7.7% shared, 92.3% not)."""
    stats = Project.load(ROOT, Settings(cache_dir=str(tmp_path / "cache"))).statistics
    results = stats.results
    names = ("variance_shared", "variance_unshared", "d_from_r", "common_language")
    found = {n: results[f"alliance.{n}_fluckiger2018"] for n in names}
    assert all(r.ok and "fluckiger2018alliance" in r.sources for r in found.values())
    assert found["variance_shared"].display() == "7.7%"
    assert found["variance_unshared"].display() == "92.3%"
    assert round(found["d_from_r"].estimate.value, 3) == 0.579
    assert found["d_from_r"].display() == "0.58"
    assert found["common_language"].display() == "66%"
    assert not [n for n in results if n.startswith("alliance.") and "horvath1991" in n]


def test_every_number_the_commentary_states_fails_when_its_last_digit_changes(site, tmp_path):
    """Mutation test over the commentary's posts: each number, one unit off, fails at its line."""
    cache = str(tmp_path / "cache")
    numbers = list(checked_numbers(site))
    assert numbers
    clean = Project.load(site, Settings(cache_dir=cache))
    assert not [f for f in clean.check() if f.code.startswith("STA") and f.is_error]
    for path, ref in numbers:
        original = path.read_text()
        for delta in (1, -1):
            wrong = bump_last_digit(ref.written, delta)
            mutated = (original[:ref.start] + f"[{wrong}]{{stat={ref.name}}}"
                       + original[ref.end:])
            path.write_text(mutated)
            findings = Project.load(site, Settings(cache_dir=cache)).check()
            rel = path.relative_to(site).as_posix()
            hits = [f for f in findings if f.code == "STA002" and f.path == rel]
            assert [(f.line, f.column) for f in hits] == [(ref.line, ref.column)], (wrong, hits)
            assert wrong in hits[0].message
        path.write_text(original)
