"""``toulmin.style.apa`` against pandoc's citeproc with apa.csl, the oracle.

pandoc (the binary of pypandoc-binary) renders every entry of a snapshot of the
commentary's reference base (``tests/fixtures/bib/commentary-snapshot/references.bib``, see
the ``SOURCES.md`` beside it) and of a real-world reference base of 1,052 entries
(``tests/fixtures/bib/zotero-bbt-import/Unabbreviate on import #1436-2.bib``, see the
``SOURCES.md`` beside it) with ``tests/fixtures/csl/apa.csl``, once per file. Each entry
is compared with :func:`toulmin.style.apa.reference_text` after white space is normalised.

Every remaining difference is listed below with its reason. A test fails on a difference
that is not listed, and on a listed one that no longer occurs (the list must stay true).
The in-text citations of the snapshot's entries are compared the same way.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

from toulmin.bibliography import loading
from toulmin.scan.model import Citation, CiteItem
from toulmin.style import apa

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parents[2]
CSL = ROOT / "tests" / "fixtures" / "csl" / "apa.csl"
SITE_BIB = ROOT / "tests" / "fixtures" / "bib" / "commentary-snapshot" / "references.bib"
REAL_BIB = (
    ROOT
    / "tests"
    / "fixtures"
    / "bib"
    / "zotero-bbt-import"
    / ("Unabbreviate on import #1436-2.bib")
)

# --------------------------------------------------------------------------- reasons

PARTICLE = (
    "APA 7 keeps a name's particle with the surname ('van Straten, A.', 'de Lima, M. M.'); "
    "pandoc reads a BibTeX 'von' part as a dropping particle and apa.csl prints it after "
    "the initials ('Straten, A. van')"
)
LITERAL_YEAR = (
    "year = {2014--2025} is not a number: pandoc prints the raw field ('2014--2025'), "
    "toulmin the decoded range with an en dash ('2014–2025')"
)
MATH = (
    "TeX math in the title: pandoc renders it (subscripts, italic symbols), while "
    "toulmin.latex leaves TeX markup in the decoded field ('CuInS_2', '$\\slash$' lost)"
)
TEXTENDASH = (
    "pandoc bug: its LaTeX reader drops '\\textendash{}' and a braced group after it "
    "('19\\textendash{}95' becomes '1995', 'III\\textendash{{V}}' becomes 'III')"
)
VPHANTOM = (
    "data: Better BibTeX wrote escaped braces with '\\vphantom' ('\\{\\{\\vphantom{\\}\\}}"
    "{{GaAs}}\\vphantom\\{\\}'); pandoc and toulmin.latex decode this junk differently"
)
DUPLICATE_KEY = "data: the key is defined twice; pandoc keeps the last entry, toulmin the first"
CAPITAL_AND = (
    "data: the authors are joined by 'And'; BibTeX (and bibtexparser) split at any case of "
    "'and', pandoc only at lower-case 'and'"
)
EM_DASH_PAGES = (
    "pages = {3355---3359}: pandoc keeps the em dash; APA 7 §6.6 page ranges take an en dash"
)
DOTLESS_I = "'{\\u \\i}': pandoc gives a dotless i with a combining breve, toulmin.latex 'ĭ'"

# Reference-list entries that differ, and why.
# fmt: off
KNOWN = {
    "references.bib": {
        "bower2013severity": PARTICLE,
        "nhsdigital_iapt_annual": LITERAL_YEAR,
        "nhsengland_tt_monthly": LITERAL_YEAR,
    },
    REAL_BIB.name: {
        **dict.fromkeys((
            "Abou-Ras_jap_2010", "Bardoux_prb_2009", "Boonchun_prb_2010", "Brener_prb_1992",
            "Brosseau_prb_2010", "Daweritz_susc_1990", "Furtmayr_prb_2011", "Galtrey_jap_2008",
            "Gericke_jap_2012", "Hildebrandt_pssa_1988", "Holmes_apl_2011", "Holmes_jap_2011",
            "Hong_oe_2009", "Keller_2007", "Kim_apl_2007", "Landmann2015", "Lee_jap_2007",
            "Liu_pml_2004", "Maximenko_nl_2009", "Narukawa_prb_1999", "Nishizuka_apl_2004",
            "Rigutti_prb_2010", "Ristic_prb_2003", "Schley_prb_2007", "Simon_prb_2000",
            "Stern_slms_1985", "Sun_jap_2002", "Sun_prb_2003", "Trampert_jpiv_2006",
            "Wang_prb_2001", "Wolz_apl_2011", "Wolz_apl_2012", "Wolz_cgd_2012",
        ), MATH),
        **dict.fromkeys((
            "Akyol_2011", "Anguiano_2017", "Bechstedt_jpcm_2013", "Bernardini_pssb_1999",
            "Caccamo_aami_2014", "Chen_2015", "Dick_pcgcm_2008", "Dimakis_cgd_2011",
            "Gomez-Gomez_nt_2014", "GorjiGhalamestani_2012", "Hestroffer_nt_2010",
            "Johansson_acsnano_2012", "Kupers_2019", "Kuttge_2009", "Lahnemann_2019a",
            "Marquardt_nl_2013", "ODonnell_mseb_1997", "Rieger_2014a", "Rudolph_2013a",
            "Ruppel_2017", "Segura-Ruiz_nl_2014", "Sun_nt_2008", "Wang_cgd_2013",
            "Whiteley_2019", "Zhang_2019", "vanTreeck_2019",
        ), TEXTENDASH),
        **dict.fromkeys((
            "Biermanns_2012", "Bolinsson_2014", "Capiod_2013", "Corfdir_2018", "Davtyan_2016",
            "Favre-Nicolin_2010", "Giuntoni_2016", "Hill_2018", "Holt_2014", "Kohl_2015",
            "Lin_2017", "Marquardt_2017", "Rieger_2013", "Stankevic_2015",
        ), VPHANTOM),
        "Jacobsson_2016": DUPLICATE_KEY,
        "Rashba_spss_1962": CAPITAL_AND,
        "Tsubouchi_ieeetsu_1985": CAPITAL_AND,
        "Lima_2005": PARTICLE,
        "Guo_nl_2010": EM_DASH_PAGES,
        "Mickevicius_apl_2005": DOTLESS_I,
    },
}
# fmt: on

# Adjacent entries of pandoc's reference list that toulmin orders the other way.
KNOWN_ORDER = {
    ("richards2016cobra", "richards2011reachout"): (
        "APA 7 §9.44 orders by surname, then initials, letter by letter: 'Richards, D.' "
        "precedes 'Richards, D. A.'; citeproc compares full given names joined with the "
        "further authors ('David A Ekers' < 'David Whyte')"
    ),
}

NARRATIVE_AND = (
    "APA 7 §8.17 (Table 8.1): 'and' joins two names in running text, '&' only inside "
    "parentheses; pandoc uses apa.csl's '&' in narrative citations too"
)
REFERENCE_LIST_ORDER = (
    "APA 7 §8.12: works in one citation follow reference-list order, so 'Spitzer, R. L., & "
    "Fleiss' (1974) precedes 'Spitzer, R. L., Kroenke' (2006) and 'Richards, D.' precedes "
    "'Richards, D. A.'; apa.csl sorts citations by the first author only once there are "
    "three or more, and on full given names"
)

# In-text citations that differ, by the Markdown pandoc was given.
KNOWN_IN_TEXT = {
    "[@nhsdigital_iapt_annual]": LITERAL_YEAR,
    "[@nhsengland_tt_monthly]": LITERAL_YEAR,
    "[-@nhsengland_tt_monthly]": LITERAL_YEAR,
    "@nhsengland_tt_monthly": LITERAL_YEAR,
    "[-@nhsdigital_iapt_annual]": LITERAL_YEAR,
    "@nhsdigital_iapt_annual": LITERAL_YEAR + "; and " + NARRATIVE_AND,
    "[@jackson2019industrialisation; @nhsdigital_iapt_annual; @nhstt_package]": LITERAL_YEAR,
    "[@spitzer2006gad7; @spitzer1974reanalysis; @kroenke2001phq9, para. 4; "
    "@davis2020engagement, sec. 2]": REFERENCE_LIST_ORDER,
    "[@richards2011reachout; @richards2016cobra]": REFERENCE_LIST_ORDER,
}


# --------------------------------------------------------------------------- pandoc

_ENTRY = re.compile(
    r'<div id="ref-([^"]*)" class="csl-entry" role="listitem">\s*(.*?)\s*</div>', re.S
)
_TAG = re.compile(r"<[^>]+>")
_SPAN = re.compile(r"</?span[^>]*>")
_PARA = re.compile(r"<p>X(\d+): (.*?)</p>", re.S)


def _pandoc() -> str:
    pypandoc = pytest.importorskip("pypandoc")
    try:
        return pypandoc.get_pandoc_path()
    except OSError:  # pragma: no cover - pypandoc without a pandoc binary
        pytest.skip("pandoc is not installed")


@cache
def _run_pandoc(bib_path: Path, body: str = "") -> str:
    """pandoc's HTML for ``body`` with every entry of ``bib_path`` in the bibliography."""
    doc = '---\nnocite: "[@*]"\n---\n\n' + body
    out = subprocess.run(
        [_pandoc(), "-f", "markdown", "-t", "html", "--wrap=none", "--citeproc",
         "--csl", str(CSL), "--bibliography", str(bib_path)],
        input=doc, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return out.stdout


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _pandoc_entries(bib_path: Path) -> dict[str, str]:
    """Key -> pandoc's HTML entry, in pandoc's reference-list order."""
    return {html.unescape(k): v for k, v in _ENTRY.findall(_run_pandoc(bib_path))}


def _check(differences: dict, known: dict, what: str) -> None:
    unlisted = {k: v for k, v in differences.items() if k not in known}
    gone = sorted(k for k in known if k not in differences)
    report = [f"{what}: unlisted difference {k}\n{v}" for k, v in unlisted.items()]
    report += [f"{what}: listed difference no longer occurs: {k}" for k in gone]
    assert not report, "\n\n".join(report)


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("bib_path", [SITE_BIB, REAL_BIB], ids=["site", "real-world"])
def test_reference_list_agrees_with_pandoc(bib_path: Path) -> None:
    refs = loading.load(bib_path).entries
    oracle = _pandoc_entries(bib_path)
    assert set(oracle) == set(refs), "pandoc and toulmin.bibliography.bibtex see different keys"
    suffixes = apa.year_suffixes(refs.values())
    differences = {}
    for key, fragment in oracle.items():
        want = _text(fragment)
        got = " ".join(apa.reference_text(refs[key], suffixes.get(key, "")).split())
        if got != want:
            differences[key] = f"  pandoc:  {want}\n  toulmin: {got}"
    identical = len(oracle) - len(differences)
    print(f"{bib_path.name}: {len(oracle)} entries compared, {identical} identical")
    _check(differences, KNOWN[bib_path.name], bib_path.name)


def test_reference_html_agrees_with_pandoc() -> None:
    """Italics, links and escaping of the site's entries, as pandoc writes them (its
    case-protection ``<span>`` elements aside)."""
    refs = loading.load(SITE_BIB).entries
    suffixes = apa.year_suffixes(refs.values())
    differences = {}
    for key, fragment in _pandoc_entries(SITE_BIB).items():
        if key in KNOWN["references.bib"]:
            continue
        want = " ".join(html.unescape(_SPAN.sub("", fragment)).split())
        got = " ".join(html.unescape(apa.reference_html(refs[key], suffixes.get(key, ""))).split())
        if got != want:
            differences[key] = f"  pandoc:  {want}\n  toulmin: {got}"
    _check(differences, {}, "HTML")


def test_reference_list_order_agrees_with_pandoc() -> None:
    refs = loading.load(SITE_BIB).entries
    suffixes = apa.year_suffixes(refs.values())
    theirs = list(_pandoc_entries(SITE_BIB))
    ours = sorted(refs, key=lambda k: apa.sort_key(refs[k], suffixes.get(k, "")))
    position = {k: i for i, k in enumerate(ours)}
    inverted = {
        (a, b): f"pandoc puts {a} before {b}"
        for a, b in itertools.pairwise(theirs)
        if position[a] > position[b]
    }
    _check(inverted, KNOWN_ORDER, "order")


def _cite(markdown: str) -> Citation:
    """The Citation the Markdown stands for (the subset of pandoc's syntax used here)."""
    narrative = not markdown.startswith("[")
    if narrative and " [" in markdown:  # "@key [p. 3]"
        key, loc = markdown.split(" [", 1)
        item = CiteItem(key=key.lstrip("@"), locator=loc.rstrip("]"))
        return Citation((item,), True, 0, len(markdown), 1, 1)
    items = []
    for part in markdown.strip("[]").split(";"):
        part = part.strip()
        m = re.match(r"^(.*?)(-?)@([\w:.-]+)(?:,\s*(\S+\.? [\w\-–]+))?(?:,\s*(.*))?$", part)
        assert m, part
        prefix, minus, key, locator, suffix = m.groups()
        items.append(
            CiteItem(key=key, prefix=prefix.strip(), locator=locator or "",
                     suffix=suffix or "", suppress_author=bool(minus))
        )  # fmt: skip
    return Citation(tuple(items), narrative, 0, len(markdown), 1, 1)


def _in_text_cases(keys: list[str]) -> list[str]:
    cases = []
    for key in keys:
        cases += [f"[@{key}]", f"@{key}", f"[-@{key}]"]
    fixed = [
        "[see @paul1967strategy, p. 111]",
        "@paul1967strategy [p. 111]",
        "[@read2022depression, pp. 12-14]",
        "[@tolin2010cbt, chap. 3]",
        "[@tolin2010cbt, para. 4]",
        "[@tolin2010cbt, sec. 2]",
        "[@tolin2010cbt, fig. 2]",
        "[@kroenke2001phq9, p. 3, for a review]",
        "[see @paul1967strategy, p. 111; @scott2017towards; @scott2018radical]",
        "[@clark2018transparency; @richards2016cobra; @bower2013severity]",
        "[@scott2022mus; @scott2022personalising; @scott2018radical, chap. 3; "
        "@marks2018microscope, pp. 3-5]",
        "[@spitzer2006gad7; @spitzer1974reanalysis; @kroenke2001phq9, para. 4; "
        "@davis2020engagement, sec. 2]",
        "[@nosuchkey; @paul1967strategy]",
        "[@jackson2019industrialisation; @nhsdigital_iapt_annual; @nhstt_package]",
        "[@geraghty2020mus; @scott2018radical; @scott2022mus; @scott2022personalising]",
        "[@richards2011reachout; @richards2016cobra]",
    ]
    known = set(keys) | {"nosuchkey"}
    return cases + [c for c in fixed if all(i.key in known for i in _cite(c).items)]


def test_in_text_citations_agree_with_pandoc() -> None:
    refs = loading.load(SITE_BIB).entries
    suffixes = apa.year_suffixes(refs.values())
    cases = _in_text_cases(list(refs))
    body = "\n\n".join(f"X{i}: {md}" for i, md in enumerate(cases))
    found = dict(_PARA.findall(_run_pandoc(SITE_BIB, body)))
    assert len(found) == len(cases)
    differences = {}
    narrative_and = 0
    for i, md in enumerate(cases):
        want = _text(found[str(i)])
        got = apa.render_citation(_cite(md), refs, suffixes, html=False)
        if md.startswith("@") and md not in KNOWN_IN_TEXT and got == want.replace(" & ", " and "):
            narrative_and += got != want  # NARRATIVE_AND, the one systematic difference
            continue
        if got != want:
            differences[md] = f"  pandoc:  {want}\n  toulmin: {got}"
    identical = len(cases) - len(differences) - narrative_and
    print(
        f"in-text: {len(cases)} citations compared, {identical} identical, {narrative_and} "
        f"differ only by 'and' for '&' in running text, {len(differences)} listed"
    )
    _check(differences, KNOWN_IN_TEXT, "in-text")


SUFFIX_AFTER_WORD = r"""
@article{doe_beta, author = {Doe, John}, title = {Beta}, journal = {Journal of Fruit Studies},
  pubstate = {forthcoming}}
@article{doe_alpha, author = {Doe, John}, title = {Alpha}, journal = {Journal of Fruit Studies},
  pubstate = {forthcoming}}
@misc{roe_beta, author = {Roe, Ann}, title = {Beta}}
@misc{roe_alpha, author = {Roe, Ann}, title = {Alpha}}
"""


def test_suffixes_after_words_agree_with_pandoc(tmp_path: Path) -> None:
    """A year suffix after a word takes a hyphen (APA 7 §8.19: "in press-a", "n.d.-a"):
    pandoc's citeproc with apa.csl, the oracle, gives "(forthcoming-a)" for a pubstate."""
    bib_path = tmp_path / "suffixes.bib"
    bib_path.write_text(SUFFIX_AFTER_WORD, encoding="utf-8")
    refs = loading.load(bib_path).entries
    suffixes = apa.year_suffixes(refs.values())
    assert suffixes == {"doe_alpha": "a", "doe_beta": "b", "roe_alpha": "a", "roe_beta": "b"}
    for key, fragment in _pandoc_entries(bib_path).items():
        assert apa.reference_text(refs[key], suffixes[key]) == _text(fragment)
    cases = ["[@doe_alpha; @doe_beta]", "@doe_beta", "[@roe_alpha; @roe_beta]"]
    body = "\n\n".join(f"X{i}: {md}" for i, md in enumerate(cases))
    found = dict(_PARA.findall(_run_pandoc(bib_path, body)))
    got = [apa.render_citation(_cite(md), refs, suffixes, html=False) for md in cases]
    assert got == [_text(found[str(i)]) for i in range(len(cases))]
    assert got[0] == "(Doe, forthcoming-a, forthcoming-b)"
