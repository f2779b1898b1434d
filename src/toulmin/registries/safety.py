"""Registry text is third-party input: checked before it touches a file, cleaned before
it reaches a terminal.

- ``valid_doi``: the shape every registered DOI has (``10.<registrant>/<suffix>``, printable
  ASCII without spaces, braces, backslashes or quotes); a registry's DOI that does not
  match is never written to ``references.bib`` (it could close the field and add others).
- ``unsafe_value``: why a field value may not be written to ``references.bib`` (a control
  character, a newline, unbalanced braces), or "".
- ``for_terminal``: registry text as one printable line: control and escape characters
  (ANSI sequences, bidi overrides) removed, and never a line that starts with ``::`` (a
  GitHub Actions workflow command such as ``::error::`` or ``::add-mask::``).
"""

from __future__ import annotations

import re
import unicodedata

#: 10.<4-9 digits>/<printable ASCII suffix>, without the characters that end a BibTeX
#: value or a JSON/TeX string ({ } \\ " and whitespace).
DOI = re.compile(r"10\.\d{4,9}/[!#-\[\]-z|~]+")

#: bidirectional overrides and isolates, which reorder what a terminal shows
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
#: ANSI escape sequences (CSI and OSC), removed whole rather than leaving their tail
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def valid_doi(doi: str) -> bool:
    return isinstance(doi, str) and DOI.fullmatch(doi) is not None


def _control(c: str) -> bool:
    return unicodedata.category(c) == "Cc" or c in _BIDI


def unsafe_value(value: str) -> str:
    """Why ``value`` may not be written into a BibTeX field, or "" when it may."""
    for c in value:
        if c in "\r\n":
            return "a line break"
        if _control(c):
            return f"a control character (U+{ord(c):04X})"
    depth = 0
    for c in value:
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return "a closing brace"
    return "unbalanced braces" if depth else ""


def has_control(value: str) -> str:
    """The first control character of registry text other than ordinary whitespace (which
    the entry's writer folds into spaces), as U+XXXX; "" when there is none."""
    for c in value:
        if c not in "\t\n\r" and _control(c):
            return f"U+{ord(c):04X}"
    return ""


def for_terminal(text: object) -> str:
    """``text`` as one line safe to print in a terminal or a CI log."""
    text = _ANSI.sub("", str(text))
    text = "".join(" " if c in "\t\n\r\x0b\x0c\x85\u2028\u2029" else c
                   for c in text if not _control(c) or c in "\t\n\r\x0b\x0c\x85")
    if text.lstrip().startswith("::"):
        text = "\u00b7" + text.lstrip()[1:]  # "·:error::": no longer a workflow command
    return text
