"""Issue 15: random Markdown, BibTeX and front matter never break the check or the renderer.

Hypothesis builds sites from fragments of the syntax toulmin reads (citations with
prefixes and locators, ``{stat=}``, brackets, HTML and comments, code fences, front matter
fences, ``@string``, macros, ``#`` concatenation, crossrefs, YAML's tabs, anchors and tags)
mixed with odd characters (NUL, a byte-order mark, zero-width and right-to-left marks,
carriage returns, non-UTF-8 bytes). The properties:

- ``Project.load(root).check()`` (in-process, most examples) never raises, ends within a
  bound, gives findings at the site's own files with lines and columns from 1, serialisable
  as JSON, and leaves the author's files byte-identical (only ``.cache/`` may change);
- ``toulmin check --format json`` (a subprocess, a few examples) prints valid JSON and no
  traceback, exits 0, 1 or 2, and changes no author file either;
- the Markdown extension renders any text without an exception.

The examples are derandomised and no example database is kept, so a run in CI is the run
on a laptop. A failure hypothesis shrinks is kept below as an explicit regression test.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toulmin.findings import to_json
from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension

#: reproducible: the same examples on every run, and nothing remembered between runs
FUZZ = settings(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: one in-process check of a small random site must end well within this (seconds)
BOUND = 10.0

# -- strategies --------------------------------------------------------------------------------

ODD = ["\x00", "\ufeff", "\u200b", "\u202e", "\r", "\r\n", "\t", "\xa0", "\u2028", "\ufffd",
       "\U0001f600", "\u0301", "\\", "&", "&amp;", "<", ">", "é", "—", "“", "”", "’"]
MARKDOWN = [
    "[@", "[@]", "@", "]", "[", "-@", "[see @", ", p. 3", ", pp. 3-4", "; ", "[@cohen1988power",
    "@cohen1988power", "@tufte1983visual", "[-@wilson1927", "{@braced.key}", "[@missing2020]",
    "{stat=", "{stat=}", "{stat=loans.share}", "{stat=\"\"}", "}", "{", "[42%]", "[]",
    "[about 1.6 million]",
    " round=100000", "{#id .class}", "`", "``", "```\n", "~~~\n", "    code\n", "$", "$$\n",
    "<div>", "</div>", "<span title=\"", "<!--", "-->", "<script>", "<!-- toulmin: ignore ",
    "CIT001 reason -->", "---\n", "...\n", "\n", "\n\n", "# ", "## ", "> ", "- ", "1. ", "* ",
    "_", "**", "\"", "'", "(", ")", "Cohen (1988)", "Cohen and Lane (2012)", "et al.", "1998",
    "42%", "12.5 per cent", "£4bn", "p. 26", "doi:10.1037/0022-006X.59.1.12",
    "https://doi.org/10.1/x", "![](charts/x.svg)", "![a](../charts/loans_by_month.svg)",
    "[x](http://a.example)", "::: bibliography\n", "::: statistic loans.share\n", "[^1]",
    "[^1]: note\n", "|a|b|\n|-|-|\n", "word ", "Loans rose ", ". ", ", ",
]
BIBTEX = [
    "@article{", "@book{", "@misc{", "@incollection{", "@articel{", "@patent{", "@string{",
    "@string(", "@comment{", "@preamble{", "@", "{", "}", "(", ")", "\"", "#", "=", ",", "\n",
    "%", "key", "cohen1988power", "a", "b", "author = ", "title = ", "journal = ",
    "year = ", "month = ", "crossref = ", "doi = ", "url = ", "editor = ", "pages = ",
    "{Cohen, Jacob and Lane, S.}", "{{Riverside Libraries}}", "{The {DNA} of \\emph{it}}",
    "{\\\"o}", "\\'e", "{\\relax}", "jan", "sept", "jasa", "2020", "{10.1/x}", "{10.1037 x}",
    "{javascript:alert(1)}", "{https://example.org}", " and ", "others", "{a}", "{b}",
    "\"text\"", "1--2", "\\", "$x$", "~", " ",
]
YAML = [
    "title: ", "date: ", "tags:", "authors: [editor]", "description: ", "categories:",
    "draft: true", "\n", "  ", "\t", "- ", ": ", ":", "\"", "'", "[", "]", "{", "}", ",",
    "2025-06-01", "2026-13-45", "2026-02-30", "next week", "created: ", "updated: ",
    "Loans: a history", "&a ", "*a", "<<: *a", "!!python/object:os.system", "!!binary ",
    "!ENV X", "|", ">", "? ", "#", "%YAML 1.1", "~", "null", "---", "...", "<b>x</b>",
    "1e999", "0x1F", ".inf", "Loans",
]


def _join(tokens: list[str]) -> st.SearchStrategy[str]:
    odd_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
    piece = st.one_of(st.sampled_from(tokens), st.sampled_from(tokens),
                      st.sampled_from(ODD), odd_text)
    return st.lists(piece, max_size=40).map("".join)


KEYS = ["a", "b", "a", "b", "c", "cohen1988power", "A", ""]
VALUES = ["{Text}", "\"Text\"", "{Cohen, Jacob and others}", "2020", "jan", "sept", "jasa",
          "jasa # { Supplement}", "\"A\" # jasa", "{10.1037/x}", "{javascript:x}", "{",
          "\"open", "{a {b} c}", "{\\'e}", "{}", "{{Riverside Libraries}}"]


@st.composite
def _entry(draw) -> str:
    """An entry (or an ``@string``) that is nearly well formed: a type BibTeX may or may
    not know, a key, fields whose values are braced, quoted, numbers, macros defined or
    not, ``#`` concatenations, crossrefs to the other keys."""
    if draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from(["jasa", "sept", "x"]))
        return f"@string{{{name} = {draw(st.sampled_from(VALUES))}}}\n"
    kind = draw(st.sampled_from(["article", "book", "misc", "incollection", "articel",
                                 "patent", "Webpage", "BOOK"]))
    fields = draw(st.lists(st.tuples(
        st.sampled_from(["author", "title", "journal", "year", "publisher", "booktitle",
                         "month", "doi", "url", "crossref", "editor", "Title"]),
        st.one_of(st.sampled_from(VALUES), st.sampled_from(KEYS).map("{{{}}}".format))),
        max_size=7))
    body = ",\n  ".join(f"{k} = {v}" for k, v in fields)
    close = draw(st.sampled_from(["}", "}", "}", ""]))
    return f"@{kind}{{{draw(st.sampled_from(KEYS))},\n  {body}\n{close}\n"


@st.composite
def _front(draw) -> str:
    """Front matter of ``key: value`` lines, some of them damaged, and fences that may not
    open or close as MkDocs expects."""
    lines = draw(st.lists(st.one_of(
        st.tuples(st.sampled_from(["title", "date", "tags", "authors", "description", "draft",
                                   "  created", "  updated", "\ttitle", "- x"]),
                  st.sampled_from([": ", ":", " : ", ":\t"]),
                  st.one_of(st.sampled_from(YAML), _join(YAML)))
        .map("".join),
        _join(YAML)), max_size=6))
    opening = draw(st.sampled_from(["---\n", "---\n", "\ufeff---\n", "--- \n", "---\r\n"]))
    closing = draw(st.sampled_from(["---\n", "---\n", "...\n", "", "--\n", "---"]))
    return opening + "".join(line + "\n" for line in lines) + closing


markdown_text = _join(MARKDOWN)
bibtex_text = st.lists(st.one_of(_entry(), _join(BIBTEX)), max_size=6).map("".join)
front_matter = st.one_of(st.just(""), _front())
#: how a file's text becomes bytes: UTF-8, or an encoding an editor may have used instead
encoding = st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"])

VALID_BIB = """@book{cohen1988power,
  author = {Cohen, Jacob}, title = {Statistical Power Analysis}, publisher = {Erlbaum},
  year = {1988}
}
@book{tufte1983visual,
  author = {Tufte, Edward R.}, title = {The Visual Display of Quantitative Information},
  publisher = {Graphics Press}, year = {1983}
}
"""


def _encode(text: str, how: str) -> bytes:
    return text.encode(how, errors="replace") if how != "utf-8" else text.encode("utf-8")


@st.composite
def sites(draw) -> dict[str, bytes]:
    """A small site's author files: path -> bytes."""
    files = {
        "references.bib": _encode(draw(st.one_of(bibtex_text, bibtex_text.map(VALID_BIB.__add__))),
                                  draw(encoding)),
        "posts/2025-06-01-random.md": _encode(draw(front_matter) + draw(markdown_text),
                                              draw(encoding)),
    }
    if draw(st.booleans()):
        files["docs/index.md"] = _encode(draw(front_matter) + draw(markdown_text), "utf-8")
    return files


# -- the site on disk ------------------------------------------------------------------------


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` but the cache, with the hash of its bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".cache"]
        for name in filenames:
            path = Path(dirpath, name)
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def check_in_process(files: dict[str, bytes]) -> list:
    """Check a site of ``files`` with the engine's API; assert the properties."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, files)
        before = _tree(root)
        start = time.monotonic()
        findings = Project.load(root).check()
        elapsed = time.monotonic() - start
        assert elapsed < BOUND, elapsed
        assert _tree(root) == before
        for f in findings:
            assert f.path in files, f
            assert f.line >= 1 and f.column >= 1, f
            assert "\n" not in f.format().split("\n  fix:")[0], f
        json.loads(to_json(findings))
        return findings


# -- the properties ------------------------------------------------------------------------------


@settings(FUZZ, max_examples=300)
@given(sites())
def test_random_sites_check_without_an_exception(files):
    check_in_process(files)


@settings(FUZZ, max_examples=8)
@given(sites())
def test_random_sites_print_valid_json_from_the_command_line(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, files)
        before = _tree(root)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        proc = subprocess.run([sys.executable, "-m", "toulmin", "check", str(root),
                               "--format", "json"], capture_output=True, text=True,
                              timeout=60, env=env)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 1, 2), proc.stderr
        assert isinstance(json.loads(proc.stdout), list)
        assert _tree(root) == before


@pytest.fixture(scope="module")
def extension_project(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("render")
    (root / "references.bib").write_text(VALID_BIB, encoding="utf-8")
    return Project.load(root)


@settings(FUZZ, max_examples=300)
@given(text=st.tuples(front_matter, markdown_text).map("".join))
def test_the_markdown_extension_renders_random_text(extension_project, text):
    ext = ToulminExtension(project=extension_project)
    html = markdown.markdown(text, extensions=[ext, "attr_list", "footnotes", "tables", "toc"])
    assert isinstance(html, str)


# -- regressions: what exploring with many more examples (and by hand) found ---------------


def test_a_date_made_of_nested_aliases_is_one_finding_not_a_hang():
    # "billion laughs": eleven levels of nine aliases each; the message printed str() of
    # the value, 9**11 items (the check never ended)
    levels = "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 9)
                     + "]\n" for i in range(1, 12))
    front = "---\ntitle: Loans\na: &a [x, x, x, x, x, x, x, x, x]\n" + levels + "date: *a11\n---\n"
    findings = check_in_process({"references.bib": VALID_BIB.encode(),
                                 "posts/2025-06-01-random.md": (front + "Loans.\n").encode()})
    doc = [(f.code, f.line, f.message) for f in findings if f.code.startswith("DOC")]
    assert doc == [("DOC005", 15, "not a date: a list")]


def test_an_integer_too_long_to_read_is_invalid_yaml_not_a_date():
    # YAML reads a title of 5,000 digits as an integer Python refuses to build (ValueError,
    # as an impossible date raises): it was reported as "not a date"
    front = "---\ntitle: " + "9" * 5000 + "\ndate: 2025-06-01\n---\n"
    findings = check_in_process({"references.bib": VALID_BIB.encode(),
                                 "posts/2025-06-01-random.md": (front + "Loans.\n").encode()})
    assert [f.code for f in findings if f.code.startswith("DOC")] == ["DOC004"]


def test_a_long_crossref_chain_is_checked_in_linear_time():
    # the cycle search walked each entry's whole chain (quadratic: 3,000 chained entries
    # took seconds); one walk per entry now, and the cycle is one finding at its first entry
    from toulmin.bibliography.bibtex import parse_string

    n = 20_000
    chain = "".join(f"@book{{k{i}, crossref = {{k{i + 1}}}}}\n" for i in range(n))
    start = time.monotonic()
    bib = parse_string(chain + f"@book{{k{n}, crossref = {{k0}}}}\n")
    elapsed = time.monotonic() - start
    cycles = [(f.line, f.message[:30]) for f in bib.findings if f.code == "BIB012"]
    assert cycles == [(1, "crossref cycle: k0 -> k1 -> k2")]
    assert elapsed < 10, elapsed
