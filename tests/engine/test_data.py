"""The Data Package in data/: its descriptor, its validation (DATA001-DATA004) and its data.

Every test works on a copy of the repository's data/ folder in a temporary directory (built
by the ``site_data`` fixture), so breaking a file never touches the real one and the
validation cache lands in the copy. The last tests recompute the NHS's published
percentages from the stored counts with plain integer arithmetic, as a check that the
package holds the numbers SOURCES.md says it holds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from toulmin.definitions import datapackage as data
from toulmin.definitions.datapackage import DataPackage, DataPackageError

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


def _bib_keys() -> set[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.M))


BIB_KEYS = _bib_keys()


def _copy_data(root: Path) -> Path:
    shutil.copytree(DATA / "nhs-talking-therapies", root / NT)
    shutil.copy2(DATA / "datapackage.yaml", root / DP)
    return root


@pytest.fixture
def cold_data(tmp_path: Path) -> Path:
    """A site root holding a copy of the repository's data/ (descriptor and CSVs)."""
    return _copy_data(tmp_path)


@pytest.fixture(scope="session")
def _warm_cache(tmp_path_factory) -> Path:
    """The validation cache of the untouched data, made once per session."""
    root = _copy_data(tmp_path_factory.mktemp("warm"))
    assert data.validate(root) == []
    return root / ".cache"


@pytest.fixture
def site_data(tmp_path: Path, _warm_cache: Path) -> Path:
    """Like ``cold_data``, with the cache of the untouched data: a test that breaks one CSV
    re-validates only that CSV (the per-resource cache), which keeps the suite fast."""
    _copy_data(tmp_path)
    shutil.copytree(_warm_cache, tmp_path / ".cache")
    return tmp_path


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _line_of(path: Path, text: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number >= start and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def _one(findings, code: str):
    assert len(findings) == 1, [f.format() for f in findings]
    (f,) = findings
    assert f.code == code, f.format()
    assert f.is_error
    assert "\n" not in f.message
    return f


# -- the real package -------------------------------------------------------------------------


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


def test_table_of_a_broken_csv_raises_data_package_error(site_data):
    p = site_data / NT / "england_annual.csv"
    rows = _rows(p)
    rows[3][4] = "n/a"
    _write_rows(p, rows)
    pkg = DataPackage.load(site_data / DP)
    with pytest.raises(DataPackageError):
        pkg.table("england_annual")
    with pytest.raises(KeyError, match="no resource 'nope'"):
        pkg.table("nope")


def test_load_raises_with_the_line_of_broken_yaml(tmp_path):
    p = tmp_path / "datapackage.yaml"
    p.write_text("name: x\nresources:\n  - name: a\n    path: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataPackageError) as info:
        DataPackage.load(p)
    assert info.value.line == 5  # PyYAML reports the end of the stream


# -- bad input: each gives exactly one finding, at the right place ------------------------


def test_non_numeric_cell_is_reported_at_its_row(site_data):
    p = site_data / NT / "england_annual.csv"
    rows = _rows(p)
    col = rows[0].index("finished_course")
    rows[6][col] = "n/a"  # the data row on line 7
    _write_rows(p, rows)
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/england_annual.csv", 7, col + 1)
    assert f.message == "row 7, column finished_course: 'n/a' is not an integer"


def test_row_line_follows_multi_line_cells(site_data):
    """definitions.csv has cells with line breaks: the finding is at the physical line."""
    p = site_data / NT / "definitions.csv"
    text = p.read_text(encoding="utf-8")
    assert ",M031," in text
    p.write_text(text.replace(",M031,", ",X031,", 1), encoding="utf-8")
    line = _line_of(p, ",X031,")
    record = next(i for i, r in enumerate(_rows(p), 1) if "X031" in r)
    assert line > record  # frictionless's row number is not the line here
    f = _one(data.validate(site_data), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/definitions.csv", line, 4)
    assert f"row {record}, column measure_id: 'X031'" in f.message


def test_missing_column(site_data):
    p = site_data / NT / "england_annual.csv"
    rows = _rows(p)
    col = rows[0].index("at_caseness")
    for r in rows:
        del r[col]
    _write_rows(p, rows)
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/england_annual.csv", 1, col + 1)
    assert "'at_caseness'" in f.message and "missing" in f.message


def test_extra_column(site_data):
    p = site_data / NT / "providers_annual.csv"
    rows = _rows(p)
    for i, r in enumerate(rows):
        r.append("comment" if i == 0 else "x")
    _write_rows(p, rows)
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/providers_annual.csv", 1, 19)
    assert "extra column 'comment'" in f.message


def test_columns_out_of_order(site_data):
    p = site_data / NT / "england_monthly.csv"
    rows = _rows(p)
    for r in rows:
        r[3], r[4] = r[4], r[3]
    _write_rows(p, rows)
    f = _one(data.validate(site_data), "DATA001")
    assert (f.line, f.column) == (1, 4)
    assert "order" in f.message


def test_duplicate_primary_key(site_data):
    p = site_data / NT / "england_annual.csv"
    rows = _rows(p)
    rows.append(list(rows[5]))
    _write_rows(p, rows)
    f = _one(data.validate(site_data), "DATA001")
    assert (f.path, f.line) == (f"{NT}/england_annual.csv", 15)
    assert "duplicate primary key (reporting_year) of row 6" in f.message


def test_negative_count_breaks_minimum(site_data):
    p = site_data / NT / "england_recovery_by_therapy.csv"
    rows = _rows(p)
    col = rows[0].index("recovered")
    rows[10][col] = "-3"
    _write_rows(p, rows)
    f = _one(data.validate(site_data), "DATA001")
    assert (f.line, f.column) == (11, col + 1)
    assert "'-3' breaks the constraint minimum = 0" in f.message


def test_resource_naming_a_file_that_does_not_exist(site_data):
    (site_data / NT / "england_monthly.csv").unlink()
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA002")
    assert f.path == DP
    assert f.line == _line_of(site_data / DP, "- name: england_monthly")
    assert "england_monthly.csv" in f.message


def test_citation_key_missing_from_the_bib(site_data):
    p = site_data / DP
    text = p.read_text(encoding="utf-8")
    start = _line_of(p, "- name: providers_annual")
    line = _line_of(p, "citation: nhsdigital_iapt_annual", start)
    lines = text.splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("nhsdigital_iapt_annual", "nhsdigital_iapt_anual")
    p.write_text("".join(lines), encoding="utf-8")
    assert data.validate(site_data) == []  # no bib given: not checked
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA003")
    assert (f.path, f.line) == (DP, line)
    assert "'nhsdigital_iapt_anual'" in f.message


def test_malformed_yaml(site_data):
    p = site_data / DP
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    line = _line_of(p, "- name: england_monthly") + 2
    lines[line - 1] = "  title: [an unclosed flow sequence\n"
    p.write_text("".join(lines), encoding="utf-8")
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA004")
    assert f.path == DP
    assert line <= f.line <= line + 1
    assert f.message.startswith("invalid YAML")


def test_bad_indentation_yaml(site_data):
    p = site_data / DP
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[30] = "  bad: indentation: here\n"
    p.write_text("".join(lines), encoding="utf-8")
    f = _one(data.validate(site_data), "DATA004")
    assert f.line == 31


def test_invalid_field_type_is_reported_at_the_field(site_data):
    p = site_data / DP
    line = _line_of(p, "type: integer")
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("integer", "integr")
    p.write_text("".join(lines), encoding="utf-8")
    f = _one(data.validate(site_data), "DATA004")
    assert f.line == line - 1  # the field's "- name:" line
    assert '"integr"' in f.message


def test_primary_key_naming_no_field(site_data):
    p = site_data / DP
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("primaryKey: [reporting_month]", "primaryKey: [month]"),
                 encoding="utf-8")
    f = _one(data.validate(site_data), "DATA004")
    assert f.line == _line_of(p, "primaryKey: [month]")


def test_duplicate_yaml_key(site_data):
    p = site_data / DP
    line = _line_of(p, "- name: england_monthly") + 1
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line, "  path: nhs-talking-therapies/england_annual.csv\n")
    p.write_text("".join(lines), encoding="utf-8")
    f = _one(data.validate(site_data), "DATA004")
    assert (f.line, f.column) == (line + 1, 3)
    assert f.message == f"resource 'england_monthly': duplicate key 'path' (first at line {line})"


@pytest.mark.parametrize("content", [
    "", "- a\n- b\n", "name: x\n", "resources: 5\n", "resources:\n  - 5\n",
    "resources:\n  - name: a\n", "resources:\n  - name: a\n    path: /etc/passwd\n",
    "resources:\n  - name: a\n    path: ../../x.csv\n", "{{{{", "\t: x\n",
    "resources:\n  - name: a\n    path: a.csv\n    schema:\n      fields: 3\n",
    "resources:\n  - name: a\n    path: nhs-talking-therapies/england_annual.csv\n"
    "    schema:\n      fields:\n        - type: integer\n",
])
def test_bad_descriptors_give_findings_never_exceptions(site_data, content):
    (site_data / DP).write_text(content, encoding="utf-8")
    findings = data.validate(site_data, bib_keys=BIB_KEYS)
    assert findings
    for f in findings:
        assert f.code == "DATA004" and f.path == DP and f.line >= 1, f.format()


def test_garbage_csv_and_missing_descriptor_give_findings(site_data):
    (site_data / NT / "england_annual.csv").write_bytes(b"\xff\xfe\x00garbage\x00\n")
    (site_data / NT / "england_monthly.csv").write_bytes(b"")
    findings = data.validate(site_data)
    assert [(f.code, f.path, f.line) for f in findings] == [
        ("DATA001", f"{NT}/england_annual.csv", 1), ("DATA001", f"{NT}/england_monthly.csv", 1)]
    f = _one(data.validate(site_data, "data/nope.yaml"), "DATA004")
    assert f.path == "data/nope.yaml"


# -- the cache ------------------------------------------------------------------------------

_RUN = """
import json, sys
from toulmin.definitions import datapackage as data
fs = data.validate(sys.argv[1], bib_keys={"nhsdigital_iapt_annual"})
print(json.dumps({"findings": [f.as_dict() for f in fs],
                  "frictionless": "frictionless" in sys.modules,
                  "pandas": "pandas" in sys.modules, "yaml": "yaml" in sys.modules}))
"""


def _run(root: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUN, str(root)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_second_validate_imports_neither_frictionless_nor_pandas(cold_data):
    site_data = cold_data
    assert "pandas" not in _run_import_only()
    cold = _run(site_data)
    assert cold["frictionless"]
    assert list((site_data / ".cache" / "toulmin").glob("data-*.marshal"))
    warm = _run(site_data)
    assert not warm["frictionless"] and not warm["pandas"] and not warm["yaml"]
    assert warm["findings"] == cold["findings"]
    # DATA003 is computed afresh from the cached citation lines
    assert {f["code"] for f in warm["findings"]} == {"DATA003"}
    # a changed CSV is validated again
    p = site_data / NT / "england_annual.csv"
    rows = _rows(p)
    rows[2][3] = "many"
    _write_rows(p, rows)
    changed = _run(site_data)
    assert changed["frictionless"]
    assert [f["line"] for f in changed["findings"] if f["code"] == "DATA001"] == [3]


def _run_import_only() -> list[str]:
    code = "import sys, toulmin.definitions.datapackage; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    mods = out.stdout.split()
    assert "frictionless" not in mods
    return mods


def test_cache_is_keyed_by_descriptor_and_csv_bytes(site_data):
    assert data.validate(site_data) == []
    # a removed file is noticed though the descriptor did not change
    (site_data / NT / "definitions.csv").unlink()
    assert [f.code for f in data.validate(site_data)] == ["DATA002"]
    shutil.copy2(DATA / "nhs-talking-therapies" / "definitions.csv", site_data / NT)
    assert data.validate(site_data) == []
    # a corrupt cache file is ignored
    for cache in (site_data / ".cache" / "toulmin").glob("data-*.marshal"):
        cache.write_bytes(b"not marshal")
    assert data.validate(site_data) == []


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
