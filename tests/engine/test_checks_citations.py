"""Tests for toulmin.checks.citations: the seeded corpus and one case per rule.

The corpus in tests/fixtures/seeded/ is five posts of original commentary on NHS Talking
Therapies (IAPT) checked against a copy of the site's reference base. Every seeded error
is listed in expected.json as [file, line, code]; the check must report exactly those,
and nothing at the traps listed below (text that looks like an error but is not).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from toulmin.bibliography import bibtex as biblib
from toulmin.bibliography import loading
from toulmin.bibliography.model import Bibliography, Reference
from toulmin.bibliography.names import Name
from toulmin.checks import citeindex
from toulmin.checks.citations import check_markdown
from toulmin.findings import ERROR, WARNING
from toulmin.scan.model import Citation, CiteItem
from toulmin.style import apa
from toulmin.style.apa import render_citation

SEEDED = Path(__file__).resolve().parents[1] / "fixtures" / "seeded"
CODES = [f"CIT00{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    loaded = loading.load(SEEDED / "references.bib")
    assert not loaded.findings
    return loaded


@pytest.fixture(scope="module")
def corpus(bib):
    out = {}
    for path in sorted(SEEDED.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        out[path.name] = (text, check_markdown(path.name, text, bib))
    return out


# =========================================================================== the corpus


def test_corpus_findings_are_exactly_the_seeded_errors(corpus):
    expected = Counter(tuple(row) for row in json.loads((SEEDED / "expected.json").read_text()))
    reported = Counter(
        (name, f.line, f.code) for name, (_, findings) in corpus.items() for f in findings
    )
    missing = expected - reported
    extra = reported - expected
    assert not missing and not extra, f"missing: {sorted(missing)}\nextra: {sorted(extra)}"


def test_corpus_seeds_every_code_several_times():
    rows = json.loads((SEEDED / "expected.json").read_text())
    per_code = Counter(code for _, _, code in rows)
    assert set(per_code) == set(CODES)
    assert min(per_code.values()) >= 4, per_code
    assert len({name for name, _, _ in rows}) == len(list(SEEDED.glob("*.md"))) == 5


def test_corpus_findings_are_well_formed(corpus):
    for name, (_, findings) in corpus.items():
        for f in findings:
            assert f.path == name
            assert f.code in CODES
            assert "\n" not in f.message and "\n" not in f.hint
            assert f.hint
            # CIT007 is a warning for a quotation with no citation (issue 14, H6)
            warn = f.code in ("CIT002", "CIT009") or (
                f.code == "CIT007" and "with no citation:" in f.message)
            assert f.severity == (WARNING if warn else ERROR)
            assert f.format().startswith(f"{name}:{f.line}:{f.column}: {f.code} ")


#: (file, text) that must draw no finding: each is a deliberate trap.
TRAPS = [
    ("2026-09-07-what-recovery-counts.md", "Clark et al. (2018) made the outcome data public"),
    ("2026-09-07-what-recovery-counts.md", "cites @nobody2020 in its front matter"),
    ("2026-09-07-what-recovery-counts.md", "Clrak et al. (2019) and [@nothere2020]"),
    ("2026-09-07-what-recovery-counts.md", "(see @tbl-recovery)"),
    ("2026-09-07-what-recovery-counts.md", 'the "recovery rate"'),
    ("2026-09-07-what-recovery-counts.md", '"reliable improvement"'),
    ("2026-09-07-what-recovery-counts.md", "| Gyani et al. (2013) |"),
    ("2026-09-07-what-recovery-counts.md", "In England (2019) the national target"),
    ("2026-09-07-what-recovery-counts.md", "for 2012-13 onwards"),
    ("2026-09-07-what-recovery-counts.md", "The year (2024-25) is the latest"),
    ("2026-09-07-what-recovery-counts.md", "Davis et al. (2020) used electronic health records"),
    ("2026-09-07-what-recovery-counts.md", '"an analysis of public data" can show'),
    ("2026-09-07-what-recovery-counts.md", "Scott's (2018) call for radical reform"),
    ("2026-09-07-what-recovery-counts.md", "Marks (2018), writing"),
    ("2026-09-07-what-recovery-counts.md", '"under the microscope"'),
    ("2026-09-07-what-recovery-counts.md", "stats-team@toulmin-example.org"),
    ("2026-09-07-what-recovery-counts.md", "Figure @fig-funnel shows"),
    ("2026-09-07-what-recovery-counts.md", '"Funnel, data from @nhsdigital_iapt_annual"'),
    ("2026-09-07-what-recovery-counts.md", "# Clark et al. (2018) style recovery rate"),
    ("2026-09-07-what-recovery-counts.md", "`@nhsdigital_iapt_annual`"),
    ("2026-09-07-what-recovery-counts.md", "https://doi.org/10.1016/S0140-6736(17)32133-5,"),
    ("2026-09-07-what-recovery-counts.md", "(https://doi.org/10.1046/j.1525-1497.2001.0160"),
    ("2026-09-07-what-recovery-counts.md", "the DOI 10.1136/ebmental-2019-300133."),
    ("2026-09-07-what-recovery-counts.md", "Clark et al. (2018, p. 684)"),
    ("2026-09-14-low-intensity-and-severity.md", "Bower et al. (2013) pooled individual"),
    ("2026-09-14-low-intensity-and-severity.md", "Bower et al. (2013) asked about"),
    ("2026-09-14-low-intensity-and-severity.md", "Cuijpers, Andersson and van Straten"),
    ("2026-09-14-low-intensity-and-severity.md", "Table 2 (2019) of a later service audit"),
    ("2026-09-14-low-intensity-and-severity.md", "Since 2012-13 the national data"),
    ("2026-09-14-low-intensity-and-severity.md", "www.thelancet.com"),
    ("2026-09-14-low-intensity-and-severity.md", "doi:10.1016/S0140-6736(16)31140-0."),
    ("2026-09-14-low-intensity-and-severity.md", "DOI, 10.1136/bmj.f540;"),
    ("2026-09-14-low-intensity-and-severity.md", "Kroenke et al. (2001) validated"),
    ("2026-09-14-low-intensity-and-severity.md", "never as Bower et al. (2012)."),
    ("2026-09-14-low-intensity-and-severity.md", "editor@toulmin-example.org"),
    ("2026-09-14-low-intensity-and-severity.md", "(https://example.org/notes/@stepped-care)"),
    ("2026-09-14-low-intensity-and-severity.md", "\\@BowerLab is not a citation"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "| Kroenke et al. (2001) |"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "| Spitzer et al. (2006) |"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "[@spitzer2006gad7, p. 1092]"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "(see @fig-threshold and @sec-recovery)"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "before IAPT (2008) existed"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "Paul's (1967) question"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "March (2020) and COVID-19 (2020)"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "with its DOI: the PHQ-9 paper"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "doi:10.1001/archinte.166.10.1092."),
    ("2026-09-21-questionnaires-and-diagnoses.md", "The correct DOI for the latter is 10.1192/bjp"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "(`score_phq9()`, which reads `@items`)"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "methods@toulmin-example.org"),
    ("2026-09-21-questionnaires-and-diagnoses.md", "# Kroenke et al. (2001): sum of nine items"),
    ("2026-09-28-unexplained-symptoms.md", '"major limitations identified"'),
    ("2026-09-28-unexplained-symptoms.md", "Scott et al. (2022) questioned"),
    ("2026-09-28-unexplained-symptoms.md", "> [@scott2022mus, p. 3]"),
    ("2026-09-28-unexplained-symptoms.md", "Scott (2022) is a different work"),
    ("2026-09-28-unexplained-symptoms.md", "Scott (2017) argued"),
    ("2026-09-28-unexplained-symptoms.md", "(Scott, 2017, 2022)"),
    ("2026-09-28-unexplained-symptoms.md", "[see @kinsella2022cbt, chap. 1]"),
    ("2026-09-28-unexplained-symptoms.md", "Buszewicz and colleagues [@buszewicz2017sertraline]"),
    ("2026-09-28-unexplained-symptoms.md", "(see [@tbl-mus])"),
    ("2026-09-28-unexplained-symptoms.md", "Marks [-@marks2018microscope]"),
    ("2026-09-28-unexplained-symptoms.md", "Jackson and Rizq (2019)"),
    ("2026-09-28-unexplained-symptoms.md", "https://doi.org/10.1186/s40359-020-0380-2,"),
    ("2026-09-28-unexplained-symptoms.md", "DOI is 10.4324/9781003178132."),
    ("2026-09-28-unexplained-symptoms.md", '"@scott2022personalising"'),
    ("2026-09-28-unexplained-symptoms.md", "Scott et al. (2023) is not a real reference"),
    ("2026-10-05-alliance-and-effect-sizes.md", "Horvath and Symonds (1991) pooled"),
    ("2026-10-05-alliance-and-effect-sizes.md", "@borenstein2009introduction [p. 48]"),
    ("2026-10-05-alliance-and-effect-sizes.md", "Tracey and Kokotovic's (1989)"),
    ("2026-10-05-alliance-and-effect-sizes.md", "| @lakens2013effect |"),
    ("2026-10-05-alliance-and-effect-sizes.md", "doi:10.3389/fpsyt.2021.602648,"),
    ("2026-10-05-alliance-and-effect-sizes.md", "is 10.1037/0022-0167.38.2.139"),
    ("2026-10-05-alliance-and-effect-sizes.md", "alliance@toulmin-example.org"),
    ("2026-10-05-alliance-and-effect-sizes.md", "@eq-conversion gives the formula"),
    ("2026-10-05-alliance-and-effect-sizes.md", "@fig-variance the picture"),
]


@pytest.mark.parametrize("name, snippet", TRAPS, ids=[f"{n[:10]}:{s[:30]}" for n, s in TRAPS])
def test_traps_draw_no_finding(corpus, name, snippet):
    text, findings = corpus[name]
    start = text.index(snippet)  # the trap is really in the post
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    hits = [f for f in findings if f.line == line and col <= f.column < col + len(snippet)]
    assert not hits, hits


# =========================================================================== one rule at a time


def codes(bib, text: str, **kw) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.code) for f in check_markdown("p.md", text, bib, **kw)]


def only(bib, text: str, **kw):
    found = check_markdown("p.md", text, bib, **kw)
    assert len(found) == 1, found
    return found[0]


def test_clean_text_has_no_findings(bib):
    text = (
        "Clark et al. (2018) and Read and Moncrieff (2022) agree [@clark2018transparency; "
        "@read2022depression, p. 2]. As @scott2018radical argued, the \"need for radical "
        "reform\" is real. Spitzer and Fleiss (1974) and (Horvath & Symonds, 1991) too.\n"
    )
    assert codes(bib, text) == []


def test_cit001_unknown_key_with_suggestion(bib):
    f = only(bib, "Text [@clark2018transparancy] here.")
    assert (f.code, f.line, f.column, f.severity) == ("CIT001", 1, 7, ERROR)
    assert f.message == (
        "unknown citation key 'clark2018transparancy' (did you mean 'clark2018transparency'?)"
    )
    assert "@clark2018transparency" in f.hint


def test_cit001_without_suggestion(bib):
    f = only(bib, "Text [@zzzz] here.")
    assert f.message == "unknown citation key 'zzzz'"


def test_cit001_for_bare_key_with_year_or_close_to_a_key(bib):
    assert codes(bib, "As @smith2020 said.") == [(1, 4, "CIT001")]
    assert codes(bib, "As @nhstt_pakage said.") == [(1, 4, "CIT001")]


def test_cit002_social_handle_is_a_warning(bib):
    f = only(bib, "Follow @NHSEngland for news.")
    assert (f.code, f.severity, f.column) == ("CIT002", WARNING, 8)
    assert "social-media handle" in f.message
    assert codes(bib, "See [@NHSEngland].") == [(1, 6, "CIT001")]


def test_known_keys_are_not_unknown(bib):
    assert codes(bib, "Text [@elsewhere2020] here.", known_keys={"elsewhere2020"}) == []


def test_crossrefs_and_masked_text_are_ignored(bib):
    text = "See @fig-a, [@tbl-b], `[@nokey1]`, <!-- @nokey2 -->, a@b.org and \\@nokey3.\n"
    assert codes(bib, text) == []


def test_nested_narrative_key_is_checked(bib):
    assert codes(bib, "Text [@clark2018transparency, and @nokey2020] here.") == [
        (1, 35, "CIT001")
    ]


def test_cit003_misspelt_surname(bib):
    f = only(bib, "As Gyanni et al. (2013) found.")
    assert (f.code, f.column) == ("CIT003", 4)
    assert "'gyani2013enhancing'" in f.message and "'Gyani'" in f.message


def test_cit003_missing_diacritic(bib):
    f = only(bib, "Spitzer, Kroenke, Williams, and Lowe (2006) wrote.")
    assert f.code == "CIT003" and "'Löwe'" in f.message


def test_cit003_name_before_suppressed_citation(bib):
    f = only(bib, "Clrak et al. [-@clark2018transparency] argued.")
    assert (f.code, f.column) == ("CIT003", 1)
    assert "'Clark'" in f.message
    assert codes(bib, "Smith [-@clark2018transparency] argued.") == [(1, 1, "CIT003")]


def test_cit004_wrong_year(bib):
    f = only(bib, "Clark et al. (2017) argued.")
    assert f.code == "CIT004"
    assert "'clark2018transparency' is 2018" in f.message


def test_cit004_with_same_surname_entries(bib):
    f = only(bib, "(Scott, 2019)")
    assert f.code == "CIT004" and "scott2018radical" in f.message


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("Moncrieff and Read (2022) said.", "lists Read, Moncrieff"),
        ("(Moncrieff & Read, 2022)", "lists Read, Moncrieff"),
        ("Horvath et al. (1991) said.", "'et al.' used for 'horvath1991relation'"),
        ("Tolin et al. (2010) said.", "one author"),
        ("Kinsella (2022) said.", "has two authors"),
        ("Layard et al. (2018) said.", "not the first author of 'clark2018transparency'"),
        ("Read et al. [-@read2022depression] said.", "'et al.' used for 'read2022depression'"),
    ],
)
def test_cit005_author_order_and_et_al(bib, text, fragment):
    f = only(bib, text)
    assert f.code == "CIT005" and fragment in f.message, f.message


NAMED_AS_THE_SITE = r"""
@article{salas2020, author = {Salas, Eduardo and D'Agostino, Rocco},
  title = {Teamwork in health care}, journal = {American Psychologist}, year = {2020}}
@article{wu2012, author = {Wu, Li and Chen, Bo and others}, title = {Stepped care},
  journal = {Journal of Things}, year = {2012}}
"""


def test_cit005_advises_the_names_as_the_site_prints_them():
    # The fix is the style's own narrative form (style.apa.author_short), which the site
    # prints for @salas2020: a typographic apostrophe (the check's own formatter advised
    # "D'Agostino"), and "et al." for an entry that ends "and others" (it advised "Wu and
    # Chen" and called "Wu et al." wrong).
    b = biblib.parse_string(NAMED_AS_THE_SITE, "names.bib")
    f = only(b, "Salas (2020) showed it.")
    assert (f.code, f.message) == (
        "CIT005", "'salas2020' has two authors: write 'Salas and D\u2019Agostino' (APA 7 §8.17)"
    )
    assert f"write '{apa.author_short(b['salas2020'], narrative=True)}'" in f.message
    site = render_citation(Citation((CiteItem("salas2020"),), True, 0, 1, 1, 1),
                           dict(b.entries), {}, html=False)
    assert site == "Salas and D\u2019Agostino (2020)"
    assert codes(b, "Salas and D\u2019Agostino (2020) showed it.") == []  # the fix is accepted
    f = only(b, "D\u2019Agostino et al. [-@salas2020] showed it.")
    assert f.hint == "write 'Salas and D\u2019Agostino'"
    assert codes(b, "Wu et al. (2012) and Wu et al. [-@wu2012] showed it.") == []
    f = only(b, "Chen et al. (2012) showed it.")
    assert (f.code, f.hint) == ("CIT005", "write 'Wu et al.'")


def test_same_surname_same_year_picks_the_fitting_entry(bib):
    # scott2022personalising has one author, scott2022mus four: both forms are right.
    assert codes(bib, "Scott (2022) and Scott et al. (2022) and (Scott, 2022a, 2022b).") == []


def test_cit006_no_entry(bib):
    f = only(bib, "Wakefield et al. (2021) pooled ten years of data.")
    assert (f.code, f.severity, f.message) == (
        "CIT006", ERROR, "no entry in the bibliography for 'Wakefield et al. (2021)'"
    )
    assert codes(bib, "as shown before (Wampold, 2015).") == [(1, 18, "CIT006")]
    assert codes(bib, "Layard and Clark (2014) wrote a book.") == [(1, 1, "CIT006")]


def test_cit006_not_for_words_that_are_not_surnames(bib):
    text = "In England (2019) and March (2020), IAPT (2008) and Table 2 (2019) grew.\n"
    assert codes(bib, text) == []


def test_cit007_quotation_without_locator(bib):
    text = 'They call it "a service that marks its own homework each year" [@marks2018microscope].'
    f = only(bib, text)
    assert (f.code, f.column) == ("CIT007", 14)
    assert f.message == "direct quotation without a page locator for 'marks2018microscope'"
    assert f.hint == ("add the page, e.g. [@marks2018microscope, p. 12], or for a work "
                      "without pages its section: [@marks2018microscope, sec. Conclusions]")


QUOTE = 'They call it "a service that marks its own homework each year" '


@pytest.mark.parametrize(
    "text",
    [
        QUOTE + "[@marks2018microscope, p. 2].",
        QUOTE + "[@marks2018microscope, para. 4].",
        QUOTE + "[@marks2018microscope, § 3].",
        QUOTE + "[@marks2018microscope, 12].",
        'As @marks2018microscope [p. 2] put it, "the service marks its own homework each year".',
        'As @marks2018microscope put it, "the service marks its own homework each year" (p. 2).',
        "They call it a 'homework' service, \"self-marking\" even [@marks2018microscope].",
    ],
)
def test_cit007_satisfied(bib, text):
    assert codes(bib, text) == []


def test_cit007_quotation_without_citation(bib):
    # Issue 14 (H6): a quotation with no citation in or around it is a warning (another's
    # words to cite, or the author's own example); this test asserted an error before.
    f = only(bib, "> A blockquote of several words with no source at all.\n")
    assert (f.code, f.line, f.column, f.severity) == ("CIT007", 1, 1, WARNING)
    assert f.message.startswith("direct quotation with no citation: if these are another's")


def test_cit007_chapter_is_a_locator(bib):
    # Issue 14: a chapter, section or table is a locator for a work without pages (APA 7
    # §8.28); this test asserted the opposite before.
    assert codes(bib, '"a quotation of at least five words" [@kinsella2022cbt, chap. 1]') == []
    f = only(bib, '"a quotation of at least five words" [@kinsella2022cbt, vol. 1]')
    assert f.code == "CIT007"


def test_cit008_malformed_doi(bib):
    found = check_markdown("p.md", "See 10.1037/ and doi:10.10/x and doi:10.3389 here.", bib)
    assert [(f.code, f.column) for f in found] == [
        ("CIT008", 5), ("CIT008", 22), ("CIT008", 38)
    ]
    assert all("malformed DOI" in f.message for f in found)


def test_cit009_unknown_doi_case_insensitive(bib):
    assert codes(bib, "See https://doi.org/10.1136/BMJ.F540 here.") == []
    f = only(bib, "See https://doi.org/10.1136/bmj.f504 here.")
    assert (f.code, f.column) == ("CIT009", 21)
    assert f.message == "DOI '10.1136/bmj.f504' matches no entry in the bibliography"


def test_findings_are_sorted_by_position(bib):
    text = "Tolin et al. (2010) [@zz1] and\n[@zz2] Clark et al. (2017)."
    assert codes(bib, text) == [(1, 1, "CIT005"), (1, 22, "CIT001"), (2, 2, "CIT001"),
                                (2, 8, "CIT004")]


# =========================================================================== the index


def test_index_is_built_once_per_bibliography(bib):
    first = citeindex.index_of(bib)
    check_markdown("p.md", "Clark et al. (2018).", bib)
    assert citeindex.index_of(bib) is first
    other = biblib.parse_string((SEEDED / "references.bib").read_text(encoding="utf-8"))
    assert citeindex.index_of(other) is not first


def _big_bibliography(n: int) -> Bibliography:
    surnames = ["Clark", "Scott", "Marks", "Read", "Moncrieff", "Layard", "Gyani", "Löwe",
                "O'Mahen", "Warnock-Parkes", "Horvath", "Symonds", "Kroenke", "Spitzer"]
    entries = {}
    for i in range(n):
        year = str(1970 + i % 55)
        people = tuple(
            Name(family=f"{surnames[(i + j) % len(surnames)]}{i % 97}", given="A.")
            for j in range(1 + i % 5)
        )
        key = f"ref{i:05d}{year}"
        entries[key] = Reference(key=key, type="article",
                                 fields={"year": year, "doi": f"10.1234/bench.{i}"},
                                 authors=people)
    return Bibliography("big.bib", entries, [])


