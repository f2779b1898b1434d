"""The synthetic site built by mkdocs (once per module, with a draft added): its Atom feed,
and the stand-ins Material's search and the blog's reading time read instead of each post.

The claim (adapters.mkdocs.standins): the search index built from the stand-in is the index
Material builds from the full page, the reading time leaves the reference list out and
nothing else, and everything comes back exactly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from material.plugins.blog.readtime import readtime
from material.plugins.search.plugin import Parser

from sitebuild import build, copy_minisite
from toulmin.adapters.mkdocs import standins

ARTICLE = '<article class="md-content__inner md-typeset">'
DRAFT = """---
title: "An unfinished draft about overdue fines"
date: 2025-05-13
draft: true
authors: [editor]
categories: [Loans]
tags: [drafts]
description: "Not ready."
---

# An unfinished draft about overdue fines

Zanzibarine placeholder text that must never be published [@riverside_loans].
"""
PUBLISHED = {"What a renewal rate measures", "How many members borrow"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = copy_minisite(tmp_path_factory.mktemp("built-minisite") / "site")
    (site / "posts" / "2025-05-13-draft.md").write_text(DRAFT, encoding="utf-8")
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    return site / "out"


# -- the Atom feed ----------------------------------------------------------------------------


def test_draft_is_not_published(built):
    assert not list(built.rglob("*unfinished-draft*"))
    for page in built.rglob("*.html"):
        assert "Zanzibarine" not in page.read_text(encoding="utf-8"), page
    assert "Zanzibarine" not in (built / "search" / "search_index.json").read_text()


def test_atom_is_valid_atom10_with_every_published_post_in_full(built):
    data = (built / "feed_atom.xml").read_bytes()
    feed = feedparser.parse(data)
    assert feed.version == "atom10"
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Loans, Checked"
    assert {e.title for e in feed.entries} == PUBLISHED
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    for e in feed.entries:
        assert e.id == e.link and e.link.startswith("https://minisite.example.org/blog/2025/")
        assert e.author == "The editors"
        (content,) = e.content
        assert content.type == "text/html"
        assert 'id="references"' in content.value and len(content.value) > 1500
        assert "Zanzibarine" not in content.value
        # relative links were resolved against the post's URL (xml:base)
        assert 'href="https://minisite.example.org/statistics/loans.' in content.value
    assert b"Zanzibarine" not in data


# -- stand-ins ------------------------------------------------------------------------------


def _posts(out: Path) -> list[tuple[Path, str, str]]:
    """(page, its content HTML, its reference list) for every post of the built site."""
    found = []
    for page in sorted((out / "blog").rglob("index.html")):
        if not re.search(r"/\d{4}/\d{2}/\d{2}/", page.as_posix()):
            continue
        text = page.read_text()
        start = text.index(ARTICLE) + len(ARTICLE)
        article = text[start:text.index("</article>", start)]
        m = re.search(r'<ol class="toulmin-reflist">.*?</ol>', article, re.S)
        assert m, page
        where = standins.reference_section(article, m.group(0))
        assert where, page
        content = article[article.index("</nav>") + len("</nav>"):where[1]]
        found.append((page, content, m.group(0)))
    assert len(found) == len(PUBLISHED)
    return found


def _tags(page_html: str) -> int:
    return len(re.findall(r"</?[A-Za-z]", page_html))


def _index(page_html: str) -> list[tuple]:
    parser = Parser()
    parser.feed(page_html)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data]


def test_search_stand_in_gives_materials_index_from_fewer_tags(built):
    for page, article, ref_list in _posts(built):
        stand_in, held = standins.for_search(article, ref_list)
        assert _index(stand_in) == _index(article), page
        assert held.starts and held.text_list
        assert _tags(article) - _tags(stand_in) >= 2 * len(held.starts) + 2, page
        assert standins.restore(stand_in, held) == article


def test_built_search_index_is_the_index_of_the_full_pages(built):
    docs = json.loads((built / "search" / "search_index.json").read_text())["docs"]
    by_location = {d["location"]: d["text"] for d in docs}
    checked = 0
    for page, article, _ in _posts(built):
        url = page.parent.relative_to(built).as_posix() + "/"
        for ident, _title, text in _index(article):
            if ident == "references":
                assert by_location[url + "#references"] == text.strip(), page
                assert "<li>" in text and "https://doi.org/" in text
                checked += 1
    assert checked == len(PUBLISHED)


def test_reading_time_leaves_out_the_reference_list_and_nothing_else(built):
    for page, article, ref_list in _posts(built):
        stand_in, held = standins.for_reading_time(article, ref_list)
        start = article.rindex(standins.SECTION_START)
        body = article[:start] + article[start + len(held.section):]
        assert readtime(stand_in, 265) == readtime(body, 265), page
        assert held.section.startswith(standins.SECTION_START) and ref_list in held.section
        assert standins.restore(stand_in, held) == article
        shown = re.search(r"(\d+) min read", page.read_text())
        assert shown and int(shown.group(1)) == readtime(body, 265), page


# -- stand-ins on constructed HTML ------------------------------------------------------------


def test_restore_puts_the_section_last_when_a_plugin_dropped_the_mark():
    ref_list = '<ol class="toulmin-reflist">\n<li class="toulmin-ref" id="ref-a">A.</li>\n</ol>'
    page = (f'<p>Text (<a class="toulmin-cite" id="cite-a-1" href="#ref-a" title="A.">A, '
            f'2020</a>).</p>\n{standins.SECTION_START}<h2 id="references">References</h2>'
            f"{ref_list}\n</div>")
    stand_in, held = standins.for_reading_time(page, ref_list)
    assert 'class="toulmin-cite"' not in stand_in and "References" not in stand_in
    rewritten = stand_in.replace(standins.SECTION_MARK, "")
    assert standins.restore(rewritten, held) == page


def test_restore_refuses_to_lose_a_citation_link():
    page = ('<p>(<a class="toulmin-cite" id="cite-a-1" href="#ref-a" title="A.">A, 2020</a>; '
            '<a class="toulmin-cite" id="cite-b-1" href="#ref-b" title="B.">B, 2021</a>)</p>')
    stand_in, held = standins.for_search(page, None)
    assert len(held.starts) == 2
    with pytest.raises(standins.StandInLost, match="2 citation links"):
        standins.restore(stand_in.replace(standins.LINK_OPEN, "", 1), held)


def test_text_only_list_keeps_escaped_text_and_drops_markup():
    ref_list = ('<ol class="toulmin-reflist">\n<li class="toulmin-ref" id="ref-x">Smith, J. '
                '&amp; O’Brien, K. (2020). <em>Fish &lt;and&gt; chips</em>. '
                '<a href="https://doi.org/10.1/x">https://doi.org/10.1/x</a> '
                '<span class="toulmin-retracted">Retracted</span></li>\n</ol>')
    assert standins.text_only_list(ref_list) == (
        "<ol>\n<li>Smith, J. &amp; O’Brien, K. (2020). Fish &lt;and&gt; chips. "
        "https://doi.org/10.1/x Retracted</li>\n</ol>")
    assert _index(standins.text_only_list(ref_list)) == _index(ref_list)
