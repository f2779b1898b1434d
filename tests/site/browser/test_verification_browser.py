"""A reader sees, under each reference on the References page, how it was verified: a line
of real text, shown (not hidden, not empty), smaller and muted but still text; and only a
registry's verdict reads as "verified with the registry"."""

from __future__ import annotations

from browser.conftest import shot
from sitebuild import ROOT
from toulmin.bibliography.lock import load


def test_each_reference_says_how_it_was_verified(page, site_url):
    records = load(ROOT / "references.lock.json")
    page.goto(site_url + "/references/")
    page.wait_for_load_state("networkidle")
    shot(page, "verification-01-references")
    entries = page.locator("li.toulmin-ref")
    assert entries.count() >= 10
    shown = 0
    for i in range(entries.count()):
        entry = entries.nth(i)
        key = entry.get_attribute("id")[len("ref-"):]
        line = entry.locator(".toulmin-verification")
        if key not in records:
            continue
        assert line.count() == 1, key
        assert line.is_visible(), key
        text = line.inner_text().strip()
        assert text, key
        record = records[key]
        registry = record.get("recorded") == "registry" and record.get("verdict") == "verified"
        assert ("verified with the registry" in text) == registry, (key, text)
        # on its own line under the entry, smaller than the reference
        box, entry_box = line.bounding_box(), entry.bounding_box()
        assert box["y"] > entry_box["y"], key
        size = line.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size < entry.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"), key
        shown += 1
    assert shown >= 10
