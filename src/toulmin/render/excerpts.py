"""A post's excerpt on another page: the blog's index, archive, category and author pages.

Material's blog plugin converts each post again for its excerpt on every such page (a
"view"), with its own Markdown instance carrying a tree processor named ``excerpt`` that
holds the post (``page``) and the view being rendered (``base``). The excerpt's links must
work from the view's URL: a citation points at the entry in the post's reference list
(the excerpt has none), a statistic at its page, a chart at its data, all as relative
links so that a ``site_url`` with a path (``https://example.org/sub/path/``) changes
nothing. Python-Markdown's other hosts have no such processor: nothing changes there.
"""

from __future__ import annotations

import posixpath


def site_path(url: str) -> str:
    """A page URL as an absolute path from the site root ("/blog/2026/..../")."""
    path = posixpath.normpath("/" + url)
    return path if path == "/" or not url.endswith("/") else path + "/"


def is_excerpt(md) -> bool:
    """True when Material's blog plugin is converting a post's excerpt with ``md``."""
    return "excerpt" in md.treeprocessors


def excerpt_pages(md) -> tuple[str, str] | None:
    """(the view's site path, the post's site path) while ``md`` converts an excerpt."""
    if not is_excerpt(md):
        return None
    processor = md.treeprocessors["excerpt"]
    view = getattr(processor, "base", None)
    post = getattr(processor, "page", None) or getattr(processor, "post", None)
    view_url, post_url = getattr(view, "url", None), getattr(post, "url", None)
    if not isinstance(view_url, str) or not isinstance(post_url, str):
        return None
    return site_path(view_url), site_path(post_url)


def post_link_base(md) -> str:
    """The relative URL of the post from the view whose excerpt ``md`` converts ("" when
    ``md`` converts a page of its own): prefix of the excerpt's citation links."""
    pages = excerpt_pages(md)
    if pages is None or pages[0] == pages[1]:
        return ""
    from toulmin.render.figures import relative_url

    return relative_url(pages[1], pages[0])
