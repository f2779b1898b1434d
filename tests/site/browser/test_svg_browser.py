"""Issue 15 in a real browser: a site whose committed charts are hostile SVGs (a stale
chart's file replaced, and one no script defines shown by a post), built with the checks
that stop them and the Content-Security-Policy off, so the sanitiser stands alone.

Chromium loads the post, lets the charts upgrade, clicks the chart, and opens the chart
files directly: no dialog opens, and no request leaves the local server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser.conftest import serve_folder, shot
from sitebuild import EVIL_HOST, build, copy_minisite, seed_hostile_charts


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-charts")
    site = copy_minisite(root / "site")
    seed_hostile_charts(site)
    out = root / "out"
    proc = build(site, out)
    assert proc.returncode == 0, proc.stderr
    post = next(p for p in out.rglob("index.html")
                if 'data-chart="loans_by_month"' in p.read_text())
    with serve_folder(out) as base:
        yield base, "/" + post.parent.relative_to(out).as_posix() + "/"


def test_a_hostile_committed_chart_runs_nothing_and_requests_nothing(browser, hostile_url):
    base, post = hostile_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    requests: list[str] = []
    elsewhere: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:  # never reach the network: record it, then refuse it
            elsewhere.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + post)
        figure = page.locator('figure[data-chart="loans_by_month"]')
        figure.scroll_into_view_if_needed()
        assert figure.locator("svg").count() == 1
        page.wait_for_selector('figure[data-chart="loans_by_month"].toulmin-chart--interactive',
                               timeout=10000)
        figure.click()
        page.wait_for_timeout(500)
        shot(page, "svg-01-hostile-charts")
        assert dialogs == []
        assert elsewhere == [] and not any(EVIL_HOST in u for u in requests), requests
        # the undefined chart stays an image of a file the site does not publish
        assert page.locator('figure[data-chart="x"]').count() == 0
        assert page.locator('img[alt="Undefined chart"]').count() == 1
        # the chart files themselves, opened as documents on the site's origin
        for name in ("loans_by_month.svg", "x.svg", "loans_by_month.vl.json"):
            response = page.goto(f"{base}/charts/{name}")
            assert response.status == (404 if name == "x.svg" else 200), name
        page.wait_for_timeout(500)
        assert dialogs == []
        assert elsewhere == [] and not any(EVIL_HOST in u for u in requests), requests
        hosts = {urlsplit(u).hostname for u in requests}
        assert hosts == {"127.0.0.1"}, requests
    finally:
        context.close()
