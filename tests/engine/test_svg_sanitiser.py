"""Issue 15: the inline SVG of a chart is parsed and written again from an allowlist.

``sanitise_svg`` (render/figures) must leave every payload of the issue inert, keep a real
vl-convert chart as drawn, and run in linear time; a file of charts/ that no definition
renders is CHA005 and never shown, and a stale committed SVG is never what a page shows.
"""

from __future__ import annotations

import html
import json
import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from toulmin.render.figures import SVG_ELEMENTS, sanitise_svg

ROOT = Path(__file__).resolve().parents[2]
#: the commentary's committed charts, each rendered by vl-convert from scripts/charts.py
SITE_CHARTS = sorted((ROOT / "charts").glob("*.svg"))
EVIL = "evil.example"

#: every payload named in issue 15, and the neighbours of each, put inside a chart's <g>
PAYLOADS = {
    "nested script": "<scr<script></script>ipt>alert(1)</script>",
    "unquoted onclick": "<g onclick=alert(1)><path d='M0,0h1'/></g>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "image href https": f'<image href="https://{EVIL}/p.png" width="9" height="9"/>',
    "image xlink:href https": f'<image xlink:href="https://{EVIL}/p.png"/>',
    "style @import": f"<style>@import url(https://{EVIL}/x.css); path {{fill: red}}</style>",
    "xlink:href javascript": '<a xlink:href="javascript:alert(1)"><text>go</text></a>',
    "foreignObject html": ('<foreignObject width="9" height="9"><body xmlns='
                           '"http://www.w3.org/1999/xhtml"><iframe src="https://'
                           f'{EVIL}/"></iframe><p onmouseover="alert(1)">x</p></body>'
                           "</foreignObject>"),
    "set href": ('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/>'
                 "<text>x</text></a>"),
    "animate href": ('<a href="#x"><animate attributeName="href" values="javascript:alert(1)"'
                     ' dur="1s"/><text>x</text></a>'),
    "entity-encoded javascript": '<a href="&#106;avascript:alert(1)"><text>x</text></a>',
    "entity-encoded https use": f'<use href="&#104;ttps://{EVIL}/s.svg#a"/>',
    "CDATA script": "<script><![CDATA[alert(1)]]></script>",
    "CDATA breaking out of text": "<text><![CDATA[</text><script>alert(1)</script>]]></text>",
    "uppercase SCRIPT": "<SCRIPT>alert(1)</SCRIPT>",
    "use https": f'<use href="https://{EVIL}/s.svg#a"/>',
    "a https": f'<a href="https://{EVIL}/"><text>x</text></a>',
    "style attribute url": f'<path d="M0" style="fill: url(https://{EVIL}/p)"/>',
    "style attribute import": ('<path d="M0" style="mix-blend-mode: multiply; '
                               f"@import '//{EVIL}'\"/>"),
    "presentation url": f'<path d="M0" fill="url(https://{EVIL}/#g)"/>',
    "presentation url uppercase": f'<path d="M0" fill="URL( \'//{EVIL}/g\' )"/>',
    "css escape url": f'<path d="M0" fill="\\75rl(https://{EVIL}/g)"/>',
    "href data": '<a href="data:text/html,<script>alert(1)</script>"><text>x</text></a>',
    "on attribute on root": None,  # the root itself, below
    "svg breakout with p": "<p><svg><script>alert(1)</script></svg></p>",
    "math mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "comment": "<!-- --><script>alert(1)</script><!-- -->",
}


def _hostile(payload: str | None) -> str:
    if payload is None:
        return ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" '
                'viewBox="0 0 10 10"><g/></svg>')
    return ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" '
            f'viewBox="0 0 10 10"><g class="mark-group">{payload}</g></svg>')


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer reads the markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _tags(markup: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser.tags


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_every_payload_comes_out_inert(name):
    out = sanitise_svg(_hostile(PAYLOADS[name]), "chart-x-", "A chart")
    allowed = {t.lower() for t in SVG_ELEMENTS} | {"title"}
    assert out.startswith("<svg ") and out.endswith("</svg>"), out
    for tag, attrs in _tags(out):
        assert tag in allowed, (tag, out)
        for attr, value in attrs.items():
            value = html.unescape(value or "")
            assert not attr.startswith("on"), (attr, out)
            assert EVIL not in value, (attr, out)
            assert "//" not in value or attr.startswith("xmlns"), (attr, out)
            assert "javascript" not in value.lower() and "data:" not in value, (attr, out)
            assert "@import" not in value and "\\" not in value, (attr, out)
            if attr in ("href", "xlink:href"):
                assert value.startswith("#chart-x-"), (attr, out)
    lowered = out.lower()
    for banned in ("<script", "<style", "<foreignobject", "<img", "<image", "<iframe",
                   "<use", "<set", "<animate", "<a ", "<math", "<p>", "<!--", "<![cdata"):
        assert banned not in lowered, (banned, out)
    assert EVIL not in out


def test_the_root_keeps_its_size_and_gets_the_accessible_name_from_the_page():
    out = sanitise_svg(_hostile(None).replace("<svg ", '<svg role="graphics-document" '
                                                       'aria-label="x" focusable="true" '),
                       "c-", 'T <1> & "2"')
    assert out.startswith('<svg width="10" viewBox="0 0 10 10" aria-hidden="true" '
                          'focusable="false"><title>T &lt;1&gt; &amp; &quot;2&quot;</title>'), out
    # a ">" in a root attribute is written &gt;: the title still goes after the start tag
    out = sanitise_svg('<svg class="a>b"><g/></svg>', "c-", "T")
    assert out == '<svg class="a&gt;b" aria-hidden="true" focusable="false"><title>T</title>' \
                  "<g></g></svg>"
    assert sanitise_svg("no svg here <script>alert(1)</script>", "c-", "T") == ""


def test_ids_and_references_to_them_are_prefixed():
    svg = ('<svg width="1"><defs><clipPath id="clip1"><rect width="1"/></clipPath>'
           '<linearGradient id="gradient_0"><stop offset="0" stop-color="red"/>'
           '</linearGradient></defs><g clip-path="url(#clip1)"><path fill="url( \'#gradient_0\')"'
           ' d="M0"/><path href="#clip1" d="M1"/></g></svg>')
    out = sanitise_svg(svg, "chart-a-", "T")
    assert '<clipPath id="chart-a-clip1">' in out and 'id="chart-a-gradient_0"' in out
    assert 'clip-path="url(#chart-a-clip1)"' in out
    assert "fill=\"url( '#chart-a-gradient_0')\"" in out and 'href="#chart-a-clip1"' in out


def _elements(markup: str, prefix: str = "") -> list[tuple[str, dict, str]]:
    """(tag, attributes, text) of each element in document order, read as XML; the
    sanitiser's additions and the ids' prefix taken off (``prefix``)."""
    root = ET.fromstring(markup.replace("&nbsp;", "&#160;"))
    out = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "title":
            continue
        attrs = {k.rsplit("}", 1)[-1]: v for k, v in el.attrib.items()}
        if el is root:
            for k in ("role", "aria-label", "aria-roledescription", "focusable"):
                attrs.pop(k, None)
            if prefix:
                assert attrs.pop("aria-hidden") == "true"
                assert attrs.pop("focusable", "false") == "false"
        if prefix:
            for k, v in attrs.items():
                if k == "id":
                    assert v.startswith(prefix)
                    attrs[k] = v[len(prefix):]
                else:
                    attrs[k] = v.replace(f"url(#{prefix}", "url(#")
        out.append((tag, attrs, (el.text or "").strip()))
    return out


def _new_chart_svg() -> str:
    """A chart vl-convert draws now with what the site's charts do not use: a clip path, a
    gradient, text marks and a blend mode (a style attribute)."""
    import altair as alt
    import pandas as pd

    from toulmin.definitions.charts import render

    df = pd.DataFrame({"x": list(range(10)), "y": [v * v for v in range(10)],
                       "k": ["a & <b>", "c"] * 5})
    base = alt.Chart(df)
    gradient = alt.Gradient(gradient="linear", stops=[
        alt.GradientStop(color="white", offset=0), alt.GradientStop(color="darkgreen", offset=1)])
    chart = alt.layer(
        base.mark_area(clip=True, color=gradient).encode(
            x=alt.X("x", scale=alt.Scale(domain=[2, 8])), y="y"),
        base.mark_text(dy=-5).encode(x="x", y="y", text="k"),
        base.mark_point(blend="multiply").encode(x="x", y="y", color="k"),
    ).properties(width=300, height=200)
    return render(chart, "Squares", "Squares of 0 to 9.")[1]


@pytest.mark.parametrize("chart", [*SITE_CHARTS, "new"],
                         ids=[p.stem for p in SITE_CHARTS] + ["clip-gradient-text-blend"])
def test_a_real_chart_is_drawn_unchanged(chart):
    svg = _new_chart_svg() if chart == "new" else chart.read_text(encoding="utf-8")
    out = sanitise_svg(svg, "chart-t-", "The chart")
    before, after = _elements(svg), _elements(out, "chart-t-")
    assert after == before  # every element, attribute and text, in order
    assert len(before) > 50
    view_box = re.search(r'viewBox="[^"]+"', svg).group(0)
    assert out.startswith("<svg ") and view_box in out.split(">", 1)[0]
    if chart == "new":
        for kept in ("<clipPath ", "<linearGradient ", 'style="mix-blend-mode: multiply;"',
                     "url(#chart-t-clip1)", "a &amp; &lt;b&gt;"):
            assert kept in out, kept


def test_sanitising_is_linear_in_time():
    """Pathological input (a 2 MB run of spaces inside url(, 100,000 nested groups,
    300,000 url() references): seconds at most; a quadratic scan would take hours."""
    cases = ['<svg><path fill="url(' + " " * 2_000_000 + 'x)"/></svg>',
             "<svg>" + "<g>" * 100_000 + "</g>" * 100_000 + "</svg>",
             '<svg><path fill="' + "url(#a)" * 300_000 + '"/></svg>',
             '<svg><path style="' + "mix-blend-mode: multiply ;" * 100_000 + ' x"/></svg>']
    for svg in cases:
        start = time.monotonic()
        out = sanitise_svg(svg, "p-", "T")
        assert time.monotonic() - start < 10
        assert out.startswith("<svg ")


# -- CHA005 and what a page shows --------------------------------------------------------

HOSTILE = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
           "<script>alert(1)</script><g onclick=alert(2)><path d='M0,0h9'/></g>"
           f'<image href="https://{EVIL}/p.png"/></svg>\n')


def test_an_svg_no_chart_defines_is_cha005_in_text_and_json(minisite, run_cli):
    (minisite / "charts" / "x.svg").write_text(HOSTILE)
    (minisite / "charts" / "x.vl.json").write_text('{"mark": "bar"}\n')
    (minisite / "charts" / ".hidden.svg").write_text(HOSTILE)  # not the site's
    code, out, _ = run_cli("check", minisite)
    assert code == 1
    assert re.search(r"^charts/x\.svg:1:1: CHA005 no chart definition renders charts/x\.svg: "
                     r"it is neither shown nor published$", out, re.M), out
    assert re.search(r"^charts/x\.vl\.json:1:1: CHA005 ", out, re.M), out
    assert "hidden" not in out and "loans_by_month" not in out
    code, out, _ = run_cli("check", "--format", "json", minisite)
    assert code == 1
    found = [f for f in json.loads(out) if f["code"] == "CHA005"]
    assert [(f["path"], f["line"], f["column"], f["severity"]) for f in found] == [
        ("charts/x.svg", 1, 1, "error"), ("charts/x.vl.json", 1, 1, "error")]
    # `toulmin charts --check` says the same; the defined charts are not named
    code, out, _ = run_cli("charts", "--check", minisite)
    assert code == 1 and re.findall(r"^(\S+): CHA005", out, re.M) == [
        "charts/x.svg:1:1", "charts/x.vl.json:1:1"], out


def test_without_scripts_every_chart_file_is_undefined(minisite, run_cli):
    import shutil

    shutil.rmtree(minisite / "scripts")
    code, out, _ = run_cli("check", "--format", "json", minisite)
    assert code == 1
    paths = sorted(f["path"] for f in json.loads(out) if f["code"] == "CHA005")
    assert paths == sorted(f"charts/{p.name}" for p in (minisite / "charts").iterdir()), out


def _page(root: Path, text: str) -> str:
    import markdown

    from toulmin.render.markdown import ToulminExtension

    return markdown.markdown(text, extensions=[ToulminExtension(root=str(root))])


def test_a_page_shows_only_what_a_definition_renders(minisite):
    committed = minisite / "charts" / "loans_by_month.svg"
    rebuilt = committed.read_text()
    committed.write_text(HOSTILE)  # stale (CHA002): the page shows the rebuild, not this
    (minisite / "charts" / "x.svg").write_text(HOSTILE)
    out = _page(minisite, "![Loans](../charts/loans_by_month.svg)\n\n![X](../charts/x.svg)\n")
    assert out.count("<figure") == 1 and 'data-chart="loans_by_month"' in out
    assert "alert" not in out and EVIL not in out and "onclick" not in out
    shown = out.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert shown.count("<text") == rebuilt.count("<text") > 10
    assert shown.count("<path") == rebuilt.count("<path")
    # the undefined chart stays an image of a file the site does not publish
    assert '<img alt="X" src="../charts/x.svg"' in out
