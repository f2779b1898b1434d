"""HTML start tags as a browser tokenizes them: a tag's name and its attributes, decoded.

``start_tags`` follows the states of the HTML Standard's tokenizer (13.2.5, "tag open"
to "self-closing start tag"), so an attribute is seen where a browser sees one: after a
``/`` (``<svg/onload=...>``), after a quoted value with no space (``<a href="x"onclick=``),
across lines, with a ``<`` or ``>`` inside a quoted value (``<img title="<" onerror=...>``),
a tab or a form feed between attributes. Character references in values are decoded as a
browser decodes them. It is deliberately more suspicious than a browser in two ways, both
in the direction of finding more: a start tag is read at every ``<`` followed by a letter,
even inside another tag's attribute value or a raw-text element (``<textarea>``,
``<noscript>``: the mutation tricks of sanitizer bypasses), and a tag cut off by the end
of the text is still reported. Linear in the text's length: a tag is read to its end, then
the tags inside its quoted values, each within its value. ``comments`` gives the HTML
comments as a browser ends them (``<!-->`` and ``<!--->`` are whole comments, ``--!>``
ends one), which the standard library's ``html.parser`` does not.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["Attribute", "StartTag", "comments", "start_tags"]

_SPACE = "\t\n\f\r "
_SPACE_OR_SLASH = _SPACE + "/"
_OPEN = re.compile(r"<[A-Za-z]")
_NAME_END = re.compile(r"[\t\n\f\r />]")
_ATTR_NAME_END = re.compile(r"[\t\n\f\r /=>]")
_UNQUOTED_END = re.compile(r"[\t\n\f\r >]")
_COMMENT = re.compile(r"<!--(?:-?>|.*?(?:--!?>|\Z))", re.S)


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute: its name in lower case, its value decoded, and the offset of its name."""

    name: str
    value: str
    raw: str
    offset: int


@dataclass(frozen=True, slots=True)
class StartTag:
    """A start tag: its name in lower case, where its ``<`` is, and its attributes."""

    name: str
    offset: int
    end: int
    attributes: tuple[Attribute, ...]


def _until(pattern: re.Pattern, text: str, i: int, hi: int) -> int:
    m = pattern.search(text, i, hi)
    return m.start() if m else hi


def _read_tag(text: str, start: int, hi: int) -> tuple[StartTag, list[tuple[int, int]]]:
    """The start tag whose ``<`` is at ``start`` (a letter follows it), read no further
    than ``hi``, and the spans of its quoted values that hold a ``<``."""
    i = _until(_NAME_END, text, start + 1, hi)
    name = text[start + 1:i].lower()
    attrs: list[Attribute] = []
    nested: list[tuple[int, int]] = []
    while i < hi:
        while i < hi and text[i] in _SPACE_OR_SLASH:  # before attribute name
            i += 1
        if i >= hi or text[i] == ">":
            break
        at = i
        # attribute name: a first "=" belongs to the name
        i = _until(_ATTR_NAME_END, text, i + 1, hi)
        attr = text[at:i].lower()
        while i < hi and text[i] in _SPACE:  # after attribute name
            i += 1
        raw = ""
        if i < hi and text[i] == "=":
            i += 1
            while i < hi and text[i] in _SPACE:  # before attribute value
                i += 1
            if i < hi and text[i] in "\"'":
                close = text.find(text[i], i + 1, hi)
                close = hi if close == -1 else close
                raw = text[i + 1:close]
                if "<" in raw:
                    nested.append((i + 1, close))
                i = close + 1
            elif i < hi and text[i] != ">":
                end = _until(_UNQUOTED_END, text, i, hi)
                raw, i = text[i:end], end
        attrs.append(Attribute(attr, html.unescape(raw) if "&" in raw else raw, raw, at))
    return StartTag(name, start, min(i + 1, hi), tuple(attrs)), nested


def start_tags(text: str, lo: int = 0, hi: int | None = None):
    """Every start tag of ``text[lo:hi]`` in order of position, and the start tags written
    inside a quoted attribute value (a browser would not read these; a sanitizer bypass
    relies on one that does)."""
    hi = len(text) if hi is None else hi
    pos = lo
    while True:
        m = _OPEN.search(text, pos, hi)
        if m is None:
            return
        tag, nested = _read_tag(text, m.start(), hi)
        yield tag
        for a, b in nested:
            yield from start_tags(text, a, b)
        pos = max(tag.end, m.end())


def comments(text: str) -> list[tuple[int, int]]:
    """(start, end) of every HTML comment of ``text``, ended where a browser ends it."""
    return [m.span() for m in _COMMENT.finditer(text)]
