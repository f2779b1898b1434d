"""``toulmin generate`` in-process over a copy of the real site: with the blog, the posts go
where it looks for them; without one, they are pages at posts/NAME/ and the backlinks say
so."""

from __future__ import annotations

import json
import re

from toulmin.generate.write import generate
from toulmin.settings import read_mkdocs


def test_posts_go_to_the_blog_or_are_pages_without_one(site):
    done = generate(site, settings=read_mkdocs(site))
    docs = done.out / "docs"
    placed = (docs / "blog/posts/2026-11-02-what-recovery-means.md").read_text()
    original = (site / "posts/2026-11-02-what-recovery-means.md").read_text()
    # the post as written, with "Cite this post" last in its front matter
    cite = re.search(r"^toulmin_cite: (.*)\n", placed, re.M)
    assert placed.replace(cite.group(0), "") == original
    assert json.loads(cite.group(1))["apa"].startswith(
        "The editors. (2026, November 2). What recovery means in the Talking Therapies")
    bib = docs / "blog/2026/11/02/what-recovery-means-in-the-talking-therapies-statistics"
    assert "@misc{nhsdigital_iapt_annual," in (bib / "references.bib").read_text()
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
