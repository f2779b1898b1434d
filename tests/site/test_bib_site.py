"""The commentary's reference base loads without a finding."""

from __future__ import annotations

from pathlib import Path

from toulmin.bibliography import loading
from toulmin.checks.bibliography import check_entries


def test_site_reference_base_is_clean():
    b = loading.load(Path(__file__).resolve().parents[2] / "references.bib")
    assert len(b) >= 25
    assert b.findings == []
    assert check_entries(b, b.path) == []  # and every entry rule
    assert b["lakens2013effect"].authors[0].given == "Daniël"
