"""Issue 15, second pass: active content in a contribution, as an attacker writes it.

Each payload below is one post of a copy of the synthetic minisite (its mkdocs.yml with
the extensions a Material site commonly adds: admonition, abbr, md_in_html, details; no
fenced-code extension, so a fence is not code there). One ``toulmin check`` of the site
in text and one in JSON; each payload's SEC findings must be exactly the expected
(code, line) pairs, in both outputs. "main" marks the payloads the first round (SEC002-SEC007
on main at 0c3b2a0) let through or reported wrongly.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
from pathlib import Path

import pytest

from sitebuild import copy_minisite
from toulmin.checks.security import active_content, render_cost, rendered_content
from toulmin.scan.tags import comments, start_tags

FRONT = '---\ntitle: "Payload {name}"\ndate: 2025-06-01\n---\n\n'
BODY = 6  # the body's first line in the file

#: (name, body, expected SEC findings as (code, line in the body)); "# main" = a hole there
PAYLOADS = [
    # -- the first round's cases, kept ----------------------------------------------------
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>", [("SEC003", 1)]),
    ("entity-tab-link", "[x](java&#x09;script:alert(1))", [("SEC005", 1)]),
    ("entity-j-link", "[x](&#106;avascript:alert(1))", [("SEC005", 1)]),
    ("entity-j-attr", '<a href="&#106;avascript:alert(1)">x</a>', [("SEC005", 1)]),
    ("newline-in-scheme", 'Text\n<a href="jav\nascript:alert(1)">x</a>', [("SEC005", 2)]),
    ("named-colon", "[x](javascript&colon;alert(1))", [("SEC005", 1)]),
    ("refdef", "[a][x]\n\n[x]: javascript:alert(1)", [("SEC005", 3)]),
    ("attr-spanning-lines", "<img src=x\nonerror=\nalert(1)>", [("SEC004", 2)]),
    ("in-list", "- one\n- <img src=x onerror=alert(1)>", [("SEC004", 2)]),
    ("in-table", "| a |\n|---|\n| <img src=x onerror=alert(1)> |", [("SEC004", 3)]),
    ("in-admonition", '!!! note "N"\n    <img src=x onerror=alert(1)>', [("SEC004", 2)]),
    ("in-footnote", "x[^1]\n\n[^1]: <img src=x onerror=alert(1)>", [("SEC004", 3)]),
    ("svg-xlink", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
     [("SEC005", 1)]),
    ("math-href", '<math href="javascript:alert(1)"><mi>x</mi></math>', [("SEC005", 1)]),
    ("formaction", '<button formaction="javascript:alert(1)">x</button>', [("SEC005", 1)]),
    ("srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
     [("SEC006", 1), ("SEC003", 1)]),
    ("object-data", '<object data="https://evil.example/x.swf"></object>', [("SEC006", 1)]),
    ("embed", '<embed src="https://evil.example/x">', [("SEC006", 1)]),
    ("data-html", "[x](data:text/html;base64,PHNjcmlwdD4=)", [("SEC005", 1)]),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">',
     [("SEC007", 1)]),
    ("base", '<base href="https://evil.example/">', [("SEC007", 1)]),
    ("heading-markup", "# Title <img src=x onerror=alert(1)>", [("SEC004", 1)]),
    ("noscript-mutation",
     '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
     [("SEC004", 1)]),
    ("md-in-html", "<div markdown>\n<img src=x onerror=alert(1)>\n</div>", [("SEC004", 2)]),
    # -- holes of the first round -----------------------------------------------------------
    ("refdef-in-list", "- item\n\n    [x]: javascript:alert(1)\n\n[a][x]",  # main
     [("SEC005", 3)]),
    ("refdef-next-line", "[a][x]\n\n[x]:\n  javascript:alert(1)", [("SEC005", 4)]),  # main
    ("refdef-in-quote", "> [a][x]\n>\n> [x]: javascript:alert(1)", [("SEC005", 3)]),  # main
    ("autolink", "<javascript:alert(1)>", [("SEC005", 1)]),  # main
    ("autolink-case", "<JaVaScRiPt:alert(1)>", [("SEC005", 1)]),  # main
    ("lt-in-quoted-value", '<img title="<" src=x onerror=alert(1)>', [("SEC004", 1)]),  # main
    ("attr-list-paragraph", 'A paragraph.\n{ onclick="alert(1)" }', [("SEC004", 2)]),  # main
    ("attr-list-heading", "## Heading { onmouseover=alert(1) }", [("SEC004", 1)]),  # main
    ("attr-list-href", "[x](https://ok.example){ href='javascript:alert(1)' }",  # main
     [("SEC005", 1)]),
    ("comment-closed-at-once", "<!--><script>alert(1)</script>-->", [("SEC003", 1)]),  # main
    ("comment-bang-close", "<!-- x --!><img src=x onerror=alert(1)> -->",  # main
     [("SEC004", 1)]),
    ("code-span-in-html-block", "<div>\n`<img src=x onerror=alert(1)>`\n</div>",  # main
     [("SEC004", 2)]),
    ("fence-without-extension", "```\n<script>alert(1)</script>\n```", [("SEC003", 2)]),  # main
    ("iframe-backslash-host", '<iframe src="/\\evil.example/x"></iframe>',  # main
     [("SEC006", 1)]),
    ("svg-animate-values",  # main
     '<svg><a><animate attributeName=href values="x;javascript:alert(1)"/>'
     "<text>x</text></a></svg>", [("SEC005", 1)]),
    ("style-url-javascript", '<p style="background:url(javascript:alert(1))">x</p>',  # main
     [("SEC005", 1)]),
    ("iframe-data-page", '<iframe src="data:text/html,<script>alert(1)</script>">',
     [("SEC006", 1), ("SEC003", 1)]),
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>', [("SEC006", 1)]),
    ("object-data-page", '<object data="data:text/html;base64,PHNjcmlwdD4="></object>',
     [("SEC006", 1)]),
    ("alt-is-text", '<img src="../assets/x.png" alt="data: 2019 figures">', []),  # main
    # -- SEC008: content from another host ----------------------------------------------------
    ("img-other-host", '<img src="https://tracker.example/p.gif">', [("SEC008", 1)]),
    ("md-image-other-host", "![chart](https://tracker.example/c.png)", [("SEC008", 1)]),
    ("md-image-reference", "![chart][c]\n\n[c]: https://tracker.example/c.png",
     [("SEC008", 3)]),
    ("protocol-relative", '<img src="//tracker.example/p.gif">', [("SEC008", 1)]),
    ("video", '<video src="https://cdn.example/v.mp4"></video>', [("SEC008", 1)]),
    ("audio-source", '<audio controls>\n<source src="https://cdn.example/a.mp3">\n</audio>',
     [("SEC008", 2)]),
    ("track", '<video src="v.mp4"><track src="https://cdn.example/t.vtt"></video>',
     [("SEC008", 1)]),
    ("poster", '<video src="v.mp4" poster="https://cdn.example/p.jpg"></video>',
     [("SEC008", 1)]),
    ("srcset", '<img src="a.png" srcset="a.png 1x, https://cdn.example/b.png 2x">',
     [("SEC008", 1)]),
    ("style-url-escaped", '<p style="background:u\\rl(https://t.example/p.gif)">x</p>',
     [("SEC008", 1)]),
    ("ping", '<a href="/x" ping="https://t.example/">x</a>', [("SEC008", 1)]),
    ("svg-image", '<svg><image href="https://t.example/p.png"/></svg>', [("SEC008", 1)]),
    ("attr-list-src", "![x](a.png){ src=https://t.example/p.png }", [("SEC008", 1)]),
    # -- not active content ---------------------------------------------------------------------
    ("local-iframe", '<iframe src="/charts/x.html"></iframe>', []),
    ("local-image", "![chart](../assets/c.png) and <img src=\"../assets/c.png\">", []),
    ("https-link", "[the data](https://digital.nhs.uk/x) and <https://ok.example/>", []),
    ("escaped-heading", "# Title &lt;script&gt;alert(1)&lt;/script&gt;", []),
    ("abbr-title", "*[HTML]: <b>Hyper</b> Text\n\nHTML is text.", []),
    ("code-span", "Write `<script>` nowhere.", []),
    ("comment", "<!-- <script>alert(1)</script> -->", []),
    ("image-data", '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">', []),
    ("prose-scheme", "The word javascript: appears in prose.", []),
]

FRONT_MATTER = '''---
title: "Waiting times"
description: "Read <b>this</b>"
subtitle: "<img src=x onerror=alert(1)>"
tags:
  - ok
  - "a<b>c"
categories: ["<script>alert(1)</script>"]
authors: ["<i>x</i>"]
slug: 'x"><script>alert(1)</script>'
links:
  - "Data <img src=x onerror=alert(1)>": https://ok.example/
  - Source: "javascript:alert(1)"
date: 2025-06-01
---

Body.
'''
#: SEC002 at each printed field's value (description to links)
FRONT_MATTER_LINES = [3, 4, 7, 8, 9, 10, 12, 13]

EXTENSIONS = """
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
"""


def _post(name: str) -> str:
    return f"posts/2025-06-01-payload-{name}.md"


def _check(site: Path, *args: str) -> tuple[int, str]:
    from toulmin.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", str(site), *args])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, dict[str, set]]:
    """{"text"|"json": {post path: {(code, line)}}} of the SEC findings of one check of the
    payload site."""
    site = copy_minisite(tmp_path_factory.mktemp("payloads") / "site")
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"markdown_extensions:.*?\n(?=\S)", EXTENSIONS.lstrip(), text,
                             flags=re.S), encoding="utf-8")
    for name, body, _expected in PAYLOADS:
        (site / _post(name)).write_text(FRONT.format(name=name) + body + "\n",
                                        encoding="utf-8")
    (site / _post("front-matter")).write_text(FRONT_MATTER, encoding="utf-8")
    found: dict[str, dict[str, set]] = {"text": {}, "json": {}}
    code, out = _check(site)
    assert code == 1, out
    for m in re.finditer(r"^(\S+\.md):(\d+):\d+: (SEC\d{3}) ", out, re.M):
        found["text"].setdefault(m[1], set()).add((m[3], int(m[2])))
    code, out = _check(site, "--format", "json")
    assert code == 1
    data = json.loads(out)
    for f in data["findings"] if isinstance(data, dict) else data:
        if f["code"].startswith("SEC"):
            assert f["severity"] == "error"
            found["json"].setdefault(f["path"], set()).add((f["code"], f["line"]))
    return found


@pytest.mark.parametrize("output", ["text", "json"])
@pytest.mark.parametrize(("name", "body", "expected"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_each_payload_is_reported_at_its_line(checked, output, name, body, expected):
    want = {(code, BODY + line - 1) for code, line in expected}
    assert checked[output].get(_post(name), set()) == want


@pytest.mark.parametrize("output", ["text", "json"])
def test_markup_in_every_printed_front_matter_field(checked, output):
    assert checked[output][_post("front-matter")] == {("SEC002", n) for n in FRONT_MATTER_LINES}


def test_a_site_with_fenced_code_reads_a_fence_as_code(minisite):
    # the same fence is code once the site renders it as code: the rendered check follows
    # the site's extensions (mkdocs.yml), the source scan masks fences either way
    text = FRONT.format(name="f") + "```\n<script>alert(1)</script>\n```\n"
    config = minisite / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.superfences\n"))
    from toulmin.checks.security import render

    assert active_content("p.md", text) == []
    assert rendered_content("p.md", text, render(text, minisite)) == []
    assert "&lt;script&gt;" in render(text, minisite)


def test_findings_have_line_and_column_and_a_fix():
    text = FRONT.format(name="x") + 'Text\n  <img src=x\n   onerror="alert(1)">\n'
    (f,) = active_content("p.md", text)
    assert (f.line, f.column, f.code) == (BODY + 2, 4, "SEC004")
    assert f.format().startswith(f"p.md:{BODY + 2}:4: SEC004 ")
    assert f.hint


# -- the tokenizer ------------------------------------------------------------------------


@pytest.mark.parametrize(("html", "attrs"), [
    # reference: the HTML Standard's tokenizer states (13.2.5.32 to 13.2.5.40)
    ("<svg/onload=alert(1)>", ["onload"]),
    ('<a href="x"onclick=y>', ["href", "onclick"]),
    ('<img/src="x"/onerror=y>', ["src", "onerror"]),
    ("<img/src=x/onerror=y>", ["src"]),  # an unquoted value runs to the space: no onerror
    ('<img title="a>b" onerror=y>', ["title", "onerror"]),
    ("<img src=x\tonerror\f=\ny>", ["src", "onerror"]),
    ("<x =a onclick=b>", ["=a", "onclick"]),
])
def test_start_tags_are_read_as_a_browser_reads_them(html, attrs):
    (tag, *_rest) = start_tags(html)
    assert [a.name for a in tag.attributes] == attrs


def test_comments_end_where_a_browser_ends_them():
    text = "a <!--> b <!---> c <!-- d --!> e <!-- f --> g"
    assert [text[a:b] for a, b in comments(text)] == [
        "<!-->", "<!--->", "<!-- d --!>", "<!-- f -->"]


def test_tags_in_a_quoted_value_are_read_too():
    names = [t.name for t in start_tags('<p title="<img src=x onerror=y>">')]
    assert names == ["p", "img"]


def test_the_tag_scan_is_linear():
    # unclosed quotes and tags: each tag is read to its end once
    for payload in ('<a x="' * 40_000, "<a " * 100_000, '<p title="<' * 40_000):
        start = time.monotonic()
        active_content("p.md", payload)
        assert time.monotonic() - start < 5, payload[:10]


def test_render_cost_bounds_what_is_rendered():
    # Python-Markdown took 26 s on 44 KB of this (measured here); a table of a thousand
    # links renders in a fifth of a second and costs nothing
    assert render_cost("![](charts/" * 4000) > 2_000_000
    table = "".join(f"| [n{i}](https://x.example/{i}) | <b>x</b> |\n" for i in range(1000))
    assert render_cost(table) == 0


def test_an_atom_feed_of_any_values_parses():
    # values no front matter can hold (YAML refuses a lone surrogate: DOC004) still make a
    # well-formed feed: the serializer escapes, the characters XML forbids are dropped
    import xml.etree.ElementTree as etree

    from toulmin.render.feeds import FeedEntry, atom_feed

    hostile = "a & <b>x</b> ]]> \x01\x0b \ud800 \udfff \ufffe end"
    entry = FeedEntry(title=hostile, url="https://s.example/p/", date=None, authors=(hostile,),
                      content_html=f"<p>{hostile}</p>", summary=hostile,
                      categories=(hostile, "]]>"))
    data = atom_feed([entry], title=hostile, site_url="https://s.example/",
                     feed_url="https://s.example/feed_atom.xml", subtitle=hostile)
    root = etree.fromstring(data)
    ns = "{http://www.w3.org/2005/Atom}"
    kept = "a & <b>x</b> ]]>" + " " * 5 + "end"  # the forbidden five dropped, spaces kept
    assert root.find(f"{ns}entry/{ns}title").text == kept
    assert [c.get("term") for c in root.iter(f"{ns}category")] == [kept, "]]>"]
