"""Active content in a contribution (codes SEC002-SEC007): a document check for PR review.

Posts arrive as pull requests and the theme prints them as they are: raw HTML in a post
runs in every reader's browser, and front matter is printed without escaping (title,
description, tags...). This check reports, at its line and column:

- SEC002: markup (a tag, a comment, a ``javascript:`` address) in a front matter field the
  theme prints (``scan.frontmatter``), found on the parsed YAML so the line is the value's;
- SEC003: a ``<script>`` element; SEC004: an ``on*=`` event handler attribute;
- SEC005: a ``javascript:``/``vbscript:`` address (or a ``data:`` one that is not an image)
  in a Markdown link, a reference definition or any attribute, after the decoding a browser
  does (character references, tabs and newlines, case);
- SEC006: an ``<iframe>``, ``<frame>``, ``<embed>`` or ``<object>`` loading an absolute
  address (another host) or carrying ``srcdoc``;
- SEC007: ``<base>``, ``<meta>``, ``<link>``, ``<style>`` or ``<form>``.

Code (fenced, indented, code spans) and HTML comments are examples, not content: they are
masked first (``scan.masking.mask_code``). The scans are single passes of regular
expressions without nested quantifiers, linear in the document's length.
"""

from __future__ import annotations

import html
import re

from toulmin.checks.interface import DocumentContext, check
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.scan.frontmatter import printed_front_matter
from toulmin.scan.masking import Lines, mask_code

#: what makes a value markup: a tag or comment opening (``<b``, ``</``, ``<!``, ``<?``)
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")
#: an HTML start tag: its name, then its attributes up to the next ``<`` or ``>``
_TAG = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>[^<>]*)")
_ATTR = re.compile(r"""(?P<name>[^\s"'<>/=]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'<>]+))?""")
#: Markdown link destinations: inline ``](dest`` and reference definitions ``[x]: dest``
_INLINE_DEST = re.compile(r"\]\(\s*<?(?P<dest>[^\s)>]+)")
_REF_DEST = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?(?P<dest>\S+)", re.M)
#: what a URL parser ignores: ASCII tab and newlines anywhere, C0 controls and spaces first
_URL_IGNORED = re.compile(r"[\t\n\r]")
_ACTIVE_SCHEMES = ("javascript:", "vbscript:", "livescript:")
_EMBEDS = frozenset({"iframe", "frame", "embed", "object", "portal", "applet"})
_EMBED_SOURCES = ("src", "data", "code", "codebase")
_BEHAVIOUR = frozenset({"base", "meta", "link", "style", "form"})
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|\\\\)")


def _normal_url(raw: str) -> str:
    """``raw`` as a browser reads an address: entities decoded, tabs and newlines removed,
    leading controls and spaces stripped, lower case."""
    url = html.unescape(raw.strip("\"'"))
    url = _URL_IGNORED.sub("", url)
    return url.lstrip("".join(map(chr, range(0x21)))).lower()


def active_url(raw: str) -> bool:
    """True when following ``raw`` runs code or opens a page the site does not control
    (``javascript:``, ``vbscript:``, a ``data:`` address other than an image)."""
    url = _normal_url(raw)
    if url.startswith(_ACTIVE_SCHEMES):
        return True
    return url.startswith("data:") and not url.startswith("data:image/")


def _is_markup(value: str) -> bool:
    return _MARKUP.search(value) is not None or active_url(value)


def front_matter_markup(path: str, text: str) -> list[Finding]:
    """SEC002 for every printed front matter value holding markup, at the value."""
    if not text.startswith(("---", "\ufeff---")):
        return []
    out = []
    for field, value, line, column in printed_front_matter(text):
        if _is_markup(value):
            shown = value if len(value) <= 60 else value[:57] + "..."
            out.append(RULES["SEC002"].at(
                path, line, column,
                f"front matter '{field}' holds markup ({shown!r}): the theme prints it in "
                "the page's header, meta tags, tag and category pages and feeds",
                "write it as plain text, without tags or a javascript: address"))
    return out


def _tag_findings(path: str, masked: str, lines: Lines) -> list[Finding]:
    out = []
    for m in _TAG.finditer(masked):
        name = m["name"].lower()
        at = lines.pos(m.start())
        if name == "script" or name.endswith(":script"):
            out.append(RULES["SEC003"].at(path, *at,
                "a <script> element: it would run in every reader's browser",
                "remove it; the site's pages need no script of their own"))
        elif name in _BEHAVIOUR:
            out.append(RULES["SEC007"].at(path, *at,
                f"a <{name}> element changes how the page behaves (links, redirects, "
                "forms, styles)", "remove it"))
        embed_source = None
        for a in _ATTR.finditer(m["attrs"]):
            attr = a["name"].lower()
            value = a["value"] or ""
            where = lines.pos(m.start("attrs") + a.start())
            if attr.startswith("on") and len(attr) > 2:
                out.append(RULES["SEC004"].at(path, *where,
                    f"event handler attribute '{a['name']}=' on <{name}>: it is a script",
                    "remove the attribute"))
            elif value and active_url(value) and not (
                    name in _EMBEDS and attr in _EMBED_SOURCES):
                out.append(RULES["SEC005"].at(path, *where,
                    f"<{name} {a['name']}=...> is a {_normal_url(value).split(':')[0]}: "
                    "address: it runs code or opens a page the site does not control",
                    "link to an http(s) address or a page of the site"))
            if name in _EMBEDS and embed_source is None:
                if attr == "srcdoc":
                    embed_source = "srcdoc"
                elif attr in _EMBED_SOURCES and _ABSOLUTE.match(_normal_url(value)):
                    embed_source = html.unescape(value.strip("\"'"))
        if embed_source is not None:
            what = ("a whole page in srcdoc" if embed_source == "srcdoc"
                    else f"'{embed_source[:80]}'")
            out.append(RULES["SEC006"].at(path, *at,
                f"<{name}> embeds {what}, from outside the site",
                "link to it instead of embedding it"))
    return out


def _link_findings(path: str, masked: str, lines: Lines) -> list[Finding]:
    out = []
    for pattern in (_INLINE_DEST, _REF_DEST):
        for m in pattern.finditer(masked):
            if active_url(m["dest"]):
                scheme = _normal_url(m["dest"]).split(":")[0]
                out.append(RULES["SEC005"].at(path, *lines.pos(m.start("dest")),
                    f"a link to a {scheme}: address: following it runs code or opens a "
                    "page the site does not control",
                    "link to an http(s) address or a page of the site"))
    return out


def active_content(path: str, text: str) -> list[Finding]:
    """Every SEC002-SEC007 finding of one document, in order of position."""
    out = front_matter_markup(path, text)
    if "<" in text or ":" in text:
        masked = mask_code(text)
        lines = Lines(text)
        out += _tag_findings(path, masked, lines)
        out += _link_findings(path, masked, lines)
    out.sort(key=lambda f: (f.line, f.column, f.code))
    return out


@check("document", families=("SEC",), needs_bib=False)
def active_content_rules(ctx: DocumentContext) -> list[Finding]:
    """SEC002-SEC007: active content in a document's front matter and body."""
    return active_content(ctx.path, ctx.text)
