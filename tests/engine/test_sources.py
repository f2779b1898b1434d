"""Figures and quotations against the cited works' stored text (SRC001-SRC006).

A synthetic site on invented works: a reference base, a post, the abstracts file
(``references.sources.json``) and excerpt files (``sources/<key>.yaml``), checked with
the real project and CLI, cold and warm.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toulmin.bibliography.sources import (
    Evidence,
    SourceText,
    load_sources,
    read_abstracts,
    write_abstracts,
)
from toulmin.findings import ERROR, WARNING
from toulmin.project import Project
from toulmin.settings import Settings

BIB = """\
@article{okafor2021guided,
  author  = {Okafor, Chidinma and Lindqvist, Per},
  title   = {Guided self-help for panic disorder in primary care: a pragmatic trial},
  journal = {Journal of Primary Care Mental Health},
  year    = {2021},
  volume  = {14},
  pages   = {590--612},
  doi     = {10.5555/jpcmh.2021.0142}
}

@article{marsh2019dropout,
  author  = {Marsh, Eleanor and Idowu, Tunde},
  title   = {Who leaves early? Dropout from stepped psychological care},
  journal = {Psychotherapy Services Research},
  year    = {2019},
  volume  = {7},
  pages   = {33--48},
  doi     = {10.5555/psr.2019.007}
}

@article{vance2020sessions,
  author  = {Vance, Ruth},
  title   = {Counting sessions: attendance in brief therapy},
  journal = {Psychotherapy Services Research},
  year    = {2020},
  volume  = {8},
  pages   = {101--119},
  doi     = {10.5555/psr.2020.101}
}
"""

OKAFOR = ("Background: Guided self-help is offered widely but rarely tested in primary care. "
          "Methods: We randomised 1,211 adults with panic disorder to guided self-help or "
          "usual care. Results: At 12 weeks, 41.8% of participants in the guided arm had "
          "recovered, against 30.2% in usual care (OR = 1.8). The working alliance "
          "correlated with outcome (r = .45). Conclusions: Guided self-help is a "
          "reasonable first step for most patients.")
MARSH = ("Of the patients referred to stepped care, 40% left before their fourth session. "
         "Dropout was highest among the youngest patients, e.g. those aged 18 to 24.")


def _abstract(doi: str, text: str, via: str = "europepmc") -> dict:
    return {"doi": doi, "text": text, "kind": "abstract", "via": via,
            "url": f"https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=DOI:{doi}",
            "retrieved": "2026-11-30"}


def _site(root: Path, post: str, abstracts: dict | None = None,
          excerpts: dict[str, str] | None = None) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "posts" / "p.md").write_text(post, encoding="utf-8")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    if abstracts is None:
        abstracts = {"okafor2021guided": _abstract("10.5555/jpcmh.2021.0142", OKAFOR),
                     "marsh2019dropout": _abstract("10.5555/psr.2019.007", MARSH)}
    write_abstracts(root / "references.sources.json", abstracts)
    for key, text in (excerpts or {}).items():
        (root / "sources").mkdir(exist_ok=True)
        (root / "sources" / f"{key}.yaml").write_text(text, encoding="utf-8")
    return root


def _src(findings) -> list:
    return [f for f in findings if f.code.startswith("SRC")]


def _pos(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _check(site: Path):
    project = Project.load(site)
    return project, project.check()


# ------------------------------------------------------------------------------ figures


def test_a_figure_in_the_abstract_passes_and_its_evidence_is_recorded(tmp_path):
    post = ("# Guided self-help\n\nIn a pragmatic trial of 1,211 adults, 41.8% of those "
            "offered guided self-help recovered [@okafor2021guided].\n")
    project, found = _check(_site(tmp_path, post))
    assert _src(found) == []
    evidence = project.evidence("posts/p.md")
    assert [(e.key, e.written, e.kind) for e in evidence] == [
        ("okafor2021guided", "1,211", "figure"), ("okafor2021guided", "41.8%", "figure")]
    ev = evidence[1]
    assert (ev.line, ev.column) == _pos(post, "41.8%")
    assert ev.source_sentence == ("Results: At 12 weeks, 41.8% of participants in the guided "
                                  "arm had recovered, against 30.2% in usual care (OR = 1.8).")
    assert ev.provenance == "abstract, via Europe PMC, retrieved 2026-11-30"


def test_a_figure_not_in_the_abstract_fails_at_its_line_and_column(tmp_path, run_cli):
    post = ("# Guided self-help\n\nOkafor and Lindqvist found that guided self-help helped: "
            "48% recovered by twelve weeks [@okafor2021guided].\n")
    site = _site(tmp_path, post)
    (finding,) = _src(_check(site)[1])
    assert finding.code == "SRC001" and finding.severity == ERROR
    assert (finding.path, finding.line, finding.column) == ("posts/p.md", *_pos(post, "48%"))
    assert "48%" in finding.message and "'okafor2021guided'" in finding.message
    # the figures the source does report, as written
    assert "it reports 1,211, 12, 41.8%, 30.2%, OR = 1.8, r = .45" in finding.message
    assert "correct the figure" in finding.hint
    code, out, _ = run_cli("check", site)
    assert code == 1
    line, col = _pos(post, "48%")
    assert f"posts/p.md:{line}:{col}: SRC001 the figure 48% is not in the abstract" in out


@pytest.mark.parametrize(("written", "source", "passes"), [
    ("about 40%", "40%", True),
    ("42%", "41.8%", True),
    ("42%", "40%", False),
    ("41.8%", "42%", False),       # more precise than the source
    ("40 per cent", "40%", True),
    ("1211", "1,211", True),
    ("r = 0.45", "r = .45", True),
    ("d = 0.52", "r = .52", False),  # another statistic
    ("0.42", "42%", False),         # a proportion is no percentage
    ("1 in 5", "1 in 5", True),
    ("more than 1,000", "1,211", True),
    ("nearly 40%", "38.6%", True),
])
def test_a_figure_is_found_at_the_precision_written(tmp_path, written, source, passes):
    abstracts = {"vance2020sessions": _abstract(
        "10.5555/psr.2020.101", f"Across the services studied, the figure was {source} in "
        "the year to March.")}
    post = (f"In brief therapy services the figure was {written} in the year to March "
            "[@vance2020sessions].\n")
    found = _src(_check(_site(tmp_path, post, abstracts))[1])
    assert (found == []) is passes, found
    if not passes:
        assert [f.code for f in found] == ["SRC001"]


def test_a_figure_of_a_sentence_citing_several_works_may_be_in_any_of_them(tmp_path):
    post = ("Two in five patients, 40%, left stepped care before their fourth session "
            "[@okafor2021guided; @marsh2019dropout].\n")
    project, found = _check(_site(tmp_path, post))
    assert _src(found) == []
    (ev,) = project.evidence("posts/p.md")
    assert ev.key == "marsh2019dropout" and ev.written == "40%"
    post = "Of those who stayed, 57% recovered [@okafor2021guided; @marsh2019dropout].\n"
    (finding,) = _src(_check(_site(tmp_path / "again", post))[1])
    assert finding.code == "SRC001" and "'okafor2021guided' or 'marsh2019dropout'" in \
        finding.message and "they report" in finding.message


EXCERPT = """\
# Excerpts of Okafor and Lindqvist (2021), copied by hand from the full text.
excerpts:
  - locator: "p. 599"
    text: >-
      Of the 604 participants allocated to guided self-help, 253 (41.9%) met the
      criterion for recovery at 12 weeks.
    recorded: "2026-12-04, the editors, against the publisher's PDF"
"""


def test_a_figure_cited_to_a_page_wants_an_excerpt_holding_it(tmp_path):
    post = ("In the guided arm, 253 of 604 participants recovered "
            "[@okafor2021guided, p. 599].\n")
    found = _src(_check(_site(tmp_path / "a", post))[1])
    assert [(f.code, f.severity, f.line, f.column) for f in found] == [
        ("SRC002", WARNING, *_pos(post, "253")), ("SRC002", WARNING, *_pos(post, "604"))]
    assert "no excerpt of p. 599 is on record" in found[0].message
    assert "sources/okafor2021guided.yaml" in found[0].hint
    project, found = _check(_site(tmp_path / "b", post, excerpts={"okafor2021guided": EXCERPT}))
    assert _src(found) == []
    ev = project.evidence("posts/p.md")[0]
    assert ev.provenance == ("excerpt, p. 599, recorded 2026-12-04 by the editors, against "
                             "the publisher's PDF")
    assert ev.source_sentence.startswith("Of the 604 participants allocated")


def test_a_work_without_stored_text_is_a_warning_once_per_document(tmp_path):
    post = ("Attendance fell to 3.1 sessions on average [@vance2020sessions], and to 2.4 "
            "sessions among the youngest [@vance2020sessions].\n\nIt was 2.9 in the oldest "
            'group [@vance2020sessions], who called therapy "a lifeline when nothing else '
            'was open" [@vance2020sessions].\n')
    found = _src(_check(_site(tmp_path, post))[1])
    assert [(f.code, f.severity) for f in found] == [("SRC003", WARNING)]
    assert found[0].message == "no stored text of 'vance2020sessions' to check the figure " \
                               "3.1 against"
    assert (found[0].line, found[0].column) == _pos(post, "3.1")


#: a work no registry holds: no DOI, so only an excerpt copied by hand can be its text
REPORT = """\
@techreport{countyboard2025waits,
  author       = {{County Health Board}},
  title        = {Waiting times for talking therapies, 2024--25},
  institution  = {County Health Board},
  year         = {2025},
  unregistered = {official statistics series}
}
"""
REPORT_POST = ("The board counts a referral as waiting long after 18 weeks "
               "[@countyboard2025waits]. It also reports 6 weeks as the first target, and the "
               "figure of 18 weeks again [@countyboard2025waits].\n")
REPORT_EXCERPT = """\
excerpts:
  - locator: "p. 4"
    text: >-
      A referral is counted as a long wait once 18 weeks have passed since it was received;
      the first target is 6 weeks.
    recorded: "2026-12-05, the editors, against the board's PDF"
"""


def _report_site(root: Path, options: str = "", excerpt: bool = False) -> Path:
    """A site whose post cites figures to a report without DOI, with the toulmin plugin's
    ``options`` in mkdocs.yml (and the report's excerpt on record when ``excerpt``)."""
    _site(root, REPORT_POST,
          excerpts={"countyboard2025waits": REPORT_EXCERPT} if excerpt else None)
    with (root / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + REPORT)
    plugin = f"  - toulmin:\n      {options}\n" if options else "  - toulmin\n"
    (root / "mkdocs.yml").write_text(f"site_name: Report\nplugins:\n{plugin}",
                                     encoding="utf-8")
    return root


def test_a_work_without_doi_or_stored_text_is_flagged_only_when_the_site_requires_it(
        tmp_path, run_cli):
    """By default a work no registry holds is recorded as having no stored text, with no
    finding (verify-refs cannot store its text); ``require_stored_text: true`` makes it
    SRC003, once a document, at the first figure's line and column, in text and JSON."""
    site = _report_site(tmp_path / "default")
    project, found = _check(site)
    assert _src(found) == []
    record = project.attributions()
    assert [(a.written, a.verdict, a.code) for a in record] == [
        ("18", "no stored text", ""), ("6", "no stored text", ""),
        ("18", "no stored text", "")]
    # the same site, the option turned on: not served from the cache of the check above
    (site / "mkdocs.yml").write_text("site_name: Report\nplugins:\n  - toulmin:\n"
                                     "      require_stored_text: true\n", encoding="utf-8")
    code, out, _ = run_cli("check", site)
    line, col = _pos(REPORT_POST, "18")
    assert f"posts/p.md:{line}:{col}: SRC003 warning: no stored text of " \
           "'countyboard2025waits' to check the figure 18 against" in out
    assert code == 0  # a warning
    code, out, _ = run_cli("check", site, "--format", "json")
    assert code == 0
    (record,) = [r for r in json.loads(out) if r["code"] == "SRC003"]
    assert (record["path"], record["line"], record["column"]) == ("posts/p.md", line, col)
    assert record["severity"] == WARNING
    assert "sources/countyboard2025waits.yaml" in record["hint"]
    assert "verify-refs" not in record["hint"] and "no DOI" in record["hint"]
    project = Project.load(site, Settings(require_stored_text=True))
    found = _src(project.check())
    assert [(f.code, f.line, f.column) for f in found] == [("SRC003", line, col)]
    assert [a.code for a in project.attributions()] == ["SRC003"] * 3


def test_a_work_without_doi_passes_with_an_excerpt_holding_its_figures(tmp_path, run_cli):
    site = _report_site(tmp_path, "require_stored_text: true", excerpt=True)
    code, out, _ = run_cli("check", site)
    assert code == 0 and "SRC0" not in out
    project = Project.load(site, Settings(require_stored_text=True))
    assert _src(project.check()) == []
    assert [(a.written, a.verdict, a.source_locator) for a in project.attributions()] == [
        ("18", "excerpt", "p. 4"), ("6", "excerpt", "p. 4"), ("18", "excerpt", "p. 4")]
    # an excerpt that does not hold the figure: the figure is checked, and fails
    (site / "sources" / "countyboard2025waits.yaml").write_text(
        REPORT_EXCERPT.replace("6 weeks", "8 weeks"), encoding="utf-8")
    (finding,) = _src(Project.load(site, Settings(require_stored_text=True)).check())
    assert (finding.code, finding.line, finding.column) == ("SRC001", *_pos(REPORT_POST, "6"))


def test_figures_outside_a_citing_sentence_in_code_or_statistics_are_not_attributed(tmp_path):
    post = ("# Results in 2021\n\nThe service saw 38% more referrals in 2022. Okafor et al. "
            "found, e.g. in the guided arm, a 41.8% recovery rate [@okafor2021guided].\n\n"
            "`48% in code` is not prose [@okafor2021guided], nor is "
            "[48%]{stat=service.recovery_rate} one [@okafor2021guided].\n\n"
            "See chapter 3 and p. 12 of the 2021 report, published 4 December 2021 "
            "[@okafor2021guided].\n")
    assert _src(_check(_site(tmp_path, post))[1]) == []


# ------------------------------------------------------------------------------ quotations


def test_a_quotation_is_looked_up_word_for_word(tmp_path):
    post = ("The authors conclude that it is \u201ca reasonable first step for most "
            "patients\u201d [@okafor2021guided].\n")
    project, found = _check(_site(tmp_path, post))
    assert _src(found) == []
    (ev,) = project.evidence("posts/p.md")
    assert ev.kind == "quotation" and ev.key == "okafor2021guided"
    assert (ev.line, ev.column) == _pos(post, "\u201c")
    assert ev.source_sentence == ("Conclusions: Guided self-help is a reasonable first step "
                                  "for most patients.")


def test_a_quotation_with_an_ellipsis_and_straight_quotes_is_found(tmp_path):
    post = ('They report that "Guided self-help is offered widely ... in primary care" '
            "[@okafor2021guided].\n")
    assert _src(_check(_site(tmp_path, post))[1]) == []


def test_a_quotation_not_found_without_a_page_is_an_error(tmp_path):
    post = ('The trial showed that "guided self-help works for nearly every patient" '
            "[@okafor2021guided].\n")
    (finding,) = _src(_check(_site(tmp_path, post))[1])
    assert (finding.code, finding.severity) == ("SRC004", ERROR)
    assert (finding.line, finding.column) == _pos(post, '"guided')


def test_a_quotation_not_found_with_a_page_is_a_warning(tmp_path):
    post = ('The authors write that "the gains were kept at six months" '
            "[@okafor2021guided, p. 604].\n")
    (finding,) = _src(_check(_site(tmp_path, post))[1])
    assert (finding.code, finding.severity) == ("SRC005", WARNING)
    assert "no excerpt of p. 604 is on record" in finding.message


def test_a_quotation_missing_from_the_excerpt_of_its_page_is_an_error(tmp_path):
    post = ('The authors write that "most of those allocated to guided self-help recovered" '
            "[@okafor2021guided, p. 599].\n")
    site = _site(tmp_path, post, excerpts={"okafor2021guided": EXCERPT})
    (finding,) = _src(_check(site)[1])
    assert (finding.code, finding.severity) == ("SRC005", ERROR)
    assert "sources/okafor2021guided.yaml:3" in finding.message
    ok = post.replace("most of those allocated to guided self-help recovered",
                      "met the criterion for recovery at 12 weeks")
    assert _src(_check(_site(tmp_path / "ok", ok,
                             excerpts={"okafor2021guided": EXCERPT}))[1]) == []


# ------------------------------------------------------------------------------ the cache


def test_a_warm_check_gives_the_same_findings_and_evidence_without_checking(tmp_path,
                                                                           monkeypatch):
    post = ("Of 1,211 adults, 41.8% recovered and 48% were satisfied [@okafor2021guided]. "
            'They call it "a reasonable first step for most patients" [@okafor2021guided].\n')
    site = _site(tmp_path, post)
    cold = Project.load(site)
    cold_findings, cold_evidence = cold.check(), cold.evidence("posts/p.md")
    assert [f.code for f in _src(cold_findings)] == ["SRC001"]
    assert len(cold_evidence) == 3
    from toulmin.checks import sources as source_checks

    def no_checking(self):
        raise AssertionError("a warm check must not check the document again")

    monkeypatch.setattr(source_checks._SourceCheck, "run", no_checking)
    warm = Project.load(site)
    assert warm.check() == cold_findings
    assert warm.evidence("posts/p.md") == cold_evidence
    assert all(isinstance(e, Evidence) for e in warm.evidence("posts/p.md"))


def test_an_edit_to_the_stored_text_is_seen_by_the_next_check(tmp_path):
    post = "Of the adults randomised, 48% recovered [@okafor2021guided].\n"
    site = _site(tmp_path, post)
    assert [f.code for f in _src(_check(site)[1])] == ["SRC001"]
    works = read_abstracts(site / "references.sources.json")
    works["okafor2021guided"]["text"] += " Overall, 48% recovered."
    assert write_abstracts(site / "references.sources.json", works)
    assert _src(_check(site)[1]) == []


# ------------------------------------------------------------------------------ the files


def test_a_malformed_excerpt_file_is_one_finding_at_its_line(tmp_path, run_cli):
    bad = EXCERPT.replace('    recorded: "2026-12-04, the editors', '    recorded "2026-12-04')
    site = _site(tmp_path, "Nothing cited here.\n", excerpts={"okafor2021guided": bad})
    code, out, err = run_cli("check", site)
    lines = [ln for ln in out.splitlines() if "SRC006" in ln]
    assert len(lines) == 1 and "Traceback" not in out + err
    assert lines[0].startswith("sources/okafor2021guided.yaml:8:")
    assert "is not valid YAML" in lines[0] and code == 1


@pytest.mark.parametrize(("excerpt", "line", "words"), [
    ('excerpts:\n  - locator: "p. 5"\n    text: "Some words."\n', 2, "no recorded"),
    ('excerpts:\n  - locator: "table 5"\n    text: "Words."\n    recorded: "2026-12-04"\n',
     2, "is no page"),
    ('excerpts:\n  - locator: "p. 5"\n    txt: "Words."\n    recorded: "2026-12-04"\n',
     3, "unknown field 'txt'"),
    ('excerpts:\n  - locator: "p. 5"\n    text: "Words."\n    recorded: "the editors"\n',
     2, "does not start with the date"),
    ("quotes:\n  - p. 5\n", 1, "unknown top-level field 'quotes'"),
])
def test_problems_in_excerpt_files(tmp_path, excerpt, line, words):
    site = _site(tmp_path, "Nothing cited.\n", excerpts={"okafor2021guided": excerpt})
    found = _src(_check(site)[1])
    assert found and all(f.code == "SRC006" for f in found)
    assert (found[0].path, found[0].line) == ("sources/okafor2021guided.yaml", line)
    assert words in found[0].message


def test_problems_in_the_abstracts_file(tmp_path):
    site = _site(tmp_path, "Nothing cited.\n", abstracts={
        "okafor2021guided": _abstract("10.5555/other.doi", OKAFOR),
        "nosuchentry2020": _abstract("10.5555/none", MARSH),
        "marsh2019dropout": {**_abstract("10.5555/psr.2019.007", MARSH), "via": "manual"},
    })
    text = (site / "references.sources.json").read_text()
    found = _src(_check(site)[1])
    assert len(found) == 3
    messages = sorted(f.message for f in found)
    assert any("is of doi 10.5555/other.doi, but the entry's DOI is 10.5555/jpcmh.2021.0142"
               in m for m in messages)
    assert any("'nosuchentry2020', which is no entry" in m for m in messages)
    assert any("says not by whom" in m for m in messages)
    for f in found:
        assert f.path == "references.sources.json" and f.line > 1
        assert text.splitlines()[f.line - 1].strip().startswith('"')
    (site / "references.sources.json").write_text('{"format": 1, "works": {\n  "a": }\n')
    (bad,) = _src(_check(site)[1])
    assert (bad.code, bad.line) == ("SRC006", 2) and "not valid JSON" in bad.message


def test_abstracts_are_written_stably_and_only_when_changed(tmp_path):
    path = tmp_path / "references.sources.json"
    works = {"b": _abstract("10.5555/b", "Second."), "a": _abstract("10.5555/a", "First.")}
    assert write_abstracts(path, works) is True
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.index('"a"') < text.index('"b"')
    assert json.loads(text)["format"] == 1
    assert write_abstracts(path, dict(reversed(works.items()))) is False
    assert read_abstracts(path) == works
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_stored_texts_and_their_provenance(tmp_path):
    abstracts = {"okafor2021guided": _abstract("10.5555/jpcmh.2021.0142", OKAFOR, "crossref"),
                 "marsh2019dropout": {**_abstract("10.5555/psr.2019.007", MARSH, "manual"),
                                      "recorded_by": "the editors"}}
    site = _site(tmp_path, "Nothing cited.\n", abstracts,
                 excerpts={"okafor2021guided": EXCERPT})
    sources = load_sources(site, Settings())
    texts = sources.texts("okafor2021guided")
    assert [t.kind for t in texts] == ["abstract", "excerpt"]
    assert texts[0].provenance() == "abstract, via Crossref, retrieved 2026-11-30"
    assert texts[1] == SourceText(
        "okafor2021guided", "excerpt",
        "Of the 604 participants allocated to guided self-help, 253 (41.9%) met the "
        "criterion for recovery at 12 weeks.", "excerpt", "", "2026-12-04", "p. 599",
        "sources/okafor2021guided.yaml", 3, "the editors, against the publisher's PDF")
    assert sources.texts("marsh2019dropout")[0].provenance() == (
        "abstract, copied by hand by the editors, retrieved 2026-11-30")
    assert sources.has("okafor2021guided") and not sources.has("vance2020sessions")
    assert sources.findings == []
    digest = sources.digest
    (site / "sources" / "okafor2021guided.yaml").write_text(EXCERPT.replace("253", "254"))
    assert load_sources(site, Settings()).digest != digest
