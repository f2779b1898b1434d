"""Issue 15, second pass: a built minisite whose posts carry hostile front matter and
headings, with SEC002 turned off (a site may): no page, no search index entry and no feed
holds live markup, and every feed (RSS from mkdocs-rss-plugin, Atom from toulmin) parses
with an XML parser whatever the titles, descriptions, tags and categories hold (``&``,
``<``, ``]]>``, control characters)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitebuild import build, copy_minisite

#: YAML double-quoted escapes: \x01 and \x0b are C0 controls XML forbids (a lone surrogate,
#: "\ud800", is refused by YAML itself: DOC004, and the site is not built)
HOSTILE = r'''---
title: "Loans & <script>alert('title')</script> ]]> \x01 end"
date: 2025-06-02
categories: ["Cat & <i onmouseover=alert('cat')>it</i>"]
tags: ["a&b", "<img src=x onerror=alert('tag')>", "]]>", "x\x0by"]
description: "<img src=x onerror=alert('description')> & ]]>"
---

# Loans & more

Plain text about loans, without a citation.

<!-- more -->

## Step &lt;img src=x onerror=alert('heading')&gt;

More text.
'''

RSS = """
  - rss:
      match_path: blog/posts/.*
      use_git: false
      date_from_meta:
        as_creation: date
        as_update: date
      abstract_chars_count: -1
      categories:
        - categories
        - tags
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    site = copy_minisite(tmp_path_factory.mktemp("hostile") / "site")
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  - toulmin\n", '  - toulmin:\n      rules: {SEC002: "off"}\n', 1)
    text = text.replace("  - search\n", "  - search\n" + RSS.lstrip("\n"), 1)
    config.write_text(text, encoding="utf-8")
    (site / "posts" / "2025-06-02-hostile.md").write_text(HOSTILE, encoding="utf-8")
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site / "out"


class _Live(HTMLParser):
    """What a browser would run: event handler attributes and script elements, with the
    script text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self.found += [f"<{tag} {k}>" for k, _v in attrs if k.startswith("on")]
        self._script = tag == "script"

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")

    def handle_endtag(self, tag):
        self._script = False


def _live(markup: str) -> list[str]:
    parser = _Live()
    parser.feed(markup)
    parser.close()
    return parser.found


def test_no_page_holds_live_markup(hostile):
    pages = list(hostile.rglob("*.html"))
    assert any("loans--" in str(p) for p in pages)
    for page in pages:
        assert _live(page.read_text(encoding="utf-8")) == [], page


def test_the_search_index_holds_no_live_markup(hostile):
    # Material's search shows an entry's title and text as HTML
    docs = json.loads((hostile / "search" / "search_index.json").read_text())["docs"]
    hostile_docs = [d for d in docs if "/loans--" in d["location"]]
    assert hostile_docs
    for doc in docs:
        assert _live(doc["title"]) == [], doc["title"]
        assert _live(doc.get("text", "")) == [], doc["location"]


@pytest.mark.parametrize("name", ["feed_rss_created.xml", "feed_rss_updated.xml",
                                  "feed_atom.xml"])
def test_every_feed_is_well_formed_and_holds_the_values_as_text(hostile, name):
    data = (hostile / name).read_bytes()
    root = etree.fromstring(data)  # raises on a feed that is not well-formed XML
    values: dict[str, list[str]] = {}
    for el in root.iter():
        name = el.tag.rpartition("}")[2]
        if name in ("title", "category"):
            # a title or category is text: its markup is characters, not elements
            assert not list(el), el.tag
            values.setdefault(name, []).append(el.text or el.get("term", ""))
    # each value escaped exactly once: a reader shows "a&b", not "a&amp;b" or "a"
    assert "Loans & <script>alert('title')</script> ]]>  end" in values["title"]
    assert {"a&b", "<img src=x onerror=alert('tag')>", "]]>", "xy",
            "Cat & <i onmouseover=alert('cat')>it</i>"} <= set(values["category"])


def test_no_feed_holds_a_character_xml_forbids(hostile):
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml", "feed_atom.xml"):
        text = (hostile / name).read_bytes().decode("utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", text), name
