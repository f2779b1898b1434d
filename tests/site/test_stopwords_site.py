"""The commentary supplies its own subject words to the mention check (the engine has none)."""

from __future__ import annotations

from pathlib import Path

from toulmin.project import read_stopwords

ROOT = Path(__file__).resolve().parents[2]


def test_this_site_names_its_subject_words():
    words = read_stopwords(ROOT, "data/stopwords.txt")
    assert {"Recovery", "Referrals", "Lockdown", "Therapies"} <= words
    assert "stopwords: data/stopwords.txt" in (ROOT / "mkdocs.yml").read_text()
