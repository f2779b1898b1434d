"""Every figure and quotation the source check examines, with its verdict
(``Project.attributions``), and the audit page's HTML made of them (``render.audit``).

The site is a copy of the minisite (tests/fixtures/minisite) with stored texts added: the
abstract of Newcombe (1998) as a registry would give it, an excerpt of Cohen (1988) at the
page the minisite's quotation cites, and a post attributing one figure found in the
abstract, one figure not in it, and two figures to a work with no stored text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from sitebuild import copy_minisite
from toulmin.bibliography.sources import (
    EXCERPT,
    FOUND,
    NO_TEXT,
    NOT_FOUND,
    Attribution,
    write_abstracts,
)
from toulmin.project import Project
from toulmin.render import audit

# The abstract of Newcombe (1998), Statistics in Medicine 17(8), 857-872, shortened to its
# first sentences and the one the post takes its figure from.
NEWCOMBE = ("Simple interval estimate methods for proportions exhibit poor coverage and can "
            "produce evidently inappropriate intervals. Seven methods for the single "
            "proportion are evaluated on 96,000 parameter space points. Intervals based on "
            "tail areas and the simpler score methods are recommended for use.")
NEWCOMBE_DOI = "10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E"
# An excerpt invented for these tests (the minisite's works are cited in a synthetic site);
# it holds the words the minisite's post quotes from p. 26.
COHEN_YAML = """\
excerpts:
  - locator: "p. 26"
    text: >-
      A medium effect size is one likely to be visible to the naked eye of a careful
      observer.
    recorded: "2026-12-05, the tests, an excerpt invented for the audit tests"
"""
POST_NAME = "posts/2025-06-03-reading-an-interval-study.md"
POST = """\
---
title: "Reading an interval study"
date: 2025-06-03
authors: [editor]
categories: [Methods]
---

# Reading an interval study

@newcombe1998two compared the methods on 96,000 points of the **parameter space**.
Of the methods he tested, 12 were score intervals [@newcombe1998two]. A simple fix is
to add 2 successes and 2 failures before computing a [Wald](https://example.org/wald)
interval [@agresti1998approximate].
"""
COHEN_POST = "posts/2025-05-20-how-many-members-borrow.md"


def _site(root: Path, post: str = POST, cohen: str = COHEN_YAML,
          newcombe: str = NEWCOMBE) -> Path:
    site = copy_minisite(root / "site")
    write_abstracts(site / "references.sources.json", {"newcombe1998two": {
        "doi": NEWCOMBE_DOI, "text": newcombe, "kind": "abstract", "via": "europepmc",
        "url": "https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=DOI:10.1002",
        "retrieved": "2026-11-30"}})
    (site / "sources").mkdir()
    (site / "sources" / "cohen1988power.yaml").write_text(cohen, encoding="utf-8")
    (site / POST_NAME).write_text(post, encoding="utf-8")
    return site


def _pos(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


@pytest.fixture(scope="module")
def attributions(tmp_path_factory) -> list[Attribution]:
    site = _site(tmp_path_factory.mktemp("audit"))
    return Project.load(site).attributions()


def test_every_attribution_of_the_site_with_its_verdict(attributions):
    assert [(a.path, a.written, a.verdict) for a in attributions] == [
        (COHEN_POST, "visible to the naked eye of a careful observer", EXCERPT),
        (POST_NAME, "96,000", FOUND),
        (POST_NAME, "12", NOT_FOUND),
        (POST_NAME, "2", NO_TEXT),
        (POST_NAME, "2", NO_TEXT),
    ]


def test_a_figure_found_in_the_abstract(attributions):
    a = attributions[1]
    assert (a.line, a.column) == _pos(POST, "96,000")
    assert a.kind == "figure"
    # the post's sentence as plain text: emphasis marks dropped, the citation as written
    assert a.sentence == ("@newcombe1998two compared the methods on 96,000 points of the "
                          "parameter space.")
    assert a.sentence[slice(*a.mark)] == "96,000"
    assert (a.keys, a.locator, a.key) == (("newcombe1998two",), "", "newcombe1998two")
    assert a.source_sentence == ("Seven methods for the single proportion are evaluated on "
                                 "96,000 parameter space points.")
    assert (a.source, a.via, a.date, a.code, a.note) == ("abstract", "europepmc",
                                                         "2026-11-30", "", "")
    assert a.provenance() == "abstract, via Europe PMC, retrieved 2026-11-30"


def test_a_figure_not_found_carries_the_finding_made_of_it(attributions):
    a = attributions[2]
    assert (a.line, a.column) == _pos(POST, "12 were")
    assert a.sentence == "Of the methods he tested, 12 were score intervals [@newcombe1998two]."
    assert (a.key, a.source_sentence, a.provenance()) == ("", "", "")
    assert a.code == "SRC001"
    assert a.note.startswith("the figure 12 is not in the abstract of 'newcombe1998two' "
                             "(it reports 96,000")


def test_a_figure_of_a_work_without_stored_text(attributions):
    first, second = attributions[3:]
    assert ((first.line, first.column), (second.line, second.column)) == (
        _pos(POST, "2 successes"), _pos(POST, "2 failures"))
    # the link's text kept, its address dropped
    assert first.sentence == ("A simple fix is to add 2 successes and 2 failures before "
                              "computing a Wald interval [@agresti1998approximate].")
    assert first.keys == ("agresti1998approximate",)
    # each marked at its own place in the sentence, not at the first "2"
    at, end = first.sentence.index("2 successes"), second.sentence.index("2 failures")
    assert (first.mark, second.mark) == ((at, at + 1), (end, end + 1))
    # the work has a DOI: SRC003 (said once in the document, recorded for both)
    assert (first.code, second.code) == ("SRC003", "SRC003")
    assert first.note == ("no stored text of 'agresti1998approximate' to check the figure 2 "
                          "against")


def test_a_quotation_found_in_an_excerpt_at_its_page(attributions):
    a = attributions[0]
    text = (Path(__file__).parents[1] / "fixtures" / "minisite" / COHEN_POST).read_text()
    assert (a.line, a.column) == _pos(text, '"visible')
    assert a.kind == "quotation"
    assert a.sentence == ('@cohen1988power called a medium effect one "visible to the naked '
                          'eye of a careful observer" [@cohen1988power, p. 26], and '
                          "@jacobson1991clinical asked, of a change in one person, whether "
                          "it was both reliable and large enough to be meaningful.")
    assert a.sentence[slice(*a.mark)] == '"visible to the naked eye of a careful observer"'
    assert (a.keys, a.locator) == (("cohen1988power",), "p. 26")
    assert (a.source, a.source_locator, a.date) == ("excerpt", "p. 26", "2026-12-05")
    assert a.source_sentence == ("A medium effect size is one likely to be visible to the "
                                 "naked eye of a careful observer.")
    # recorded by hand, and said so: never "verified"
    assert a.provenance() == ("excerpt, p. 26, recorded by hand: 2026-12-05, the tests, an "
                              "excerpt invented for the audit tests")


def test_a_warm_check_gives_the_same_attributions(tmp_path):
    site = _site(tmp_path)
    cold = Project.load(site).attributions()
    warm_project = Project.load(site)
    assert warm_project.attributions() == cold
    assert all(isinstance(a.keys, tuple) for a in cold)


def test_attributions_follow_an_edit_to_the_stored_text(tmp_path):
    site = _site(tmp_path)
    assert [a.verdict for a in Project.load(site).attributions()][2] == NOT_FOUND
    write_abstracts(site / "references.sources.json", {"newcombe1998two": {
        "doi": NEWCOMBE_DOI, "text": NEWCOMBE + " Of them, 12 were score intervals.",
        "kind": "abstract", "via": "crossref", "url": "https://api.crossref.org/works/x",
        "retrieved": "2026-12-01"}})
    again = Project.load(site).attributions()
    assert (again[2].verdict, again[2].source_sentence, again[2].provenance()) == (
        FOUND, "Of them, 12 were score intervals.", "abstract, via Crossref, retrieved 2026-12-01")


@pytest.mark.parametrize(("markdown", "figure", "plain", "marked"), [
    # a range: the check reads its upper figure, the page marks what was written
    ("of them, 55\u201356% had recovered [@clark2009improving].", "55\u201356%",
     "of them, 55\u201356% had recovered [@clark2009improving].", "55\u201356%"),
    ("- **About 40%** of [first](https://example.org/x) `code` appointments",
     "About 40%", "About 40% of first appointments", "About 40%"),
    ("> [21.8%]{stat=loans.rate} of loans, *i.e.* 30% [@k]", "30%",
     "21.8% of loans, i.e. 30% [@k]", "30%"),
])
def test_the_plain_sentence_and_where_the_figure_is_in_it(markdown, figure, plain, marked):
    from toulmin.checks.sources import plain_sentence
    from toulmin.scan.masking import mask_markdown

    at = markdown.index(figure)
    text, (a, b) = plain_sentence(mask_markdown(markdown), at, at + len(figure))
    assert text == plain
    assert text[a:b] == marked


# ------------------------------------------------------------------------------ the page


def _html(attributions, **kw) -> str:
    return audit.audit_html(
        attributions, post_title=kw.get("post_title", lambda p: f"Title of {p}"),
        post_url=kw.get("post_url", lambda p: f"/blog/{Path(p).stem}/"),
        work_label=kw.get("work_label", lambda k: f"Label of {k}"),
        work_url=kw.get("work_url", lambda k: f"/references/#ref-{k}"),
        work_title=kw.get("work_title", lambda k: ""), suppressed=kw.get("suppressed"))


def test_the_page_counts_and_lists_every_attribution_grouped_by_post(attributions):
    page = _html(attributions)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "5 figures and quotations attributed to a source, on 2 pages:" in text
    assert "Found in the abstract 1 found in the work's abstract" in text
    assert ("Found in an excerpt recorded by hand 1 found in an excerpt of the full text "
            "recorded by hand, with its page") in text
    assert "Not found in the stored text 1 not found" in text
    assert "No stored text to check against 2 with no stored text" in text
    rows = re.findall(r'<tr id="(audit-\d+-\d+)" class="toulmin-audit-row '
                      r'toulmin-audit-([a-z-]+)">', page)
    assert rows == [("audit-1-1", "excerpt"), ("audit-2-1", "found"),
                    ("audit-2-2", "not-found"), ("audit-2-3", "no-text"),
                    ("audit-2-4", "no-text")]
    assert page.index(f"Title of {COHEN_POST}") < page.index(f"Title of {POST_NAME}")
    # links to the post and to the work's entry; the figure marked in the sentence
    assert '<a href="/references/#ref-newcombe1998two">Label of newcombe1998two</a>' in page
    assert '<a href="/blog/2025-06-03-reading-an-interval-study/">' in page
    assert "compared the methods on <mark>96,000</mark> points" in page
    assert "Found in an excerpt of p. 26, recorded by hand" in page
    assert "<code>SRC001</code> the figure 12 is not in the abstract" in page
    assert "verified" not in text.lower()


def test_a_suppressed_finding_shows_the_authors_reason(attributions):
    a = attributions[2]
    page = _html([a], suppressed={(a.path, a.line, a.column, "SRC001"): "a <b>typo</b>"})
    assert "The author suppressed this finding: a &lt;b&gt;typo&lt;/b&gt;" in page


def test_everything_from_posts_bib_and_sources_is_escaped():
    hostile = '<script>alert("x")</script> & <img src=//evil.example/p.png>'
    a = Attribution("posts/<p>.md", 3, 1, "figure", "42%", f"It fell {hostile} to 42%.",
                    (0, 0), ("k<1>",), "p. <2>", FOUND, "k<1>", f"Fell to 42% {hostile}.",
                    "abstract", "europepmc", "2026-11-30", "", "", "javascript:alert(1)")
    page = _html([a], post_title=lambda p: hostile, work_label=lambda k: hostile,
                 post_url=lambda p: "javascript:alert(2)", work_title=lambda k: hostile,
                 work_url=lambda k: 'x" onmouseover="alert(3)')
    assert "<script" not in page and "<img" not in page
    assert "javascript:" not in page
    assert 'onmouseover="' not in page
    # the post's sentence and title, the work's label and title, the source's sentence
    assert page.count("&lt;script&gt;") == 5


def test_the_page_source_is_a_directive_under_an_escaped_title():
    source = audit.page_source('Audit <script>"x"</script>')
    assert source.splitlines()[1] == 'title: "Audit &lt;script&gt;&quot;x&quot;&lt;/script&gt;"'
    assert "<script>" not in source
    assert source.rstrip().endswith(audit.DIRECTIVE)
    assert audit.page_source().splitlines()[1] == 'title: "Evidence audit"'
