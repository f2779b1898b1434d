"""Statistics: every number a post states is recomputed from the data and checked.

On the synthetic minisite (the ``minisite`` fixture): scripts/loans.py and scripts/seasons.py
define loans.* statistics from data/loans/ (branches, monthly), quoted by its two posts.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from sitebuild import bump_last_digit, checked_numbers
from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension
from toulmin.scan.statrefs import parse_number


def test_every_checked_number_fails_when_its_last_digit_changes(minisite, tmp_path):
    """Mutation test over the posts: each number, one unit off, fails at its line."""
    cache = str(tmp_path / "cache")
    numbers = list(checked_numbers(minisite))
    assert numbers
    clean = Project.load(minisite, _settings(cache))
    assert not [f for f in clean.check() if f.code.startswith("STA") and f.is_error]
    for path, ref in numbers:
        original = path.read_text()
        for delta in (1, -1):
            wrong = bump_last_digit(ref.written, delta)
            mutated = (original[:ref.start] + f"[{wrong}]{{stat={ref.name}}}"
                       + original[ref.end:])
            path.write_text(mutated)
            findings = Project.load(minisite, _settings(cache)).check()
            rel = path.relative_to(minisite).as_posix()
            hits = [f for f in findings if f.code == "STA002" and f.path == rel]
            assert [(f.line, f.column) for f in hits] == [(ref.line, ref.column)], (wrong, hits)
            assert wrong in hits[0].message
        path.write_text(original)


def _settings(cache: str):
    from toulmin.settings import Settings

    return Settings(cache_dir=cache)


def test_precision_written_is_the_precision_checked(minisite, tmp_path):
    post = sorted((minisite / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nThe rate was [22%]{stat=loans.renewal_rate_2024_25}"
                    " and [21.82%]{stat=loans.renewal_rate_2024_25} [@riverside_loans].\n")
    findings = Project.load(minisite, _settings(str(tmp_path / "c"))).check()
    assert not [f for f in findings if f.code.startswith("STA") and f.is_error]
    post.write_text(post.read_text().replace("[22%]", "[21%]"))
    findings = Project.load(minisite, _settings(str(tmp_path / "c"))).check()
    (hit,) = [f for f in findings if f.code == "STA002"]
    assert "22%" in hit.message


def test_unknown_statistic_suggests_the_nearest(minisite, run_cli):
    post = sorted((minisite / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nIt was [21.8%]{stat=loans.renewal_rate_2024_26}.\n")
    code, out, _ = run_cli("check", minisite)
    assert code == 1
    (line,) = [ln for ln in out.splitlines() if " STA001 " in ln]
    assert "did you mean 'loans.renewal_rate_2024_25'" in line


def test_empty_brackets_are_filled_with_the_value(minisite):
    project = Project.load(minisite)
    project.check()
    html = markdown.markdown(
        "Renewals came to []{stat=loans.renewal_rate_2024_25} [@riverside_loans].",
        extensions=[ToulminExtension(project=project)])
    assert re.search(r'<a class="toulmin-stat" href="[^"]*statistics/'
                     r'loans.renewal_rate_2024_25/" title="[^"]*95% CI[^"]*">21.8%</a>', html)


def _run(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toulmin", "check", str(site), *args],
                          capture_output=True, text=True)


def _one_error(proc: subprocess.CompletedProcess, code: str, under: str = "") -> str:
    """The one ``code`` line (of those for files under ``under``: a failed statistic is
    reported at its script and, as unavailable, at each use)."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if f" {code} " in ln
             and ln.startswith(under)]
    assert len(lines) == 1, proc.stdout
    assert re.match(r"^[^:]+:\d+:\d+: [A-Z]+\d+ ", lines[0])
    return lines[0]


def test_script_that_raises_is_reported_at_its_line(minisite):
    script = minisite / "scripts" / "loans.py"
    lines = script.read_text().splitlines()
    target = next(i for i, ln in enumerate(lines) if "def active_share_2024_25" in ln)
    lines.insert(target + 3, "    raise RuntimeError('the data look wrong')")
    script.write_text("\n".join(lines) + "\n")
    line = _one_error(_run(minisite), "STA003", "scripts/")
    assert line.startswith(f"scripts/loans.py:{target + 4}:")
    assert "RuntimeError: the data look wrong" in line


DUPLICATE = """
import toulmin


@toulmin.statistic("loans.renewal_rate_2024_25", unit="%")
def not_the_renewal_rate():
    \"\"\"A second definition of a name scripts/loans.py already defines.\"\"\"
    return 99.0
"""


def test_a_name_defined_by_two_scripts_is_an_error_at_the_second(minisite):
    (minisite / "scripts" / "zz_duplicate.py").write_text(DUPLICATE)
    for _ in range(2):  # computed, then from the cache: reported both times
        proc = _run(minisite)
        line = _one_error(proc, "STA007")
        assert line.startswith("scripts/zz_duplicate.py:5:1: STA007 ")
        assert "already defined in scripts/loans.py, line 18" in line
        # the first definition stands: the posts quoting it still check
        assert " STA002 " not in proc.stdout


def test_a_name_defined_twice_in_one_script_is_an_error_at_the_second(minisite):
    script = minisite / "scripts" / "loans.py"
    text = script.read_text()
    script.write_text(text + DUPLICATE.replace("import toulmin\n", ""))
    number = len(text.splitlines()) + 4  # the decorator's line in the appended text
    line = _one_error(_run(minisite), "STA003", "scripts/")
    assert line.startswith(f"scripts/loans.py:{number}:")
    assert "statistic 'loans.renewal_rate_2024_25' is defined twice in this script " \
           "(first on line 18)" in line


def test_missing_column_is_reported_at_the_script_line(minisite):
    script = minisite / "scripts" / "loans.py"
    text = script.read_text().replace("table.members.sum())", "table.membres.sum())")
    script.write_text(text)
    number = next(i for i, ln in enumerate(text.splitlines(), 1)
                  if "membres.sum())" in ln)
    line = _one_error(_run(minisite), "STA003", "scripts/")
    assert line.startswith(f"scripts/loans.py:{number}:")
    assert "membres" in line


def test_zero_denominator_is_one_line(minisite):
    csv = minisite / "data" / "loans" / "branches.csv"
    rows = csv.read_text().splitlines()
    header = rows[0].split(",")
    for i in range(1, len(rows)):  # no registered members anywhere: the active share is 0/0
        cells = rows[i].split(",")
        cells[header.index("members")] = "0"
        rows[i] = ",".join(cells)
    csv.write_text("\n".join(rows) + "\n")
    proc = _run(minisite)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^scripts/loans\.py:\d+:1: STA003 .*denominator is zero", proc.stdout,
                     re.M), proc.stdout


def test_non_numeric_cell_is_reported_at_the_csv_line(minisite):
    csv = minisite / "data" / "loans" / "branches.csv"
    rows = csv.read_text().splitlines()
    header = rows[0].split(",")
    cells = rows[5].split(",")
    cells[header.index("loans")] = "n/a"
    rows[5] = ",".join(cells)
    csv.write_text("\n".join(rows) + "\n")
    proc = _run(minisite)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^data/loans/branches\.csv:6:\d+: DATA001 ",
                     proc.stdout, re.M), proc.stdout


def test_data_package_naming_a_missing_file(minisite):
    dp = minisite / "data" / "datapackage.yaml"
    dp.write_text(dp.read_text().replace("loans/monthly.csv", "loans/montly.csv"))
    proc = _run(minisite)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^data/datapackage\.yaml:\d+:\d+: DATA002 .*loans/montly\.csv",
                     proc.stdout, re.M), proc.stdout


def test_warm_check_imports_no_heavy_library(minisite):
    assert _run(minisite).returncode == 0
    root = str(minisite)
    probe = (f"import sys; from toulmin.cli import main; code = main(['check', {root!r}]); "
             "heavy = [m for m in ('pandas', 'scipy', 'frictionless', 'altair') "
             "if m in sys.modules]; print('HEAVY', heavy, code)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert "HEAVY [] 0" in out, out


def test_changed_data_recomputes_only_the_statistics_reading_it(minisite):
    from toulmin.definitions import statistics as stats

    first = stats.compute(minisite)
    assert first.computed == len(first.results) > 0
    assert len({r.path for r in first.results.values()}) > 1, "needs several scripts"
    assert stats.compute(minisite).computed == 0
    monthly = {n for n, r in first.results.items() if r.inputs == ("monthly",)}
    assert monthly and len(monthly) < len(first.results)
    csv = minisite / "data" / "loans" / "monthly.csv"
    csv.write_text(csv.read_text() + "\n")
    again = stats.compute(minisite)
    assert again.computed == len(monthly)
    assert {n: r.estimate for n, r in again.results.items()} == \
        {n: r.estimate for n, r in first.results.items()}
    script = minisite / "scripts" / "loans.py"
    script.write_text(script.read_text() + "\n# edited\n")
    in_script = [r for r in first.results.values() if r.path == "scripts/loans.py"]
    assert 0 < len(in_script) < len(first.results)
    assert stats.compute(minisite).computed == len(in_script)


@pytest.mark.parametrize("written,value,decimals,percent", [
    ("42%", "42", 0, True), ("41.8%", "41.8", 1, True), ("1,813,432", "1813432", 0, False),
    ("\u22120.25", "-0.25", 2, False), ("17.7 per cent", "17.7", 1, True),
])
def test_parse_number(written, value, decimals, percent):
    from decimal import Decimal

    w = parse_number(written)
    assert (w.value, w.decimals, w.percent) == (Decimal(value), decimals, percent)


def test_unsupported_figure_is_a_warning_at_its_position(minisite, run_cli):
    post = sorted((minisite / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nSome 12,345 people waited in 2019.\n"
                    "Another 678 did so [@riverside_loans].\n")
    code, out, _ = run_cli("check", minisite)
    assert code == 0
    n = len(post.read_text().splitlines())
    hits = [ln for ln in out.splitlines() if " STA005 " in ln]
    assert hits == [f"{post.relative_to(minisite).as_posix()}:{n - 1}:6: STA005 warning: the "
                    "figure 12,345 is neither a checked statistic nor in a sentence with a "
                    "citation"]
