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
    cite = page.locator("a.toulmin-cite").first
    title = cite.get_attribute("title")
    assert re.search(r"\(\d{4}\)\.", title)
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
