"""Charts in pages: a paragraph that is only the image of a committed chart becomes the chart.

``ChartPreprocessor`` (registered by the Markdown extension) inlines the committed SVG of a
chart, sanitised, in a ``<figure>`` with an accessible name and the chart's description;
the site's ``toulmin-charts.js`` upgrades it to the interactive chart from its Vega-Lite
JSON where JavaScript runs. ``relative_url`` makes a site path relative to the page.
"""

from __future__ import annotations

import functools
import html
import math
import posixpath
import re
from pathlib import Path

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

    The SVG (our renderer's output, sanitised) goes in a ``<figure data-chart="NAME">`` with
    an accessible name and a text description; ``toulmin-charts.js`` upgrades it to the
    interactive chart from ``charts/NAME.vl.json`` where JavaScript runs.
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
                figure = chart_figure(self.ext.project.root, c.group("name"), c.group("alt"),
                                      self.ext.page_url, charts_dir=settings.charts_dir,
                                      site_dir=settings.charts_site_dir,
                                      overlay=self.ext.chart_overlay) if c else None
                if figure is not None:
                    line = self.md.htmlStash.store(figure)
            out.append(line)
        return out


_SVG_UNSAFE = re.compile(r"<(script|foreignObject)\b.*?</\1\s*>|<(script|foreignObject)\b[^>]*/>",
                         re.S | re.I)
_SVG_ON_ATTR = re.compile(r"\s(on[a-z]+|xlink:href|href)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_TITLE = re.compile(r"<title>.*?</title>", re.S)


def sanitise_svg(svg: str, prefix: str, title: str) -> str:
    """``svg`` safe to inline: no scripts, event handlers or external links; ids prefixed
    (two charts on a page must not share clip-path ids); ``title`` as its ``<title>``."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    svg = _SVG_UNSAFE.sub("", svg)

    def attr(m: re.Match) -> str:
        name, value = m.group(1).lower(), m.group(2)[1:-1]
        if name.startswith("on") or not value.startswith("#"):
            return ""
        return f' {m.group(1)}="#{prefix}{value[1:]}"'

    svg = _SVG_ON_ATTR.sub(attr, svg)
    svg = _SVG_ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}", svg)
    svg = _SVG_TITLE.sub("", svg, count=1)
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return ""
    head = svg[start:end]
    head = re.sub(r'\s(role|aria-[a-z]+|focusable)="[^"]*"', "", head)
    return (f'{head} aria-hidden="true" focusable="false"><title>{html.escape(title)}</title>'
            f"{svg[end + 1:]}")


def chart_figure(root: Path, name: str, alt: str, page_url: str = "", *,
                 charts_dir: str = "charts", site_dir: str = "charts",
                 overlay: str = "") -> str | None:
    """The inline figure of the chart ``name`` (None when ``charts_dir/NAME.svg`` is
    missing); ``site_dir`` is where the built site has the charts. A chart in ``overlay``
    (the live preview's redrawn charts) is shown instead of the committed one."""
    folder = Path(root) / charts_dir
    if overlay and (Path(root) / overlay / f"{name}.svg").is_file():
        folder = Path(root) / overlay
    try:
        svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return None
    description = ""
    try:
        import json

        spec = json.loads((folder / f"{name}.vl.json").read_text(encoding="utf-8"))
        description = spec.get("description") or ""
        if not isinstance(description, str):
            description = ""
    except (OSError, ValueError, AttributeError):
        pass
    label = alt.strip() or name
    ident = "chart-" + _ID_UNSAFE.sub("-", name)
    spec_url = relative_url(f"/{site_dir}/{name}.vl.json", page_url) if page_url else \
        f"{site_dir}/{name}.vl.json"
    desc_html = (f'<figcaption id="{ident}-desc" class="toulmin-chart-description">'
                 f"{html.escape(description)}</figcaption>") if description else ""
    described = f' aria-describedby="{ident}-desc"' if description else ""
    body = sanitise_svg(svg, f"{ident}-", label)
    least = legible_width(svg)
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
