"""The commentary's Data Package in data/: its descriptor is complete, and its data hold the
numbers SOURCES.md says they hold.

The validation's own tests (DATA001-DATA004, the cache) run on the synthetic site's package
in tests/engine/test_data.py. The last tests here recompute the NHS's published percentages
from the stored counts with plain integer arithmetic.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from sitebuild import bib_keys
from toulmin.definitions import datavalidation as data
from toulmin.definitions.datapackage import DataPackage

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
NT = "data/nhs-talking-therapies"
DP = "data/datapackage.yaml"
RESOURCES = {
    "england_annual": ("reporting_year",),
    "england_monthly": ("reporting_month",),
    "providers_annual": ("reporting_year", "org_level", "org_code", "org_name"),
    "england_outcomes_by_therapy": ("reporting_year", "problem_descriptor", "therapy_type",
                                    "measure"),
    "england_recovery_by_therapy": ("reporting_year", "problem_descriptor", "therapy_type"),
    "definitions": (),
}


BIB_KEYS = bib_keys(ROOT / "references.bib")


def _copy_data(root: Path) -> Path:
    shutil.copytree(DATA / "nhs-talking-therapies", root / NT)
    shutil.copy2(DATA / "datapackage.yaml", root / DP)
    return root


@pytest.fixture
def cold_data(tmp_path: Path) -> Path:
    """A site root holding a copy of the repository's data/ (descriptor and CSVs)."""
    return _copy_data(tmp_path)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _line_of(path: Path, text: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number >= start and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


# -- the package -------------------------------------------------------------------------


def test_real_package_validates_clean(cold_data):
    assert data.validate(cold_data, bib_keys=BIB_KEYS) == []
    assert data.validate(cold_data, bib_keys=BIB_KEYS) == []  # from the cache


def test_frictionless_validates_the_package_as_a_whole():
    """What `frictionless validate data/datapackage.yaml` does."""
    import frictionless

    report = frictionless.validate(str(DATA / "datapackage.yaml"))
    assert report.valid, report.flatten(["type", "message"])
    assert len(report.tasks) == len(RESOURCES)


def test_every_csv_is_a_resource_with_the_declared_primary_key():
    pkg = DataPackage.load(DATA / "datapackage.yaml")
    assert {r: pkg.resources[r].primary_key for r in pkg.resources} == RESOURCES
    csvs = {p.name for p in (DATA / "nhs-talking-therapies").glob("*.csv")}
    assert {Path(r.path).name for r in pkg.resources.values()} == csvs
    for res in pkg.resources.values():
        assert res.abs_path.is_file()
        assert res.field_names == _rows(res.abs_path)[0]
        assert res.descriptor["format"] == "csv"
        assert res.descriptor["mediatype"] == "text/csv"
        assert res.descriptor["encoding"] == "utf-8"
        assert [lic["name"] for lic in res.licenses] == ["OGL-UK-3.0"]
        assert res.licenses[0]["path"].startswith("https://www.nationalarchives.gov.uk/")
        assert res.retrieved.startswith("snapshot ")
        assert res.missing_values == ("",)
        assert set(res.citations) <= BIB_KEYS
        assert "nhstt_package" in res.citations
        for src in res.sources:
            assert src["title"]
        for f in res.fields:
            assert f.title and f.description, (res.name, f.name)
            assert f.type in {"integer", "number", "string", "date", "yearmonth"}
            if f.type in ("integer", "number") and f.name != "effect_size_published":
                assert f.unit and f.constraints.get("minimum") == 0, (res.name, f.name)
        for key in res.primary_key:
            assert res.field(key).required
    annual = pkg.resources["england_annual"]
    assert annual.citations == ("nhsdigital_iapt_annual", "nhstt_package")
    year = annual.field("reporting_year")
    assert year.type == "string" and year.constraints["pattern"] == "[0-9]{4}-[0-9]{2}"
    assert annual.field("finished_course").unit == "referrals"
    assert annual.field("recovery_rate_published_pct").unit == "percent"
    therapy = pkg.resources["england_outcomes_by_therapy"]
    assert therapy.field("mean_first_score").unit == "score points"
    assert therapy.field("courses_of_therapy").unit == "courses"


def test_primary_keys_are_unique_and_the_providers_duplicate_is_why_org_name_is_in_it():
    for name, key in RESOURCES.items():
        rows = _rows(DATA / "nhs-talking-therapies" / f"{name}.csv")
        header, body = rows[0], rows[1:]
        idx = [header.index(k) for k in key]
        if key:
            keys = [tuple(r[i] for i in idx) for r in body]
            assert len(set(keys)) == len(keys), name
    rows = _rows(DATA / "nhs-talking-therapies" / "providers_annual.csv")
    header, body = rows[0], rows[1:]
    short = [(r[0], r[1], r[2]) for r in body]
    dups = {k for k in short if short.count(k) > 1}
    assert dups == {("2023-24", "Provider", "TAF90")}
    twins = [r for r in body if (r[0], r[2]) == ("2023-24", "TAF90")]
    assert {r[3] for r in twins} == {"KINGSTON DRUG & ALCOHOL SERVICE", "KINGSTON SMS"}
    assert twins[0][4:] == twins[1][4:]  # identical counts and percentages


def test_load_records_lines_of_resources_fields_and_citations():
    path = DATA / "datapackage.yaml"
    pkg = DataPackage.load(path)
    for res in pkg.resources.values():
        assert res.line == _line_of(path, f"- name: {res.name}")
        first = res.fields[0]
        assert first.line == _line_of(path, f"- name: {first.name}", res.line)
        assert [f.position for f in res.fields] == list(range(1, len(res.fields) + 1))
        for key, line, column in res.citation_lines:
            text = path.read_text(encoding="utf-8").splitlines()[line - 1]
            assert text.strip() == f"citation: {key}"
            assert text[column - 1:] == key


def test_table_types_columns_from_the_schema():
    pkg = DataPackage.load(DATA / "datapackage.yaml")
    annual = pkg.table("england_annual")
    assert len(annual) == 13
    assert str(annual["finished_course"].dtype) == "Int64"
    assert str(annual["recovery_rate_published_pct"].dtype) == "float64"
    assert annual["reporting_year"].dtype == "str"
    assert str(annual["period_start"].dtype).startswith("datetime64")
    row = annual.set_index("reporting_year").loc["2024-25"]
    assert row.recovery_rate_published_pct == 50.5
    assert row.finished_course == 670419 and row.not_at_caseness == 35234
    first = annual.iloc[0]
    assert first.reporting_year == "2012-13"
    assert first.recovery_rate_published_pct != first.recovery_rate_published_pct  # NaN
    providers = pkg.table("providers_annual")
    assert len(providers) == 619
    assert int(providers["not_at_caseness"].isna().sum()) == 29  # suppressed cells
    monthly = pkg.table("england_monthly")
    assert monthly["reporting_month"].iloc[0] == "2021-01"  # yearmonth stays text
    # cached, and a caller cannot change the cached frame
    annual["finished_course"] = 0
    assert pkg.table("england_annual")["finished_course"].iloc[1] == 364343


# -- the data: published percentages recompute from the counts ------------------------------


def _dict_rows(name: str) -> list[dict[str, str]]:
    with (DATA / "nhs-talking-therapies" / f"{name}.csv").open(encoding="utf-8",
                                                                newline="") as fh:
        return list(csv.DictReader(fh))


def _tenths_half_up(num: int, den: int) -> int:
    """100 * num / den in tenths of a percent, rounded half up, exactly (integers only)."""
    return (2 * 1000 * num + den) // (2 * den)


ENGLAND_RATES = [
    # (published column, numerator, denominator as a function of the row)
    ("recovery_rate_published_pct", "recovered",
     lambda r: int(r["finished_course"]) - int(r["not_at_caseness"])),
    ("reliable_recovery_rate_published_pct", "reliably_recovered",
     lambda r: int(r["finished_course"]) - int(r["not_at_caseness"])),
    ("reliable_improvement_rate_published_pct", "reliably_improved",
     lambda r: int(r["finished_course"])),
    ("reliable_deterioration_rate_published_pct", "reliably_deteriorated",
     lambda r: int(r["finished_course"])),
    ("no_reliable_change_rate_published_pct", "no_reliable_change",
     lambda r: int(r["finished_course"])),
]
YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2013, 2025)]


@pytest.mark.parametrize("column,numerator,denominator", ENGLAND_RATES,
                         ids=[r[0] for r in ENGLAND_RATES])
def test_england_annual_published_rates_recompute_from_counts(column, numerator,
                                                                denominator):
    rows = {r["reporting_year"]: r for r in _dict_rows("england_annual")}
    assert list(rows) == ["2012-13", *YEARS]
    assert rows["2012-13"][column] == ""  # no published rates for the first year
    for year in YEARS:
        r = rows[year]
        num, den = int(r[numerator]), denominator(r)
        published = round(float(r[column]) * 10)
        assert _tenths_half_up(num, den) == published, (year, num, den, r[column])
        assert abs(100 * num / den - float(r[column])) <= 0.05 + 1e-9, year


def test_recovery_denominator_is_not_at_caseness():
    """SOURCES.md: from 2014-15, at_caseness + not_at_caseness < finished_course."""
    gaps = {}
    for r in _dict_rows("england_annual"):
        gaps[r["reporting_year"]] = (int(r["finished_course"]) - int(r["at_caseness"])
                                     - int(r["not_at_caseness"]))
    assert gaps["2012-13"] == gaps["2013-14"] == 0  # derived by nhstt as the difference
    later = [gaps[y] for y in YEARS[1:]]
    assert min(later) == 549 and max(later) == 3469


def test_monthly_published_rates_recompute_from_counts():
    rows = _dict_rows("england_monthly")
    assert len(rows) == 63
    for r in rows:
        fin, nac = int(r["finished_course"]), int(r["not_at_caseness"])
        for col, num, den in [("recovery_rate_published_pct", "recovered", fin - nac),
                              ("reliable_recovery_rate_published_pct", "reliably_recovered",
                               fin - nac),
                              ("reliable_improvement_rate_published_pct", "reliably_improved",
                               fin)]:
            assert _tenths_half_up(int(r[num]), den) == round(float(r[col]) * 10), (
                r["reporting_month"], col)
        if r["ended_after_one_treatment_published_pct"]:
            got = _tenths_half_up(int(r["ended_after_one_treatment"]),
                                  int(r["ended_referrals"]))
            assert got == round(float(r["ended_after_one_treatment_published_pct"]) * 10)
    assert sum(1 for r in rows if r["ended_after_one_treatment_published_pct"]) == 24


def test_therapy_level_rates_recompute_from_counts():
    rows = _dict_rows("england_recovery_by_therapy")
    checked = 0
    for r in rows:
        courses, nac = int(r["courses_of_therapy"]), int(r["not_at_caseness"])
        for col, num, den in [("recovery_rate_published_pct", "recovered", courses - nac),
                              ("reliable_recovery_rate_published_pct", "reliably_recovered",
                               courses - nac),
                              ("reliable_improvement_rate_published_pct", "reliably_improved",
                               courses),
                              ("reliable_deterioration_rate_published_pct",
                               "reliably_deteriorated", courses),
                              ("no_reliable_change_rate_published_pct", "no_reliable_change",
                               courses)]:
            if r[col] and den > 0:
                assert _tenths_half_up(int(r[num]), den) == round(float(r[col]) * 10), (
                    r["reporting_year"], r["problem_descriptor"], r["therapy_type"], col)
                checked += 1
    assert checked == 1076 * 2 + 1093 * 3


# -- providers: sums and sub-national rates --------------------------------------------------

COUNTS = ["referrals_received", "finished_course", "at_caseness", "not_at_caseness",
          "recovered", "reliably_improved", "reliably_recovered", "reliably_deteriorated",
          "no_reliable_change"]


def test_provider_england_rows_equal_england_annual():
    annual = {r["reporting_year"]: r for r in _dict_rows("england_annual")}
    england = [r for r in _dict_rows("providers_annual") if r["org_level"] == "England"]
    assert [r["reporting_year"] for r in england] == ["2022-23", "2023-24", "2024-25"]
    for r in england:
        a = annual[r["reporting_year"]]
        for col in [*COUNTS, *(c for c, _, _ in ENGLAND_RATES)]:
            assert r[col] == a[col], (r["reporting_year"], col)


def test_provider_finished_course_sums_and_the_duplicated_provider():
    rows = _dict_rows("providers_annual")
    england = {r["reporting_year"]: int(r["finished_course"]) for r in rows
               if r["org_level"] == "England"}
    sums: dict[str, int] = defaultdict(int)
    deduped: dict[str, int] = defaultdict(int)
    n: dict[str, int] = defaultdict(int)
    seen = set()
    for r in rows:
        if r["org_level"] != "Provider" or not r["finished_course"]:
            continue
        y = r["reporting_year"]
        sums[y] += int(r["finished_course"])
        n[y] += 1
        if (y, r["org_code"]) not in seen:
            seen.add((y, r["org_code"]))
            deduped[y] += int(r["finished_course"])
    # the figures in SOURCES.md
    assert dict(sums) == {"2022-23": 672185, "2023-24": 673415, "2024-25": 670435}
    assert england == {"2022-23": 672193, "2023-24": 671648, "2024-25": 670419}
    # rounding each provider's count to the nearest 5 moves the sum by at most 2.5 each;
    # 2023-24 is over by more than that because TAF90 is listed twice
    assert sums["2023-24"] - england["2023-24"] > 2.5 * n["2023-24"]
    for y in england:
        assert abs(deduped[y] - england[y]) <= 2.5 * n[y], y
    assert deduped["2023-24"] - england["2023-24"] == -13


def test_provider_counts_are_rounded_to_five():
    """SOURCES.md: "97.8% of provider counts are multiples of 5, and the rest are small
    numbers". In fact every published provider count is a multiple of 5 (the smallest is
    5); 97.8% is their share of all provider count cells, the other 2.2% being suppressed
    (empty) cells."""
    rows = [r for r in _dict_rows("providers_annual") if r["org_level"] == "Provider"]
    cells = [r[c] for r in rows for c in COUNTS]
    values = [int(v) for v in cells if v]
    assert all(v % 5 == 0 for v in values) and min(values) == 5
    assert round(100 * len(values) / len(cells), 1) == 97.8
    assert len(cells) - len(values) == 91
    assert sum(any(r[c] == "" for c in COUNTS) for r in rows) == 39


@pytest.mark.parametrize("level,rows_expected,tolerance", [
    ("ICB", 129, 0.53), ("Commissioning Region", 24, 0.45)])
def test_sub_national_recovery_rates_near_published_whole_numbers(level, rows_expected,
                                                                   tolerance):
    compared = 0
    for r in _dict_rows("providers_annual"):
        if r["org_level"] != level or not r["recovery_rate_published_pct"]:
            continue
        den = int(r["finished_course"]) - int(r["not_at_caseness"])
        rate = 100 * int(r["recovered"]) / den
        assert abs(rate - float(r["recovery_rate_published_pct"])) <= tolerance, r["org_code"]
        assert float(r["recovery_rate_published_pct"]).is_integer()
        compared += 1
    assert compared == rows_expected
