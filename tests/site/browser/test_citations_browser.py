"""A reader follows a citation in a real browser: hover shows the reference, click reaches it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from browser.conftest import shot


def test_hover_and_follow_a_citation(page, site_url):
    page.goto(site_url + "/blog/")
    shot(page, "01-blog-index")
    page.get_by_role("link", name=re.compile("What recovery means", re.I)).first.click()
    page.wait_for_load_state("networkidle")
    shot(page, "02-post")
    cite = page.locator('a.toulmin-cite[href="#ref-clark2018transparency"]').first
    title = cite.get_attribute("title")
    assert title.startswith("Clark, D. M., Canvin, L.,") and "(2018)." in title
    assert cite.inner_text() == "Clark et al., 2018"
    cite.hover()
    # Material's content.tooltips shows the title as a tooltip
    tooltip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text=title[:30])
    tooltip.first.wait_for(state="visible", timeout=5000)
    shot(page, "03-hover")
    target = cite.get_attribute("href")
    cite.click()
    page.wait_for_function(f"location.hash === '{target}'")
    entry = page.locator(target)
    assert entry.is_visible()
    assert title[:40] in entry.inner_text().replace("\n", " ")
    shot(page, "04-entry")
    hosts = {urlsplit(u).hostname for u in page.requests}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
