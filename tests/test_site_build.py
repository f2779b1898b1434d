"""The MkDocs build of the real site: APA citations linked to reference lists."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from sitebuild import build, copy_site


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = copy_site(tmp_path_factory.mktemp("site"))
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    return site / "out"


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
            assert re.search(r"\(\d{4}(–\d{4})?[a-z]?\)\.", html.unescape(title)), title
        assert '<h2 id="references">References' in text


def test_recovery_post_renders_known_citations(built):
    (page,) = [p for p in _post_pages(built) if "recovery" in p.as_posix()]
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    # pandoc + APA CSL render these keys so (see tests/test_apa_oracle.py)
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


def test_unknown_key_fails_the_build_and_keeps_the_previous_site(tmp_path):
    site = copy_site(tmp_path / "site")
    out = site / "out"
    out.mkdir()
    (out / "previous.html").write_text("the previous site")
    post = sorted((site / "posts").glob("*.md"))[0]
    lines = post.read_text().splitlines()
    lines.append("A claim with a wrong key [@clark2018transparancy].")
    post.write_text("\n".join(lines) + "\n")
    proc = build(site, out)
    assert proc.returncode != 0
    rel = post.relative_to(site).as_posix()
    assert f"{rel}:{len(lines)}:" in proc.stderr and "CIT001" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "previous.html").read_text() == "the previous site"


def test_no_third_party_requests_in_built_html(built):
    for page in built.rglob("*.html"):
        text = page.read_text()
        for m in re.finditer(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", m.group(1)), (page, m.group(1))
        for m in re.finditer(r'<link[^>]+href="([^"]+)"', text):
            tag = m.group(0)
            if "stylesheet" in tag or "preload" in tag or "preconnect" in tag:
                assert not re.match(r"(https?:)?//", m.group(1)), (page, tag)


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
