"""Charts in a real browser: the static SVG without JavaScript, the interactive chart with it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from browser.conftest import shot

POST = "/blog/2026/11/02/what-recovery-means-in-the-talking-therapies-statistics/"
NAME = "Recovered referrals by denominator, England, 2012-13 to 2024-25"


def _local(urls) -> set:
    return {urlsplit(u).hostname for u in urls} - {"127.0.0.1", "localhost"}


def test_static_chart_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(site_url + POST)
        chart = page.get_by_role("img", name=NAME)
        chart.scroll_into_view_if_needed()
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
        figure = page.locator('figure[data-chart="recovery_by_denominator"]')
        assert figure.locator("svg").count() == 1
        assert figure.locator("figcaption").inner_text().startswith("Three lines")
        shot(page, "charts-01-static")
        assert not _local(requests), requests
    finally:
        context.close()


def test_interactive_chart_shows_a_tooltip(page, site_url):
    page.goto(site_url + POST)
    figure = page.locator('figure[data-chart="recovery_by_denominator"]')
    figure.scroll_into_view_if_needed()
    page.wait_for_selector('figure[data-chart="recovery_by_denominator"]'
                           ".toulmin-chart--interactive", timeout=10000)
    # the upgraded chart keeps its accessible name
    assert page.get_by_role("img", name=NAME).is_visible()
    # the last point of the official-rate line (legend symbols are role-legend-symbol)
    point = figure.locator(".toulmin-chart-interactive .mark-symbol.role-mark path").last
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 - 3, box["y"] + box["height"] / 2 - 3)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    text = tooltip.inner_text()
    assert "2024-25" in text and re.search(r"Recovered \(%\)\s*\d", text), text
    shot(page, "charts-02-tooltip")
    # every chart on the page was upgraded, from files on this site only
    charts = page.locator("figure.toulmin-chart").count()
    assert charts >= 1
    assert page.locator("figure.toulmin-chart.toulmin-chart--interactive").count() == charts
    assert not _local(page.requests), page.requests
    assert any(u.endswith("/charts/recovery_by_denominator.vl.json") for u in page.requests)
    assert any(u.endswith("/assets/toulmin/vendor/vega/vega-embed.min.js") for u in page.requests)


def test_dark_scheme_uses_the_dark_theme(page, site_url):
    page.emulate_media(color_scheme="dark")
    page.goto(site_url + "/methods/")
    page.wait_for_selector("figure.toulmin-chart--interactive", timeout=10000)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.locator("figure.toulmin-chart").first.scroll_into_view_if_needed()
    shot(page, "charts-03-dark")
    charts = page.locator("figure.toulmin-chart").count()
    assert charts >= 1
    assert page.locator("figure.toulmin-chart.toulmin-chart--interactive").count() == charts
    assert not _local(page.requests), page.requests
