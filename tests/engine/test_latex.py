"""The fast LaTeX decoder against pylatexenc, the reference decoder, on real fields.

Oracle: pylatexenc's LatexNodes2Text (math as text, strict LaTeX spaces), white space
collapsed. Two known differences, both where pylatexenc is wrong for bibliographies:
it drops the logo macros \\TeX, \\LaTeX and \\BibTeX, and reads a bare ``&`` (in URLs) as
a table column separator.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
import pytest

from toulmin.bibliography.latex import decode, decode_pylatexenc

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bib-corpus"
FILES = [
    "biber/tugboat.bib",
    "zotero-bbt-import/Unabbreviate on import #1436-3.bib",
    "zotero-bbt-import/Maintain the JabRef group and subgroup structure when importing "
    "a BibTeX db #97.bib",
    "jabref/jabref-authors.bib",
    "zotero-bbt-import/Math markup to unicode not always imported correctly #472.bib",
    "zotero-bbt-import/Wrong ring-above import #1115.bib",
]
KNOWN = re.compile(r"\\(?:La)?TeX|\\BibTeX|(?<!\\)&")


def _fields(name: str):
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    text = (CORPUS / name).read_text(encoding="utf-8", errors="replace")
    for entry in bibtexparser.parse_string(text, parse_stack=[]).entries:
        for f in entry.fields:
            v = str(f.value).strip()
            if v[:1] in '{"' and v[-1:] in '}"':
                v = v[1:-1]
            yield v


def _oracle(v: str) -> str:
    return " ".join(decode_pylatexenc(v).replace("\u00a0", " ").split())


@pytest.mark.parametrize("name", FILES)
def test_fast_decoder_agrees_with_pylatexenc(name):
    compared = 0
    for value in _fields(name):
        if "\\" not in value and "$" not in value:
            continue
        if KNOWN.search(value):
            continue
        compared += 1
        assert decode(value) == _oracle(value), value
    assert compared > 0


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (r"Bj{\"o}rn", "Björn"),
        (r"L{\"o}we", "Löwe"),
        (r"Fran\c cois", "François"),
        (r"Garc{\'\i}a", "García"),
        (r"{\O}stergaard", "Østergaard"),
        (r"\v{S}koda", "Škoda"),
        (r"8--14", "8–14"),
        (r"John Wiley \& Sons", "John Wiley & Sons"),
        (r"The {\TeX}book", "The TeXbook"),
        (r"$\alpha$-level", "α-level"),
        (r"\emph{In vivo}  data", "In vivo data"),
        (r"``Quoted'' text", "“Quoted” text"),
        ("plain   text\n  wrapped", "plain text wrapped"),
    ],
)
def test_common_fields(raw, text):
    assert decode(raw) == text


def test_inverted_marks_decode_as_pylatexenc_does():
    # LaTeX's ligatures ?` and !` are Spanish inverted marks, with or without other LaTeX.
    for value in ("?`Qu\\'e es la ciencia?", "?`Por qu\u00e9 no?", "!`Viva la ciencia!"):
        assert decode(value) == _oracle(value), value
    assert decode("?`Por qu\u00e9 no? Una respuesta") == "\u00bfPor qu\u00e9 no? Una respuesta"
