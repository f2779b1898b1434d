"""An Atom 1.0 feed of the posts, full text (mkdocs-rss-plugin writes RSS 2.0 and JSON
Feed only). Written with ``xml.etree``, so every value is escaped by the serializer."""

from __future__ import annotations

import datetime as _dt
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_NAME = "feed_atom.xml"


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    date: _dt.date | None
    authors: tuple[str, ...]
    content_html: str
    summary: str = ""
    categories: tuple[str, ...] = ()


def _stamp(d: _dt.date | None) -> str:
    d = d or _dt.date(1970, 1, 1)
    return f"{d.isoformat()}T00:00:00Z"


def atom_feed(entries: list[FeedEntry], *, title: str, site_url: str, feed_url: str,
              subtitle: str = "", author: str = "") -> bytes:
    """The feed's bytes, newest entry first."""
    etree.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attrs):
        el = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    entries = sorted(entries, key=lambda e: (e.date or _dt.date.min, e.url), reverse=True)
    feed = etree.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "title", title)
    if subtitle:
        sub(feed, "subtitle", subtitle)
    sub(feed, "id", site_url)
    sub(feed, "link", href=site_url, rel="alternate", type="text/html")
    sub(feed, "link", href=feed_url, rel="self", type="application/atom+xml")
    sub(feed, "updated", _stamp(max((e.date for e in entries if e.date), default=None)))
    if author:
        sub(sub(feed, "author"), "name", author)
    sub(feed, "generator", "toulmin")
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "title", e.title)
        sub(entry, "id", e.url)
        sub(entry, "link", href=e.url, rel="alternate", type="text/html")
        sub(entry, "published", _stamp(e.date))
        sub(entry, "updated", _stamp(e.date))
        for name in e.authors or (author,):
            sub(sub(entry, "author"), "name", name)
        for cat in e.categories:
            sub(entry, "category", term=cat)
        if e.summary:
            sub(entry, "summary", e.summary)
        content = sub(entry, "content", e.content_html, type="html")
        # Relative links in the post resolve against the post's own URL.
        content.set("{http://www.w3.org/XML/1998/namespace}base", e.url)
    return etree.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_atom(site_dir: str | Path, data: bytes, name: str = ATOM_NAME) -> Path:
    path = Path(site_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
