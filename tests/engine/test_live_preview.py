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


@pytest.mark.xdist_group("serve")
def test_serve_recomputes_and_shows_findings_as_banners(minisite: Path, tmp_path: Path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([str(mkdocs), "serve", "-a", f"127.0.0.1:{port}"], cwd=minisite,
                            stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        # The first build computes every statistic and chart from scratch.
        page = _poll(base + STAT_PAGE, lambda p: "56725" in p, 120)
        assert "21.8%" in page
        post = _poll(base + POST_PAGE, lambda p: True, 10)
        assert "toulmin-banner" not in post

        # A CSV cell the statistic reads: its page changes (the post's 21.8% is now wrong,
        # STA002, and a chart is stale, CHA002: banners, not a stopped server).
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
    out = (tmp_path / "serve.log").read_text()
    lines = LINE.findall(out)
    assert any(" CIT001 unknown citation key 'nosuchkey2020'" in ln and ln.startswith(POST)
               for ln in lines), out[-3000:]
    assert any(" STA002 " in ln for ln in lines), out[-3000:]
    assert "Traceback" not in out, out[-3000:]
