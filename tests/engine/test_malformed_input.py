"""Issue 15: malformed input is one finding at its file and line, in text and in JSON.

Each case damages one file of a copy of the synthetic site (tests/fixtures/minisite, which
checks clean) the way an author or a tool really does: a reference manager's export with
an ``@string`` left open, a post saved as Latin-1, front matter indented with a tab, a
citation whose bracket never closes. ``toulmin check`` must report exactly that one problem
at its place (``path:line:col: CODE``), the same in ``--format json``, exit non-zero when
it is an error, and never print a traceback. The fatal cases (no reference base, a folder
where a file belongs, a file where a folder belongs, a mkdocs.yml that cannot be read) stop
the check with one line, and with ``--format json`` still print a JSON list.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sitebuild import copy_minisite
from toulmin.project import Project

BIB = "references.bib"
NEW_POST = "posts/2025-06-01-branch-hours.md"
FRONT = '---\ntitle: "Branch hours"\ndate: 2025-06-01\nauthors: [editor]\n---\n\n'
BODY = "Opening hours differ between branches, and so do the members who use them.\n"
#: a finding's first line in the text output (``human``) and on stderr (``format``)
FINDING_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d{3}) ")


@pytest.fixture(scope="module")
def warm_site(tmp_path_factory) -> Path:
    """The synthetic site, checked once so that its caches (statistics, charts, the
    reference base's parse) are warm: each case copies it and pays only for its change."""
    site = copy_minisite(tmp_path_factory.mktemp("malformed") / "minisite")
    assert Project.load(site).check() == []
    return site


@pytest.fixture
def site(warm_site, tmp_path) -> Path:
    return Path(shutil.copytree(warm_site, tmp_path / "site", symlinks=True))


# -- how each case damages the site ---------------------------------------------------------


def write(rel: str, data: str | bytes) -> Callable[[Path], None]:
    def do(site: Path) -> None:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return do


def post(body: str, front: str = FRONT) -> Callable[[Path], None]:
    """A new post: ``front`` matter and ``body``, as UTF-8."""
    return write(NEW_POST, front + body)


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def do(site: Path) -> None:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return do


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def do(site: Path) -> None:
        for step in steps:
            step(site)
    return do


def make_folder(rel: str) -> Callable[[Path], None]:
    def do(site: Path) -> None:
        path = site / rel
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        (path / "inside").mkdir(parents=True)
    return do


def make_file(rel: str) -> Callable[[Path], None]:
    def do(site: Path) -> None:
        shutil.rmtree(site / rel)
        (site / rel).write_text("moved\n", encoding="utf-8")
    return do


def remove(rel: str) -> Callable[[Path], None]:
    return lambda site: (site / rel).unlink()


STOPWORDS = edit("mkdocs.yml", "  - toulmin\n", "  - toulmin:\n      stopwords: words.txt\n")

# (id, damage, (path, line, column, code), severity). Lines and columns are counted in the
# damaged file by hand; the column is that of the character the message is about.
CASES = [
    # (the entries damaged are those the registry lock does not hold: damaging a locked
    # entry is rightly a second finding, REF002 "changed since it was verified")
    # -- BibTeX entry types no tool defines
    ("type-typo", edit(BIB, "@book{cohen1988power", "@bok{cohen1988power"),
     (BIB, 3, 1, "BIB009"), "error"),
    ("type-mendeley-webpage", edit(BIB, "@misc{riverside_loans", "@webpage{riverside_loans"),
     (BIB, 75, 1, "BIB009"), "error"),
    # -- an @string that never closes (the entries after it still load)
    ("string-brace-open", edit(BIB, "\n@book{cohen1988power",
                               "@string{jasa = {Journal of the American Statistical Association}"
                               "\n\n@book{cohen1988power"),
     (BIB, 2, 1, "BIB010"), "error"),
    ("string-quote-open", edit(BIB, "\n@book{tufte1983visual",
                               '@string{gp = "Graphics Press}\n\n@book{tufte1983visual'),
     (BIB, 66, 1, "BIB010"), "error"),
    # -- a field given as a macro no @string defines
    ("macro-publisher", edit(BIB, "publisher = {Graphics Press}", "publisher = graphicspress"),
     (BIB, 70, 1, "BIB011"), "error"),
    ("macro-month-spelt-out", edit(BIB, "  year      = {1983}\n",
                                   "  year      = {1983},\n  month     = sept\n"),
     (BIB, 73, 1, "BIB011"), "error"),
    ("macro-concatenated", edit(BIB, "publisher = {Lawrence Erlbaum Associates}",
                                'publisher = erlbaum # " Associates"'),
     (BIB, 7, 1, "BIB011"), "error"),
    # -- crossref cycles: one finding for each cycle, at its first entry in the file
    ("crossref-two", both(
        edit(BIB, "  edition   = {2},", "  edition   = {2},\n  crossref  = {tufte1983visual},"),
        edit(BIB, "  year      = {1983}", "  year      = {1983},\n  crossref  = {cohen1988power}")),
     (BIB, 7, 1, "BIB012"), "error"),
    ("crossref-self", edit(BIB, "  year         = {2025},", "  year         = {2025},\n"
                           "  crossref     = {riverside_loans},"),
     (BIB, 79, 1, "BIB012"), "error"),
    ("crossref-three", both(
        edit(BIB, "  edition   = {2},", "  edition   = {2},\n  crossref  = {tufte1983visual},"),
        edit(BIB, "  year      = {1983}", "  year      = {1983},\n  crossref  = {riverside_loans}"),
        edit(BIB, "  year         = {2025},", "  year         = {2025},\n"
             "  crossref     = {cohen1988power},")),
     (BIB, 7, 1, "BIB012"), "error"),
    # -- front matter never closed
    ("front-never-closed", post(BODY, front="---\ntitle: Branch hours\ndate: 2025-06-01\n\n"),
     (NEW_POST, 1, 1, "DOC003"), "error"),
    ("front-closed-with-two-dashes", post(BODY, front="---\ntitle: Branch hours\n--\n\n"),
     (NEW_POST, 1, 1, "DOC003"), "error"),
    # -- front matter that is not YAML
    ("yaml-tab-indent", post(BODY, front="---\ntitle: Branch hours\ndate: 2025-06-01\ntags:\n"
                                         "\t- hours\n---\n\n"),
     (NEW_POST, 5, 1, "DOC004"), "error"),
    ("yaml-unquoted-colon", post(BODY, front="---\ntitle: Branch hours: a history\n"
                                             "date: 2025-06-01\n---\n\n"),
     (NEW_POST, 2, 20, "DOC004"), "error"),
    ("yaml-unclosed-quote", post(BODY, front='---\ntitle: "Branch hours\ndate: 2025-06-01\n'
                                             "---\n\n"),
     (NEW_POST, 4, 1, "DOC004"), "error"),
    # -- a date that is not a date
    ("date-month-13", post(BODY, front="---\ntitle: Branch hours\ndate: 2026-13-45\n---\n\n"),
     (NEW_POST, 3, 7, "DOC005"), "error"),
    ("date-in-words", post(BODY, front="---\ntitle: Branch hours\ndate: next week\n---\n\n"),
     (NEW_POST, 3, 1, "DOC005"), "error"),
    ("date-created-30-february", post(BODY, front="---\ntitle: Branch hours\ndate:\n"
                                                  "  created: 2026-02-30\n---\n\n"),
     (NEW_POST, 4, 12, "DOC005"), "error"),
    # -- a post without a title: a warning (listed under its file name); not text: an error
    ("no-title", post(BODY, front="---\ndate: 2025-06-01\n---\n\n"),
     (NEW_POST, 1, 1, "DOC006"), "warning"),
    ("no-front-matter-no-heading", post(BODY, front=""),
     (NEW_POST, 1, 1, "DOC006"), "warning"),
    ("title-a-list", post(BODY, front="---\ntitle: [Branch, hours]\ndate: 2025-06-01\n---\n\n"),
     (NEW_POST, 2, 1, "DOC006"), "error"),
    # -- an empty citation
    ("cite-empty", post("Opening hours matter [@].\n"), (NEW_POST, 7, 22, "DOC007"), "error"),
    ("cite-empty-with-locator", post("Hours matter [see @, p. 26].\n"),
     (NEW_POST, 7, 14, "DOC007"), "error"),
    ("cite-empty-second", post("Hours matter [@cohen1988power; @].\n"),
     (NEW_POST, 7, 30, "DOC007"), "error"),
    # -- a citation that never closes
    ("cite-unclosed-end-of-file", post("Hours matter [@cohen1988power\n"),
     (NEW_POST, 7, 14, "DOC008"), "error"),
    ("cite-unclosed-before-blank-line", post(
        "Hours matter, and differences between\nbranches too [see @cohen1988power, p. 26\n\n"
        "The next paragraph [@tufte1983visual].\n"),
     (NEW_POST, 8, 14, "DOC008"), "error"),
    # -- bytes that are not UTF-8 text, and NUL bytes
    ("post-latin-1", write(NEW_POST, (FRONT + "The caf\xe9 at the central branch opens "
                                      "early.\n").encode("latin-1")),
     (NEW_POST, 7, 8, "DOC001"), "error"),
    ("post-utf-16", write(NEW_POST, (FRONT + BODY).encode("utf-16")),
     (NEW_POST, 1, 1, "DOC001"), "error"),
    ("post-nul", write(NEW_POST, (FRONT + "Opening hours differ\x00 between branches.\n")
                       .encode()),
     (NEW_POST, 7, 21, "DOC002"), "error"),
    ("bib-nul", edit(BIB, "{The Visual Display", "{The Visual\x00 Display"),
     (BIB, 69, 26, "DOC002"), "error"),
    ("bib-windows-1252", lambda site: (site / BIB).write_bytes(
        (site / BIB).read_bytes().replace(b"Cohen, Jacob", b"Coh\xe9n, Jacob")),
     (BIB, 4, 19, "DOC001"), "error"),
    # -- a statistic quoted without a name
    ("stat-empty", post("Most branches open at [nine]{stat=}.\n"), (NEW_POST, 7, 29, "DOC009"),
     "error"),
    ("stat-empty-figure", post("Loans rose by [42%]{stat=} in a year.\n"),
     (NEW_POST, 7, 20, "DOC009"), "error"),
    ("stat-empty-quoted", post("Loans rose by [42%]{stat=\"\"} in a year.\n"),
     (NEW_POST, 7, 20, "DOC009"), "error"),
]


@pytest.mark.parametrize("damage,where,severity", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_malformed_input_is_one_finding_at_its_place(site, run_cli, damage, where, severity):
    damage(site)
    code, out, err = run_cli("check", site)
    assert "Traceback" not in out + err
    found = [m.groupdict() for m in map(FINDING_LINE.match, out.splitlines()) if m]
    assert [(f["path"], int(f["line"]), int(f["col"]), f["code"]) for f in found] == [where], out
    assert code == (1 if severity == "error" else 0), out + err

    code_json, out_json, err_json = run_cli("check", site, "--format", "json")
    assert "Traceback" not in out_json + err_json
    findings = json.loads(out_json)
    assert [(f["path"], f["line"], f["column"], f["code"], f["severity"]) for f in findings] \
        == [(*where, severity)]
    assert code_json == code


@pytest.mark.parametrize("damage", [
    edit(BIB, "@book{cohen1988power", "@patent{cohen1988power"),  # biblatex defines it
    edit(BIB, "% Works",
         "@comment{exported by hand}\n@preamble{\"\\newcommand{\\x}{x}\"}\n% Works"),
    both(edit(BIB, "journal = {Statistical Science}", "journal = ss"),
         edit(BIB, "% Works", "@string{ss = {Statistical Science}}\n% Works")),
    post("Opening hours differ [see @cohen1988power, p. 26; also @tufte1983visual].\n"),
], ids=["patent", "comment-and-preamble", "macro-defined", "citation-with-prefix"])
def test_what_is_well_formed_stays_quiet(site, run_cli, damage):
    damage(site)
    code, out, err = run_cli("check", site, "--format", "json")
    assert (code, json.loads(out)) == (0, []), err


# -- fatal: the check stops with one line (and, under --format json, a JSON list) -----------

FATAL = [
    ("no-reference-base", remove(BIB), (BIB, "BIB000")),
    ("reference-base-a-folder", make_folder(BIB), (BIB, "BIB000")),
    ("posts-a-file", make_file("posts"), ("posts", "DOC010")),
    ("docs-a-file", make_file("docs"), ("docs", "DOC010")),
    ("scripts-a-file", make_file("scripts"), ("scripts", "DOC010")),
    ("mkdocs-yml-tab", edit("mkdocs.yml", "  - toulmin\n", "\t- toulmin\n"),
     ("mkdocs.yml", "DOC004")),
    ("mkdocs-yml-unclosed-quote", edit("mkdocs.yml", "site_name: Loans, Checked",
                                       'site_name: "Loans, Checked'), ("mkdocs.yml", "DOC004")),
    ("mkdocs-yml-a-folder", make_folder("mkdocs.yml"), ("mkdocs.yml", "DOC004")),
    ("mkdocs-yml-latin-1", lambda site: (site / "mkdocs.yml").write_bytes(
        (site / "mkdocs.yml").read_bytes().replace(b"Loans, Checked", b"Pr\xeats, v\xe9rifi\xe9s")),
     ("mkdocs.yml", "DOC001")),
    ("stopwords-latin-1", both(STOPWORDS, write("words.txt",
                                                "Riverside\nCaf\xe9\n".encode("latin-1"))),
     ("words.txt", "DOC001")),
    ("stopwords-a-folder", both(STOPWORDS, lambda site: (site / "words.txt").mkdir()),
     ("words.txt", "CLI003")),
]


@pytest.mark.parametrize("damage,where", [c[1:] for c in FATAL], ids=[c[0] for c in FATAL])
def test_a_fatal_problem_is_one_line_and_valid_json(site, run_cli, damage, where):
    damage(site)
    code, out, err = run_cli("check", site)
    assert "Traceback" not in out + err
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    m = FINDING_LINE.match(lines[0])
    assert m and (m["path"], m["code"]) == where, err

    code, out, err = run_cli("check", site, "--format", "json")
    assert code == 2
    findings = json.loads(out)
    assert [(f["path"], f["code"]) for f in findings] == [where]
    assert err.splitlines() == lines
