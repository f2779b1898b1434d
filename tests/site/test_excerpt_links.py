"""Citation, statistic and chart links in the blog's excerpts resolve under a site_url path.

Material's blog shows each post's excerpt on the blog's index (and its further pages), on
the archive, category and author pages. A citation there must reach the entry in the
post's reference list, a checked statistic its page, a chart its Vega-Lite data, and so
whatever folder the site is published under (``site_url: https://example.org/sub/path/``).
Each link of every page is resolved against the page's own URL, as a browser would,
and its file and anchor looked up in the built site.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sitebuild import build, copy_minisite, copy_site

SITE_URL = "https://example.org/sub/path/"
POST_PATH = re.compile(r"^blog/\d{4}/\d{2}/\d{2}/")


class _Links(HTMLParser):
    """The toulmin links of a page (citations, statistics, charts' data) and its ids."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        classes = (a.get("class") or "").split()
        if tag == "a" and a.get("href") is not None:
            for kind in ("toulmin-cite", "toulmin-stat"):
                if kind in classes:
                    self.links.append((kind, a["href"]))
        if a.get("data-spec"):
            self.links.append(("chart", a["data-spec"]))


def _parse(path: Path, pages: dict[Path, _Links]) -> _Links:
    if path not in pages:
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path] = parser
    return pages[path]


def _broken_links(out: Path) -> tuple[list[str], dict[str, set[str]]]:
    """(every toulmin link of the site's pages that does not resolve, the kinds of link
    found on each page of the blog that is not a post: index, archive, category, author)."""
    prefix = urlsplit(SITE_URL).path
    pages: dict[Path, _Links] = {}
    broken, found = [], {}
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        view = rel[:-len("index.html")] if rel.endswith("/index.html") else rel
        url = SITE_URL + rel  # what a browser resolves against (".../" serves index.html)
        for kind, href in _parse(page, pages).links:
            if view.startswith("blog/") and not POST_PATH.match(view):
                found.setdefault(view, set()).add(kind)
            target = urlsplit(urljoin(url, href))
            path = unquote(target.path)
            if target.netloc != urlsplit(SITE_URL).netloc or not path.startswith(prefix):
                broken.append(f"{rel}: {href} leaves the site")
                continue
            file = out / path[len(prefix):]
            if path.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{rel}: {href}: no file {file.relative_to(out)}")
            elif target.fragment and target.fragment not in _parse(file, pages).ids:
                broken.append(f"{rel}: {href}: no #{target.fragment} in "
                              f"{file.relative_to(out)}")
    return broken, found


def _with_site_url(site: Path, blog_options: str = "", more: str = "") -> None:
    config = site / "mkdocs.yml"
    text = re.sub(r"^site_url: .*$", f"site_url: {SITE_URL}{more}", config.read_text(),
                  flags=re.M)
    if blog_options:
        text = text.replace("      blog_dir: blog\n", "      blog_dir: blog\n" + blog_options, 1)
    config.write_text(text)


@pytest.fixture(scope="module")
def minisite_out(tmp_path_factory) -> Path:
    """The synthetic site under a path, one post per index page, and the chart of one post
    moved above its excerpt's end."""
    site = copy_minisite(tmp_path_factory.mktemp("excerpts") / "site")
    _with_site_url(site, "      pagination_per_page: 1\n")
    post = site / "posts" / "2025-05-06-what-a-renewal-rate-measures.md"
    text = post.read_text(encoding="utf-8")
    chart = "![Loans by month, all branches, April 2024 to March 2025](../charts/loans_by_month.svg)\n"
    assert chart in text
    text = text.replace(chart, "").replace("<!-- more -->\n", chart + "\n<!-- more -->\n", 1)
    post.write_text(text, encoding="utf-8")
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    return site / "out"


def test_excerpt_links_resolve_on_every_index_page_under_a_path(minisite_out):
    broken, found = _broken_links(minisite_out)
    assert broken == []
    # the index's two pages, the archive and both categories carry citations, statistics
    # and the chart's data in their excerpts
    for view in ("blog/", "blog/page/2/", "blog/archive/2025/", "blog/category/loans/",
                 "blog/category/members/"):
        assert {"toulmin-cite", "toulmin-stat"} <= found.get(view, set()), (view, found)
    assert any("chart" in kinds for kinds in found.values()), found


def test_an_excerpts_citation_points_at_the_posts_reference_list(minisite_out):
    text = (minisite_out / "blog" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a class="toulmin-cite" href="([^"]+)"', text)
    assert "2025/05/20/how-many-members-borrow/#ref-riverside_loans" in hrefs
    # ids stay on the post's page: two excerpts citing one work would repeat them here
    assert 'id="cite-' not in text


def test_the_sites_own_excerpts_resolve_under_a_path(tmp_path):
    site = copy_site(tmp_path / "site")
    _with_site_url(site)
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    broken, found = _broken_links(site / "out")
    assert broken == []
    assert any("toulmin-cite" in kinds for kinds in found.values())


def test_links_resolve_without_directory_urls(tmp_path):
    """``use_directory_urls: false`` (pages at blog/2025/05/20/slug.html,
    statistics/NAME.html): the same links, to those files."""
    site = copy_minisite(tmp_path / "site")
    _with_site_url(site, more="\nuse_directory_urls: false")
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    broken, found = _broken_links(site / "out")
    assert broken == []
    assert {"toulmin-cite", "toulmin-stat"} <= found["blog/"], found
