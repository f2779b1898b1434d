"""``mkdocs serve`` on a copy of the synthetic site: inputs are watched, findings become
banners."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

STAT_PAGE = "/statistics/loans.renewal_rate_2024_25/"
POST = "posts/2025-05-20-how-many-members-borrow.md"
POST_PAGE = "/blog/2025/05/20/how-many-members-borrow/"
# quotes loans.summer_share_2024_25 (scripts/seasons.py), shows loans_by_month (scripts/charts.py)
RENEWAL_PAGE = "/blog/2025/05/06/what-a-renewal-rate-measures/"
CSV = "data/loans/branches.csv"
LINE = re.compile(r"^[^:\s]+:\d+:\d+: [A-Z]{3,4}\d{3} .+$", re.M)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _poll(url: str, predicate, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    page = None
    while time.monotonic() < deadline:
        page = _get(url)
        if page is not None and predicate(page):
            return page
        time.sleep(0.25)
    raise AssertionError(f"{url}: condition not met within {timeout} s")


@contextlib.contextmanager
def _serving(site: Path, log_path: Path):
    """``mkdocs serve`` on ``site`` at a free port: yields its base URL; the log in
    ``log_path``."""
    port = _free_port()
    log = log_path.open("w")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([str(mkdocs), "serve", "-a", f"127.0.0.1:{port}"], cwd=site,
                            stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}"
        assert proc.poll() is None, "the server stopped"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


@pytest.mark.xdist_group("serve")
def test_serve_recomputes_and_shows_findings_as_banners(minisite: Path, tmp_path: Path):
    with _serving(minisite, tmp_path / "serve.log") as base:
        # The first build computes every statistic and chart from scratch.
        page = _poll(base + STAT_PAGE, lambda p: "56725" in p, 120)
        assert "21.8%" in page
        post = _poll(base + POST_PAGE, lambda p: True, 10)
        assert "toulmin-banner" not in post

        # A CSV cell the statistic reads: its page changes (the post's 21.8% is now wrong,
        # STA002: a banner, not a stopped server; the chart drawn from the CSV is redrawn).
        csv = minisite / CSV
        text = csv.read_text()
        row = re.search(r"^Central,(?:[^,\n]*,){3}(14215)$", text, re.M)
        assert row, "the Central branch's renewals"
        csv.write_text(text[:row.start(1)] + "4215" + text[row.end(1):])
        page = _poll(base + STAT_PAGE, lambda p: "46725" in p, 10)
        assert "18.0%" in page
        # Put the cell back, so the posts quoting the statistic are right again.
        csv.write_text(text)
        _poll(base + STAT_PAGE, lambda p: "56725" in p, 30)

        # An unknown citation key: a banner on that post's page, listing the finding.
        source = (minisite / POST).read_text()
        broken = source.replace("[@riverside_loans]", "[@nosuchkey2020]", 1)
        assert broken != source
        (minisite / POST).write_text(broken)
        # (the 10 s is for the statistic's page; a banner may wait for the
        # rebuild that the CSV edit started to finish first)
        post = _poll(base + POST_PAGE, lambda p: "nosuchkey2020" in p and
                     '<div class="toulmin-banner" role="alert">' in p, 30)
        assert "CIT001" in post

        # Fixed: the banner goes.
        (minisite / POST).write_text(source)
        _poll(base + POST_PAGE, lambda p: "toulmin-banner" not in p and "<h1" in p, 30)
    out = (tmp_path / "serve.log").read_text()
    lines = LINE.findall(out)
    assert any(" CIT001 unknown citation key 'nosuchkey2020'" in ln and ln.startswith(POST)
               for ln in lines), out[-3000:]
    assert any(" STA002 " in ln for ln in lines), out[-3000:]
    assert "Traceback" not in out, out[-3000:]


def _banner(page: str) -> str:
    m = re.search(r'<div class="toulmin-banner" role="alert">.*?</div>', page, re.S)
    return m.group(0) if m else ""


@pytest.mark.xdist_group("serve")
def test_serve_banners_failed_scripts_where_used_and_redraws_stale_charts(minisite: Path,
                                                                          tmp_path: Path):
    charts, seasons = minisite / "scripts" / "charts.py", minisite / "scripts" / "seasons.py"
    chart_source, seasons_source = charts.read_text(), seasons.read_text()
    svg = minisite / "charts" / "loans_by_month.svg"
    with _serving(minisite, tmp_path / "serve.log") as base:
        page = _poll(base + RENEWAL_PAGE, lambda p: "<h1" in p, 120)
        assert "toulmin-banner" not in page

        # The chart's script renames an axis: the page shows the chart drawn again, with a
        # banner saying the committed one is stale; the author's charts/ is not written.
        retitled = chart_source.replace('y=alt.Y("loans:Q", title="Loans")',
                                        'y=alt.Y("loans:Q", title="Loans per month")', 1)
        assert retitled != chart_source
        charts.write_text(retitled)
        committed = svg.read_bytes()
        page = _poll(base + RENEWAL_PAGE, lambda p: "Loans per month" in p, 60)
        assert "CHA002" in _banner(page) and "loans_by_month" in _banner(page)
        assert svg.read_bytes() == committed

        # A typo in an import breaks seasons.py, and one in a table name breaks the chart:
        # the page quoting the statistic and showing the chart says so, at the scripts'
        # lines; the other post, which uses neither, has no banner.
        seasons.write_text(seasons_source.replace("from toulmin import effects",
                                                  "from toulmin import effetcs"))
        charts.write_text(retitled.replace('data.table("monthly")', 'data.table("monthy")'))
        page = _poll(base + RENEWAL_PAGE, lambda p: "scripts/seasons.py:" in _banner(p) and
                     "scripts/charts.py:" in _banner(p), 60)
        banner = _banner(page)
        assert "STA003" in banner and "CHA003" in banner
        assert "effetcs" in banner and "monthy" in banner
        assert "toulmin-banner" not in _get(base + POST_PAGE)

        # The statistic itself raises (a misspelt column): its own page says so too.
        seasons.write_text(seasons_source.replace(".isin(SUMMER)].loans.sum()",
                                                  ".isin(SUMMER)].loan.sum()"))
        stat = _poll(base + "/statistics/loans.summer_share_2024_25/",
                     lambda p: "scripts/seasons.py:" in _banner(p), 60)
        assert "STA003" in _banner(stat) and "loan" in _banner(stat)

        # Fixed: the banner goes, and the chart is the committed one again.
        seasons.write_text(seasons_source)
        charts.write_text(chart_source)
        _poll(base + RENEWAL_PAGE, lambda p: "toulmin-banner" not in p and "<h1" in p and
              "Loans per month" not in p, 60)
    out = (tmp_path / "serve.log").read_text()
    assert "toulmin: charts/loans_by_month.svg is stale: the preview shows it" in out, \
        out[-3000:]
    assert any(ln.startswith("scripts/seasons.py:") and " STA003 " in ln
               for ln in LINE.findall(out)), out[-3000:]
    assert "Traceback" not in out, out[-3000:]
