"""The same site under Zensical as under MkDocs (issue 17).

This repository's site is built twice, for real: with MkDocs and the plugin (``built``), and
with ``toulmin generate`` then ``zensical build`` (``zensical_built``: the newest Zensical that
installs here, 0.0.73). The two must have every post, no citation or checked number left as
written, the same reference list on every post and on the References page, the same
statistic pages and the same checked numbers. Then what ``generate`` promises: the same
bytes twice, nothing written outside its folder, and a page the check rejects showing the
errors under Zensical instead of a silently wrong page.
"""

from __future__ import annotations

import hashlib
import re
from html import unescape
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import ROOT, build_zensical, copy_site

POST_PAGE = re.compile(r"^blog/\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
REF_ITEM = re.compile(r'<li class="toulmin-ref" id="([^"]+)">(.*?)</li>', re.S)
STAT_LINK = re.compile(r'<a class="toulmin-stat" href="([^"]*)" title="([^"]*)">([^<]*)</a>')
CODE = re.compile(r"<(code|pre|script)\b.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html"))}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", TAG.sub("", html)).strip()


def _ref_lists(html: str) -> list[tuple[str, str]]:
    return [(ident, _text(body)) for ident, body in REF_ITEM.findall(html)]


@pytest.fixture(scope="module")
def both(built, zensical_built):
    return _pages(built), _pages(zensical_built)


def test_every_post_is_present_under_both_builders_at_the_same_address(both):
    mk, zs = both
    posts = sorted((ROOT / "posts").glob("*.md"))
    mk_posts = sorted(p for p in mk if POST_PAGE.match(p))
    zs_posts = sorted(p for p in zs if POST_PAGE.match(p))
    assert len(mk_posts) == len(posts) == 10
    assert zs_posts == mk_posts
    # each post is listed on the blog's index under Zensical too
    index = zs["blog/index.html"]
    for path in zs_posts:
        assert path.split("/")[-2] in index, path


def test_no_citation_or_checked_number_is_left_as_written_on_any_page(both):
    mk, zs = both
    assert len(zs) > 40
    # the evidence audit page quotes each post's sentence as its author wrote it, by design
    # (render/audit.py): the same under both builders
    audit = re.compile(r'<table class="toulmin-audit-table">.*?</table>', re.S)
    assert [_text(t) for t in audit.findall(zs["evidence/index.html"])] == \
        [_text(t) for t in audit.findall(mk["evidence/index.html"])] != []
    for path, html in zs.items():
        if path == "evidence/index.html":
            continue
        prose = CODE.sub("", html)
        assert "[@" not in prose, path
        assert "{stat=" not in prose, path
        assert "toulmin-error" not in prose, path  # the site passes the check


def test_the_same_reference_list_on_every_post_and_the_references_page(both):
    mk, zs = both
    compared = 0
    for path, html in mk.items():
        if POST_PAGE.match(path) or path == "references/index.html":
            expected = _ref_lists(html)
            assert expected, path
            assert _ref_lists(zs[path]) == expected, path
            compared += 1
    assert compared == 11
    # the References page links each work back to the posts citing it, at the same URLs
    backlinks = re.compile(r'<span class="toulmin-backlinks">.*?</span>', re.S)
    assert backlinks.findall(zs["references/index.html"]) == \
        backlinks.findall(mk["references/index.html"])


def test_the_same_cite_this_post_meta_tags_and_references_bib_on_every_post(both, built,
                                                                             zensical_built):
    mk, zs = both
    apa = re.compile(r'class="toulmin-citethis-apa"[^>]*>([^<]+)<')
    bibtex = re.compile(r'class="toulmin-citethis-bibtex"[^>]*><code>([^<]+)<')
    tags = re.compile(r'<meta (?:name|property)="(citation_\w+|og:\w+|article:\w+)" '
                      r'content="([^"]*)"')
    for path in (p for p in mk if POST_PAGE.match(p)):
        for pattern in (apa, bibtex, tags):
            expected = [tuple(map(unescape, m)) if isinstance(m, tuple) else unescape(m)
                        for m in pattern.findall(mk[path])]
            assert expected, (path, pattern.pattern)
            assert [tuple(map(unescape, m)) if isinstance(m, tuple) else unescape(m)
                    for m in pattern.findall(zs[path])] == expected, path
        bib = path.replace("index.html", "references.bib")
        assert (zensical_built / bib).read_bytes() == (built / bib).read_bytes(), bib


def test_the_same_statistic_pages_and_checked_numbers(both):
    mk, zs = both
    stat_pages = sorted(p for p in mk if p.startswith("statistics/") and p.count("/") == 2)
    assert len(stat_pages) > 20
    assert sorted(p for p in zs if p.startswith("statistics/") and p.count("/") == 2) \
        == stat_pages
    for path in stat_pages:  # value, interval, definition, sources, the posts quoting it
        body = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>',
                         mk[path], re.S).group(1)
        z_body = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>',
                           zs[path], re.S).group(1)
        assert _text(CODE.sub("", z_body)).startswith(_text(CODE.sub("", body))[:400]), path
        assert STAT_LINK.findall(z_body) == STAT_LINK.findall(body)
    numbers = 0
    for path in (p for p in mk if POST_PAGE.match(p)):
        links = STAT_LINK.findall(mk[path])
        assert STAT_LINK.findall(zs[path]) == links, path
        numbers += len(links)
    assert numbers > 50


def test_the_same_feeds_under_both_builders(built, zensical_built):
    # the RSS and JSON feeds are each builder's own; the Atom feed is toulmin's (the plugin
    # under MkDocs, postbuild under Zensical), with the same entries
    import feedparser

    for name in ("feed_rss_created.xml", "feed_json_created.json", "feed_atom.xml"):
        assert (zensical_built / name).is_file(), name
    mk = feedparser.parse(str(built / "feed_atom.xml"))
    zs = feedparser.parse(str(zensical_built / "feed_atom.xml"))
    assert not zs.bozo and len(zs.entries) == len(mk.entries) == 10
    assert (zs.feed.title, zs.feed.subtitle) == (mk.feed.title, mk.feed.subtitle)
    fields = ("title", "link", "id", "updated", "author", "summary")
    assert [[e.get(f) for f in fields] for e in zs.entries] == \
        [[e.get(f) for f in fields] for e in mk.entries]
    for z, m in zip(zs.entries, mk.entries, strict=True):  # full text, citations rendered
        text = z.content[0].value
        assert "toulmin-cite" in text and "[@" not in CODE.sub("", text), z.title
        assert _ref_lists(text) == _ref_lists(m.content[0].value), z.title


def test_every_zensical_page_declares_the_policy_first_in_its_head(both):
    from toulmin.generate.policy import POLICY

    _, zs = both
    meta = re.compile(r'<head>\s*<meta charset="utf-8">\s*<meta http-equiv="Content-Security'
                      r'-Policy" content="([^"]*)">')
    for path, html in zs.items():
        found = meta.search(html)
        assert found and found.group(1).replace("&#x27;", "'") == POLICY, path


def test_postbuild_rejects_a_feed_readers_cannot_parse(tmp_path):
    site = copy_site(tmp_path / "site")
    built = site / ".toulmin" / "site-src" / "site"
    built.mkdir(parents=True)
    (built / "index.html").write_text("<html><head><meta charset=\"utf-8\"></head></html>")
    (built / "feed_rss_created.xml").write_text("<rss><title>Q&A</title></rss>\n")
    proc = subprocess.run([sys.executable, "-m", "toulmin", "postbuild"], cwd=site,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert re.match(r"^\.toulmin/site-src/site:1:1: CLI008 .*feed_rss_created\.xml",
                    proc.stderr), proc.stderr
    proc = subprocess.run([sys.executable, "-m", "toulmin", "postbuild", "--site", "nowhere"],
                          cwd=site, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("nowhere:1:1: CLI001 ")


def _tree(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and not p.relative_to(root).as_posix().startswith(skip)}


def _generate(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toulmin", "generate", *args], cwd=site,
                          capture_output=True, text=True)


def test_generate_gives_the_same_bytes_and_writes_nothing_of_the_authors(tmp_path):
    site = copy_site(tmp_path / "site")
    before = _tree(site, (".cache", ".toulmin"))
    assert _generate(site).returncode == 0
    out = site / ".toulmin" / "site-src"
    first = _tree(out, ())
    proc = _generate(site)
    assert proc.returncode == 0 and "0 files written" in proc.stderr, proc.stderr
    assert _tree(out, ()) == first
    assert _tree(site, (".cache", ".toulmin")) == before
    config = (out / "mkdocs.yml").read_text()
    assert 'INHERIT: "../../mkdocs.yml"' in config and "- toulmin:" in config
    assert not re.search(r"20\d\d-\d\d-\d\dT|/tmp/", config)  # no time, no absolute path
    # a post gone from posts/ is gone from the generated folder
    (site / "posts" / "2026-11-02-what-recovery-means.md").unlink()
    assert _generate(site).returncode == 0
    assert not (out / "docs/blog/posts/2026-11-02-what-recovery-means.md").exists()


def test_generate_never_writes_into_a_folder_of_the_authors(tmp_path):
    site = copy_site(tmp_path / "site")
    before = _tree(site, (".cache",))
    for out in ("docs", ".", "posts/generated", "overrides"):
        proc = _generate(site, "--out", out)
        assert proc.returncode == 2, (out, proc.stderr)
        assert re.match(r"^\S+:1:1: CLI007 ", proc.stderr), proc.stderr
    (site / "notes").mkdir()
    (site / "notes" / "mine.txt").write_text("an author's file\n")
    proc = _generate(site, "--out", "notes")
    assert proc.returncode == 2 and "CLI007" in proc.stderr
    assert (site / "notes" / "mine.txt").read_text() == "an author's file\n"
    assert _tree(site, (".cache", "notes")) == before


def test_a_page_the_check_rejects_shows_its_errors_under_zensical(tmp_path):
    site = copy_site(tmp_path / "site")
    post = site / "posts" / "2026-11-02-what-recovery-means.md"
    text = post.read_text(encoding="utf-8")
    assert "[50.5%]{stat=nhstt.recovery_rate_2024_25}" in text
    text = text.replace("[50.5%]{stat=nhstt.recovery_rate_2024_25}",
                        "[52.5%]{stat=nhstt.recovery_rate_2024_25}")
    text = text.replace("[@nhsdigital_iapt_annual].",
                        "[@nhsdigital_iapt_annual]. A claim [@no_such_key_2020].", 1)
    post.write_text(text, encoding="utf-8")
    proc = _generate(site)  # the check gates: nothing is written
    assert proc.returncode == 1 and "STA002" in proc.stderr and "CIT001" in proc.stderr
    assert not (site / ".toulmin").exists()
    out, _ = build_zensical(site, "--preview")
    html = next(out.glob("blog/2026/11/02/*/index.html")).read_text(encoding="utf-8")
    box = re.search(r'<div class="toulmin-errors" role="alert">.*?</div>', html, re.S).group(0)
    assert "STA002" in box and "CIT001" in box and "2 errors" in box
    markers = re.findall(r'<span class="toulmin-error" title="([^"]*)"><code>([^<]*)</code>',
                         html)
    assert ("CIT001 unknown citation key &#x27;no_such_key_2020&#x27;",
            "[@no_such_key_2020]") in markers
    assert ("STA002" in markers[-1][0] and
            markers[-1][1] == "[52.5%]{stat=nhstt.recovery_rate_2024_25}"), markers


def test_an_edited_reference_shows_after_generate_and_an_incremental_zensical_build(tmp_path):
    # Zensical keeps rendered pages between builds (its .cache) keyed by their Markdown and
    # the extensions' options: the digest of the project's files generate writes into the
    # options makes it render a post again when only the reference base changed.
    site = copy_site(tmp_path / "site")
    out, _ = build_zensical(site)
    post = next(out.glob("blog/2026/11/02/*/index.html"))
    assert "Annual report on the use" in post.read_text(encoding="utf-8")  # sentence case
    bib = site / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "Annual Report on the use", "Yearly Report on the use"), encoding="utf-8")
    out, _ = build_zensical(site)
    html = post.read_text(encoding="utf-8")
    assert "Yearly report on the use" in html and "Annual report on the use" not in html


def test_generate_watch_writes_again_when_an_input_changes(tmp_path):
    # `toulmin generate --watch` beside `zensical serve`: a new digest of the inputs in the
    # configuration makes Zensical reload it and the extension load the project again.
    import signal
    import time

    site = copy_site(tmp_path / "site")
    config = site / ".toulmin" / "site-src" / "mkdocs.yml"
    proc = subprocess.Popen([sys.executable, "-m", "toulmin", "generate", "--watch"],
                            cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not config.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        first = re.search(r"inputs: (\S+)", config.read_text()).group(1)
        bib = site / "references.bib"
        bib.write_text(bib.read_text(encoding="utf-8").replace(
            "Annual Report on the use", "Yearly Report on the use"), encoding="utf-8")
        while time.monotonic() < deadline:
            now = re.search(r"inputs: (\S+)", config.read_text())
            if now and now.group(1) != first:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("generate --watch did not write again")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert proc.returncode == 0


def test_a_new_site_from_toulmin_init_builds_with_zensical_too(tmp_path):
    site = tmp_path / "new"
    proc = subprocess.run([sys.executable, "-m", "toulmin", "init", str(site)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "/.toulmin/" in (site / ".gitignore").read_text()
    out, _ = build_zensical(site)
    post = next(out.glob("blog/20*/*/*/*/index.html")).read_text(encoding="utf-8")
    assert 'class="toulmin-cite"' in post and 'class="toulmin-stat"' in post
    assert "[@" not in CODE.sub("", post) and "{stat=" not in CODE.sub("", post)
    assert (out / "statistics" / "anscombe.correlation_i" / "index.html").is_file()
    assert (out / "feed_atom.xml").is_file()
