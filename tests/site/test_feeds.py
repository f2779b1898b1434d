"""The posts' feeds: RSS 2.0 (mkdocs-rss-plugin) and Atom (toulmin), full text, no drafts."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from sitebuild import build, copy_site

DRAFT = """---
title: "An unfinished draft about waiting lists"
date: 2026-11-20
draft: true
authors: [editor]
categories: [Measurement]
tags: [drafts]
description: "Not ready."
---

# An unfinished draft about waiting lists

Zanzibarine placeholder text that must never be published [@clark2018transparency].
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = copy_site(tmp_path_factory.mktemp("feeds-site"))
    (site / "posts" / "2026-11-20-draft.md").write_text(DRAFT, encoding="utf-8")
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    return site / "out"


def _published_titles() -> set[str]:
    root = Path(__file__).resolve().parents[2] / "posts"
    titles = set()
    for post in root.glob("*.md"):
        text = post.read_text(encoding="utf-8")
        if re.search(r"^draft:\s*true", text, re.M):
            continue
        titles.add(re.search(r'^title:\s*"?(.+?)"?\s*$', text, re.M).group(1))
    return titles


def test_draft_is_not_published(built):
    assert not list(built.rglob("*unfinished-draft*"))
    for page in built.rglob("*.html"):
        assert "Zanzibarine" not in page.read_text(encoding="utf-8"), page
    assert "Zanzibarine" not in (built / "search" / "search_index.json").read_text()


def test_rss_is_valid_rss20_with_every_published_post_in_full(built):
    feed = feedparser.parse((built / "feed_rss_created.xml").read_bytes())
    assert feed.version == "rss20"
    assert feed.bozo == 0, feed.get("bozo_exception")
    titles = {e.title for e in feed.entries}
    assert titles == _published_titles()
    assert len(feed.entries) == len(_published_titles())
    for e in feed.entries:
        assert "Zanzibarine" not in e.summary
        assert e.link.startswith("https://toulmin.example.org/blog/2026/")
        # full text: the whole post down to its reference list, not an abstract
        assert 'id="references"' in e.summary and len(e.summary) > 3000, e.title


def test_atom_is_valid_atom10_with_every_published_post_in_full(built):
    data = (built / "feed_atom.xml").read_bytes()
    feed = feedparser.parse(data)
    assert feed.version == "atom10"
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Talking Therapies, Checked"
    assert {e.title for e in feed.entries} == _published_titles()
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    for e in feed.entries:
        assert e.id == e.link and e.link.startswith("https://toulmin.example.org/blog/")
        assert e.author == "The editors"
        (content,) = e.content
        assert content.type == "text/html"
        assert 'id="references"' in content.value and len(content.value) > 3000
        assert "Zanzibarine" not in content.value
        # relative links were resolved against the post's URL (xml:base)
        assert 'href="https://toulmin.example.org/statistics/' in content.value \
            or "stat=" not in content.value
    assert b"Zanzibarine" not in data


def test_json_feed_lists_the_same_posts(built):
    import json

    feed = json.loads((built / "feed_json_created.json").read_text())
    assert {i["title"] for i in feed["items"]} == _published_titles()
