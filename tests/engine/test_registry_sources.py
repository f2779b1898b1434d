"""verify-refs past the metadata: abstracts, existence, full comparison, honest verdicts.

Against the local server of ``tests/registryserver.py``, which plays doi.org, Crossref
(works and bibliographic search), Europe PMC and OpenAlex with the records of
``tests/fixtures/registry`` (their origins in its ``SOURCES.md``).
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
from registryserver import FIX, PONE, works_message

from toulmin.bibliography import bibtex as bib
from toulmin.bibliography import lock, sources
from toulmin.registries.abstracts import markup_to_text
from toulmin.registries.client import Config
from toulmin.registries.comparison import compare
from toulmin.registries.metadata import parse_metadata
from toulmin.registries.openalex import rebuild_inverted_index
from toulmin.registries.verify import verify_refs

TODAY = "2026-12-04"
SREP = "10.1038/srep16696"
ELIFE = "10.7554/elife.01567"

#: The recorded Crossref abstract of srep16696 (JATS), as plain text.
SREP_TEXT = ("Oligomers of alpha-synuclein are toxic to cells and have been proposed to play "
             "a key role in the etiopathogenesis of Parkinson’s disease.")

SREP_ENTRY = f"""@article{{tosatto2015single,
  author  = {{Tosatto, Laura and Horrocks, Mathew H. and Dear, Alexander J. and
              Knowles, Tuomas P. J. and Dalla Serra, Mauro and Cremades, Nunilo and
              Dobson, Christopher M. and Klenerman, David}},
  title   = {{Single-molecule {{FRET}} studies on alpha-synuclein oligomerization of
              {{Parkinson's}} disease genetically related mutants}},
  journal = {{Scientific Reports}},
  year    = {{2015}},
  volume  = {{5}},
  pages   = {{16696}},
  doi     = {{{SREP}}}
}}"""

ELIFE_ENTRY = f"""@article{{sankar2014automated,
  author  = {{Sankar, Martial and Nieminen, Kaisa and Ragni, Laura and Xenarios, Ioannis
              and Hardtke, Christian S.}},
  title   = {{Automated quantitative histology reveals vascular morphodynamics during
              {{Arabidopsis}} hypocotyl secondary growth}},
  journal = {{eLife}},
  year    = {{2014}},
  volume  = {{3}},
  pages   = {{e01567}},
  doi     = {{{ELIFE}}}
}}"""

PONE_ENTRY = f"""@article{{sadasivan2012methylphenidate,
  author  = {{Sadasivan, Shankar and Pond, Brooks B. and Pani, Amar K. and Qu, Chunxu and
              Jiao, Yun and Smeyne, Richard J.}},
  title   = {{Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of
              Microglia in the Basal Ganglia of Mice}},
  journal = {{PLoS ONE}},
  year    = {{2012}},
  volume  = {{7}},
  pages   = {{e33693}},
  doi     = {{{PONE}}}
}}"""

UNKNOWN_ENTRY = """@techreport{brennan2019outcomes,
  author      = {Brennan, Aoife and Whitlock, Peter},
  title       = {Outcomes of a stepped-care talking therapies service in a rural county},
  institution = {Northfield Health Board},
  year        = {2019}
}"""


def _config(tmp_path: Path, **kw) -> Config:
    kw.setdefault("timeout", 5.0)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("retries", 1)
    kw.setdefault("cache_dir", tmp_path / "cache")
    return Config.from_env(**kw)


def _run(tmp_path: Path, *entries: str, accept: bool = False, today: str = TODAY,
         **kw) -> tuple[int, str]:
    bib_path = tmp_path / "references.bib"
    if entries:
        bib_path.write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    with out.open("w", encoding="utf-8") as fh:
        code = verify_refs(bib_path, tmp_path / "references.lock.json", _config(tmp_path, **kw),
                           accept=accept, today=today, out=fh, err=fh)
    return code, out.read_text(encoding="utf-8")


def _works(tmp_path: Path) -> dict:
    return sources.read_abstracts(tmp_path / sources.SOURCES_NAME)


def _lock(tmp_path: Path) -> dict:
    return lock.load(tmp_path / "references.lock.json")


def _without_abstract(doi: str) -> bytes:
    msg = works_message(doi)
    del msg["abstract"]
    return json.dumps({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                       "message": msg}).encode()


def _crossref_text(doi: str) -> str:
    return markup_to_text(works_message(doi)["abstract"])


# --------------------------------------------------------------------------- abstracts


def test_abstract_from_the_crossref_record(server, tmp_path):
    code, out = _run(tmp_path, SREP_ENTRY)
    assert code == 0, out
    rec = _works(tmp_path)["tosatto2015single"]
    assert rec["via"] == "crossref" and rec["kind"] == "abstract" and rec["doi"] == SREP
    assert rec["retrieved"] == TODAY
    assert rec["url"] == f"{server.base}/crossref/works/{SREP}"
    # the <jats:title>Abstract</jats:title> heading is dropped, the paragraph kept
    assert rec["text"].startswith(SREP_TEXT)
    assert "Abstract" not in rec["text"] and "<" not in rec["text"]
    assert rec["text"].endswith("for triggering neurodegeneration.")
    assert not server.paths("/europepmc") and not server.paths("/openalex")
    # the file's shape: format 1, sorted keys, indent 2, trailing newline
    text = (tmp_path / sources.SOURCES_NAME).read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True,
                              ensure_ascii=False) + "\n"
    assert json.loads(text)["format"] == 1
    assert _lock(tmp_path)["tosatto2015single"]["verdict"] == "verified"


def test_abstract_from_europe_pmc(server, tmp_path):
    server.on("works", SREP, ("body", _without_abstract(SREP)))
    code, out = _run(tmp_path, SREP_ENTRY)
    assert code == 0, out
    rec = _works(tmp_path)["tosatto2015single"]
    assert rec["via"] == "europepmc"
    assert rec["text"] == _crossref_text(SREP)
    (path,) = server.paths("/europepmc/search")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query == {"query": [f'DOI:"{SREP}"'], "resultType": ["core"], "format": ["json"]}
    assert rec["url"] == f"{server.base}{path}"
    assert not server.paths("/openalex")
    heads = [h for p, h in server.requests if p.startswith("/europepmc")]
    assert all("mailto:tests@example.org" in h["User-Agent"] for h in heads)


def test_abstract_from_openalex_rebuilt_in_order(server, tmp_path):
    server.on("works", ELIFE, ("body", _without_abstract(ELIFE)))
    code, out = _run(tmp_path, ELIFE_ENTRY)
    assert code == 0, out
    rec = _works(tmp_path)["sankar2014automated"]
    assert rec["via"] == "openalex"
    assert rec["url"] == f"{server.base}/openalex/works/doi:{ELIFE}"
    # Europe PMC was asked first and had no hit
    assert len(server.paths("/europepmc/search")) == 1
    # the inverted index rebuilt word by word is the abstract Crossref records
    assert rec["text"] == _crossref_text(ELIFE)
    assert rec["text"].startswith("Among various advantages, their small size makes model")


def test_no_registry_has_an_abstract(server, tmp_path):
    code, out = _run(tmp_path, PONE_ENTRY)
    assert code == 0, out
    assert _works(tmp_path) == {}
    assert len(server.paths("/europepmc")) == 1 and len(server.paths("/openalex")) == 1


def test_markup_to_text():
    jats = ("<jats:title>Abstract</jats:title><jats:sec><jats:title>Background</jats:title>"
            "<jats:p>About 40% of <jats:italic>E. coli</jats:italic> strains &amp; "
            "r&#xa0;=&#xa0;.42.</jats:p><jats:p>Second &lt;paragraph&gt;.</jats:p>"
            "</jats:sec>")
    assert markup_to_text(jats) == "About 40% of E. coli strains & r = .42. Second <paragraph>."
    html = ("<h4>Background</h4>Psychotherapy for <i>n</i> = 120 adults.<h4>Results</h4>"
            "Recovery rates were 48.2%.<br/>Done.")
    assert markup_to_text(html) == "Psychotherapy for n = 120 adults. Recovery rates were " \
        "48.2%. Done."


def test_inverted_index_rebuilt_by_position():
    index = {"effect": [3], "the": [0, 4], "was": [5], "large": [6], "of": [2], "size": [1]}
    # "the size of effect the was large": each word at each of its positions
    assert rebuild_inverted_index(index) == "the size of effect the was large"
    assert rebuild_inverted_index({}) == ""
    assert rebuild_inverted_index({"a": [1], "b": ["x", -1, True]}) == "a"


def test_a_failed_abstract_fetch_keeps_the_stored_one(server, tmp_path):
    server.on("works", SREP, ("body", _without_abstract(SREP)))
    _run(tmp_path, SREP_ENTRY)
    first = (tmp_path / sources.SOURCES_NAME).read_bytes()
    server.on("europepmc", SREP, ("status", 503, {}))
    code, out = _run(tmp_path, today="2026-12-10", refresh=True)
    assert code == 0  # the entry is verified; the stored abstract stands
    assert "the abstract could not be fetched" in out
    assert (tmp_path / sources.SOURCES_NAME).read_bytes() == first
    assert _lock(tmp_path)["tosatto2015single"]["verdict"] == "verified"


def test_a_garbled_answer_is_not_cached(server, tmp_path):
    server.on("works", SREP, ("body", _without_abstract(SREP)))
    server.on("europepmc", SREP, ("body", b'{"hitCount": 1, "resultList": {"res'), None)
    _run(tmp_path, SREP_ENTRY)
    assert "tosatto2015single" not in _works(tmp_path)
    _run(tmp_path)  # not from the cache: asked again, and now answered
    assert _works(tmp_path)["tosatto2015single"]["via"] == "europepmc"
    assert len(server.paths("/europepmc")) == 2


def test_manual_records_survive(server, tmp_path):
    manual = {"doi": SREP, "kind": "abstract", "via": "manual",
              "text": "Oligomers of alpha-synuclein are toxic to cells.",
              "url": "https://www.nature.com/articles/srep16696", "retrieved": "2026-11-30",
              "recorded_by": "the editors"}
    other = {**manual, "doi": "10.1000/gone", "text": "A work no longer cited."}
    stale = {"doi": ELIFE, "kind": "abstract", "via": "crossref", "text": "Old.",
             "url": "x", "retrieved": "2026-01-01"}
    sources.write_abstracts(tmp_path / sources.SOURCES_NAME,
                            {"tosatto2015single": manual, "removed2019": other,
                             "dropped2014": stale})
    code, out = _run(tmp_path, SREP_ENTRY, PONE_ENTRY)
    assert code == 0, out
    works = _works(tmp_path)
    assert works["tosatto2015single"] == manual  # not overwritten by Crossref's
    assert works["removed2019"] == other  # not deleted though its entry is gone
    assert "dropped2014" not in works  # a registry record of a removed entry goes
    # the author's own record stands: its abstract is not even asked for
    assert not server.paths("/europepmc") or all(SREP not in urllib.parse.unquote(p)
                                                 for p in server.paths("/europepmc"))


def test_rerun_keeps_the_retrieved_date(server, tmp_path):
    _run(tmp_path, SREP_ENTRY)
    first = (tmp_path / sources.SOURCES_NAME).read_bytes()
    _run(tmp_path, today="2026-12-24", refresh=True)
    assert (tmp_path / sources.SOURCES_NAME).read_bytes() == first


# --------------------------------------------------------------------------- comparison


def _diffs(tmp_path: Path, entry: str, key: str) -> tuple[int, dict]:
    code, _ = _run(tmp_path, entry)
    rec = _lock(tmp_path)[key]
    return code, rec


def test_misspelt_second_author_is_a_mismatch_naming_both(server, tmp_path):
    entry = PONE_ENTRY.replace("Pond, Brooks B.", "Pnod, Brooks B.")
    code, rec = _diffs(tmp_path, entry, "sadasivan2012methylphenidate")
    assert code == 1
    assert rec["verdict"] == "mismatch" and rec["recorded"] == "registry"
    assert rec["differences"] == [{"field": "author 2", "entry": "Pnod", "registry": "Pond"}]
    assert _works(tmp_path) == {}  # no stored text for a work the entry does not match


def test_authors_out_of_order_are_a_mismatch(server, tmp_path):
    entry = PONE_ENTRY.replace("Pond, Brooks B. and Pani, Amar K.",
                               "Pani, Amar K. and Pond, Brooks B.")
    _, rec = _diffs(tmp_path, entry, "sadasivan2012methylphenidate")
    assert rec["differences"] == [
        {"field": "author 2", "entry": "Pani", "registry": "Pond"},
        {"field": "author 3", "entry": "Pond", "registry": "Pani"}]


def test_and_others_means_at_least_these_in_order(server, tmp_path):
    entry = SREP_ENTRY.replace("""Dear, Alexander J. and
              Knowles, Tuomas P. J. and Dalla Serra, Mauro and Cremades, Nunilo and
              Dobson, Christopher M. and Klenerman, David""", "others")
    code, rec = _diffs(tmp_path, entry, "tosatto2015single")
    assert code == 0 and rec["verdict"] == "verified" and rec["differences"] == []
    swapped = entry.replace("Tosatto, Laura and Horrocks, Mathew H.",
                            "Horrocks, Mathew H. and Tosatto, Laura")
    _, rec = _diffs(tmp_path, swapped, "tosatto2015single")
    assert [d["field"] for d in rec["differences"]] == ["author 1", "author 2"]
    # without "and others", two of eight authors is a count mismatch
    short = entry.replace(" and others", "")
    _, rec = _diffs(tmp_path, short, "tosatto2015single")
    assert rec["differences"] == [{"field": "author count", "entry": "2", "registry": "8"}]


@pytest.mark.parametrize("journal", ["Sci Rep", "Sci. Rep.", "Scientific reports"])
def test_a_registered_abbreviation_passes(server, tmp_path, journal):
    entry = SREP_ENTRY.replace("{Scientific Reports}", "{" + journal + "}")
    code, rec = _diffs(tmp_path, entry, "tosatto2015single")
    assert rec["verdict"] == "verified" and code == 0, rec


def test_an_unregistered_abbreviation_is_a_mismatch(server, tmp_path):
    entry = SREP_ENTRY.replace("{Scientific Reports}", "{Sci Adv}")
    _, rec = _diffs(tmp_path, entry, "tosatto2015single")
    assert rec["differences"] == [{"field": "container", "entry": "Sci Adv",
                                   "registry": "Scientific Reports"}]


def test_journal_abbreviation_with_dots_matches_short_container_title():
    # Crossref: container-title "The Journal of Comparative Neurology",
    # short-container-title "J. Comp. Neurol."
    path = next((FIX / "crossref-works").glob("10.1002_1096-9861*.json"))
    meta = parse_metadata(json.loads(path.read_text(encoding="utf-8")))
    ref = bib.parse_string("@article{k, journal = {J Comp Neurol}}").entries["k"]
    assert compare(ref, meta) == []
    ref = bib.parse_string("@article{k, journal = {J Neurosci}}").entries["k"]
    assert [d["field"] for d in compare(ref, meta)] == ["container"]


# --------------------------------------------------------------------------- existence


def test_an_entry_no_registry_knows_is_not_registered(server, tmp_path):
    code, out = _run(tmp_path, UNKNOWN_ENTRY, accept=True)
    assert code == 1
    rec = _lock(tmp_path)["brennan2019outcomes"]
    assert rec["verdict"] == "not_registered" and rec["doi"] == ""
    cand = rec["best_candidate"]
    assert cand["score"] < 0.9 and cand["doi"]
    assert "proposed" not in out and "no registered work matches" in out
    assert "doi" not in (tmp_path / "references.bib").read_text()
    # searched by title and first author's surname, not confined to the stated year
    (path,) = server.paths("/crossref/works?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["query.bibliographic"] == [
        "Outcomes of a stepped-care talking therapies service in a rural county Brennan"]
    assert "filter" not in query


def test_accept_never_writes_a_doi_below_0_9(server, tmp_path):
    # a real candidate with the right author and year, but a title that only partly agrees
    entry = """@article{sadasivan2012exposure,
  author  = {Sadasivan, Shankar},
  title   = {Methylphenidate exposure and dopamine neurons in mice},
  journal = {PLoS ONE},
  year    = {2012}
}"""
    code, out = _run(tmp_path, entry, accept=True)
    assert "proposed" not in out and "accepted" not in out
    rec = _lock(tmp_path)["sadasivan2012exposure"]
    assert rec["verdict"] == "not_registered"
    assert rec["best_candidate"]["doi"] == PONE and 0.5 < rec["best_candidate"]["score"] < 0.9
    assert "doi" not in (tmp_path / "references.bib").read_text()
    assert code == 1


def test_a_year_off_by_one_still_scores_and_accept_writes_it(server, tmp_path):
    entry = PONE_ENTRY.replace(f"  doi     = {{{PONE}}}\n", "").replace(
        "pages   = {e33693},", "pages   = {e33693}").replace("{2012}", "{2013}")
    code, out = _run(tmp_path, entry)
    rec = _lock(tmp_path)["sadasivan2012methylphenidate"]
    assert rec["verdict"] == "doi_proposed" and rec["best_candidate"]["score"] >= 0.9
    assert f"proposed doi {PONE}" in out and code == 0
    _run(tmp_path, accept=True)
    text = (tmp_path / "references.bib").read_text()
    assert f"doi = {{{PONE}}}" in text
    # the entry now has a DOI: checked against the registry (the year is a mismatch)
    rec = _lock(tmp_path)["sadasivan2012methylphenidate"]
    assert rec["doi"] == PONE and rec["verdict"] == "mismatch"
    assert rec["differences"] == [{"field": "year", "entry": "2013", "registry": "2012"}]


def test_a_declared_unregistered_work_is_recorded_without_search(server, tmp_path):
    entry = UNKNOWN_ENTRY.replace("year        = {2019}",
                                  "year        = {2019},\n  unregistered = {grey literature: "
                                  "a health board's service report}")
    code, out = _run(tmp_path, entry)
    assert code == 0, out
    rec = _lock(tmp_path)["brennan2019outcomes"]
    assert rec["verdict"] == "unregistered" and rec["recorded"] == "entry"
    assert rec["reason"] == "grey literature: a health board's service report"
    assert not server.paths("/crossref/works?")


def test_a_failed_search_keeps_the_last_answer(server, tmp_path):
    _run(tmp_path, UNKNOWN_ENTRY)
    first = (tmp_path / "references.lock.json").read_bytes()
    server.search_status = 503  # the search fails now
    code, out = _run(tmp_path, today="2026-12-10", refresh=True)
    assert "search failed" in out and code == 1
    assert (tmp_path / "references.lock.json").read_bytes() == first


def test_verified_is_only_written_from_a_registry_answer(server, tmp_path):
    _run(tmp_path, SREP_ENTRY, PONE_ENTRY, ELIFE_ENTRY, UNKNOWN_ENTRY)
    records = _lock(tmp_path)
    assert {r["verdict"] for r in records.values()} == {"verified", "not_registered"}
    assert all(r["recorded"] == "registry" for r in records.values()
               if r["verdict"] == "verified")
    server.on("doi", PONE, ("status", 503, {}))  # neither registry can be asked
    server.on("works", PONE, ("status", 503, {}))
    (tmp_path / "references.lock.json").unlink()
    _run(tmp_path, refresh=True)
    assert _lock(tmp_path)["sadasivan2012methylphenidate"]["verdict"] == "unchecked"


def test_cli_writes_the_sources_file_named_in_settings(server, tmp_path, run_cli):
    (tmp_path / "references.bib").write_text(SREP_ENTRY + "\n", encoding="utf-8")
    code, _, err = run_cli("verify-refs", tmp_path, "--timeout", "5")
    assert code == 0, err
    assert "1 abstract stored; references.sources.json updated" in err
    assert json.loads((tmp_path / "references.sources.json").read_text())["works"]


def test_add_ref_stores_the_abstract_too(server, tmp_path):
    from toulmin.registries.addref import add_refs

    server.on("works", ELIFE, ("body", _without_abstract(ELIFE)))
    path = tmp_path / "references.bib"
    path.write_text("", encoding="utf-8")
    added, problems = add_refs([SREP, ELIFE, PONE], path, tmp_path / "references.lock.json",
                               _config(tmp_path), today=TODAY)
    assert problems == []
    keys = {a.doi: a.key for a in added}
    works = _works(tmp_path)
    assert works[keys[SREP]]["via"] == "crossref"
    assert works[keys[ELIFE]]["via"] == "openalex"
    assert works[keys[ELIFE]]["text"] == _crossref_text(ELIFE)
    assert keys[PONE] not in works  # no registry has its abstract
    assert all(r["retrieved"] == TODAY and r["kind"] == "abstract" for r in works.values())


# ------------------------------------------------- end to end: verify-refs, then the check


def _post(tmp_path: Path, text: str) -> Path:
    (tmp_path / "posts").mkdir(exist_ok=True)
    post = tmp_path / "posts" / "p.md"
    post.write_text(text, encoding="utf-8")
    return post


def test_after_verify_refs_the_check_reads_the_stored_abstract(server, tmp_path, run_cli):
    """verify-refs stores the registry's abstract; the offline check then finds a quotation
    in it and fails a figure the abstract never reports, at the figure's line and column."""
    (tmp_path / "references.bib").write_text(SREP_ENTRY + "\n", encoding="utf-8")
    code, _, err = run_cli("verify-refs", tmp_path, "--timeout", "5")
    assert code == 0, err
    _post(tmp_path, "# Oligomers\n\n"
          "Oligomers are \"toxic to cells and have been proposed to play a key role in the "
          "etiopathogenesis of Parkinson's disease\" [@tosatto2015single].\n\n"
          "In that study 42% of the oligomers were of the second type [@tosatto2015single].\n")
    code, out, _ = run_cli("check", tmp_path, "--no-warnings")
    errors = [ln for ln in out.splitlines() if ": SRC" in ln]
    assert errors == [ln for ln in errors if ln.startswith("posts/p.md:5:15: SRC001 ")], out
    assert len(errors) == 1 and code == 1
    from toulmin.project import Project

    evidence = Project.load(tmp_path).evidence("posts/p.md")
    assert [(e.kind, e.line) for e in evidence] == [("quotation", 3)]
    assert "via Crossref" in evidence[0].provenance


def test_an_entry_no_registry_knows_is_an_error_after_verify_refs(server, tmp_path, run_cli):
    (tmp_path / "references.bib").write_text(UNKNOWN_ENTRY + "\n", encoding="utf-8")
    _post(tmp_path, "# Rural services\n\nOne county reported its outcomes "
          "[@brennan2019outcomes].\n")
    code, out, _ = run_cli("check", tmp_path)
    assert "REF007" not in out  # not yet searched: no verdict, no error
    code, _, _ = run_cli("verify-refs", tmp_path, "--timeout", "5")
    assert code == 1
    code, out, _ = run_cli("check", tmp_path)
    assert code == 1
    assert any(ln.startswith("references.bib:1:1: REF007 ") for ln in out.splitlines()), out
