"""The Markdown extension with no plugin around it (render.standalone), in plain
Python-Markdown over a copy of the real site: a post the check rejects shows each error on
the page, escaped, and a clean post shows none; and the plan's post addresses are the
ones Material's blog gives (read from the MkDocs build of the same site in
tests/site/test_zensical_site.py)."""

from __future__ import annotations

import re

import markdown

from toulmin.generate import plan
from toulmin.render.markdown import ToulminExtension

POST = "posts/2026-11-02-what-recovery-means.md"


def _body(text: str) -> str:
    return text.split("---", 2)[2]  # the front matter off, as MkDocs and Zensical take it


def _render(site, text: str) -> str:
    ext = ToulminExtension(root=str(site), config_file="mkdocs.yml")
    return markdown.markdown(text, extensions=[ext])


def test_a_clean_post_renders_with_no_error_marker(site):
    html = _render(site, _body((site / POST).read_text(encoding="utf-8")))
    assert "toulmin-error" not in html
    assert 'class="toulmin-cite"' in html and 'class="toulmin-stat"' in html


def test_each_error_of_the_check_shows_in_place_and_in_a_box_escaped(site):
    path = site / POST
    text = path.read_text(encoding="utf-8")
    text = text.replace("[50.5%]{stat=nhstt.recovery_rate_2024_25}",
                        "[52.5%]{stat=nhstt.recovery_rate_2024_25}")
    text = text.replace("[@nhsdigital_iapt_annual].",
                        "[@nhsdigital_iapt_annual]. A claim [@smith2020<script>x].", 1)
    path.write_text(text, encoding="utf-8")
    html = _render(site, _body(text))
    box = re.search(r'<div class="toulmin-errors" role="alert">.*?</div>', html, re.S).group(0)
    assert html.index(box) < html.index("<h1")  # first on the page
    assert "STA002" in box and f"{POST}:" in box
    marker = re.search(r'<span class="toulmin-error" title="(STA002[^"]*)"><code>([^<]*)</code>',
                       html)
    assert marker and marker.group(2) == "[52.5%]{stat=nhstt.recovery_rate_2024_25}"
    assert "recomputes to 50.5%" in marker.group(1)
    # whatever the author wrote stays text: no element of theirs gets into the page
    assert "<script>" not in html and "&lt;script&gt;" in html
    # the figure the check rejected is not shown as a checked number
    assert ">52.5%</a>" not in html


def test_a_post_is_placed_where_materials_blog_gives_it_an_address():
    text = "---\ntitle: \"Who gets worse, and how the programme counts it\"\n" \
           "date: 2026-12-03\n---\n\n# Heading\n"
    blog = {"blog_dir": "blog", "post_url_format": "{date}/{slug}"}
    assert plan.post_url(text, blog) == \
        "/blog/2026/12/03/who-gets-worse-and-how-the-programme-counts-it/"
    assert plan.post_url(text.replace("date:", "slug: mine\ndate:"), blog) == \
        "/blog/2026/12/03/mine/"
    assert plan.post_url(text, {**blog, "post_url_format": "{categories}/{slug}"}) is None
    assert plan.blog_post_dir({"blog_dir": "news"}) == "news/posts"
    assert plan.blog_post_dir(None) == "posts"
