"""Scripts run in a child process with limits (issue 15): a statistic or chart script that
loops, ends its process, prints or allocates without end is an error at the script, for
``toulmin check``, ``toulmin charts`` and ``mkdocs build`` alike, never a hang, an exit 0
having checked nothing, or a corrupted ``--format json``.

On the synthetic minisite (the ``minisite`` fixture): scripts/loans.py defines the loans.*
statistics the posts quote and the chart ``renewals_by_branch``; scripts/seasons.py other
statistics; scripts/charts.py the chart ``loans_by_month``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import build
from toulmin.project import Project
from toulmin.settings import Settings


def _set_options(site: Path, **options) -> None:
    """Give the toulmin plugin ``options`` in the site's mkdocs.yml."""
    yml = site / "mkdocs.yml"
    lines = "".join(f"\n      {k}: {v}" for k, v in options.items())
    yml.write_text(yml.read_text().replace("  - toulmin\n", f"  - toulmin:{lines}\n", 1))


def _insert_in(site: Path, script: str, after: str, code: str) -> int:
    """Insert ``code`` (indented as the line after ``after``) into scripts/``script``;
    returns the 1-based line of the inserted code."""
    path = site / "scripts" / script
    lines = path.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith(after))
    if after.startswith("def "):
        at += 1  # past the docstring line
        indent = "    "
    else:
        indent = ""
    lines.insert(at + 1, indent + code)
    path.write_text("\n".join(lines) + "\n")
    return at + 2


def _def_line(site: Path, script: str, name: str) -> int:
    lines = (site / "scripts" / script).read_text().splitlines()
    return next(i for i, ln in enumerate(lines) if ln.startswith(f"def {name}(")) + 1


def _check(site: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toulmin", "check", str(site), *args],
                          capture_output=True, text=True, timeout=timeout)


def _lines(out: str, code: str) -> list[str]:
    return [ln for ln in out.splitlines() if re.match(rf"^\S+:\d+:\d+: {code} ", ln)]


def test_an_endless_loop_times_out_at_the_script(minisite):
    _set_options(minisite, script_timeout=3)
    _insert_in(minisite, "loans.py", "def active_share_2024_25(", "while True: pass")
    start = time.monotonic()
    proc = _check(minisite)
    assert time.monotonic() - start < 60
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    found = _lines(proc.stdout, "STA009")
    line = _def_line(minisite, "loans.py", "active_share_2024_25") - 2  # the decorator
    assert len(found) == 1, proc.stdout
    assert found[0].startswith("scripts/loans.py:"), found
    assert "timed out after 3 s" in found[0] and "active_share_2024_25" in found[0]
    assert int(found[0].split(":")[1]) >= line
    # each use of a statistic of that script says why it has no value
    uses = [ln for ln in _lines(proc.stdout, "STA003") if "is unavailable because "
            "scripts/loans.py:" in ln and "timed out after 3 s" in ln]
    assert any("loans.active_share_2024_25" in ln for ln in uses), proc.stdout
    # the scripts after it still ran: the other scripts' statistics are checked
    assert "seasons.py" not in proc.stdout
    assert not _lines(proc.stdout, "STA001")


@pytest.mark.parametrize("where", ["module", "function"])
def test_a_script_that_ends_its_process_is_an_error_not_a_pass(minisite, where):
    if where == "module":
        line = _insert_in(minisite, "loans.py", "SOURCES = ", "import os; os._exit(0)")
    else:
        line = _insert_in(minisite, "loans.py", "def loans_2024_25(",
                          "import os; os._exit(0)")
    proc = _check(minisite)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    found = _lines(proc.stdout, "STA009")
    assert len(found) == 1, proc.stdout
    assert "the script ended its process" in found[0]
    assert found[0].startswith("scripts/loans.py:")
    if where == "function":
        assert "loans.loans_2024_25" in found[0]
    assert line > 0
    # and the JSON output says the same, as valid JSON
    out = _check(minisite, "--format", "json")
    data = json.loads(out.stdout)
    text = json.dumps(data)
    assert out.returncode == 1 and "STA009" in text


def test_a_killed_script_is_an_error(minisite):
    _insert_in(minisite, "seasons.py", "SOURCES = ",
               "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    proc = _check(minisite)
    assert proc.returncode == 1
    found = _lines(proc.stdout, "STA009")
    assert len(found) == 1 and found[0].startswith("scripts/seasons.py:"), proc.stdout
    assert "SIGKILL" in found[0]


def test_print_in_a_script_never_reaches_json_output(minisite):
    _insert_in(minisite, "loans.py", "SOURCES = ", 'print("{not json", flush=True)')
    _insert_in(minisite, "loans.py", "def loans_2024_25(",
               'import sys; print("also not json"); sys.stderr.write("noise\\n")')
    proc = _check(minisite, "--format", "json")
    assert "not json" not in proc.stdout
    json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stdout


def test_a_script_allocating_without_end_runs_out_of_memory(minisite, tmp_path):
    line = _insert_in(minisite, "loans.py", "def loans_2024_25(",
                      "hog = bytearray(64 * 1024 ** 3)")
    settings = Settings(cache_dir=str(tmp_path / "c"), script_memory_mb=512)
    findings = Project.load(minisite, settings).check()
    hits = [f for f in findings if f.path == "scripts/loans.py" and f.code == "STA003"]
    assert [(f.line, "ran out of memory" in f.message) for f in hits] == [(line, True)], \
        [f.format() for f in findings]


def test_nothing_runs_when_nothing_changed(minisite, tmp_path, monkeypatch):
    from toulmin.definitions import runner

    settings = Settings(cache_dir=str(tmp_path / "c"))
    calls = []
    real = runner.run

    def counting(kind, root, datapackage, jobs, limits, progress=None):
        calls.append((kind, [j.rel for j in jobs]))
        return real(kind, root, datapackage, jobs, limits, progress)

    monkeypatch.setattr(runner, "run", counting)
    assert not Project.load(minisite, settings).check()
    # one child for the statistics, one for the charts: never one per definition
    assert sorted(k for k, _ in calls) == ["chart", "statistic"]
    calls.clear()
    assert not Project.load(minisite, settings).check()
    assert calls == []


def test_toulmin_charts_reports_a_chart_script_that_ends_its_process(minisite):
    _insert_in(minisite, "charts.py", "def loans_by_month(", "import os; os._exit(0)")
    proc = subprocess.run([sys.executable, "-m", "toulmin", "charts", str(minisite)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    found = _lines(proc.stdout, "CHA007")
    assert len(found) == 1 and found[0].startswith("scripts/charts.py:"), proc.stdout
    assert "the script ended its process" in found[0] and "loans_by_month" in found[0]


def test_mkdocs_build_fails_on_a_script_that_ends_its_process(minisite, tmp_path):
    _insert_in(minisite, "seasons.py", "SOURCES = ", "import os; os._exit(0)")
    proc = build(minisite, tmp_path / "site")
    assert proc.returncode != 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(r"scripts/seasons\.py:\d+:\d+: STA009 .*ended its process", proc.stderr), \
        proc.stderr


def test_limits_are_options_checked_like_the_others(minisite):
    _set_options(minisite, script_timeout=-1)
    proc = _check(minisite)
    assert proc.returncode != 0 and "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"mkdocs\.yml:\d+:\d+: CFG002 option 'script_timeout' must be 0 or more",
                     proc.stdout + proc.stderr), proc.stdout + proc.stderr
