"""Loading real-world .bib files: every block loads or is reported with its line.

The corpus in tests/fixtures/bib-corpus is 140 real files (see its SOURCES.md); the
expected counts come from its survey, made with bibtexparser 2.1.0 itself.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from toulmin.bibliography import bibtex as bib
from toulmin.bibliography import loading
from toulmin.checks.bibliography import check_entries

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bib-corpus"
SURVEY = json.loads((CORPUS / "survey_bibtexparser-2.1.0.json").read_text())["files"]


@pytest.mark.parametrize("row", SURVEY, ids=[r["file"] for r in SURVEY])
def test_every_corpus_file_loads_or_reports_each_failed_block(row):
    b = loading.load(CORPUS / row["file"], display=row["file"])
    assert len(b) == row["entries"]
    parse_failures = [f for f in b.findings if f.code == "BIB001"]
    duplicates = [f for f in b.findings if f.code == "BIB002" and f.is_error]
    assert len(parse_failures) == row["other_failed_blocks"]
    assert len(duplicates) == row["duplicate_key_blocks"]
    case_dups = [f for f in b.findings if f.code == "BIB002" and not f.is_error]
    assert len(case_dups) == row["case_only_duplicate_keys"]
    lines = (CORPUS / row["file"]).read_bytes().count(b"\n") + 1
    for f in b.findings:
        assert f.path == row["file"]
        assert 1 <= f.line <= lines, f
        assert "\n" not in f.message


def test_parse_failure_names_the_line_of_the_broken_entry():
    text = (
        "@article{good1, title={Fine}, author={A, B}, journal={J}, year=2020}\n"
        "\n"
        "@article{broken,\n"
        "  title = {Unclosed brace,\n"
        "  year = 2020\n"
        "\n"
        "@book{good2, title={Book}, author={C, D}, publisher={P}, year=2019}\n"
    )
    b = bib.parse_string(text, "refs.bib")
    failures = [f for f in b.findings if f.code == "BIB001"]
    assert [(f.line, f.path) for f in failures] == [(3, "refs.bib")]
    assert "broken" in failures[0].message
    assert "good1" in b and "good2" in b


def test_duplicate_key_reports_both_lines():
    text = "@misc{a, title={One}}\n@misc{b, title={Two}}\n@misc{a, title={Three}}\n"
    b = bib.parse_string(text, "r.bib")
    (dup,) = [f for f in b.findings if f.code == "BIB002"]
    assert dup.line == 3 and "line 1" in dup.message
    assert b["a"].fields["title"] == "One"


def test_string_macros_concatenation_and_months():
    text = (
        '@string{jhp = "Journal of Health Psychology"}\n'
        '@string{vol = "23"}\n'
        "@article{scott2018radical,\n"
        "  author = {Scott, Michael J.},\n"
        '  title = "Improving Access to Psychological Therapies ({IAPT}) -- The Need",\n'
        '  journal = jhp # ", online first",\n'
        "  month = feb # {~12},\n"
        "  volume = vol,\n"
        "  year = 2018\n}\n"
    )
    r = bib.parse_string(text)["scott2018radical"]
    assert r.fields["journal"] == "Journal of Health Psychology, online first"
    assert r.fields["month"] == "February 12"
    assert r.fields["volume"] == "23"
    assert r.fields["title"] == "Improving Access to Psychological Therapies (IAPT) – The Need"
    assert r.protected["title"] == ("IAPT",)
    assert r.field_lines["journal"] == 6 and r.line == 3


def test_crossref_inheritance_fills_missing_fields_and_booktitle():
    text = (
        "@inproceedings{child, author={Dorigo, Marco}, title={Ant colonies}, "
        "crossref={parent}, pages={1--10}}\n"
        "@proceedings{parent, title={Proceedings of ECAL}, year=1991, "
        "publisher={MIT Press}, editor={Varela, F. J.}}\n"
    )
    b = bib.parse_string(text)
    child = b["child"]
    assert child.fields["booktitle"] == "Proceedings of ECAL"
    assert child.year == "1991"
    assert child.fields["publisher"] == "MIT Press"
    assert child.editors[0].family == "Varela"
    assert child.fields["title"] == "Ant colonies"


def test_crossref_to_missing_parent_is_reported():
    b = bib.parse_string("@incollection{c, title={T}, crossref={nowhere}}\n", "r.bib")
    assert [f.code for f in b.findings if f.code == "BIB008"] == ["BIB008"]


def test_names_are_split_with_particles_suffixes_and_organisations():
    text = (
        "@article{x, author = {van Straten, Annemieke and Meyer, Bj{\\\"o}rn and "
        "{NHS Digital} and de la Fontaine, Jr., Jean and Robert L. Spitzer and others}, "
        "title={T}, journal={J}, year=2013}\n"
    )
    names = bib.parse_string(text)["x"].authors
    assert names[0].family == "Straten" and names[0].particle == "van"
    assert names[0].full_family == "van Straten"
    assert names[1].family == "Meyer" and names[1].given == "Björn"
    assert names[2].literal and names[2].family == "NHS Digital"
    assert names[3].suffix == "Jr." and names[3].given == "Jean"
    assert names[4].family == "Spitzer" and names[4].given == "Robert L."
    assert names[5].family == "others" and names[5].literal


def test_minisite_reference_base_is_clean():
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    b = loading.load(fixtures / "minisite" / "references.bib")
    assert len(b) == 8
    assert b.findings == []
    assert check_entries(b, b.path) == []  # and every entry rule
    assert b["jacobson1991clinical"].authors[1].family == "Truax"
    assert b["riverside_loans"].authors[0].literal


def test_cache_returns_the_same_entries_without_parsing(tmp_path, monkeypatch):
    src = CORPUS / "zotero-bbt-import" / "Unabbreviate on import #1436-3.bib"
    cold = loading.load(src, cache_dir=tmp_path, display="big.bib")

    def no_parsing(*args, **kwargs):
        raise AssertionError("an unchanged file must not be parsed again")

    monkeypatch.setattr(bib, "parse_string", no_parsing)
    warm = loading.load(src, cache_dir=tmp_path, display="big.bib")
    assert len(warm) == len(cold) == 7166
    assert list(warm.entries) == list(cold.entries)
    for key in list(cold.entries)[::97]:
        assert warm[key] == cold[key]
    assert warm.findings == cold.findings


def test_changed_file_is_reparsed(tmp_path):
    path = tmp_path / "r.bib"
    path.write_text("@misc{a, title={One}}\n")
    assert loading.load(path, cache_dir=tmp_path / "c")["a"].fields["title"] == "One"
    path.write_text("@misc{a, title={Two}}\n")
    assert loading.load(path, cache_dir=tmp_path / "c")["a"].fields["title"] == "Two"
    assert len(list((tmp_path / "c").glob("bib-*"))) == 1


def test_fast_name_split_agrees_with_bibtex_name_grammar():
    """The "Last, First" fast path must give what bibtexparser's BibTeX grammar gives.

    Except where bibtexparser departs from BibTeX: it takes a special character such as
    ``{\\AA}ke`` for a lower-case letter (a "von" part); BibTeX takes its case from the
    control word (upper case here), as the fast path does. Accents written without a
    brace group (``Y.\\~G.``, an escaped tie in a Zotero export) are left out: the two
    disagree on whether it is an accent.
    """
    import bibtexparser

    from toulmin.bibliography.names import parse_names, parse_names_bibtex

    compared = 0
    for name in ("zotero-bbt-import/Unabbreviate on import #1436-3.bib",
                 "jabref/jabref-authors.bib", "biber/tugboat.bib"):
        text = (CORPUS / name).read_text(encoding="utf-8", errors="replace")
        for entry in bibtexparser.parse_string(text, parse_stack=[]).entries:
            for f in entry.fields:
                if f.key.lower() not in ("author", "editor"):
                    continue
                value = str(f.value).strip()
                if value[:1] in '{"':
                    value = value[1:-1]
                if "#" in value or re.search(r"\{\\[A-Z]|(?<!\{)\\", value):
                    continue
                compared += 1
                assert parse_names(value) == parse_names_bibtex(value), value
    assert compared > 5000


@pytest.mark.parametrize("row", SURVEY, ids=[r["file"] for r in SURVEY])
def test_toulmin_check_never_crashes_on_a_corpus_file(row, tmp_path, run_cli):
    """`toulmin check` on a site whose reference base is each real-world file."""
    import shutil

    shutil.copy(CORPUS / row["file"], tmp_path / "references.bib")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "p.md").write_text("# A post\n\nNo citations here.\n")
    code, out, err = run_cli("check", tmp_path, "--no-warnings")
    failed = row["other_failed_blocks"] + row["duplicate_key_blocks"]
    assert code in (0, 1)
    assert "Traceback" not in out + err
    if failed:
        assert code == 1
    for line in out.splitlines():
        if line.startswith("  fix: "):  # each finding's fix, on the line after it
            continue
        assert re.match(r"^references\.bib:\d+:\d+: [A-Z]+\d{3} ", line), line


BIG = CORPUS / "zotero-bbt-import" / "Unabbreviate on import #1436-1.bib"  # 223 kB
TWO_CPUS = len(os.sched_getaffinity(0)) >= 2 if hasattr(os, "sched_getaffinity") else False
needs_fork = pytest.mark.skipif(not TWO_CPUS or not hasattr(os, "fork"),
                                reason="needs fork and 2 CPUs")


def _in_fresh_process(code: str, tmp_path: Path) -> None:
    """Run ``code`` (which asserts) in a new interpreter: a test process has threads (test
    servers, the browser), and toulmin forks only from a process without any, as the CLI
    and ``mkdocs build`` are."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "scenario.py"
    script.write_text(f"BIG = {str(BIG)!r}\nTMP = {str(tmp_path)!r}\n" + textwrap.dedent(code))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr


@needs_fork
def test_a_large_uncached_file_is_parsed_in_a_second_process(tmp_path):
    _in_fresh_process("""
        from pathlib import Path
        from toulmin.bibliography import bibtex as bib
        from toulmin.bibliography import loading
        assert Path(BIG).stat().st_size >= loading.BACKGROUND_MIN_BYTES
        here = loading.load(BIG, display="big.bib")
        pending = loading.load_in_background(BIG, cache_dir=TMP + "/c", display="big.bib")
        assert pending.background
        def no_parsing(*args, **kwargs):
            raise AssertionError("the parent must read the child's cache, not parse")
        real, bib.parse_string = bib.parse_string, no_parsing
        there = pending.result()
        assert not pending.background
        assert list(there.entries) == list(here.entries) and len(here) > 500
        for key in list(here.entries)[::23]:
            assert there[key] == here[key], key
        assert there.findings == here.findings
        # a second load finds the cache: no second process
        again = loading.load_in_background(BIG, cache_dir=TMP + "/c", display="big.bib")
        assert not again.background
    """, tmp_path)


@needs_fork
def test_a_child_that_cannot_write_the_cache_leaves_the_parse_to_the_parent(tmp_path):
    _in_fresh_process("""
        from pathlib import Path
        from toulmin.bibliography import loading
        blocked = Path(TMP) / "not-a-folder"
        blocked.write_text("a file where the cache folder should be")
        pending = loading.load_in_background(BIG, cache_dir=blocked, display="big.bib")
        assert pending.background
        assert list(pending.result().entries) == list(loading.load(BIG, display="big.bib").entries)
    """, tmp_path)


def test_small_files_and_threaded_hosts_load_in_process(tmp_path, monkeypatch):
    small = tmp_path / "r.bib"
    small.write_text("@misc{a, title={One}}\n")
    assert not loading.load_in_background(small, cache_dir=tmp_path / "c").background
    monkeypatch.setattr(loading, "can_fork", lambda: False)  # e.g. under mkdocs serve's threads
    pending = loading.load_in_background(BIG, cache_dir=tmp_path / "c", display="big.bib")
    assert not pending.background and len(pending.result()) > 500


@needs_fork
def test_a_check_gives_the_same_findings_whether_the_bib_loads_beside_it_or_not(tmp_path):
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    keys = list(loading.load(BIG).entries)[:3]
    (site / "posts" / "a.md").write_text(
        f"As @{keys[0]} and [see @{keys[1]}, p. 3; @{keys[2]}] argue, and @nokey2020 too.\n"
        "Smith (1999) found 42% of it.\n")
    (site / "references.bib").write_bytes(BIG.read_bytes())
    _in_fresh_process(f"""
        import os
        from toulmin.bibliography import loading
        from toulmin.project import Project
        site = {str(site)!r}
        beside = Project.load(site)
        # the documents were scanned while the other process parsed the file
        assert all(d.scan is not None for d in beside.documents)
        found = beside.check()
        assert all(d.scan is None for d in beside.documents)
        assert {{f.code for f in found}} >= {{"CIT001", "BIB007"}}, found
        loading.can_fork = lambda: False
        os.rename(site + "/.cache", site + "/.cache-old")
        assert Project.load(site).check() == found
    """, tmp_path)


def test_ties_in_given_names_are_decoded_on_the_fast_path():
    # "Last, First" with no braces or backslash skips the BibTeX name grammar; the tie
    # (~) and dashes must still decode as they do in every other field.
    text = (
        "@book{tolkien1954fellowship, author = {Tolkien, J.~R.~R. and Lewis, C.~S.},\n"
        "  title = {The Fellowship of the Ring}, publisher = {Allen \\& Unwin}, year = 1954}\n"
        "@article{x, author = {Lennard--Jones, J.~E.}, title = {T}, journal = {J}, year = 1924}\n"
    )
    b = bib.parse_string(text)
    tolkien, lewis = b["tolkien1954fellowship"].authors
    assert (tolkien.family, tolkien.given) == ("Tolkien", "J. R. R.")
    assert (lewis.family, lewis.given) == ("Lewis", "C. S.")
    assert b["x"].authors[0].family == "Lennard\u2013Jones" and b["x"].authors[0].given == "J. E."
    from toulmin.bibliography.names import parse_names, parse_names_bibtex

    for raw in ("Tolkien, J.~R.~R. and Lewis, C.~S.", "Lennard--Jones, J.~E.",
                "Tolkien, J. R. R."):
        assert parse_names(raw) == parse_names_bibtex(raw), raw
