"""Lighter stand-ins for a page's HTML while other plugins read it, and the way back.

toulmin's markup is most of a post's tags: a link per citation (with the full reference as
its title) and a References list with italics and DOI links. Material's search index and
the blog's reading time parse every tag with Python's ``HTMLParser``, so that markup cost
the build more than rendering it did. While they read a post they get a stand-in:

- for the reading time, the References section taken out (nobody reads a reference list
  through; counting it made a post with 13 works read two minutes longer) and each
  citation link turned into a pair of comments around its text;
- for the search index, the reference list as text-only list items and the same comment
  pairs: the same text in the same sections and list items, so the same index. What the
  indexer skips (an element marked ``data-search-exclude``: the line under each entry that
  says how it was verified) the stand-in leaves out too.

Comments are ignored by both parsers and split text where tags do, so the text each sees
is the text it would have seen. ``restore`` puts everything back, and says so loudly if
another plugin changed the page in a way that loses a stand-in (it never drops a link
silently).
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

SECTION_START = '<div class="toulmin-references">'
SECTION_MARK = "<!--toulmin-references-->"
LINK_OPEN = "<!--toulmin-cite-->"
LINK_CLOSE = "<!--/toulmin-cite-->"

_CITE_LINK = re.compile(r'(<a class="toulmin-cite" [^>]*>)(.*?)</a>', re.S)
_LIST_ITEM = re.compile(r"<li\b[^>]*>(.*?)</li>", re.S)
_TAG = re.compile(r"<[^>]*>")
# An element Material's indexer skips, with its text: toulmin marks only spans so, never
# nested in another span.
_EXCLUDED = re.compile(r"<span\b[^>]*\sdata-search-exclude\b[^>]*>.*?</span>", re.S)


class StandInLost(Exception):
    """Another plugin changed a page so that its citation links cannot be put back."""


@dataclass(slots=True)
class Held:
    """What a stand-in took out of a page, to put back."""

    #: the citation links' start tags, in page order
    starts: list[str] = field(default_factory=list)
    #: the References section, cut out at SECTION_MARK ("" when it was not cut)
    section: str = ""
    #: the reference list and the text-only list standing in for it ("" for none)
    ref_list: str = ""
    text_list: str = ""


def reference_section(page_html: str, ref_list: str) -> tuple[int, int] | None:
    """Where the page's References section (heading, link, ``ref_list``) lies in
    ``page_html``, as (start, end), or None when it is not there as rendered."""
    start = page_html.rfind(SECTION_START)
    if start < 0:
        return None
    at = page_html.find(ref_list, start)
    if at < 0:
        return None
    end = page_html.find("</div>", at + len(ref_list))
    return None if end < 0 else (start, end + len("</div>"))


def for_reading_time(page_html: str, ref_list: str | None) -> tuple[str, Held]:
    """``page_html`` without its References section, citation links as comment pairs."""
    held = Held()
    where = reference_section(page_html, ref_list) if ref_list else None
    if where is not None:
        start, end = where
        held.section = page_html[start:end]
        page_html = page_html[:start] + SECTION_MARK + page_html[end:]
    return _mark_links(page_html, held), held


def for_search(page_html: str, ref_list: str | None) -> tuple[str, Held]:
    """``page_html`` with its reference list as text only, citation links as comment
    pairs."""
    held = Held()
    if ref_list and ref_list in page_html:
        held.ref_list, held.text_list = ref_list, text_only_list(ref_list)
        page_html = page_html.replace(ref_list, held.text_list, 1)
    return _mark_links(page_html, held), held


def restore(page_html: str, held: Held) -> str:
    """``page_html`` with everything ``held`` took out put back."""
    if held.starts:
        parts = page_html.split(LINK_OPEN)
        if len(parts) - 1 != len(held.starts):
            raise StandInLost(f"{len(held.starts)} citation links were held out of the page "
                              f"and {len(parts) - 1} came back")
        out = [parts[0]]
        for start, rest in zip(held.starts, parts[1:], strict=True):
            out.append(start)
            out.append(rest)
        page_html = "".join(out).replace(LINK_CLOSE, "</a>")
    if held.text_list:
        page_html = page_html.replace(held.text_list, held.ref_list, 1)
    if held.section:
        if SECTION_MARK in page_html:
            page_html = page_html.replace(SECTION_MARK, held.section, 1)
        else:  # another plugin rewrote the page without the mark: the section goes last
            page_html += held.section
    return page_html


def text_only_list(ref_list: str) -> str:
    """``ref_list`` with each item's markup (italics, links, badges) removed, and what the
    indexer skips (``data-search-exclude``), and nothing else changed: the same text in the
    same list items.

    A search indexer that keeps list items and the text inside them (as Material's does)
    gets the same index from this as from the full list, with a fraction of the tags.
    """
    head_end = ref_list.find(">") + 1
    return "<ol>" + _LIST_ITEM.sub(_text_only_item, ref_list[head_end:])


def _mark_links(page_html: str, held: Held) -> str:
    if 'class="toulmin-cite"' not in page_html:
        return page_html
    starts = held.starts

    def mark(m: re.Match) -> str:
        starts.append(m.group(1))
        return LINK_OPEN + m.group(2) + LINK_CLOSE

    return _CITE_LINK.sub(mark, page_html)


def _text_only_item(m: re.Match) -> str:
    return _text_only(m.group(1))


@functools.lru_cache(maxsize=16384)
def _text_only(inner: str) -> str:
    if "data-search-exclude" in inner:
        inner = _EXCLUDED.sub("", inner)
    return "<li>" + html.escape(html.unescape(_TAG.sub("", inner)), quote=False) + "</li>"
