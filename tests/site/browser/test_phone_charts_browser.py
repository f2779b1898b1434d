"""Charts on a 390 px phone screen: every word of every chart at least 11 px as rendered.

Each SVG text's computed font size is multiplied by the scale its screen transform applies
(the chart shrunk to the column), in Chromium at a 390 px wide viewport, for the static
chart (no JavaScript) on every page of the built site that has one and for the
interactive chart Vega-Embed draws in its place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser.conftest import shot

PHONE = {"width": 390, "height": 844}
MIN_PX = 11

#: per chart on the page: its name, the smallest rendered text (CSS px) and that text
MEASURE = """
() => [...document.querySelectorAll("figure.toulmin-chart")].map(fig => {
  let least = Infinity, word = "";
  for (const t of fig.querySelectorAll(".toulmin-chart-view svg text")) {
    if (!t.textContent.trim()) continue;
    const m = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    if (px < least) { least = px; word = t.textContent.trim(); }
  }
  return [fig.dataset.chart, least, word];
})
"""


def _chart_pages(built: Path) -> list[str]:
    pages = []
    for page in sorted(built.rglob("index.html")):
        if 'class="toulmin-chart"' in page.read_text(encoding="utf-8"):
            rel = page.parent.relative_to(built).as_posix()
            pages.append("/" if rel == "." else f"/{rel}/")
    return pages


def _check(page, url: str) -> list[str]:
    page.goto(url)
    sizes = page.evaluate(MEASURE)
    assert sizes, url
    small = [f"{url} {name}: {px:.1f} px ('{word}')" for name, px, word in sizes
             if px < MIN_PX]
    # a chart wider than the column scrolls inside its figure; the figure stays on screen
    right = page.evaluate("Math.max(...[...document.querySelectorAll('figure.toulmin-chart')]"
                          ".map(f => f.getBoundingClientRect().right))")
    assert right <= PHONE["width"], (url, right)
    return small


def test_static_charts_are_legible_on_a_phone(browser, site_url, built):
    pages = _chart_pages(built)
    assert len(pages) >= 5, pages
    context = browser.new_context(java_script_enabled=False, viewport=PHONE,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        small = []
        for url in pages:
            small += _check(page, site_url + url)
        page.goto(site_url + pages[0])
        page.locator("figure.toulmin-chart").first.scroll_into_view_if_needed()
        shot(page, "charts-04-phone-static")
    finally:
        context.close()
    assert small == []


@pytest.mark.parametrize("url", [
    "/blog/2026/11/02/what-recovery-means-in-the-talking-therapies-statistics/",
    "/methods/",
])
def test_interactive_charts_are_legible_on_a_phone(browser, site_url, url):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        page.goto(site_url + url)
        count = page.locator("figure.toulmin-chart").count()
        page.wait_for_function(
            f"document.querySelectorAll('figure.toulmin-chart--interactive').length === {count}",
            timeout=15000)
        small = _check(page, page.url)
        page.locator("figure.toulmin-chart").first.scroll_into_view_if_needed()
        shot(page, "charts-05-phone-interactive")
    finally:
        context.close()
    assert small == []
