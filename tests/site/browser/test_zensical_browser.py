"""The Zensical build of this site in Chromium, on localhost with no network: the home page,
a post and a statistic page load with no request to another host and nothing refused by
their Content-Security-Policy (``toulmin postbuild``), the post's citations
carry their full reference and link to its reference list, its checked numbers link to their
statistic pages, and toulmin's stylesheet and chart script are served by the site itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from browser.conftest import serve_folder, shot

PAGES = ("/", "/blog/2026/11/02/what-recovery-means-in-the-talking-therapies-statistics/",
         "/statistics/nhstt.recovery_rate_2024_25/")


@pytest.fixture(scope="module")
def zensical_url(zensical_built):
    with serve_folder(zensical_built) as url:
        yield url


@pytest.fixture
def zpage(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    requests: list[str] = []
    failed: list[str] = []
    console: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.on("requestfailed", lambda r: failed.append(r.url))
    pg.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    pg.requests, pg.failed, pg.console = requests, failed, console
    yield pg
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_a_zensical_page_makes_no_request_to_another_host(zpage, zensical_url, path):
    response = zpage.goto(zensical_url + path)
    assert response is not None and response.status == 200
    zpage.wait_for_load_state("networkidle")
    shot(zpage, "zensical-" + (path.strip("/").replace("/", "-")[:40] or "home"))
    hosts = {urlsplit(u).hostname for u in zpage.requests if not u.startswith("data:")}
    assert hosts == {"127.0.0.1"}, hosts
    assert not zpage.failed, zpage.failed
    # the policy postbuild declared refuses nothing the theme and toulmin's scripts need
    assert not [m for m in zpage.console if "Content Security Policy" in m], zpage.console
    assert any(u.endswith("/assets/toulmin/toulmin.css") for u in zpage.requests)
    assert any(u.endswith("/assets/toulmin/toulmin-charts.js") for u in zpage.requests)


def test_a_zensical_post_shows_citations_references_and_checked_numbers(zpage, zensical_url):
    zpage.goto(zensical_url + PAGES[1])
    zpage.wait_for_load_state("networkidle")
    cite = zpage.locator('a.toulmin-cite[href="#ref-nhsdigital_iapt_annual"]').first
    assert cite.get_attribute("title").startswith("NHS Digital, & NHS England. (2014–2025).")
    assert cite.is_visible()
    entry = zpage.locator("li.toulmin-ref#ref-nhsdigital_iapt_annual")
    assert entry.count() == 1
    assert zpage.locator("h2#references").inner_text().strip().startswith("References")
    stat = zpage.locator("a.toulmin-stat", has_text="50.5%").first
    assert "50.5%" in stat.get_attribute("title")
    stat.click()
    zpage.wait_for_url(re.compile(r"/statistics/nhstt\.recovery_rate_2024_25/$"))
    assert "50.5%" in zpage.locator("article").inner_text()
    # the References page's backlink leads to the post again
    zpage.goto(zensical_url + "/references/")
    zpage.locator("li.toulmin-ref#ref-nhsdigital_iapt_annual .toulmin-backlinks a").first.click()
    zpage.wait_for_url(re.compile(r"/blog/2026/\d\d/\d\d/[^/]+/#cite-"))
