"""A successful ``mkdocs build`` replaces the previous site whole, with nothing left beside
it, and ``mkdocs serve`` still builds into its own folder (``adapters.mkdocs.swap``).

The failures (killed, interrupted, failing builds) are tested on the synthetic site in
tests/engine/test_interrupted_builds.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitebuild import copy_minisite

MKDOCS = Path(sys.executable).parent / "mkdocs"


def test_the_built_site_leaves_nothing_beside_it(built):
    assert (built / "index.html").is_file()
    assert [p.name for p in built.parent.iterdir() if p.name.startswith(f".{built.name}.")] \
        == []


def test_a_plain_mkdocs_build_replaces_the_previous_site(site):
    """What CI and authors run: ``mkdocs build`` into mkdocs.yml's site_dir (site/)."""
    previous = site / "site"
    (previous / "blog" / "2020" / "01" / "01" / "a-deleted-post").mkdir(parents=True)
    (previous / "blog" / "2020" / "01" / "01" / "a-deleted-post" / "index.html").write_text(
        "a post deleted since the previous build")
    (previous / "index.html").write_text("the previous home page")
    proc = subprocess.run([str(MKDOCS), "build", "--strict"], cwd=site, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert not (previous / "blog" / "2020").exists()
    home = (previous / "index.html").read_text()
    assert home != "the previous home page" and "Talking Therapies, Checked" in home
    assert (previous / "references" / "index.html").is_file()
    assert (previous / "search" / "search_index.json").is_file()  # written at on_post_build
    assert (previous / "feed_rss_created.xml").is_file()  # the RSS plugin's, on_post_build
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".site.")) == []


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


@pytest.mark.xdist_group("serve")
def test_serve_builds_into_its_own_temporary_folder(tmp_path):
    site = copy_minisite(tmp_path / "minisite")
    tmp = tmp_path / "tmp"  # where mkdocs serve makes its folder
    tmp.mkdir()
    port = _free_port()
    env = dict(os.environ, TMPDIR=str(tmp), NO_MKDOCS_2_WARNING="1")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"], cwd=site,
                                stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        page = None
        while page is None and time.monotonic() < deadline:
            page = _get(f"http://127.0.0.1:{port}/")
            time.sleep(0.25)
        assert page and "Loans, Checked" in page, log.read_text()[-3000:]
        served = sorted(p.name for p in tmp.iterdir())  # serve's folder, the blog plugin's
        assert [n for n in served if n.startswith("mkdocs_")], served
        assert [n for n in served if ".building-" in n or ".old-" in n] == [], served
        assert not (site / "site").exists()
        assert [p.name for p in site.iterdir() if p.name.startswith(".site.")] == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert "Traceback" not in log.read_text()
    assert [p.name for p in tmp.iterdir() if p.name.startswith(("mkdocs_", ".mkdocs_"))] == []
