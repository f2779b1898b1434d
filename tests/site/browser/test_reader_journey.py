"""A reader's journey through the built site in Chromium, on localhost with no network:
home, a post, a citation's hover and its entry, search by a cited author's surname, a
backlink from the References page, a checked statistic; axe-core on the main pages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser.conftest import shot

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
RECOVERY = re.compile(r"/blog/2026/11/02/what-recovery-means[^/]*/")


def _local_only(page) -> None:
    hosts = {urlsplit(u).hostname for u in page.requests if not u.startswith("data:")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts


def test_reader_journey(page, site_url):
    # Home page, then a post from the blog index.
    page.goto(site_url + "/")
    page.wait_for_load_state("networkidle")
    shot(page, "journey-01-home")
    page.goto(site_url + "/blog/")
    page.get_by_role("link", name=re.compile("What recovery means", re.I)).first.click()
    page.wait_for_url(RECOVERY)
    page.wait_for_load_state("networkidle")
    shot(page, "journey-02-post")

    # Hover a citation: the full reference shows; follow it to the entry.
    cite = page.locator('a.toulmin-cite[href="#ref-davis2020engagement"]').first
    title = cite.get_attribute("title")
    assert title.startswith("Davis, A., Smith, T.,") and "(2020)" in title
    cite.hover()
    page.locator(".md-tooltip2, .md-tooltip").filter(has_text=title[:30]).first.wait_for(
        state="visible", timeout=5000)
    shot(page, "journey-03-hover")
    cite.click()
    page.wait_for_function("location.hash === '#ref-davis2020engagement'")
    entry = page.locator("#ref-davis2020engagement")
    assert entry.is_visible() and title[:40] in entry.inner_text().replace("\n", " ")
    shot(page, "journey-04-entry")

    # Search for a surname that appears only as a co-author in a reference list.
    page.goto(site_url + "/")
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # narrow screens: the search button opens the field
        page.locator("label.md-header__button[for='__search']").click()
    box.click()
    box.press_sequentially("Janecka", delay=30)  # Material listens to key events
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="visible", timeout=10000)
    shot(page, "journey-05-search")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(RECOVERY.search(urlsplit(h).path) for h in hrefs), hrefs
    page.locator(".md-search-result__item a[href*='what-recovery-means']").first.click()
    page.wait_for_url(RECOVERY)
    shot(page, "journey-06-search-hit")

    # The References page: follow a backlink to the citing post.
    page.goto(site_url + "/references/")
    back = page.locator("#ref-davis2020engagement .toulmin-backlinks a").first
    back.scroll_into_view_if_needed()
    shot(page, "journey-07-references")
    back.click()
    page.wait_for_url(re.compile(RECOVERY.pattern + r"#cite-davis2020engagement-1$"))
    assert page.locator("#cite-davis2020engagement-1").is_visible()
    shot(page, "journey-08-backlink")

    # A checked statistic leads to its page.
    stat = page.locator("a.toulmin-stat", has_text="50.5%").first
    assert "95% CI" in stat.get_attribute("title")
    stat.click()
    page.wait_for_url(re.compile(r"/statistics/nhstt\.recovery_rate_2024_25/$"))
    assert "50.4% to 50.7%" in page.locator("article").inner_text()
    shot(page, "journey-09-statistic")

    # "Cite this post" and the post's references as BibTeX.
    page.go_back()
    page.wait_for_url(RECOVERY)
    assert page.locator(".toulmin-citethis-apa").inner_text().startswith("The editors. (2026")
    bib = page.request.get(page.url.split("#")[0] + "references.bib")
    assert bib.ok and "@article{davis2020engagement," in bib.text()
    _local_only(page)


AXE_PAGES = {
    "home": "/",
    "post": "/blog/2026/11/02/what-recovery-means-in-the-talking-therapies-statistics/",
    "references": "/references/",
    "statistic": "/statistics/nhstt.recovery_rate_2024_25/",
}


@pytest.mark.parametrize("name", sorted(AXE_PAGES))
def test_no_serious_or_critical_accessibility_violations(page, site_url, name):
    page.goto(site_url + AXE_PAGES[name])
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    _local_only(page)
