"""Active content in a contribution (codes SEC002-SEC009): document checks for PR review.

Posts arrive as pull requests and the theme prints them as they are: raw HTML in a post
runs in every reader's browser, and front matter is printed without escaping (title,
description, tags...). These checks report, at its line and column:

- SEC002: markup (a tag, a comment, a ``javascript:`` address) in a front matter field the
  theme prints (``scan.frontmatter``), found on the parsed YAML so the line is the value's;
- SEC003: a ``<script>`` element; SEC004: an ``on*=`` event handler attribute;
- SEC005: a ``javascript:``/``vbscript:`` address (or a ``data:`` one that is not an image)
  in a Markdown link, an autolink, a reference definition (indented, quoted, its address on
  the next line), an attribute or a style's ``url()``, after the decoding a browser does
  (character references, tabs and newlines, case);
- SEC006: an ``<iframe>``, ``<frame>``, ``<embed>`` or ``<object>`` loading an absolute
  address (another host) or carrying ``srcdoc``;
- SEC007: ``<base>``, ``<meta>``, ``<link>``, ``<style>`` or ``<form>``;
- SEC008: content loaded from another host (an image, video, audio, track, ``srcset``,
  ``poster``, ``ping``, a style's ``url()``, a Markdown image): the site promises its
  readers no request to a third party.

Attributes include those an attribute list adds (``{ onclick=... }``, the ``attr_list``
extension). Start tags are read as a browser reads them (``scan.tags``). Code (fenced,
indented, code spans) and HTML comments are examples, not content: they are masked first
(``scan.masking.mask_code``), comments ended where a browser ends them (``<!-->``,
``--!>``).

Two checks, two layers: ``active_content_rules`` reads the source (``needs_bib=False``, so
it runs while the reference base loads); ``rendered_content_rules`` renders the document
with the site's Markdown extensions (``settings.markdown_extensions``) and reads the HTML
the way a browser would, so a payload that slips past the source scan (a code span inside
a raw HTML block, an attribute list, an extension's syntax) is still reported, at the line
where its text is found. A finding of both at one line is reported once. Python-Markdown
is quadratic on some input (unclosed brackets), so a document is rendered only under a
size and a cost bound (``render_cost``); beyond them it is SEC009, never a check that
takes minutes.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re

from toulmin.checks.interface import DocumentContext, check
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.scan.frontmatter import printed_front_matter
from toulmin.scan.masking import Lines, blank, mask_code
from toulmin.scan.tags import Attribute, StartTag, comments, start_tags

#: what makes a value markup: a tag or comment opening (``<b``, ``</``, ``<!``, ``<?``)
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")
#: Markdown link destinations: inline ``](dest`` and reference definitions ``[x]: dest``
#: (indented, in a quote or a list, the address maybe on the next line)
_INLINE_DEST = re.compile(r"\]\(\s*<?(?P<dest>[^\s)>]+)")
_REF_DEST = re.compile(r"^[ \t>]*\[[^\]\n]+\]:[ \t]*(?:\n[ \t>]*)?<?(?P<dest>[^\s>]+)", re.M)
_IMAGE_DEST = re.compile(r"!\[[^\]\n]*\]\(\s*<?(?P<dest>[^\s)>]+)")
#: an autolink: ``<scheme:...>``
_AUTOLINK = re.compile(r"<(?P<dest>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
#: an attribute list (``attr_list``: ``{: #id .class key=value }``) with a key=value
_ATTR_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]*=[^{}\n]*)\}")
#: what a URL parser ignores: ASCII tab and newlines anywhere, C0 controls and spaces first
_URL_IGNORED = re.compile(r"[\t\n\r]")
_LEADING = "".join(map(chr, range(0x21)))
_ACTIVE_SCHEMES = ("javascript:", "vbscript:", "livescript:")
_EMBEDS = frozenset({"iframe", "frame", "embed", "object", "portal", "applet"})
_EMBED_SOURCES = frozenset({"src", "data", "code", "codebase"})
_BEHAVIOUR = frozenset({"base", "meta", "link", "style", "form"})
#: attributes whose value is text a browser never follows
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "label", "summary", "class", "id"})
#: attributes that make the browser fetch their address as the page loads (or as a link is
#: followed: ``ping``), and those that do on the SVG elements of ``_SVG_FETCH``
_FETCH_ATTRIBUTES = frozenset({"src", "srcset", "poster", "background", "lowsrc", "dynsrc",
                               "ping", "imagesrcset"})
_SVG_FETCH = frozenset({"image", "use", "feimage"})
#: an address on another host: a scheme, or ``//`` (a browser reads ``\`` as ``/``)
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|[/\\]{2})")
_LOCAL_SCHEMES = ("data:", "blob:", "mailto:", "tel:", "about:", "javascript:", "vbscript:")
#: CSS: escapes, comments, and the addresses a style loads (``url()``, ``image-set("")``,
#: ``@import ""``)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9A-Fa-f]{1,6})[ \t\n\f\r]?|(.))", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(
    r"""(?:url\(\s*|image-set\(\s*|@import\s+|,\s*)(?P<q>["']?)(?P<url>[^"')\s,]*)""", re.I)
#: a post's address part: words and hyphens (Material puts it in the URL as it is)
_SLUG = re.compile(r"[\w-]+(?:[./][\w-]+)*")
_FRONT = re.compile(r"\ufeff?---[ \t\r]*\n.*?\n(?:---|\.\.\.)[ \t\r]*(?:\n|\Z)", re.S)


def _normal_url(raw: str) -> str:
    """``raw`` as a browser reads an address: entities decoded, tabs and newlines removed,
    leading controls and spaces stripped, lower case."""
    url = html.unescape(raw.strip("\"'"))
    url = _URL_IGNORED.sub("", url)
    return url.lstrip(_LEADING).lower()


def active_url(raw: str) -> bool:
    """True when following ``raw`` runs code or opens a page the site does not control
    (``javascript:``, ``vbscript:``, a ``data:`` address other than an image)."""
    url = _normal_url(raw)
    if url.startswith(_ACTIVE_SCHEMES):
        return True
    return url.startswith("data:") and not url.startswith("data:image/")


def external_url(raw: str) -> bool:
    """True when ``raw`` is an address on another host (``https://...``, ``//host``)."""
    url = _normal_url(raw)
    return _ABSOLUTE.match(url) is not None and not url.startswith(_LOCAL_SCHEMES)


def _is_markup(value: str) -> bool:
    return _MARKUP.search(value) is not None or active_url(value)


def front_matter_markup(path: str, text: str) -> list[Finding]:
    """SEC002 for every printed front matter value holding markup, at the value."""
    if not text.startswith(("---", "\ufeff---")):
        return []
    out = []
    for field, value, line, column in printed_front_matter(text):
        shown = value if len(value) <= 60 else value[:57] + "..."
        if _is_markup(value):
            out.append(RULES["SEC002"].at(
                path, line, column,
                f"front matter '{field}' holds markup ({shown!r}): the theme prints it in "
                "the page's header, meta tags, tag and category pages and feeds",
                "write it as plain text, without tags or a javascript: address"))
        elif field == "slug" and _SLUG.fullmatch(value) is None:
            out.append(RULES["SEC002"].at(
                path, line, column,
                f"front matter 'slug' is {shown!r}: the blog puts it in the post's address "
                "and its links as it is", "write it in letters, digits and hyphens"))
    return out


# -- what is wrong with one tag -----------------------------------------------------------

#: (code, offset, text to find the problem by in the source, message, hint)
_Problem = tuple[str, int, str, str, str]

_LINK_HINT = "link to an http(s) address or a page of the site"
_COPY_HINT = ("copy the file into docs/assets and use its path there (a link to the "
              "original is fine)")


def _css_urls(style: str) -> list[str]:
    """The addresses a CSS text loads, its escapes decoded and comments dropped."""
    style = _CSS_COMMENT.sub("", style)
    if "\\" in style:
        style = _CSS_ESCAPE.sub(
            lambda m: chr(min(int(m[1], 16), 0x10FFFF) or 0xFFFD) if m[1] else m[2], style)
    return [m["url"] for m in _CSS_URL.finditer(style) if m["url"]]


def _srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()]


def _attribute_problems(element: str, a: Attribute, shown: str) -> list[_Problem]:
    """SEC004, SEC005 and SEC008 for one attribute of ``element`` (``shown``: how the
    message names the element)."""
    out: list[_Problem] = []
    needle = a.raw if len(a.raw) >= 4 else a.name
    if a.name.startswith("on") and len(a.name) > 2:
        out.append(("SEC004", a.offset, a.name,
                    f"event handler attribute '{a.name}=' on {shown}: it is a script",
                    "remove the attribute"))
        return out
    if a.name == "style":
        for url in _css_urls(a.value):
            if active_url(url):
                out.append(("SEC005", a.offset, needle,
                            f"a style on {shown} uses a {_normal_url(url).split(':')[0]}: "
                            "address", "remove the style"))
            elif external_url(url):
                out.append(("SEC008", a.offset, needle,
                            f"a style on {shown} loads '{url[:80]}' from another host",
                            _COPY_HINT))
        return out
    embed_source = element in _EMBEDS and a.name in _EMBED_SOURCES
    parts = a.value.split(";") if a.name in ("values", "to", "from", "by") else [a.value]
    if a.name not in _TEXT_ATTRIBUTES and not a.name.startswith("aria-") and not (
            embed_source) and any(p and active_url(p) for p in parts):
        scheme = next(_normal_url(p) for p in parts if p and active_url(p)).split(":")[0]
        out.append(("SEC005", a.offset, needle,
                    f"{shown} {a.name}=... is a {scheme}: address: it runs code or opens a "
                    "page the site does not control", _LINK_HINT))
    elif not embed_source and element not in ("script", "link") and (
            a.name in _FETCH_ATTRIBUTES or (element in _SVG_FETCH and a.name.endswith("href"))):
        urls = _srcset_urls(a.value) if a.name.endswith("srcset") else [a.value]
        for url in urls:
            if external_url(url):
                out.append(("SEC008", a.offset, needle,
                            f"{shown} {a.name}= loads '{url[:80]}' from another host: "
                            "each reader's browser asks it for the file", _COPY_HINT))
                break
    return out


def _tag_problems(tag: StartTag) -> list[_Problem]:
    """What is wrong with one start tag: SEC003-SEC008."""
    name = tag.name
    out: list[_Problem] = []
    if name == "script" or name.endswith(":script"):
        out.append(("SEC003", tag.offset, "<" + name,
                    "a <script> element: it would run in every reader's browser",
                    "remove it; the site's pages need no script of their own"))
    elif name in _BEHAVIOUR:
        out.append(("SEC007", tag.offset, "<" + name,
                    f"a <{name}> element changes how the page behaves (links, redirects, "
                    "forms, styles)", "remove it"))
    embed_source = None
    for a in tag.attributes:
        out += _attribute_problems(name, a, f"<{name}>")
        if name in _EMBEDS and embed_source is None:
            if a.name == "srcdoc":
                embed_source = "srcdoc"
            elif a.name in _EMBED_SOURCES and _ABSOLUTE.match(_normal_url(a.value)):
                # another host, or a data:/javascript: page (SEC005 leaves embeds to this)
                embed_source = a.value
    if embed_source is not None:
        what = ("a whole page in srcdoc" if embed_source == "srcdoc"
                else f"'{embed_source[:80]}'")
        out.append(("SEC006", tag.offset, "<" + name,
                    f"<{name}> embeds {what}, from outside the site",
                    "link to it instead of embedding it"))
    return out


# -- the source -----------------------------------------------------------------------------


def _browser_comments(text: str) -> str:
    """``text`` with its HTML comments ended where a browser ends them, in a form
    ``mask_code`` reads alike (same length): ``<!-->`` and ``<!--->`` are whole comments
    (so what follows is content), ``--!>`` ends a comment."""
    if "<!--" not in text:
        return text
    out = []
    pos = 0
    for a, b in comments(text):
        out.append(text[pos:a])
        body = text[a:b]
        if body.endswith("--!>"):
            body = body[:-4] + " -->"
        elif body in ("<!-->", "<!--->"):
            body = "<!~" + body[3:]  # an opening no longer (blanks could make code)
        out.append(body)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _attr_list_problems(masked: str) -> list[_Problem]:
    """SEC004, SEC005 and SEC008 in attribute lists (``{ onclick="..." }``)."""
    out: list[_Problem] = []
    for m in _ATTR_LIST.finditer(masked):
        body = m["body"]
        start = m.start("body") - 3  # offsets in "<x " + body
        tag = next(start_tags("<x " + body + ">"))
        for a in tag.attributes:
            moved = Attribute(a.name, a.value, a.raw, a.offset + start)
            out += _attribute_problems("", moved, "an attribute list")
    return out


def _markdown_problems(masked: str) -> list[_Problem]:
    """SEC005 for Markdown links, reference definitions and autolinks to an active
    address; SEC008 for a Markdown image from another host."""
    out: list[_Problem] = []
    for pattern in (_INLINE_DEST, _REF_DEST, _AUTOLINK):
        for m in pattern.finditer(masked):
            if active_url(m["dest"]):
                scheme = _normal_url(m["dest"]).split(":")[0]
                out.append(("SEC005", m.start("dest"), m["dest"],
                            f"a link to a {scheme}: address: following it runs code or "
                            "opens a page the site does not control", _LINK_HINT))
    for m in _IMAGE_DEST.finditer(masked):
        if external_url(m["dest"]):
            out.append(("SEC008", m.start("dest"), m["dest"],
                        f"an image from another host ('{m['dest'][:80]}'): each reader's "
                        "browser asks it for the file", _COPY_HINT))
    return out


def active_content(path: str, text: str) -> list[Finding]:
    """Every SEC002-SEC008 finding of one document's source, in order of position."""
    out = front_matter_markup(path, text)
    if "<" in text or ":" in text or "{" in text:
        masked = mask_code(_browser_comments(text))
        lines = Lines(text)
        problems = [p for tag in start_tags(masked) for p in _tag_problems(tag)]
        problems += _attr_list_problems(masked)
        problems += _markdown_problems(masked)
        out += [RULES[code].at(path, *lines.pos(offset), message, hint)
                for code, offset, _needle, message, hint in problems]
    out = list(dict.fromkeys(out))
    out.sort(key=lambda f: (f.line, f.column, f.code))
    return out


@check("document", families=("SEC",), needs_bib=False)
def active_content_rules(ctx: DocumentContext) -> list[Finding]:
    """SEC002-SEC008: active content in a document's front matter and body."""
    return active_content(ctx.path, ctx.text)


# -- the rendered page ------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _renderer(extensions: tuple[tuple[str, str], ...]):
    """A Python-Markdown instance with ``extensions`` ((name, options as JSON)), each
    one that loads: an extension missing here is MkDocs' error to report, not ours."""
    import markdown

    loaded = []
    configs = {}
    for name, options in extensions:
        opts = json.loads(options)
        try:
            markdown.Markdown(extensions=[name], extension_configs={name: opts})
        except Exception:  # any failure to load leaves it out
            continue
        loaded.append(name)
        configs[name] = opts
    return markdown.Markdown(extensions=loaded, extension_configs=configs)


def _site_extensions(root) -> tuple[tuple[str, str], ...]:
    """The site's Markdown extensions as ``_renderer`` takes them (toulmin's own, which
    needs the project, left out), read again when mkdocs.yml changes."""
    config = os.path.join(root, "mkdocs.yml")
    try:
        stamp = os.stat(config).st_mtime_ns
    except OSError:
        stamp = 0
    return _read_extensions(str(root), stamp)


#: extensions the check does not render with: toulmin's own needs the project; snippets
#: reads files named in the post (``--8<-- "/dev/zero"`` would hang the check)
_NOT_RENDERED = frozenset({"toulmin", "pymdownx.snippets"})


@functools.lru_cache(maxsize=8)
def _read_extensions(root: str, stamp: int) -> tuple[tuple[str, str], ...]:
    from toulmin.settings import markdown_extensions

    return tuple((name, json.dumps(options, sort_keys=True, default=str))
                 for name, options in markdown_extensions(root) if name not in _NOT_RENDERED)


def render(text: str, root) -> str:
    """``text``'s body (front matter left out) as the site's Markdown extensions render it."""
    md = _renderer(_site_extensions(root))
    md.reset()
    body = _FRONT.sub(lambda m: "\n" * m.group().count("\n"), text, count=1)
    return md.convert(body)


def _locate(text: str, lowered: str, needle: str, start: int) -> int | None:
    """The offset of ``needle`` in the document (case ignored) after ``start``, its
    decoded form if it is not written as it is; None when neither is."""
    for candidate in dict.fromkeys((needle, html.unescape(needle))):
        if candidate:
            at = lowered.find(candidate.lower(), start)
            if at != -1:
                return at
    return None


def rendered_content(path: str, text: str, page: str) -> list[Finding]:
    """SEC003-SEC008 in ``page`` (``text`` rendered), at the line in ``text`` where each
    problem's text is found (else the first line of the body); a finding the source scan
    made at the same line and code is left out."""
    seen = {(f.code, f.line) for f in active_content(path, text)}
    codes = {code for code, _line in seen}
    spans = comments(page)
    if spans:
        cut = [0, *(i for span in spans for i in span), len(page)]
        page = "".join(page[cut[i]:cut[i + 1]] if i % 2 == 0 else blank(page[cut[i]:cut[i + 1]])
                       for i in range(len(cut) - 1))
    lines = Lines(text)
    lowered = text.lower()
    front = _FRONT.match(text)
    body = front.end() if front else 0
    out = []
    for tag in start_tags(page):
        for code, _offset, needle, message, hint in _tag_problems(tag):
            at = _locate(text, lowered, needle, body)
            if at is None and code in codes:
                continue
            line, column = lines.pos(at if at is not None else body)
            if (code, line) in seen:
                continue
            seen.add((code, line))
            out.append(RULES[code].at(path, line, column,
                                      message + " (in the page Markdown makes of this)",
                                      hint))
    return out


#: what the rendered check renders: Python-Markdown's inline patterns rescan a block from
#: each opener that is never closed (``![](charts/`` repeated: 44 KB took 26 s), so a
#: document is rendered only when it is at most this long ...
RENDER_LIMIT = 100_000
#: ... and its blocks' length times their unclosed ``(``, ``[`` and ``<`` stays under this
#: (about a third of a second of rendering; a table of a thousand links costs nothing)
RENDER_BUDGET = 2_000_000
_RENDER_WORTHY = re.compile(r"<[A-Za-z]|\{|!\[")
_BLOCKS = re.compile(r"\n[ \t]*\n")


def render_cost(text: str) -> int:
    """An estimate of the time Python-Markdown takes on ``text``, linear to compute: each
    block's length times the openers it leaves unclosed."""
    cost = 0
    for block in _BLOCKS.split(text):
        unclosed = (max(0, block.count("(") - block.count(")"))
                    + max(0, block.count("[") - block.count("]"))
                    + max(0, block.count("<") - block.count(">")))
        cost += len(block) * unclosed
    return cost


@check("document", families=("SEC",))
def rendered_content_rules(ctx: DocumentContext) -> list[Finding]:
    """SEC003-SEC008 in the HTML the document renders to (what the source scan missed);
    SEC009 when it is too large, or too contrived, to render in bounded time."""
    text = ctx.text
    # Without a tag, an attribute list or an image (a comment is none), the page holds
    # what the source scan read: only links (and it reads every one); rendering costs
    # ~10 ms a post.
    if _RENDER_WORTHY.search(text) is None:
        return []
    cost = render_cost(text) if len(text) <= RENDER_LIMIT else None
    if cost is None or cost > RENDER_BUDGET:
        why = (f"{len(text):,} characters (over {RENDER_LIMIT:,})" if cost is None else
               "blocks with thousands of unclosed brackets")
        return [RULES["SEC009"].at(
            ctx.path, 1, 1,
            f"not checked as the page it renders to: {why} would take the Markdown "
            "renderer minutes; only its source was scanned",
            "split the document, or close its brackets")]
    return rendered_content(ctx.path, text, render(text, ctx.site.root))
