"""An Atom 1.0 feed of the posts, full text (mkdocs-rss-plugin writes RSS 2.0 and JSON
Feed only). Written with ``xml.etree``, so every value is escaped by the serializer; the
characters XML 1.0 forbids even escaped (C0 controls but tab and newlines, lone surrogates,
U+FFFE/U+FFFF) are dropped first. ``check_feed`` makes sure a written feed (this one or the
RSS plugin's) is well-formed XML: it drops the forbidden characters, then parses it."""

from __future__ import annotations

import datetime as _dt
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_NAME = "feed_atom.xml"


#: characters XML 1.0 does not allow in a document, escaped or not
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


class FeedError(ValueError):
    """A feed file that is not well-formed XML."""


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def check_feed(path: str | Path) -> None:
    """Drop the characters XML forbids from the feed at ``path``, then parse it; raise
    ``FeedError`` (naming the file, line and column) when it is not well-formed."""
    path = Path(path)
    data = path.read_bytes()
    clean = _NOT_XML_BYTES.sub(b"", data)
    if clean != data:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(clean)
        tmp.replace(path)
    try:
        etree.fromstring(clean)
    except etree.ParseError as exc:
        line, column = exc.position
        raise FeedError(f"{path.name}:{line}:{column + 1}: the feed is not well-formed "
                        "XML") from None


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
        el = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}",
                              {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
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
