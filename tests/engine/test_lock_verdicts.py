"""Honest verdicts in the lock: REF007 (no registered work matches an entry without a DOI)
and REF008 (a verdict recorded by hand that looks like a registry's)."""

from __future__ import annotations

from pathlib import Path

from toulmin.bibliography import loading, lock
from toulmin.checks.lock import check_lock
from toulmin.findings import ERROR, WARNING

BIB = """\
@article{okafor2021guided,
  author  = {Okafor, Chidinma and Lindqvist, Per},
  title   = {Guided self-help for panic disorder in primary care: a pragmatic trial},
  journal = {Journal of Primary Care Mental Health},
  year    = {2021},
  doi     = {10.5555/jpcmh.2021.0142}
}

@misc{nhsd2024annual,
  author  = {{NHS Digital}},
  title   = {Psychological Therapies, Annual Report on the Use of IAPT Services, 2023-24},
  year    = {2024},
  url     = {https://digital.nhs.example/annual-report-2023-24}
}
"""


def _site(root: Path, bib: str = BIB) -> tuple:
    (root / "references.bib").write_text(bib, encoding="utf-8")
    library = loading.load(root / "references.bib")
    assert library.findings == []
    return root, library


def _record(library, key: str, **changes) -> dict:
    ref = library.entries[key]
    rec = lock.make_record(doi=ref.doi, hash=ref.hash, verdict="verified", checked="2026-12-01",
                           recorded="registry")
    rec.update(changes)
    return rec


def _ref(root: Path, library, records: dict) -> list:
    lock.write(root / "references.lock.json", records)
    return [f for f in check_lock(library, "references.lock.json", root, set(), [])
            if f.code in ("REF002", "REF007", "REF008")]


def test_a_registry_verdict_is_accepted(tmp_path):
    root, library = _site(tmp_path)
    assert _ref(root, library, {"okafor2021guided": _record(library, "okafor2021guided")}) == []


def test_verified_offline_is_not_a_registry_verdict(tmp_path):
    root, library = _site(tmp_path)
    rec = _record(library, "okafor2021guided", recorded="offline",
                  note="DOI resolved by hand")
    (finding,) = _ref(root, library, {"okafor2021guided": rec})
    assert (finding.code, finding.severity, finding.line) == ("REF008", WARNING, 1)
    assert "not a registry verdict: record it as checked_by_hand" in finding.message


def test_checked_by_hand_says_by_whom_against_what(tmp_path):
    root, library = _site(tmp_path)
    rec = _record(library, "okafor2021guided", recorded="offline", verdict="checked_by_hand",
                  checked_by="the editors", checked_against="the publisher's page")
    assert _ref(root, library, {"okafor2021guided": rec}) == []
    del rec["checked_against"]
    (finding,) = _ref(root, library, {"okafor2021guided": rec})
    assert finding.code == "REF008" and "without checked_against" in finding.message


def test_no_registered_work_for_an_entry_without_doi_is_an_error(tmp_path):
    root, library = _site(tmp_path)
    rec = _record(library, "nhsd2024annual", verdict="not_registered", doi="",
                  best_candidate={"doi": "10.5555/iapt.2023", "score": 0.61,
                                  "title": "Psychological therapies: annual report 2022-23"})
    (finding,) = _ref(root, library, {"nhsd2024annual": rec})
    assert (finding.code, finding.severity) == ("REF007", ERROR)
    assert "the nearest, doi 10.5555/iapt.2023, scored 0.61" in finding.message
    assert finding.line == library.entries["nhsd2024annual"].line
    assert "no registered work matches entry 'nhsd2024annual'" in finding.message
    assert "unregistered = {<reason>}" in finding.hint


def test_an_entry_declared_unregistered_is_no_error(tmp_path):
    declared = BIB.replace(
        "  url     = {https://digital.nhs.example/annual-report-2023-24}\n",
        "  url     = {https://digital.nhs.example/annual-report-2023-24},\n"
        "  unregistered = {grey literature: official statistics series}\n")
    root, library = _site(tmp_path, declared)
    (tmp_path / "old").mkdir()
    old = _site(tmp_path / "old")[1]
    rec = _record(old, "nhsd2024annual", verdict="not_registered")
    # declared since verify-refs ran: no REF007 (the next verify-refs records it)
    assert [f.code for f in _ref(root, library, {"nhsd2024annual": rec})] == []
    rec = _record(library, "nhsd2024annual", verdict="unregistered",
                  reason="grey literature: official statistics series")
    assert _ref(root, library, {"nhsd2024annual": rec}) == []


def test_a_changed_entry_without_doi_is_checked_again(tmp_path):
    root, library = _site(tmp_path)
    rec = _record(library, "nhsd2024annual", verdict="not_registered", hash="0" * 16)
    (finding,) = _ref(root, library, {"nhsd2024annual": rec})
    assert finding.code == "REF002"
