"""The Data Package validation (DATA001-DATA004), its tables and its cache.

Every test works on a copy of the synthetic site's data/ folder (tests/fixtures/minisite:
a fictional library service's loans, two resources, ``branches`` and ``monthly``) in a
temporary directory (built by the ``site_data`` fixture), so breaking a file never touches
the fixture and the validation cache lands in the copy. The commentary's own package is
tested in tests/site/test_data_site.py.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import bib_keys
from toulmin.definitions import datavalidation as data
from toulmin.definitions.datapackage import DataPackage, DataPackageError

MINISITE = Path(__file__).resolve().parents[1] / "fixtures" / "minisite"
DATA = MINISITE / "data"
NT = "data/loans"
DP = "data/datapackage.yaml"


BIB_KEYS = bib_keys(MINISITE / "references.bib")


def _copy_data(root: Path) -> Path:
    shutil.copytree(DATA / "loans", root / NT)
    shutil.copy2(DATA / "datapackage.yaml", root / DP)
    return root


@pytest.fixture
def cold_data(tmp_path: Path) -> Path:
    """A site root holding a copy of the synthetic site's data/ (descriptor and CSVs)."""
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


# -- the package ------------------------------------------------------------------------------


def test_package_validates_clean_and_again_from_the_cache(cold_data):
    assert data.validate(cold_data, bib_keys=BIB_KEYS) == []
    assert list((cold_data / ".cache" / "toulmin").glob("data-*.marshal"))
    assert data.validate(cold_data, bib_keys=BIB_KEYS) == []  # from the cache


def test_load_records_lines_of_resources_fields_and_citations():
    path = DATA / "datapackage.yaml"
    pkg = DataPackage.load(path)
    for res in pkg.resources.values():
        assert res.line == _line_of(path, f"- name: {res.name}")
        first = res.fields[0]
        assert first.line == _line_of(path, f"- name: {first.name}", res.line + 1)
        assert [f.position for f in res.fields] == list(range(1, len(res.fields) + 1))
        for key, line, column in res.citation_lines:
            text = path.read_text(encoding="utf-8").splitlines()[line - 1]
            assert text.strip() == f"citation: {key}"
            assert text[column - 1:] == key



def test_table_types_columns_from_the_schema():
    pkg = DataPackage.load(DATA / "datapackage.yaml")
    branches = pkg.table("branches")
    assert len(branches) == 12
    assert str(branches["loans"].dtype) == "Int64"
    assert branches["branch"].dtype == "str"
    row = branches.set_index("branch").loc["Harbour"]
    assert row.loans == 17412 and row.renewals == 3655
    monthly = pkg.table("monthly")
    assert monthly["month"].iloc[0] == "2024-04"  # a string field stays text
    assert int(monthly["loans"].sum()) == int(branches["loans"].sum())
    # cached, and a caller cannot change the cached frame
    branches["loans"] = 0
    assert pkg.table("branches")["loans"].iloc[1] == 19874


def test_table_of_a_broken_csv_raises_data_package_error(site_data):
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    rows[3][4] = "n/a"
    _write_rows(p, rows)
    pkg = DataPackage.load(site_data / DP)
    with pytest.raises(DataPackageError):
        pkg.table("branches")
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
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    col = rows[0].index("loans")
    rows[6][col] = "n/a"  # the data row on line 7
    _write_rows(p, rows)
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/branches.csv", 7, col + 1)
    assert f.message == "row 7, column loans: 'n/a' is not an integer"


def test_row_line_follows_multi_line_cells(site_data):
    """A quoted cell with line breaks before the bad row: the finding is at the physical line."""
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    rows[2][0] = "Eastgate\n(the old\ncorn exchange)"  # a branch name over three lines
    rows[8][1] = "X031"  # members, on a later row
    _write_rows(p, rows)
    line = _line_of(p, ",X031,")
    record = next(i for i, r in enumerate(_rows(p), 1) if "X031" in r)
    assert line > record  # frictionless's row number is not the line here
    f = _one(data.validate(site_data), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/branches.csv", line, 2)
    assert f"row {record}, column members: 'X031'" in f.message


def test_missing_column(site_data):
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    col = rows[0].index("active_members")
    for r in rows:
        del r[col]
    _write_rows(p, rows)
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/branches.csv", 1, col + 1)
    assert "'active_members'" in f.message and "missing" in f.message


def test_extra_column(site_data):
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    for i, r in enumerate(rows):
        r.append("comment" if i == 0 else "x")
    _write_rows(p, rows)
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA001")
    assert (f.path, f.line, f.column) == (f"{NT}/branches.csv", 1, 6)
    assert "extra column 'comment'" in f.message


def test_columns_out_of_order(site_data):
    p = site_data / NT / "monthly.csv"
    rows = _rows(p)
    for r in rows:
        r[1], r[2] = r[2], r[1]
    _write_rows(p, rows)
    f = _one(data.validate(site_data), "DATA001")
    assert (f.line, f.column) == (1, 2)
    assert "order" in f.message


def test_duplicate_primary_key(site_data):
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    rows.append(list(rows[5]))
    _write_rows(p, rows)
    f = _one(data.validate(site_data), "DATA001")
    assert (f.path, f.line) == (f"{NT}/branches.csv", 14)
    assert "duplicate primary key (branch) of row 6" in f.message


def test_negative_count_breaks_minimum(site_data):
    p = site_data / NT / "branches.csv"
    rows = _rows(p)
    col = rows[0].index("renewals")
    rows[10][col] = "-3"
    _write_rows(p, rows)
    f = _one(data.validate(site_data), "DATA001")
    assert (f.line, f.column) == (11, col + 1)
    assert "'-3' breaks the constraint minimum = 0" in f.message


def test_resource_naming_a_file_that_does_not_exist(site_data):
    (site_data / NT / "monthly.csv").unlink()
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA002")
    assert f.path == DP
    assert f.line == _line_of(site_data / DP, "- name: monthly")
    assert "monthly.csv" in f.message


def test_citation_key_missing_from_the_bib(site_data):
    p = site_data / DP
    text = p.read_text(encoding="utf-8")
    start = _line_of(p, "- name: monthly")
    line = _line_of(p, "citation: riverside_loans", start)
    lines = text.splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("riverside_loans", "riverside_laons")
    p.write_text("".join(lines), encoding="utf-8")
    assert data.validate(site_data) == []  # no bib given: not checked
    f = _one(data.validate(site_data, bib_keys=BIB_KEYS), "DATA003")
    assert (f.path, f.line) == (DP, line)
    assert "'riverside_laons'" in f.message


def test_malformed_yaml(site_data):
    p = site_data / DP
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    line = _line_of(p, "- name: monthly") + 2
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
    p.write_text(text.replace("primaryKey: [month]", "primaryKey: [mnth]"),
                 encoding="utf-8")
    f = _one(data.validate(site_data), "DATA004")
    assert f.line == _line_of(p, "primaryKey: [mnth]")


def test_duplicate_yaml_key(site_data):
    p = site_data / DP
    line = _line_of(p, "- name: monthly") + 1
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line, "  path: loans/branches.csv\n")
    p.write_text("".join(lines), encoding="utf-8")
    f = _one(data.validate(site_data), "DATA004")
    assert (f.line, f.column) == (line + 1, 3)
    assert f.message == f"resource 'monthly': duplicate key 'path' (first at line {line})"


@pytest.mark.parametrize("content", [
    "", "- a\n- b\n", "name: x\n", "resources: 5\n", "resources:\n  - 5\n",
    "resources:\n  - name: a\n", "resources:\n  - name: a\n    path: /etc/passwd\n",
    "resources:\n  - name: a\n    path: ../../x.csv\n", "{{{{", "\t: x\n",
    "resources:\n  - name: a\n    path: a.csv\n    schema:\n      fields: 3\n",
    "resources:\n  - name: a\n    path: loans/branches.csv\n"
    "    schema:\n      fields:\n        - type: integer\n",
])
def test_bad_descriptors_give_findings_never_exceptions(site_data, content):
    (site_data / DP).write_text(content, encoding="utf-8")
    findings = data.validate(site_data, bib_keys=BIB_KEYS)
    assert findings
    for f in findings:
        assert f.code == "DATA004" and f.path == DP and f.line >= 1, f.format()


def test_garbage_csv_and_missing_descriptor_give_findings(site_data):
    (site_data / NT / "branches.csv").write_bytes(b"\xff\xfe\x00garbage\x00\n")
    (site_data / NT / "monthly.csv").write_bytes(b"")
    findings = data.validate(site_data)
    # bytes that begin with UTF-16's byte-order mark (FF FE): one DOC001 at the file's
    # start, not also a DOC002 at the NUL that follows (issue 15)
    assert [(f.code, f.path, f.line, f.column) for f in findings] == [
        ("DOC001", f"{NT}/branches.csv", 1, 1), ("DATA001", f"{NT}/monthly.csv", 1, 1)]
    assert "UTF-16" in findings[0].message
    # bytes that are not UTF-8 and a NUL: DOC001 and DOC002 at their column
    (site_data / NT / "branches.csv").write_bytes(b"a,\xff\x00garbage\n")
    findings = data.validate(site_data)
    assert [(f.code, f.path, f.line, f.column) for f in findings] == [
        ("DOC001", f"{NT}/branches.csv", 1, 3), ("DOC002", f"{NT}/branches.csv", 1, 4),
        ("DATA001", f"{NT}/monthly.csv", 1, 1)]
    f = _one(data.validate(site_data, "data/nope.yaml"), "DATA004")
    assert f.path == "data/nope.yaml"


# -- the cache ------------------------------------------------------------------------------

_RUN = """
import json, sys
from toulmin.definitions import datavalidation as data
fs = data.validate(sys.argv[1], bib_keys={"cohen1988power"})
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
    p = site_data / NT / "branches.csv"
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
    (site_data / NT / "monthly.csv").unlink()
    assert [f.code for f in data.validate(site_data)] == ["DATA002"]
    shutil.copy2(DATA / "loans" / "monthly.csv", site_data / NT)
    assert data.validate(site_data) == []
    # a corrupt cache file is ignored
    for cache in (site_data / ".cache" / "toulmin").glob("data-*.marshal"):
        cache.write_bytes(b"not marshal")
    assert data.validate(site_data) == []


