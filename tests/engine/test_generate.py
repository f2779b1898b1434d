"""``toulmin generate`` in-process over a copy of the real site: with the blog, the posts go
where it looks for them; without one, they are pages at posts/NAME/ and the backlinks say
so."""

from __future__ import annotations

import re

from toulmin.generate.write import generate
from toulmin.settings import read_mkdocs


def test_posts_go_to_the_blog_or_are_pages_without_one(site):
    done = generate(site, settings=read_mkdocs(site))
    docs = done.out / "docs"
    assert (docs / "blog/posts/2026-11-02-what-recovery-means.md").read_bytes() == \
        (site / "posts/2026-11-02-what-recovery-means.md").read_bytes()
    assert done.posts["posts/2026-11-02-what-recovery-means.md"] == \
        "/blog/2026/11/02/what-recovery-means-in-the-talking-therapies-statistics/"
    # the same site without Material's blog
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(r"\n  - blog:\n(?:      .*\n)+", "\n", text)
    assert n == 1
    config.write_text(text, encoding="utf-8")
    done = generate(site, settings=read_mkdocs(site))
    assert (docs / "posts/2026-11-02-what-recovery-means.md").is_file()
    assert not (docs / "blog/posts").exists()  # the old placement is removed
    assert done.posts["posts/2026-11-02-what-recovery-means.md"] == \
        "/posts/2026-11-02-what-recovery-means/"
    assert 'post_dir: "posts"\n' in done.config.read_text()
