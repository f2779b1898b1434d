"""``toulmin charts`` writes every chart's files or none (``definitions.charts.write``).

The disk fills up for real: the command runs in a subprocess whose file size limit
(RLIMIT_FSIZE, set in its ``preexec_fn``) lets the first chart's files be written and not
the second's SVG, so the write fails with EFBIG halfway through, as on a full disk.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import copy_minisite

#: each of the synthetic site's two charts, drawn again with a new title
REVISIONS = {"scripts/charts.py": ('title="Loans by month,', 'title="Loans by month (revised),'),
             "scripts/loans.py": ('title="Renewals per 100 loans by branch,',
                                  'title="Renewals per 100 loans by branch (revised),')}


def _revise(root: Path) -> Path:
    for rel, (old, new) in REVISIONS.items():
        text = (root / rel).read_text()
        assert old in text, rel
        (root / rel).write_text(text.replace(old, new, 1))
    return root


def _charts(root: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "toulmin", "charts"], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec if limit else None)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def revised(tmp_path_factory) -> dict[str, bytes]:
    """The two charts' files as a run with no limit writes them after the revision."""
    root = _revise(copy_minisite(tmp_path_factory.mktemp("revised") / "minisite"))
    proc = _charts(root)
    assert proc.returncode == 0, proc.stderr
    assert "2 files written" in proc.stderr  # the titles are in the SVGs only
    return _files(root / "charts")


def test_a_full_disk_leaves_every_chart_as_committed_and_no_temporary_file(minisite, revised):
    committed = _files(minisite / "charts")
    assert set(revised) == set(committed)
    assert {n for n in revised if revised[n] != committed[n]} == {
        "loans_by_month.svg", "renewals_by_branch.svg"}
    # room for loans_by_month.svg (written first) and not for renewals_by_branch.svg
    limit = 1 + max(len(data) for name, data in revised.items()
                    if name != "renewals_by_branch.svg")
    assert limit <= len(revised["renewals_by_branch.svg"])
    _revise(minisite)
    proc = _charts(minisite, limit)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if "CLI006" in line]
    assert errors == ["charts/renewals_by_branch.svg:1:1: CLI006 cannot write "
                      "charts/renewals_by_branch.svg: File too large; no chart was changed"]
    assert _files(minisite / "charts") == committed  # no .tmp file, nothing half updated
    assert not [p for p in minisite.rglob("*.tmp") if "charts" in p.parts]

    # with room again, the same command writes both
    proc = _charts(minisite)
    assert proc.returncode == 0, proc.stderr
    assert _files(minisite / "charts") == revised


def test_a_temporary_file_of_a_killed_run_is_removed_by_the_next(minisite, revised):
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = minisite / "charts" / f".loans_by_month.svg.{gone.pid}.tmp"
    left.write_text("<svg>half a chart")
    running = minisite / "charts" / ".loans_by_month.svg.1.tmp"  # pid 1 always runs
    running.write_text("<svg>another run's chart")
    _revise(minisite)
    proc = _charts(minisite)
    assert proc.returncode == 0, proc.stderr
    assert not left.exists() and running.exists()
    running.unlink()
    assert _files(minisite / "charts") == revised


def test_the_error_is_one_line_with_its_rule(run_cli):
    code, out, _err = run_cli("explain", "CLI006")
    assert code == 0 and "CLI006" in out and "none" in out
    assert re.search(r"cannot be written", out)


def test_a_rendering_that_does_not_fit_leaves_the_committed_charts(minisite):
    """The limit below even the smallest file: the first file fails, none is replaced."""
    committed = _files(minisite / "charts")
    _revise(minisite)
    proc = _charts(minisite, 1024)
    assert proc.returncode == 1
    (line,) = [x for x in proc.stderr.splitlines() if "CLI006" in x]
    assert re.fullmatch(r"charts/[a-z_]+\.(svg|vl\.json):1:1: CLI006 cannot write \S+: "
                        r"File too large; no chart was changed", line)
    assert _files(minisite / "charts") == committed
