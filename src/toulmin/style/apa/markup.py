"""The output formats of the APA style: plain text and HTML, rendered side by side.

A rendered fragment (``Frag``) is a pair, (plain text, HTML), so one pass gives the hover
text and the page's markup. This module holds what knows HTML: escaping every value,
italics as ``<em>``, links (http and https only), the mark of a missing citation key, and
finding the last character of HTML behind its closing tags. The rest of the style builds
fragments with these functions and joins them with ``text.concat``. Imports nothing of
toulmin.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "EMPTY",
    "Frag",
    "drop_last_char",
    "em",
    "escape",
    "hyperlink",
    "missing_key",
    "plain",
]


# A rendered fragment is a pair: (plain text, HTML).
Frag = tuple[str, str]
EMPTY: Frag = ("", "")


_NEEDS_ESCAPE = re.compile("[&<>\"']")


def escape(s: str) -> str:
    """Text as HTML: "&", "<", ">" and quotation marks escaped."""
    return html.escape(s, quote=True) if _NEEDS_ESCAPE.search(s) else s


def plain(s: str) -> Frag:
    """Text as a fragment (escaped in its HTML half)."""
    return (s, escape(s)) if s else EMPTY


def em(f: Frag) -> Frag:
    """The fragment in italics (``<em>`` in HTML)."""
    return (f[0], "<em>" + f[1] + "</em>") if f[0] else EMPTY


_TRAILING_TAGS = re.compile(r"(?:</?[a-z]+[^>]*>)*$")


def drop_last_char(h: str) -> str:
    """HTML without its last character of text (closing tags after it are kept)."""
    m = _TRAILING_TAGS.search(h)
    cut = m.start() if m else len(h)
    return h[: cut - 1] + h[cut:]


_SAFE_SCHEMES = ("http://", "https://")


def hyperlink(url: str, text: str | None = None) -> Frag:
    """A link to ``url`` showing ``text`` (the URL itself by default); a URL that is not http
    or https is shown, never linked."""
    shown = url if text is None else text
    if url.lower().startswith(_SAFE_SCHEMES):
        return (shown, f'<a href="{escape(url)}">{escape(shown)}</a>')
    return plain(shown)


def missing_key(key: str) -> Frag:
    """How a citation key with no entry is shown: "key?" (HTML: a ``toulmin-missing`` mark)."""
    return (key + "?", f'<strong class="toulmin-missing">{escape(key)}</strong>')
