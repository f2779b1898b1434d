"""Statistics: every number a post states is recomputed from the data and checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension
from toulmin.scan.statrefs import find_stat_refs, parse_number

ROOT = Path(__file__).resolve().parents[2]


def _checked_numbers(root: Path):
    """(path, line, ref) for every statistic written with a value in the site's pages."""
    for folder in ("posts", "docs"):
        for path in sorted((root / folder).rglob("*.md")):
            text = path.read_text()
            for ref in find_stat_refs(text):
                if ref.written:
                    yield path, ref


def _bump_last_digit(written: str, delta: int) -> str:
    m = list(re.finditer(r"\d", written))[-1]
    digit = (int(m.group()) + delta) % 10
    return written[:m.start()] + str(digit) + written[m.end():]


def test_site_quotes_at_least_three_real_statistics():
    refs = [r.name for _, r in _checked_numbers(ROOT)]
    assert len(set(refs)) >= 3
    for required in ("nhstt.recovery_rate_2024_25", "nhstt.recovered_per_referral_2024_25",
                     "nhstt.recovered_per_entering_treatment_2025_26",
                     "nhstt.one_session_share_2025_26"):
        assert required in refs


def test_every_checked_number_fails_when_its_last_digit_changes(site, tmp_path):
    """Mutation test over the site's own posts: each number, one unit off, fails at its line."""
    cache = str(tmp_path / "cache")
    numbers = list(_checked_numbers(site))
    assert numbers
    clean = Project.load(site, _settings(cache))
    assert not [f for f in clean.check() if f.code.startswith("STA") and f.is_error]
    for path, ref in numbers:
        original = path.read_text()
        for delta in (1, -1):
            wrong = _bump_last_digit(ref.written, delta)
            mutated = (original[:ref.start] + f"[{wrong}]{{stat={ref.name}}}"
                       + original[ref.end:])
            path.write_text(mutated)
            findings = Project.load(site, _settings(cache)).check()
            rel = path.relative_to(site).as_posix()
            hits = [f for f in findings if f.code == "STA002" and f.path == rel]
            assert [(f.line, f.column) for f in hits] == [(ref.line, ref.column)], (wrong, hits)
            assert wrong in hits[0].message
        path.write_text(original)


def _settings(cache: str):
    from toulmin.project import Settings

    return Settings(cache_dir=cache)


def test_precision_written_is_the_precision_checked(site, tmp_path):
    post = sorted((site / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nThe rate was [51%]{stat=nhstt.recovery_rate_2024_25}"
                    " and [50.55%]{stat=nhstt.recovery_rate_2024_25} [@clark2018transparency].\n")
    findings = Project.load(site, _settings(str(tmp_path / "c"))).check()
    assert not [f for f in findings if f.code.startswith("STA") and f.is_error]
    post.write_text(post.read_text().replace("[51%]", "[50%]"))
    findings = Project.load(site, _settings(str(tmp_path / "c"))).check()
    (hit,) = [f for f in findings if f.code == "STA002"]
    assert "51%" in hit.message


def test_unknown_statistic_suggests_the_nearest(site, run_cli):
    post = sorted((site / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nIt was [50.5%]{stat=nhstt.recovery_rate_2024_26}.\n")
    code, out, _ = run_cli("check", site)
    assert code == 1
    (line,) = [ln for ln in out.splitlines() if " STA001 " in ln]
    assert "did you mean 'nhstt.recovery_rate_2024_25'" in line


def test_empty_brackets_are_filled_with_the_value(site):
    project = Project.load(site)
    project.check()
    html = markdown.markdown(
        "Recovery was []{stat=nhstt.recovery_rate_2024_25} [@clark2018transparency].",
        extensions=[ToulminExtension(project=project)])
    assert re.search(r'<a class="toulmin-stat" href="[^"]*statistics/'
                     r'nhstt.recovery_rate_2024_25/" title="[^"]*95% CI[^"]*">50.5%</a>', html)


def _run(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toulmin", "check", str(site), *args],
                          capture_output=True, text=True)


def _one_error(proc: subprocess.CompletedProcess, code: str) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if f" {code} " in ln]
    assert len(lines) == 1, proc.stdout
    assert re.match(r"^[^:]+:\d+:\d+: [A-Z]+\d+ ", lines[0])
    return lines[0]


def test_script_that_raises_is_reported_at_its_line(site):
    script = site / "scripts" / "nhstt.py"
    lines = script.read_text().splitlines()
    target = next(i for i, ln in enumerate(lines) if "def recovered_per_referral_2024_25" in ln)
    lines.insert(target + 4, "    raise RuntimeError('the data look wrong')")
    script.write_text("\n".join(lines) + "\n")
    line = _one_error(_run(site), "STA003")
    assert line.startswith(f"scripts/nhstt.py:{target + 5}:")
    assert "RuntimeError: the data look wrong" in line


DUPLICATE = """
import toulmin


@toulmin.statistic("nhstt.recovery_rate_2024_25", unit="%")
def not_the_recovery_rate():
    \"\"\"A second definition of a name scripts/nhstt.py already defines.\"\"\"
    return 99.0
"""


def test_a_name_defined_by_two_scripts_is_an_error_at_the_second(site):
    (site / "scripts" / "zz_duplicate.py").write_text(DUPLICATE)
    for _ in range(2):  # computed, then from the cache: reported both times
        proc = _run(site)
        line = _one_error(proc, "STA007")
        assert line.startswith("scripts/zz_duplicate.py:5:1: STA007 ")
        assert "already defined in scripts/nhstt.py, line 36" in line
        # the first definition stands: the posts quoting it still check
        assert " STA002 " not in proc.stdout


def test_a_name_defined_twice_in_one_script_is_an_error_at_the_second(site):
    script = site / "scripts" / "nhstt.py"
    text = script.read_text()
    script.write_text(text + DUPLICATE.replace("import toulmin\n", ""))
    number = len(text.splitlines()) + 4  # the decorator's line in the appended text
    line = _one_error(_run(site), "STA003")
    assert line.startswith(f"scripts/nhstt.py:{number}:")
    assert "statistic 'nhstt.recovery_rate_2024_25' is defined twice in this script " \
           "(first on line 36)" in line


def test_missing_column_is_reported_at_the_script_line(site):
    script = site / "scripts" / "nhstt.py"
    text = script.read_text().replace("row.referrals_received)", "row.referrals_recieved)")
    script.write_text(text)
    number = next(i for i, ln in enumerate(text.splitlines(), 1)
                  if "referrals_recieved)" in ln)
    line = _one_error(_run(site), "STA003")
    assert line.startswith(f"scripts/nhstt.py:{number}:")
    assert "referrals_recieved" in line


def test_zero_denominator_is_one_line(site):
    csv = site / "data" / "nhs-talking-therapies" / "england_annual.csv"
    rows = csv.read_text().splitlines()
    header = rows[0].split(",")
    i = next(n for n, r in enumerate(rows) if r.startswith("2024-25,"))
    cells = rows[i].split(",")
    cells[header.index("not_at_caseness")] = cells[header.index("finished_course")]
    rows[i] = ",".join(cells)
    csv.write_text("\n".join(rows) + "\n")
    proc = _run(site)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^scripts/nhstt\.py:\d+:1: STA003 .*denominator is zero", proc.stdout,
                     re.M), proc.stdout


def test_non_numeric_cell_is_reported_at_the_csv_line(site):
    csv = site / "data" / "nhs-talking-therapies" / "england_annual.csv"
    rows = csv.read_text().splitlines()
    header = rows[0].split(",")
    cells = rows[5].split(",")
    cells[header.index("recovered")] = "n/a"
    rows[5] = ",".join(cells)
    csv.write_text("\n".join(rows) + "\n")
    proc = _run(site)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^data/nhs-talking-therapies/england_annual\.csv:6:\d+: DATA001 ",
                     proc.stdout, re.M), proc.stdout


def test_data_package_naming_a_missing_file(site):
    dp = site / "data" / "datapackage.yaml"
    dp.write_text(dp.read_text().replace("nhs-talking-therapies/england_monthly.csv",
                                         "nhs-talking-therapies/england_montly.csv"))
    proc = _run(site)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^data/datapackage\.yaml:\d+:\d+: DATA002 .*england_montly\.csv",
                     proc.stdout, re.M), proc.stdout


def test_warm_check_imports_no_heavy_library(site):
    assert _run(site).returncode == 0
    probe = (f"import sys; from toulmin.cli import main; code = main(['check', {str(site)!r}]); "
             "heavy = [m for m in ('pandas', 'scipy', 'frictionless', 'altair') "
             "if m in sys.modules]; print('HEAVY', heavy, code)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert "HEAVY [] 0" in out, out


def test_changed_data_recomputes_only_the_statistics_reading_it(site):
    from toulmin.definitions import statistics as stats

    first = stats.compute(site)
    assert first.computed == len(first.results) > 0
    assert len({r.path for r in first.results.values()}) > 1, "needs several scripts"
    assert stats.compute(site).computed == 0
    monthly = {n for n, r in first.results.items() if r.inputs == ("england_monthly",)}
    assert monthly and len(monthly) < len(first.results)
    csv = site / "data" / "nhs-talking-therapies" / "england_monthly.csv"
    csv.write_text(csv.read_text() + "\n")
    again = stats.compute(site)
    assert again.computed == len(monthly)
    assert {n: r.estimate for n, r in again.results.items()} == \
        {n: r.estimate for n, r in first.results.items()}
    script = site / "scripts" / "nhstt.py"
    script.write_text(script.read_text() + "\n# edited\n")
    in_script = [r for r in first.results.values() if r.path == "scripts/nhstt.py"]
    assert 0 < len(in_script) < len(first.results)
    assert stats.compute(site).computed == len(in_script)


@pytest.mark.parametrize("written,value,decimals,percent", [
    ("42%", "42", 0, True), ("41.8%", "41.8", 1, True), ("1,813,432", "1813432", 0, False),
    ("\u22120.25", "-0.25", 2, False), ("17.7 per cent", "17.7", 1, True),
])
def test_parse_number(written, value, decimals, percent):
    from decimal import Decimal

    w = parse_number(written)
    assert (w.value, w.decimals, w.percent) == (Decimal(value), decimals, percent)


def test_unsupported_figure_is_a_warning_at_its_position(site, run_cli):
    post = sorted((site / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nSome 12,345 people waited in 2019.\n"
                    "Another 678 did so [@clark2018transparency].\n")
    code, out, _ = run_cli("check", site)
    assert code == 0
    n = len(post.read_text().splitlines())
    hits = [ln for ln in out.splitlines() if " STA005 " in ln]
    assert hits == [f"{post.relative_to(site).as_posix()}:{n - 1}:6: STA005 warning: the "
                    "figure 12,345 is neither a checked statistic nor in a sentence with a "
                    "citation"]
