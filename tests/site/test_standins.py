"""Stand-ins for a page while Material's search and the blog's reading time read it.

The claim (adapters.mkdocs.standins): the search index built from the stand-in is the index Material
builds from the full page, the reading time leaves the reference list out and nothing
else, and everything comes back exactly. The pages are the commentary's built posts; the
same claims on the synthetic site, and the unit tests, are in tests/engine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from material.plugins.blog.readtime import readtime
from material.plugins.search.plugin import Parser

from toulmin.adapters.mkdocs import standins

ARTICLE = '<article class="md-content__inner md-typeset">'




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
        # the post's own content (what plugins read as page.content): after the tags the
        # theme puts first, to the end of its References section
        where = standins.reference_section(article, m.group(0))
        assert where, page
        content = article[article.index("</nav>") + len("</nav>"):where[1]]
        found.append((page, content, m.group(0)))
    assert len(found) >= 8
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
        # two tags fewer per citation link, and the list items' markup gone
        assert _tags(article) - _tags(stand_in) >= 2 * len(held.starts) + 2, page
        assert standins.restore(stand_in, held) == article


def test_built_search_index_is_the_index_of_the_full_pages(built):
    """End to end: the index the site ships equals Material's parse of the full post."""
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
    assert checked >= 8


def test_reading_time_leaves_out_the_reference_list_and_nothing_else(built):
    longer = 0
    for page, article, ref_list in _posts(built):
        stand_in, held = standins.for_reading_time(article, ref_list)
        start = article.rindex(standins.SECTION_START)
        body = article[:start] + article[start + len(held.section):]
        assert readtime(stand_in, 265) == readtime(body, 265), page
        assert held.section.startswith(standins.SECTION_START) and ref_list in held.section
        assert standins.restore(stand_in, held) == article
        shown = re.search(r"(\d+) min read", page.read_text())
        assert shown and int(shown.group(1)) == readtime(body, 265), page
        longer += readtime(article, 265) > readtime(body, 265)
    # counting the references would have lengthened some posts' reading time
    assert longer >= 1
