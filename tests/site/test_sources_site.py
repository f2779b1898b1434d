"""The commentary's stored source texts and its lock's honesty.

- ``references.sources.json`` holds abstracts, each saying where it was read and when, and
  who copied it when it was copied by hand; every key names an entry of references.bib.
- ``sources/<key>.yaml`` holds excerpts of a work's full text, each with its locator (page,
  section...) and who recorded it against what.
- ``references.lock.json`` says "verified" only where a registry answered: a record made
  offline is "checked_by_hand" (with who checked it against what), "unregistered" (with
  the reason the entry gives) or "unverified".

The checks that read these files (SRC001-SRC006, REF007, REF008) are tested on invented
works in tests/engine/; these tests hold the site's own files to the same shapes.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
import yaml

from toulmin.bibliography import loading, lock

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "references.sources.json"
EXCERPTS = ROOT / "sources"
VIAS = {"crossref", "europepmc", "openalex", "manual"}
LOCATOR = re.compile(r"^(p|pp|sec|para|chap)\. \S")


@pytest.fixture(scope="module")
def bib():
    return loading.load(ROOT / "references.bib")


@pytest.fixture(scope="module")
def works():
    data = json.loads(SOURCES.read_text(encoding="utf-8"))
    assert data["format"] == 1
    assert isinstance(data["works"], dict) and data["works"]
    return data["works"]


def _date(text: str) -> datetime.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
    return datetime.date.fromisoformat(text)


def test_stored_abstracts_are_well_formed(works, bib):
    for key, rec in works.items():
        assert key in bib.entries, f"{key} is not an entry of references.bib"
        assert rec["kind"] == "abstract", key
        assert rec["text"].strip() and rec["text"] == rec["text"].strip(), key
        assert len(rec["text"].split()) >= 30, f"{key}: an abstract, not a fragment"
        assert rec["via"] in VIAS, key
        assert re.match(r"https?://\S+$", rec["url"]), key
        assert _date(rec["retrieved"]) <= datetime.date(2026, 12, 31), key
        if rec["via"] == "manual":
            assert rec.get("recorded_by", "").strip(), f"{key}: who copied it by hand?"
        doi = bib.entries[key].doi
        if rec.get("doi") or doi:
            assert rec.get("doi", "").lower() == (doi or "").lower(), key


def test_stored_abstracts_file_is_written_stably():
    text = SOURCES.read_text(encoding="utf-8")
    again = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert text == again


def test_stored_abstracts_hold_the_figures_the_posts_take_from_them(works):
    # the figures a post attributes to each of these works, as the works print them
    expected = {
        "davis2020engagement": ["around 40% of first appointments are not attended"],
        "scott2018radical": ["assess 90 Improving Access", "(9.2%)"],
        "tracey1989factor": ["12-item short form"],
        "spitzer2006gad7": ["sensitivity (89%) and specificity (82%)"],
        "kroenke2001phq9": ["score ≥10 had a sensitivity of 88% and a specificity of 88%"],
    }
    for key, phrases in expected.items():
        for phrase in phrases:
            assert phrase in works[key]["text"], (key, phrase)


def _excerpt_files():
    return sorted(EXCERPTS.glob("*.yaml"))


def test_every_excerpt_names_its_locator(bib):
    files = _excerpt_files()
    assert files, "sources/ holds no excerpts"
    for path in files:
        assert path.stem in bib.entries, f"{path.name}: no entry '{path.stem}'"
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# Excerpts of "), path.name
        data = yaml.safe_load("\n".join(lines))
        assert set(data) == {"excerpts"}, path.name
        assert data["excerpts"], path.name
        for excerpt in data["excerpts"]:
            assert set(excerpt) == {"locator", "text", "recorded"}, path.name
            assert LOCATOR.match(excerpt["locator"]), (path.name, excerpt["locator"])
            assert excerpt["text"].strip(), path.name
            assert "the editors" in excerpt["recorded"], path.name
            _date(excerpt["recorded"].split(",")[0])


def test_excerpts_hold_the_figures_the_posts_take_from_them():
    def text(key):
        data = yaml.safe_load((EXCERPTS / f"{key}.yaml").read_text(encoding="utf-8"))
        return " ".join(e["text"] for e in data["excerpts"])

    assert "for 98% of patients" in text("clark2018transparency")
    assert "in 230 patients" in text("beierl2021alliance")
    assert "sessions 1, 3, and 5" in text("beierl2021alliance")
    # the programme-side evaluations the pre-post post quotes (abstracts, PubMed/PMC)
    assert "55–56% of patients who had" in text("clark2009improving")
    assert "10 month follow-up" in text("clark2009improving")
    assert "N = 47 studies" in text("wakefield2021improving")
    assert "(d = 0.87" in text("wakefield2021improving")
    assert "anxiety (d = 0.88" in text("wakefield2021improving")
    # CanTalk (HTA 23(19)): the trial the diagnosis post describes
    assert "(N = 230; n = 115 in each arm)" in text("serfaty2019cantalkhta")
    # the alliance meta-analysis (Psychotherapy 55(4), abstract): the alliance post's figures
    alliance = text("fluckiger2018alliance")
    assert "295 independent studies" in alliance
    assert "more than 30,000 patients" in alliance
    assert "r = .278 (95% confidence intervals [.256, .299]" in alliance
    assert "equivalent of d = .579" in alliance
    assert "r = .275, k = 23" in alliance
    assert "2% of the 295 effect sizes" in alliance


def test_a_stored_text_is_an_abstract_or_excerpts_never_both(works):
    assert not set(works) & {p.stem for p in _excerpt_files()}


def test_lock_says_verified_only_where_a_registry_answered(bib):
    records = lock.load(ROOT / "references.lock.json")
    assert records
    for key, rec in records.items():
        if rec.get("recorded") != "registry":
            assert rec.get("verdict") != "verified", (
                f"{key}: recorded {rec.get('recorded')!r} but verdict 'verified'")
        if rec.get("verdict") == "checked_by_hand":
            assert rec.get("checked_by", "").strip(), key
            assert rec.get("checked_against", "").strip(), key
            assert " verified " not in f" {rec.get('note', '')} ", key


def test_unregistered_entries_are_declared_and_locked(bib):
    records = lock.load(ROOT / "references.lock.json")
    declared = {k: r.fields["unregistered"] for k, r in bib.entries.items()
                if r.fields.get("unregistered")}
    assert {"nhsdigital_iapt_annual", "nhsengland_tt_monthly", "nhstt_package"} <= set(declared)
    for key, reason in declared.items():
        assert not bib.entries[key].doi, f"{key} has a DOI: it is registered"
        rec = records.get(key)
        assert rec is not None, f"{key}: declared unregistered but not in the lock"
        assert rec["verdict"] == "unregistered", key
        assert rec["reason"] == reason, key
        assert rec["hash"] == bib.entries[key].hash, f"{key} changed since it was locked"
    for key, rec in records.items():
        if rec.get("verdict") == "unregistered":
            assert key in declared, f"{key}: locked unregistered, but the entry does not say so"
