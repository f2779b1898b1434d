"""The published-file check (code SEC010): files MkDocs copies to the site as written.

Every file under ``docs_dir`` and the posts folder that is not Markdown is published byte
for byte, at an address of the site's own host. A browser that opens one of them runs
what it holds with the site's origin, and a page's Content-Security-Policy does not
cover a file opened on its own. So a contribution must not add:

- a document a browser runs: HTML (``.html``, ``.htm``, ``.xhtml``, ``.shtml``), XML and
  XSLT (``.xml``, ``.xsl``, ``.xslt``: an XML file may carry an XHTML script or a style
  sheet that runs), compressed SVG (``.svgz``, which cannot be read here) and Flash;
- an SVG that is not a passive picture: a script, an ``on*=`` handler, a
  ``<foreignObject>`` (HTML inside the picture), an animation that sets an address or a
  handler, a reference (``href``, ``xlink:href``, ``url(...)``, ``@import``) to anything
  but a fragment of the same file (a request to another host, or a ``javascript:``
  address), or a file that is not well-formed XML.

The maintainer's own scripts and style sheets, declared in mkdocs.yml (``extra_javascript``,
``extra_css``), and the vendored libraries (``vendor_dir``) are the configuration's, not a
post's, and are not examined. The chart folder has its own check (``checks.charts``): where
it lies in docs_dir, the plugin publishes the charts as their definitions render them,
never its files as written (CHA005 for a file no definition renders).
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from xml.parsers import expat

from toulmin.checks.interface import SiteContext, check
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.settings import declared_assets

#: documents a browser runs when a reader opens them
_ACTIVE = {".html": "an HTML page", ".htm": "an HTML page", ".xhtml": "an XHTML page",
           ".xht": "an XHTML page", ".shtml": "an HTML page", ".xml": "an XML document",
           ".xsl": "an XSLT style sheet", ".xslt": "an XSLT style sheet",
           ".svgz": "a compressed SVG", ".swf": "a Flash file"}
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
#: elements that run code or hold another document
_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_ANIMATIONS = {"set", "animate", "animateTransform", "animateMotion"}
#: url(...) or @import to anything but a fragment of the same file
_STYLE_REF = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.I)


@check("site", families=("SEC",))
def published_file_rules(ctx: SiteContext) -> list[Finding]:
    """SEC010: each file under docs/ or the posts folder that a browser would run."""
    settings = ctx.settings
    root = Path(ctx.root)
    declared = declared_assets(root, getattr(ctx.project, "config_file", None))
    vendor = posixpath.normpath(settings.vendor_dir) + "/"
    charts = posixpath.normpath(settings.charts_dir) + "/"
    findings: list[Finding] = []
    for folder in dict.fromkeys([settings.docs_dir, settings.posts_dir]):
        base = root / folder
        if not base.is_dir() or base.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith(".") or path.is_symlink():  # links: SEC001
                    continue
                inside = path.relative_to(base).as_posix()
                if folder == settings.docs_dir and (inside in declared
                                                     or inside.startswith(vendor)):
                    continue
                rel = path.relative_to(root).as_posix()
                if rel.startswith(charts):  # not published as written: checks.charts
                    continue
                findings.extend(_file_findings(path, rel))
    return findings


def _file_findings(path: Path, rel: str) -> list[Finding]:
    suffix = path.suffix.lower()
    rule = RULES["SEC010"]
    if suffix in _ACTIVE:
        return [rule.at(rel, 1, 1, f"{_shown(rel)} is {_ACTIVE[suffix]}, published as "
                        "written: a browser that opens it runs what it holds on the site's "
                        "host", "write the page as Markdown (a post or a page of docs/)")]
    if suffix != ".svg":
        return []
    problem = svg_problem(path)
    if problem is None:
        return []
    line, column, what = problem
    return [rule.at(rel, line, column, f"{_shown(rel)}: {what}; the picture is published as "
                    "written, and a reader who opens it runs it on the site's host",
                    "keep the picture passive: shapes, text and styles only, references "
                    "to #fragments of the same file")]


def svg_problem(path: Path) -> tuple[int, int, str] | None:
    """(line, column, what) of the first thing in the SVG file at ``path`` that makes it
    more than a passive picture (see the module's docstring), or None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return 1, 1, f"cannot be read ({exc.strerror or exc})"
    parser = expat.ParserCreate(namespace_separator=" ")
    found: list[tuple[int, int, str]] = []
    in_style = [0]

    def where() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def start(name: str, attrs: dict) -> None:
        ns, _, local = name.rpartition(" ")
        if ns and ns not in (_SVG_NS, _XLINK):
            found.append((*where(), f"an element of another language ({_shown(ns)})"))
            return
        if local in _ELEMENTS:
            found.append((*where(), f"a <{local}> element"))
        if local == "style":
            in_style[0] += 1
        for key, value in attrs.items():
            attr = key.rpartition(" ")[2]
            if attr.lower().startswith("on"):
                found.append((*where(), f"an event handler ({attr}=)"))
            elif attr == "href" and not value.strip().startswith("#"):
                found.append((*where(), f"a reference to {_shown(value.strip()[:60])!r}"))
            elif attr == "style" and _STYLE_REF.search(value):
                found.append((*where(), "a style that loads a file (url() or @import)"))
            elif (local in _ANIMATIONS and attr == "attributeName"
                  and (value.lower().endswith("href") or value.lower().startswith("on"))):
                found.append((*where(), f"an animation that sets {_shown(value)}"))

    def end(name: str) -> None:
        if name.rpartition(" ")[2] == "style":
            in_style[0] -= 1

    def text(data: str) -> None:
        if in_style[0] and _STYLE_REF.search(data):
            found.append((*where(), "a style sheet that loads a file (url() or @import)"))

    def entity(*_args) -> None:
        found.append((*where(), "an entity declaration"))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1, f"not well-formed XML ({expat.ErrorString(exc.code)})"
    return found[0] if found else None


def _shown(text: str) -> str:
    """``text`` on one line: a control character is shown as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in text)
