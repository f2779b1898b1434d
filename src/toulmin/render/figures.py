"""Charts in pages: a paragraph that is only the image of a chart becomes the chart.

``ChartPreprocessor`` (registered by the Markdown extension) inlines the SVG that the
chart's definition renders (the rebuild, equal to the committed file when CHA002 holds;
never the committed bytes, and nothing for a file no definition renders: CHA005),
sanitised with a parser and an allowlist (``sanitise_svg``), in a ``<figure>`` with an
accessible name and the chart's description;
the site's ``toulmin-charts.js`` upgrades it to the interactive chart from its Vega-Lite
JSON where JavaScript runs. ``relative_url`` makes a site path relative to the page.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import math
import posixpath
import re

from markdown.preprocessors import Preprocessor

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@functools.lru_cache(maxsize=65536)
def relative_url(url: str, page_url: str) -> str:
    """``url`` (from the site root) relative to the page at ``page_url``, keeping a final /."""
    if not page_url:
        return url
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    rel = posixpath.relpath(url, base or "/")
    return rel + "/" if url.endswith("/") and not rel.endswith("/") else rel


@functools.cache
def _chart_line(folder: str) -> re.Pattern:
    """A line that is only an image of ``FOLDER/NAME.svg`` (``folder``: charts_dir's name)."""
    return re.compile(
        r"^[ ]{0,3}!\[(?P<alt>[^\]\n]*)\]\(\s*<?(?P<src>[^)\s>]*" + re.escape(folder)
        + r"/(?P<name>[A-Za-z0-9_-]+)\.svg)>?(?:\s+\"[^\"\n]*\")?\s*\)[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


class ChartPreprocessor(Preprocessor):
    """Replace a paragraph that is only an image of ``charts/NAME.svg`` by the chart inlined.

    The SVG (the chart's definition rendered, sanitised) goes in a
    ``<figure data-chart="NAME">`` with an accessible name and a text description;
    ``toulmin-charts.js`` upgrades it to the interactive chart from ``charts/NAME.vl.json``
    where JavaScript runs.
    """

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        settings = self.ext.project.settings
        folder = posixpath.basename(posixpath.normpath(settings.charts_dir)) + "/"
        if folder not in "\n".join(lines):
            return lines
        chart_line = _chart_line(folder[:-1])
        out, fence = [], ""
        for line in lines:
            m = _FENCE.match(line)
            closes = bool(fence) and m is not None and m.group(1)[0] == fence[0] \
                and len(m.group(1)) >= len(fence)
            if m and (not fence or closes):
                fence = "" if fence else m.group(1)
            elif not fence and folder in line:
                c = chart_line.match(line)
                figure = self._figure(c.group("name"), c.group("alt"), settings) if c else None
                if figure is not None:
                    line = self.md.htmlStash.store(figure)
            out.append(line)
        return out

    def _figure(self, name: str, alt: str, settings) -> str | None:
        """The figure of the chart ``name`` as its definition renders it (under serve, the
        chart drawn again); None when no definition produced it."""
        charts = self.ext.project.charts
        res = charts.results.get(name) if charts is not None else None
        if res is None or not res.ok:
            return None
        return chart_figure(res.svg, name, alt, self.ext.page_url, spec=res.spec,
                            site_dir=settings.charts_site_dir)


#: The elements Vega's SVG renderer (vl-convert's) draws a chart with; anything else is
#: taken out (its text kept), and script, style, title and foreignObject with their content
SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "line", "text", "tspan", "defs", "clipPath",
    "linearGradient", "radialGradient", "stop"})
_SVG_DROPPED = frozenset({"script", "style", "title", "foreignObject"})
#: The attributes it writes on them (no event handler, no link but ``href="#id"``)
SVG_ATTRIBUTES = frozenset({
    "id", "class", "role", "aria-label", "aria-roledescription", "aria-hidden", "version",
    "width", "height", "viewBox", "transform", "d", "x", "y", "x1", "x2", "y1", "y2", "dx",
    "dy", "cx", "cy", "r", "fx", "fy", "fr", "offset", "stop-color", "fill", "fill-opacity",
    "stroke", "stroke-opacity", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "display",
    "pointer-events", "clip-path", "font-family", "font-size", "font-style",
    "font-variant", "font-weight", "text-anchor", "text-decoration", "letter-spacing",
    "style", "href"})
#: a declaration of a ``style`` attribute Vega writes: blend mode or image rendering, a
#: plain keyword (no parenthesis, so no url())
_SVG_STYLE = re.compile(r"\s*(?:mix-blend-mode|image-rendering)\s*:\s*[a-z-]+\s*", re.I)
_CSS_URL = re.compile(r"url\s*\(", re.I)
_CSS_URL_FRAGMENT = re.compile(r"url\s*\(\s*(?:['\"]\s*)?#", re.I)


def _svg_attribute(prefix: str):
    """The attribute filter of ``sanitise_svg``: the value kept (ids and references to
    them prefixed), or None to drop the attribute."""

    def keep(element: str, name: str, value: str) -> str | None:
        name = name.lower()
        if name.startswith("on"):
            return None
        if name.startswith("aria-") or name == "role":
            # text for assistive technology, never a URL; the root's are the figure's
            return None if element == "svg" else value
        if "\\" in value:  # a CSS escape can spell url( or @import
            return None
        if name == "style":
            return value if all(_SVG_STYLE.fullmatch(d) for d in value.split(";")
                                if d.strip()) else None
        if name == "id":
            return prefix + value
        if name == "href":  # href and xlink:href: only a fragment of this chart
            return f"#{prefix}{value[1:]}" if value.startswith("#") else None
        if "(" in value:
            refs = len(_CSS_URL.findall(value))
            if refs:
                value, fragments = _CSS_URL_FRAGMENT.subn(lambda m: m.group(0) + prefix,
                                                          value)
                if fragments != refs:  # url() to anything but a fragment
                    return None
        return value

    return keep


def sanitise_svg(svg: str, prefix: str, title: str) -> str:
    """``svg`` safe to inline in a page: parsed as a browser would (``nh3``, the Ammonia
    bindings) and written again with only ``SVG_ELEMENTS`` and ``SVG_ATTRIBUTES``: no
    script, style, foreignObject, event handler, link, or ``url()`` to anything but a
    fragment; ids and references to them prefixed (two charts on a page must not share
    clip-path ids); the root hidden from assistive technology (the figure carries the
    name) with ``title`` as its ``<title>``. "" when the text is not an SVG."""
    import nh3

    out = nh3.clean(svg, tags=set(SVG_ELEMENTS), clean_content_tags=set(_SVG_DROPPED),
                    attributes={"*": set(SVG_ATTRIBUTES)},
                    attribute_filter=_svg_attribute(prefix), link_rel=None,
                    url_schemes=set()).strip()
    if not out.startswith("<svg"):
        return ""
    end = out.index(">")  # the serialiser writes ">" in a value as &gt;
    return (f'{out[:end]} aria-hidden="true" focusable="false"><title>{html.escape(title)}'
            f"</title>{out[end + 1:]}")


def chart_figure(svg: str, name: str, alt: str, page_url: str = "", *, spec: str = "",
                 site_dir: str = "charts") -> str:
    """The inline figure of the chart ``name``: ``svg``, the SVG its definition renders
    (never a committed file: what a chart definition did not produce is not shown),
    sanitised; ``spec`` its Vega-Lite JSON (the description); ``site_dir`` is where the
    built site has the charts."""
    description = ""
    with contextlib.suppress(ValueError, AttributeError):
        description = json.loads(spec).get("description") or "" if spec else ""
    if not isinstance(description, str):
        description = ""
    label = alt.strip() or name
    ident = "chart-" + _ID_UNSAFE.sub("-", name)
    spec_url = relative_url(f"/{site_dir}/{name}.vl.json", page_url) if page_url else \
        f"{site_dir}/{name}.vl.json"
    desc_html = (f'<figcaption id="{ident}-desc" class="toulmin-chart-description">'
                 f"{html.escape(description)}</figcaption>") if description else ""
    described = f' aria-describedby="{ident}-desc"' if description else ""
    body = sanitise_svg(svg, f"{ident}-", label)
    least = legible_width(body)
    style = f' style="--toulmin-chart-min-width: {least}px"' if least else ""
    return (f'<figure class="toulmin-chart" data-chart="{html.escape(name)}" '
            f'data-spec="{html.escape(spec_url)}"{style}>'
            f'<div class="toulmin-chart-view" role="img" aria-label="{html.escape(label)}"'
            f"{described}>{body}</div>{desc_html}</figure>")


#: The smallest text a chart may show on a page, in CSS pixels (on a 390 px phone screen too)
MIN_TEXT_PX = 11
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="(\d+(?:\.\d+)?)(?:px)?"')
_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)(\d+(?:\.\d+)?)px')


def legible_width(svg: str) -> int:
    """The least width, in CSS pixels, at which the chart ``svg`` shows its smallest text at
    ``MIN_TEXT_PX`` (0 when the SVG gives no width or no font size).

    A page scales a chart down to fit its column, but not below this width (the figure
    scrolls sideways instead; toulmin.css): a 604 px wide chart whose smallest text is
    12 px shrinks to 555 px (11/12, and a pixel to spare), no further; one with 10 px
    labels is shown at 11/10 of its width.
    """
    width = _SVG_WIDTH.search(svg)
    sizes = [float(s) for s in _FONT_SIZE.findall(svg)]
    if width is None or not sizes or min(sizes) <= 0:
        return 0
    # a pixel to spare: layout rounds the scaled width to a fraction of a pixel
    return math.ceil(float(width.group(1)) * MIN_TEXT_PX / min(sizes)) + 1
