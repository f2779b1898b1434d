"""The synthetic site built by MkDocs with evidence and a lock of every kind: the source's
sentence on the hovers of the post and of its excerpt on the blog's index, a verification
line under each reference, nothing of either as raw markup or in the search index, and a
warm build identical to a cold one.

The builds run in this process, so that ``Project.evidence`` can be given the evidence a
check would record (SOURCES_SPEC item 4) whatever finds it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from test_evidence_render import (
    BROWN_SAYS,
    EUROPE_PMC,
    NEWCOMBE_PAGE,
    NEWCOMBE_SAYS,
    POST,
    Evidence,
    _at,
    _links,
    _with_paragraph,
)
from test_verification_render import EXPECTED, statuses, write_lock

from sitebuild import copy_minisite
from toulmin.project import Project

HOSTILE = 'Coverage <script>alert("x")</script> & <b>fell</b> to 0.42.'


def _build(site: Path, out: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(site / "mkdocs.yml"), site_dir=str(out)))


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    """(a cold build, a warm build of the same site), with evidence and every verdict."""
    site = copy_minisite(tmp_path_factory.mktemp("evidence-site") / "site")
    write_lock(site)
    text = _with_paragraph(site)
    # a second post quoting the same figure, with a source sentence that is markup
    other = site / "posts" / "2025-05-20-how-many-members-borrow.md"
    other_text = other.read_text(encoding="utf-8") + (
        "\nFor small samples the Wald interval's coverage can fall to 0.42\n"
        "[@brown2001interval].\n")
    other.write_text(other_text, encoding="utf-8")
    found = {
        POST: [Evidence("brown2001interval", *_at(text, "0.42"), "0.42", BROWN_SAYS,
                        EUROPE_PMC, "figure"),
               Evidence("newcombe1998two", *_at(text, '"score interval"'), '"score interval"',
                        NEWCOMBE_SAYS, NEWCOMBE_PAGE, "quotation")],
        "posts/2025-05-20-how-many-members-borrow.md": [
            Evidence("brown2001interval", *_at(other_text, "0.42"), "0.42", HOSTILE,
                     EUROPE_PMC, "figure")],
    }
    patch = pytest.MonkeyPatch()
    patch.setattr(Project, "evidence", lambda self, path: list(found.get(path, [])))
    try:
        _build(site, site / "cold")
        assert (site / ".cache" / "toulmin").is_dir()
        _build(site, site / "warm")
    finally:
        patch.undo()
    return site / "cold", site / "warm"


def _page(out: Path, slug: str) -> Path:
    found = [p for p in (out / "blog").rglob("index.html") if slug in p.as_posix()]
    assert len(found) == 1, found
    return found[0]


def test_the_post_and_its_excerpt_show_the_source_on_hover(builds):
    cold, _ = builds
    note = f' \u2014 Source: "{BROWN_SAYS}" ({EUROPE_PMC})'
    for page in (_page(cold, "what-a-renewal-rate-measures"), cold / "blog" / "index.html"):
        titles = [t for href, t, _ in _links(page.read_text(encoding="utf-8"))
                  if href.endswith("#ref-brown2001interval")]
        assert titles and titles[0].endswith(note), page
        assert all(not t.endswith(note) for t in titles[1:]), page
    post = _links(_page(cold, "what-a-renewal-rate-measures").read_text(encoding="utf-8"))
    assert any(t.endswith(f'Source: "{NEWCOMBE_SAYS}" ({NEWCOMBE_PAGE})') for _, t, _ in post)


def test_markup_in_a_source_sentence_stays_text(builds):
    cold, _ = builds
    page = _page(cold, "how-many-members-borrow").read_text(encoding="utf-8")
    titles = [t for href, t, _ in _links(page) if href.endswith("#ref-brown2001interval")]
    assert titles[-1].endswith(f'Source: "{HOSTILE}" ({EUROPE_PMC})')
    for built in cold.rglob("*.html"):
        assert "<script>alert" not in built.read_text(encoding="utf-8"), built


def test_every_reference_list_says_how_each_work_was_verified(builds):
    cold, _ = builds
    everything = statuses((cold / "references" / "index.html").read_text(encoding="utf-8"))
    assert {k: v for k, v in everything.items() if k in EXPECTED} == EXPECTED
    assert everything["cohen1988power"] == ""
    post = statuses(_page(cold, "what-a-renewal-rate-measures").read_text(encoding="utf-8"))
    assert post["wilson1927probable"] == "DOI verified with the registry (2026-11-22)"
    assert post["agresti1998approximate"] == "Recorded offline, not verified with a registry"


def test_no_status_or_evidence_markup_shows_as_text(builds):
    cold, _ = builds
    for built in cold.rglob("*.html"):
        page = built.read_text(encoding="utf-8")
        assert "&lt;span" not in page and "&lt;a class" not in page, built
        # every status line is a real element, inside an entry of a reference list
        for m in re.finditer(r"toulmin-verification", page):
            assert page.rfind('<li class="toulmin-ref"', 0, m.start()) > page.rfind(
                "</li>", 0, m.start()), built
        visible = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert "data-search-exclude" not in visible and "toulmin-" not in visible, built


def test_the_search_index_holds_the_references_but_not_the_verification(builds):
    cold, _ = builds
    docs = json.loads((cold / "search" / "search_index.json").read_text())["docs"]
    text = " ".join(d["text"] for d in docs)
    assert "Wilson, E. B. (1927)." in text
    for line in EXPECTED.values():
        assert html.escape(line, quote=False) not in text and line not in text
    assert "Source: &quot;" not in text and BROWN_SAYS not in text


def test_a_warm_build_is_identical_to_a_cold_one(builds):
    cold, warm = builds
    names = sorted(p.relative_to(cold) for p in cold.rglob("*")
                   if p.is_file() and p.suffix in (".html", ".json", ".xml", ".bib"))
    assert len(names) > 10
    assert names == sorted(p.relative_to(warm) for p in warm.rglob("*")
                           if p.is_file() and p.suffix in (".html", ".json", ".xml", ".bib"))
    for name in names:
        assert (warm / name).read_bytes() == (cold / name).read_bytes(), name
