"""What readers see of the evidence: the source's sentence on the hover of the citation whose
figure or quotation the check found in the work's stored text (render.evidence).

Evidence is what ``Project.evidence(doc_path)`` gives (SOURCES_SPEC item 4); here it is set
on the synthetic site's project directly, so these tests hold whatever finds it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from toulmin.project import Project
from toulmin.render.evidence import citation_anchor, citation_notes, hover_note
from toulmin.render.markdown import ToulminExtension

POST = "posts/2025-05-06-what-a-renewal-rate-measures.md"  # in the synthetic site
PARAGRAPH = (
    "In simulations of small samples, @brown2001interval found the coverage of the Wald\n"
    "interval as low as 0.42 at a nominal 95% level. The score interval held up better\n"
    "[@brown2001interval]. A later comparison of seven methods favours the\n"
    "\"score interval\" [@wilson1927probable; @newcombe1998two].\n"
)
BROWN_SAYS = ("For n = 20 and p = 0.05 the actual coverage of the Wald interval was 0.42, "
              "far below the nominal 0.95.")
EUROPE_PMC = "abstract, via Europe PMC, retrieved 2026-11-30"
NEWCOMBE_SAYS = "Of the seven methods, the score interval is recommended."
NEWCOMBE_PAGE = "excerpt, p. 870, recorded 2026-12-04 by the editors"
NOTE = '\u2014 Source: "'  # (a statistic's hover says "Source: Riverside Libraries (2025)")


@dataclass(frozen=True)
class Evidence:
    """The fields of the spec's Evidence (SOURCES_SPEC item 4): all the renderer reads."""

    key: str
    line: int
    column: int
    written: str
    source_sentence: str
    provenance: str
    kind: str


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` in ``text``."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _with_paragraph(site: Path) -> str:
    """The post with PARAGRAPH after its first one (before the excerpt separator)."""
    path = site / POST
    text = path.read_text(encoding="utf-8").replace("<!-- more -->",
                                                    PARAGRAPH + "\n<!-- more -->", 1)
    path.write_text(text, encoding="utf-8")
    return text


def _evidence(text: str, brown_says: str = BROWN_SAYS) -> list[Evidence]:
    return [
        Evidence("brown2001interval", *_at(text, "0.42"), "0.42", brown_says, EUROPE_PMC,
                 "figure"),
        Evidence("newcombe1998two", *_at(text, '"score interval"'), '"score interval"',
                 NEWCOMBE_SAYS, NEWCOMBE_PAGE, "quotation"),
    ]


class _Links(HTMLParser):
    """Every citation link: (href, title, text), attributes unescaped as a browser does."""

    def __init__(self):
        super().__init__()
        self.links: list[list[str]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("class") == "toulmin-cite":
            self.links.append([attrs["href"], attrs.get("title") or "", ""])
            self._open = True

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.links[-1][2] += data


def _links(html: str) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(html)
    return [tuple(x) for x in parser.links]


def _body(text: str) -> str:
    """The post as MkDocs hands it to Python-Markdown: without its front matter."""
    return text.split("---\n", 2)[2].lstrip("\n")


def _convert(project: Project, body: str, source: Path | None) -> str:
    ext = ToulminExtension(project=project)
    ext.page_source = str(source) if source else None
    return markdown.Markdown(extensions=[ext]).convert(body)


@pytest.fixture
def site_with_evidence(minisite, monkeypatch):
    text = _with_paragraph(minisite)
    found = {POST: _evidence(text)}
    monkeypatch.setattr(Project, "evidence", lambda self, path: list(found.get(path, [])))
    return minisite, text, found


def test_the_hover_shows_the_source_sentence_and_where_it_came_from(site_with_evidence):
    site, text, _ = site_with_evidence
    project = Project.load(site)
    links = _links(_convert(project, _body(text), site / POST))
    brown = [t for href, t, _ in links if href == "#ref-brown2001interval"]
    # the narrative citation of the sentence with 0.42, then the bracketed one of the next
    # sentence, then the one in the post's later paragraph
    assert len(brown) == 3
    reference = brown[1]
    assert reference.startswith("Brown, L. D., Cai, T. T., & DasGupta, A. (2001).")
    assert brown[0] == f'{reference} \u2014 Source: "{BROWN_SAYS}" ({EUROPE_PMC})'
    assert brown[2] == reference
    # a citation of several works: the note only on the work the quotation is found in
    at = next(i for i, link in enumerate(links) if link[0] == "#ref-newcombe1998two")
    cited = {href: title for href, title, _ in links[at:at + 2]}  # APA order: Newcombe first
    assert cited["#ref-wilson1927probable"].endswith("https://doi.org/10.1080/"
                                                     "01621459.1927.10502953")
    assert cited["#ref-newcombe1998two"].endswith(
        f'\u2014 Source: "{NEWCOMBE_SAYS}" ({NEWCOMBE_PAGE})')
    # the work's citation in the post's later paragraph shows only the reference
    later = [t for href, t, shown in links
             if href == "#ref-newcombe1998two" and shown == "Newcombe (1998)"]
    assert later and NOTE not in later[0]


def test_a_source_sentence_is_text_never_markup(site_with_evidence):
    site, text, found = site_with_evidence
    hostile = 'Coverage <script>alert("x")</script> & <b>fell</b> to 0.42.'
    found[POST] = [Evidence("brown2001interval", *_at(text, "0.42"), "0.42", hostile,
                            'abstract, via <i>Europe PMC</i>, retrieved 2026-11-30', "figure")]
    html = _convert(Project.load(site), _body(text), site / POST)
    assert "<script>" not in html and "<b>fell" not in html and "<i>Europe" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fell" in html
    title = next(t for href, t, _ in _links(html) if href == "#ref-brown2001interval")
    assert title.endswith(f'Source: "{hostile}" (abstract, via <i>Europe PMC</i>, '
                          "retrieved 2026-11-30)")


def test_without_the_document_or_its_evidence_no_hover_changes(site_with_evidence):
    site, text, found = site_with_evidence
    project = Project.load(site)
    with_notes = _convert(project, _body(text), site / POST)
    # a host that does not say which file it renders, and a page with no evidence
    assert NOTE not in _convert(project, _body(text), None)
    found.clear()
    plain = _convert(Project.load(site), _body(text), site / POST)
    assert NOTE not in plain
    # the notes (escaped inside their title attributes) are all that differs
    assert with_notes.count(NOTE.replace('"', "&quot;")) == 2
    assert plain == re.sub(' \u2014 Source: [^"]*', "", with_notes)


def test_a_text_the_host_changed_gets_no_note_rather_than_a_wrong_one(site_with_evidence):
    site, text, _ = site_with_evidence
    # a citation added before the paragraph shifts every later citation by one: the notes'
    # ordinals no longer fit, and the words before each citation say so
    body = _body(text).replace("Riverside Libraries reports",
                               "As @brown2001interval noted, Riverside Libraries reports", 1)
    html = _convert(Project.load(site), body, site / POST)
    assert NOTE not in html


def test_the_render_cache_keeps_no_note_between_citations_with_the_same_markdown(
        site_with_evidence):
    """Renderings are kept by the citation's Markdown; the note is added per citation, so
    another sentence citing the work alike never shows it, in this build or the next."""
    site, text, _ = site_with_evidence
    project = Project.load(site)
    ext = ToulminExtension(project=project)
    ext.load_render_cache()
    ext.page_source = str(site / POST)
    md = markdown.Markdown(extensions=[ext])
    first = md.convert(_body(text))
    other = site / "docs" / "index.md"
    ext.page_source = str(other)
    elsewhere = md.convert("As @brown2001interval found, 0.42 is low.\n")
    assert NOTE not in elsewhere and "Brown" in elsewhere
    ext.page_source = str(site / POST)
    assert md.convert(_body(text)) == first
    ext.save_render_cache()
    warm = ToulminExtension(project=Project.load(site))
    warm.load_render_cache()
    warm.page_source = str(site / POST)
    assert markdown.Markdown(extensions=[warm]).convert(_body(text)) == first


# -- the mapping, on constructed text ------------------------------------------------------


def _packed(text: str) -> tuple:
    ext = ToulminExtension(project=None)
    return ext.find_citations(text)


def test_evidence_goes_to_the_citation_of_its_sentence():
    text = ("---\ntitle: \"A post\"\n---\n\n"
            "Loans rose by 12% [@a2020, p. 5]. Renewals fell by 3% [@a2020].\n"
            "Both figures are from one report [@b2021].\n\n"
            "A new paragraph on 12% again [@a2020].\n")
    cites = _packed(text)
    assert len(cites) == 4
    ev = [Evidence("a2020", *_at(text, "3%"), "3%", "Renewals fell by 3%.", "abstract", "figure")]
    notes = citation_notes(text, cites, ev)
    assert list(notes) == [1]
    anchor, by_key = notes[1]
    assert anchor == citation_anchor(text, cites[1][1], cites[1][2])
    assert anchor.endswith("Renewals fell by 3% [@a2020]")
    assert by_key == {"a2020": ' \u2014 Source: "Renewals fell by 3%." (abstract)'}
    # a locator's full stop ends no sentence; the work's citation is found in its sentence
    ev = [Evidence("a2020", *_at(text, "12%"), "12%", "Loans rose by 12%.", "abstract",
                   "figure")]
    assert list(citation_notes(text, cites, ev)) == [0]
    # evidence for a work its paragraph does not cite, or at no place in the text: nowhere
    ev = [Evidence("b2021", *_at(text, "12%", 1), "12%", "x", "abstract", "figure"),
          Evidence("a2020", 99, 1, "3%", "x", "abstract", "figure")]
    assert citation_notes(text, cites, ev) == {}
    # sentences split otherwise than here: the nearest citation of the work in the paragraph
    ev = [Evidence("b2021", *_at(text, "3%"), "3%", "x", "abstract", "figure")]
    assert list(citation_notes(text, cites, ev)) == [2]


def test_a_narrative_citation_opening_the_next_sentence_is_not_this_ones():
    text = "Renewals fell by 3% [@a2020]. @a2020 later wrote 5%.\n"
    cites = _packed(text)
    ev = [Evidence("a2020", *_at(text, "5%"), "5%", "Five per cent.", "abstract", "figure")]
    assert list(citation_notes(text, cites, ev)) == [1]
    ev = [Evidence("a2020", *_at(text, "3%"), "3%", "Three per cent.", "abstract", "figure")]
    assert list(citation_notes(text, cites, ev)) == [0]


def test_one_source_sentence_for_several_figures_is_shown_once():
    note = hover_note([("Of 1,211 patients,\n 42% recovered.", "abstract, via Crossref"),
                       ("Of 1,211 patients, 42% recovered.", "abstract, via Crossref"),
                       ("", "nothing"),
                       ("At 12 months, 35% had relapsed.", "excerpt, p. 4")])
    assert note == (' \u2014 Source: "Of 1,211 patients, 42% recovered." (abstract, via '
                    'Crossref); "At 12 months, 35% had relapsed." (excerpt, p. 4)')
    assert hover_note([]) == ""


def test_the_check_s_evidence_reaches_the_hover(minisite):
    """Through the real API: an abstract stored in references.sources.json, a post quoting
    its figure, the check, then the hover (skipped until the sources engine is there)."""
    pytest.importorskip("toulmin.checks.sources")
    (minisite / "references.sources.json").write_text(json.dumps({"format": 1, "works": {
        "brown2001interval": {
            "doi": "10.1214/ss/1009213286", "kind": "abstract", "via": "europepmc",
            "text": "We revisit the Wald interval. Of 1,211 simulated samples, 42% gave a "
                    "coverage below the nominal level. The score interval is recommended.",
            "url": "https://www.ebi.ac.uk/europepmc/webservices/rest/search",
            "retrieved": "2026-11-30"}}}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    path = minisite / POST
    text = path.read_text(encoding="utf-8").replace(
        "<!-- more -->",
        "In one simulation study, 42% of samples fell short of the nominal coverage\n"
        "[@brown2001interval].\n\n<!-- more -->", 1)
    path.write_text(text, encoding="utf-8")
    project = Project.load(minisite)
    assert not [f for f in project.check() if f.is_error and f.path == POST]
    assert project.evidence(POST)
    titles = [t for href, t, _ in _links(_convert(project, _body(text), path))
              if href == "#ref-brown2001interval"]
    assert 'Source: "Of 1,211 simulated samples, 42% gave a coverage below the nominal ' \
           "level" in titles[0]
    assert titles[0].endswith("(abstract, via Europe PMC, retrieved 2026-11-30)")
    assert NOTE not in titles[1]
