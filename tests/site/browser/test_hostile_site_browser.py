"""Issue 15: a site seeded with every payload of the hardening issue, built, and read in
Chromium with a dialog handler and a network log.

Two kinds of payload:

- What the build must make safe whatever the check says (front matter the theme prints,
  a statistic's title and name, a BibTeX field, a committed SVG, links out of the
  project): the site is built with those rules turned off in mkdocs.yml, as a careless
  maintainer might, and every page is loaded: no dialog opens, no request leaves the
  site's host, and no element in any page carries an event handler or a ``javascript:``
  address.
- What only the check can stop (a ``<script>``, an ``on*=`` handler, a ``javascript:`` link,
  an iframe to another host written in a post's body: the author's HTML is published as
  written): with the rules as they ship, the strict build fails on each, at its line, and
  publishes nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitebuild import build, copy_minisite

from .conftest import serve_folder

EVIL = "evil.example"

#: front matter the theme prints (title, description, tags, categories)
FRONT = f'''---
title: "<img src=x onerror=alert('title')>Loans & <b>renewals</b>"
date: 2025-06-02
authors: [editor]
categories: ["<script>alert('category')</script>"]
tags: ["R&D", "<b onmouseover=alert('tag')>bold</b>", "]]>", "<img src=https://{EVIL}/t.png>"]
description: "\\"><script>alert('description')</script><img src=https://{EVIL}/d.png>"
---
'''

#: a BibTeX entry whose fields carry markup and a javascript: address
BIB_ENTRY = f"""
@misc{{hostile2024entry,
  author = {{Hostile, Harriet and <img src=x onerror=alert('author')>}},
  title  = {{<script>alert('bibtitle')</script> A report}},
  year   = {{2024}},
  url    = {{javascript:alert('url')}},
  note   = {{<iframe src="https://{EVIL}/frame"></iframe>}}
}}
"""

#: a committed SVG that no chart defines, with every payload the issue lists
SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 width="200" height="100" onload=alert('svgload')>
<scr<script></script>ipt>alert('nested')</scr<script></script>ipt>
<rect width="10" height="10" onclick=alert('unquoted') />
<img src=x onerror="alert('img')"/>
<image href="https://{EVIL}/i.png" width="10" height="10"/>
<style>@import url(https://{EVIL}/s.css);</style>
<a xlink:href="javascript:alert('xlink')"><text x="5" y="20">click</text></a>
<foreignObject><iframe src="https://{EVIL}/f"></iframe></foreignObject>
</svg>
"""

BODY = f"""
# Hostile

A post citing a hostile entry [@hostile2024entry].

<!-- more -->

A tracking pixel (SEC008, turned off here), which then only the page's policy stops:

<img src="https://{EVIL}/pixel.gif" alt="">
"""

#: what only the check stops: the author's HTML in a post body (rule, line text)
ACTIVE = [
    ("SEC003", "<script>alert('body')</script>"),
    ("SEC004", "<img src=x onerror=alert('handler')>"),
    ("SEC005", "[the data](javascript:alert('link'))"),
    ("SEC006", f'<iframe src="https://{EVIL}/embed"></iframe>'),
    ("SEC007", f'<meta http-equiv="refresh" content="0;url=https://{EVIL}/">'),
    ("SEC008", f'<img src="https://{EVIL}/pixel.gif" alt="">'),
]

#: the rules a careless maintainer turned off (each payload is still made safe by the build)
RULES_OFF = ("SEC001", "SEC002", "SEC008", "STA008", "BIB006", "BIB007", "CIT003", "CHA002",
             "CHA005")


def _seed(site: Path) -> None:
    post = site / "posts" / "2025-06-02-hostile.md"
    post.write_text(FRONT + BODY, encoding="utf-8")
    with (site / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB_ENTRY)
    (site / "charts" / "evil.svg").write_text(SVG, encoding="utf-8")
    os.symlink("/proc/self/environ", site / "charts" / "env.json")
    os.symlink("/etc/passwd", site / "docs" / "passwd.txt")
    (site / "scripts" / "hostile.py").write_text(
        "import toulmin\n\n"
        "@toulmin.statistic('loans.hostile', title=\"<script>alert('stat')</script>\")\n"
        "def hostile():\n    return 1.0\n\n"
        "@toulmin.statistic('../index', title='bad name')\n"
        "def bad_name():\n    return 1.0\n", encoding="utf-8")


def _rules(site: Path, off: tuple[str, ...]) -> None:
    config = site / "mkdocs.yml"
    text = config.read_text()
    assert "  - toulmin\n" in text
    rules = ", ".join(f'{code}: "off"' for code in off)
    config.write_text(text.replace("  - toulmin\n", f"  - toulmin:\n      rules: {{{rules}}}\n"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    site = copy_minisite(root / "site")
    _seed(site)
    _rules(site, RULES_OFF)
    out = root / "out"
    proc = build(site, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    with serve_folder(hostile_site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's Chromium (conftest): one Playwright per process."""
    return browser


#: every element with an event handler attribute, and every javascript: address, in the DOM
_LIVE = """() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.toLowerCase().startsWith('on')) out.push(el.tagName + ' ' + a.name);
      if (v.startsWith('javascript:')) out.push(el.tagName + ' ' + a.name + '=' + v);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (/alert\\(/.test(s.textContent)) out.push('script ' + s.textContent.slice(0, 60));
  }
  return out;
}"""


def _pages(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out).parent).replace(os.sep, "/")
                  for p in out.rglob("index.html") if "assets" not in p.parts)


def test_every_page_of_the_hostile_site_is_inert(hostile_site, hostile_url, chromium):
    pages = _pages(hostile_site)
    hostile = [p for p in pages if p.startswith("blog/2025/06/02/")]
    assert hostile, pages  # the post is published
    assert any(p.startswith("statistics/loans.hostile") for p in pages), pages
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    requests: list[str] = []
    live: dict[str, list[str]] = {}
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # what the Content-Security-Policy refused, as the page saw it
    context.add_init_script("window.__refused = []; document.addEventListener("
                            "'securitypolicyviolation', e => window.__refused.push(e.blockedURI))")
    refused: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    blocked: list[str] = []  # refused by the browser before any connection
    page.on("requestfailed", lambda r: blocked.append(r.url)
            if r.failure == "csp" else None)
    for rel in pages:
        url = f"{hostile_url}/{'' if rel == '.' else rel + '/'}"
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, url
        page.wait_for_timeout(50)
        # hover every element, so that a mouse-over handler would fire
        page.evaluate("() => document.querySelectorAll('*').forEach(e => "
                      "e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))")
        found = page.evaluate(_LIVE)
        if found:
            live[rel] = found
        refused += page.evaluate("() => window.__refused")
    # the search, which inserts the index's titles into the page
    page.goto(f"{hostile_url}/", wait_until="load")
    page.fill("input[data-md-component=search-query]", "Loans")
    page.wait_for_timeout(800)
    found = page.evaluate(_LIVE)
    if found:
        live["search"] = found
    context.close()
    outside = [u for u in requests if not u.startswith(hostile_url)
               and not u.startswith("data:") and u not in blocked]
    assert {"dialogs": dialogs, "live": live, "outside": outside} == {
        "dialogs": [], "live": {}, "outside": []}
    # the pixel (SEC008 off) was stopped by the page's policy, before any connection
    assert f"https://{EVIL}/pixel.gif" in refused and f"https://{EVIL}/pixel.gif" in blocked


def test_the_post_reads_as_written_and_its_markup_as_text(hostile_site):
    post = [p for p in (hostile_site / "blog" / "2025" / "06" / "02").rglob("index.html")]
    assert len(post) == 1
    page = post[0].read_text(encoding="utf-8")
    assert 'id="hostile"' in page
    # the title is shown, as text, in the heading and the <title>
    assert "&lt;img src=x onerror=alert(&#x27;title&#x27;)&gt;" in page or \
        "&lt;img src=x onerror=alert('title')&gt;" in page
    assert "<img src=x onerror" not in page
    assert "<script>alert(" not in page
    # no address of the other host outside escaped text, but the pixel SEC008 would report
    # (turned off here: the page's policy stops it, see the browser test above)
    pixel = f'<img src="https://{EVIL}/pixel.gif" alt="">'
    assert page.count(pixel) == 1
    assert EVIL not in re.sub(r"&lt;.*?&gt;", "", page.replace(pixel, "").replace("&quot;", '"'))
    # nothing from outside the project was published
    published = b"".join(p.read_bytes() for p in hostile_site.rglob("*") if p.is_file())
    assert b"root:x:0:0" not in published and b"PATH=" not in published
    assert not (hostile_site / "charts" / "env.json").exists()


@pytest.mark.parametrize("code,line", ACTIVE, ids=[c for c, _ in ACTIVE])
def test_active_content_in_a_body_stops_the_build(tmp_path, code, line):
    site = copy_minisite(tmp_path / "site")
    post = site / "posts" / "2025-06-03-active.md"
    post.write_text("---\ntitle: Active\ndate: 2025-06-03\n---\n\n# Active\n\nText.\n\n"
                    f"{line}\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = build(site, out)
    assert proc.returncode != 0
    assert re.search(rf"posts/2025-06-03-active\.md:10:\d+: {code} ", proc.stdout + proc.stderr)
    assert not (out / "index.html").exists()
