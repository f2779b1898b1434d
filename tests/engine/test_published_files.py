"""Issue 15: files MkDocs publishes as written (SEC010).

A contribution that adds a page or a picture to docs/ (or beside the posts) has it copied
to the site byte for byte, where a reader who opens it runs it on the site's host. On a
copy of the synthetic minisite: every active document and every active SVG is one error
at its file (and line, for an SVG); passive pictures, the maintainer's declared assets and
a real chart rendered by vl-convert pass; the strict build fails on each.
"""

from __future__ import annotations

import json

import pytest

from sitebuild import build

PASSIVE = """<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <title id="t">A circle</title>
  <defs><clipPath id="c"><rect width="64" height="64"/></clipPath></defs>
  <style>.a { fill: #3f51b5; clip-path: url(#c) }</style>
  <circle class="a" cx="32" cy="32" r="30" style="stroke: url(#c)"/>
  <text x="32" y="33">TC</text>
</svg>
"""

#: (name, SVG, line of the finding, what the message names)
HOSTILE_SVGS = [
    ("script", '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n</svg>',
     2, "<script>"),
    ("onload", '<svg xmlns="http://www.w3.org/2000/svg"\n onload="alert(1)">\n</svg>', 1,
     "onload="),
    ("xlink-javascript",
     '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
     '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', 2, "javascript:"),
    ("image-elsewhere",
     '<svg xmlns="http://www.w3.org/2000/svg">\n\n<image href="https://evil.example/p.png"/>'
     "</svg>", 3, "https://evil.example"),
    ("foreign-object",
     '<svg xmlns="http://www.w3.org/2000/svg">\n<foreignObject><div xmlns='
     '"http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div>'
     "</foreignObject></svg>", 2, "<foreignObject>"),
    ("style-import",
     '<svg xmlns="http://www.w3.org/2000/svg">\n<style>@import url(https://evil.example/x.css);'
     "</style></svg>", 2, "style sheet"),
    ("style-attribute",
     '<svg xmlns="http://www.w3.org/2000/svg">\n<rect style="fill: url(https://evil.example/'
     'f)"/></svg>', 2, "style"),
    ("animate-href",
     '<svg xmlns="http://www.w3.org/2000/svg">\n<a><set attributeName="href" '
     'to="javascript:alert(1)"/><text>x</text></a></svg>', 2, "sets href"),
    ("entity",
     '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>', 2, "entity"),
    ("not-xml", '<svg xmlns="http://www.w3.org/2000/svg"><scr<script>ipt>alert(1)</svg>', 1,
     "not well-formed"),
]


def _codes(out: str, code: str = "SEC010") -> list[str]:
    return [ln for ln in out.splitlines() if f" {code} " in ln]


def test_the_minisite_publishes_no_active_file(minisite, run_cli):
    _code, out, _ = run_cli("check", minisite)
    assert not _codes(out), out


@pytest.mark.parametrize("name,svg,line,what", HOSTILE_SVGS, ids=[c[0] for c in HOSTILE_SVGS])
def test_an_active_svg_in_docs_is_one_error_at_its_line(minisite, run_cli, name, svg, line,
                                                        what):
    (minisite / "docs" / "assets").mkdir(parents=True, exist_ok=True)
    (minisite / "docs" / "assets" / f"{name}.svg").write_text(svg, encoding="utf-8")
    code, out, _ = run_cli("check", minisite)
    found = _codes(out)
    assert code != 0 and len(found) == 1, out
    assert found[0].startswith(f"docs/assets/{name}.svg:{line}:"), found
    assert what in found[0], found


@pytest.mark.parametrize("name", ["page.html", "page.HTM", "feed.xml", "style.xsl",
                                  "p.xhtml", "pic.svgz"])
def test_an_active_document_is_an_error_in_docs_and_beside_posts(minisite, run_cli, name):
    (minisite / "docs" / name).write_text("<script>alert(1)</script>", encoding="utf-8")
    (minisite / "posts" / name).write_text("<script>alert(2)</script>", encoding="utf-8")
    code, out, _ = run_cli("check", minisite, "--format", "json")
    assert code != 0
    found = [(f["path"], f["line"]) for f in json.loads(out)
             if f["code"] == "SEC010"]
    assert sorted(found) == [(f"docs/{name}", 1), (f"posts/{name}", 1)]


def test_passive_pictures_declared_assets_and_vendored_files_pass(minisite, run_cli):
    assets = minisite / "docs" / "assets"
    (assets / "vendor").mkdir(parents=True, exist_ok=True)
    (assets / "logo.svg").write_text(PASSIVE, encoding="utf-8")
    (assets / "vendor" / "widget.html").write_text("<p>vendored</p>", encoding="utf-8")
    (assets / "own.html").write_text("<p>the maintainer's</p>", encoding="utf-8")
    (assets / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    config = minisite / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "\nextra_javascript:\n  - path: assets/own.html\n", encoding="utf-8")
    # a real chart, as vl-convert draws it, is a passive picture
    (assets / "chart.svg").write_bytes(next((minisite / "charts").glob("*.svg")).read_bytes())
    _code, out, _ = run_cli("check", minisite)
    assert not _codes(out), out


def test_the_strict_build_fails_on_an_active_file_and_publishes_nothing(minisite):
    (minisite / "docs" / "assets").mkdir(parents=True, exist_ok=True)
    (minisite / "docs" / "assets" / "map.svg").write_text(HOSTILE_SVGS[0][1], encoding="utf-8")
    out = minisite / "site"
    proc = build(minisite, out)
    assert proc.returncode != 0
    assert "docs/assets/map.svg:2:1: SEC010" in proc.stdout + proc.stderr
    assert not (out / "assets" / "map.svg").exists()
