"""The MkDocs build of the real site: APA citations linked to reference lists."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from sitebuild import build, copy_site


def _post_pages(out: Path) -> list[Path]:
    return sorted(p for p in (out / "blog").rglob("index.html")
                  if re.search(r"/\d{4}/\d{2}/\d{2}/", p.as_posix()))


def test_posts_are_published_with_apa_citations_linked_to_their_reference_list(built):
    pages = _post_pages(built)
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text()
        links = re.findall(r'<a class="toulmin-cite" id="([^"]+)" href="#(ref-[^"]+)" '
                           r'title="([^"]+)">', text)
        assert links, page
        ids = set(re.findall(r'<li class="toulmin-ref" id="(ref-[^"]+)"', text))
        assert ids, page
        for _cite_id, target, title in links:
            assert target in ids
            # the hover text is the full reference: authors, year and title
            assert re.search(r"\((\d{4}(–\d{4})?[a-z]?|n\.d\.)\)\.", html.unescape(title)), title
        assert '<h2 id="references">References' in text


def test_recovery_post_renders_known_citations(built):
    (page,) = [p for p in _post_pages(built) if "recovery" in p.as_posix()]
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    # pandoc + APA CSL render these keys so (see tests/engine/test_apa_oracle.py)
    assert "(Clark et al., 2018)" in text
    assert "Davis et al. (2020)" in text
    assert "Gyani et al. (2013)" in text
    assert "Clark, D. M., Canvin, L., Green, J., Layard, R., Pilling, S., & Janecka, M. (2018)" \
        in text


def test_references_page_lists_every_cited_work(built):
    text = (built / "references" / "index.html").read_text()
    entries = re.findall(r'<li class="toulmin-ref" id="ref-([^"]+)"', text)
    assert len(entries) >= 15
    assert "clark2018transparency" in entries
    assert "toulmin-backlinks" in text


class _ExternalResources(HTMLParser):
    """Every resource the browser would fetch from another host: any ``src`` (img,
    script, iframe, source, audio, video...), ``srcset``, a stylesheet, script, preload or
    icon ``href`` of ``<link>``, an ``<object data>``, and ``url(...)`` in inline styles."""

    FETCHING_RELS = frozenset({"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch",
                               "modulepreload", "icon", "shortcut", "apple-touch-icon",
                               "manifest"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        urls = [a.get("src", ""), a.get("poster", "")]
        urls += [part.strip().split(" ")[0] for part in a.get("srcset", "").split(",")]
        if tag == "link" and self.FETCHING_RELS & set(a.get("rel", "").lower().split()):
            urls.append(a.get("href", ""))
        if tag == "object":
            urls.append(a.get("data", ""))
        if tag == "script" and a.get("href"):
            urls.append(a["href"])
        urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", a.get("style", ""))
        self._style = tag == "style"
        self.found += [f"<{tag}> {u}" for u in urls if _external(u)]

    def handle_data(self, data):
        if self._style:
            self.found += [f"<style> {u}" for u in re.findall(
                r"(?:url\(\s*['\"]?|@import\s+['\"])([^'\")]+)", data) if _external(u)]

    def handle_endtag(self, tag):
        self._style = False


def _external(url: str) -> bool:
    url = url.strip().lower()
    return bool(re.match(r"(https?:)?//", url)) and not re.match(
        r"(https?:)?//(localhost|127\.0\.0\.1)([:/]|$)", url)


def test_external_resource_parser_catches_what_the_browser_would_fetch():
    p = _ExternalResources()
    p.feed('<img src="/a.png"><img srcset="x.png 1x, https://cdn.example/y.png 2x">'
           '<link rel="stylesheet" href="//fonts.example/css"><script src="https://t.example/a.js">'
           '</script><link rel="canonical" href="https://toulmin.example.org/">'
           '<a href="https://doi.org/10.1/x">doi</a><style>@import "https://x.example/s.css";'
           '</style><div style="background:url(https://i.example/b.png)"></div>')
    assert len(p.found) == 5, p.found


def test_no_third_party_requests_in_built_html(built):
    pages = list(built.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parser = _ExternalResources()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        assert not parser.found, (page, parser.found)


def test_quoted_statistic_links_to_its_page_with_value_and_source_on_hover(built):
    (page,) = [p for p in _post_pages(built) if "recovery" in p.as_posix()]
    text = page.read_text()
    m = re.search(r'<a class="toulmin-stat" href="([^"]+nhstt.recovery_rate_2024_25/)" '
                  r'title="([^"]+)">50.5%</a>', text)
    assert m, "the checked statistic is not linked"
    title = html.unescape(m.group(2))
    assert "50.5%" in title and "95% CI" in title and "Source: NHS Digital" in title
    target = (page.parent / m.group(1) / "index.html").resolve()
    assert target.exists()


def test_statistic_page_has_value_interval_formula_data_sources_and_quotes(built):
    page = built / "statistics" / "nhstt.recovery_rate_2024_25" / "index.html"
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text()))
    text = " ".join(text.split())
    assert "50.5%" in text and "95% CI 50.4% to 50.7%" in text
    assert "recovered / (finished − not_at_caseness)" in text
    assert "england_annual.csv" in text and "Open Government Licence" in text
    assert "NHS Digital & NHS England, 2014–2025" in text  # the source, cited
    assert "Quoted in" in text and "What recovery means" in text
    index = (built / "statistics" / "index.html").read_text()
    assert index.count('href="nhstt.') >= 5 or index.count("nhstt.") >= 5


def _meta(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in re.finditer(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', text):
        out.setdefault(m.group(1), []).append(html.unescape(m.group(2)))
    return out


def test_every_post_has_cite_this_post_scholar_open_graph_and_canonical(built):
    import bibtexparser

    for page in _post_pages(built):
        text = page.read_text()
        url = "https://toulmin.example.org/" + page.parent.relative_to(built).as_posix() + "/"
        meta = _meta(text)
        assert f'<link rel="canonical" href="{url}">' in text
        assert meta["citation_author"] == ["The editors"]
        date = re.fullmatch(r"2026/(11|12)/\d\d", meta["citation_publication_date"][0])
        assert date
        assert meta["citation_journal_title"] == ["Talking Therapies, Checked"]
        assert meta["citation_public_url"] == [url] == meta["og:url"]
        assert meta["og:type"] == ["article"]
        assert meta["og:title"] == meta["citation_title"]
        assert meta["og:description"][0]
        box = text[text.index('<section class="toulmin-citethis"'):]
        apa = html.unescape(re.search(r'class="toulmin-citethis-apa"[^>]*>([^<]+)<', box)[1])
        month = {"11": "November", "12": "December"}[date[1]]
        assert apa.startswith(f"The editors. (2026, {month} ") and apa.endswith(url)
        bibtex = html.unescape(re.search(r"<code>(@online\{.*?)</code>", box, re.S)[1])
        (entry,) = bibtexparser.parse_string(bibtex).entries
        assert entry["url"] == url and entry["year"] == "2026"
        # the post's own references as BibTeX, linked and written beside the page
        assert 'href="references.bib" download' in box
        refs = bibtexparser.parse_string((page.parent / "references.bib").read_text())
        assert not refs.failed_blocks
        cited = set(re.findall(r'<li class="toulmin-ref" id="ref-([^"]+)"', text))
        assert {e.key.replace("_", "-") for e in refs.entries} == \
            {k.replace("_", "-") for k in cited}


def test_post_reference_list_links_to_the_site_wide_references(built):
    for page in _post_pages(built):
        text = page.read_text()
        m = re.search(r'<a class="toulmin-allrefs" href="([^"]+)">', text)
        assert m, page
        assert (page.parent / m.group(1) / "index.html").resolve() == \
            (built / "references" / "index.html").resolve()


def test_blog_has_tags_categories_authors_archive_and_reading_time(built):
    tags = (built / "tags" / "index.html").read_text()
    for tag in ("PHQ-9", "denominators", "working alliance"):
        assert tag in tags
    assert "What recovery means" in tags
    for folder in ("category/recovery-rates", "category/statistics", "category/measurement",
                   "author/editor", "archive/2026"):
        assert (built / "blog" / folder / "index.html").exists(), folder
    index = (built / "blog" / "index.html").read_text()
    published = [p for p in (Path(__file__).resolve().parents[2] / "posts").glob("*.md")
                 if not re.search(r"^draft:\s*true", p.read_text(), re.M)]
    assert index.count('class="md-post md-post--excerpt"') == min(len(published), 10)
    assert "min read" in index
    # only the part before <!-- more --> is on the index
    assert "Who never reaches the denominator" not in index


def test_search_index_holds_posts_cited_surnames_and_statistics(built):
    import json

    index = json.loads((built / "search" / "search_index.json").read_text())
    by_loc = {d["location"]: d for d in index["docs"]}
    recovery = [d for loc, d in by_loc.items() if "what-recovery-means" in loc]
    # Janecka is fifth author of Clark et al. (2018): only in the reference list
    assert any("Janecka" in d["text"] for d in recovery)
    stat = by_loc["statistics/nhstt.recovery_rate_2024_25/"]
    assert "recovery_rate_2024_25" in stat["title"] + stat["text"]


def _mark_retracted(site: Path, key: str) -> int:
    """Mark every citation of ``key`` on the site as citing a retracted work."""
    from toulmin.scan.citations import find_citations

    count = 0
    for path in [*(site / "posts").glob("*.md"), *(site / "docs").rglob("*.md")]:
        text = path.read_text()
        edits = []
        for citation in find_citations(text):
            for item in citation.items:
                if item.key != key:
                    continue
                offset = _offset(text, item.line, item.column)
                if citation.narrative:
                    end = offset + 1 + len(key)
                    edits.append((end, " [retracted]"))
                else:
                    edits.append((offset, "retracted: "))
        for pos, insert in sorted(edits, reverse=True):
            text = text[:pos] + insert + text[pos:]
        count += len(edits)
        path.write_text(text)
    return count


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(ln) + 1 for ln in lines[:line - 1]) + column - 1


def test_retracted_work_is_badged_in_every_reference_list(tmp_path):
    import json

    site = copy_site(tmp_path / "site")
    root = Path(__file__).resolve().parents[2]
    lock = json.loads((root / "references.lock.json").read_text())
    lock["entries"]["davis2020engagement"]["retracted"] = True
    (site / "references.lock.json").write_text(json.dumps(lock))
    marked = _mark_retracted(site, "davis2020engagement")
    assert marked >= 1
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    badge = '<span class="toulmin-retracted">Retracted</span>'
    pages = [site / "out" / "references" / "index.html",
             *[p for p in _post_pages(site / "out") if "recovery" in p.as_posix()]]
    for page in pages:
        out = page.read_text()
        m = re.search(r'<li class="toulmin-ref" id="ref-davis2020engagement">(.*?)</li>', out,
                      re.S)
        assert m and badge in m.group(1), page
        assert out.count(badge) == 1, page
