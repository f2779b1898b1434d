"""Registry text is third-party input: checked before it touches a file, cleaned before
it reaches a terminal.

- ``valid_doi``: the shape every registered DOI has (``10.<registrant>/<suffix>``, printable
  ASCII without spaces, braces, backslashes or quotes); a registry's DOI that does not
  match is never written to ``references.bib`` (it could close the field and add others).
- ``unsafe_value``: why a field value may not be written to ``references.bib`` (a control
  character, a newline, unbalanced braces), or "".
- ``for_terminal``: registry text as one printable line: control and escape characters
  (ANSI sequences, bidi overrides) removed, and never a line that starts with ``::`` (a
  GitHub Actions workflow command such as ``::error::`` or ``::add-mask::``); it lives in
  ``toulmin.textfile`` so that ``toulmin check`` prints the lock's registry text the same way.
"""

from __future__ import annotations

import re

from toulmin.textfile import control_character, for_terminal

__all__ = ["DOI", "UnsafeAnswer", "for_terminal", "has_control", "unsafe_value", "valid_doi"]

#: 10.<4-9 digits>/<printable ASCII suffix>, without the characters that end a BibTeX
#: value or a JSON/TeX string ({ } \\ " and whitespace).
DOI = re.compile(r"10\.\d{4,9}/[!#-\[\]-z|~]+")


class UnsafeAnswer(ValueError):
    """A registry's answer holds a value that cannot be written safely (REF009)."""


def valid_doi(doi: str) -> bool:
    return isinstance(doi, str) and DOI.fullmatch(doi) is not None


def unsafe_value(value: str) -> str:
    """Why ``value`` may not be written into a BibTeX field, or "" when it may."""
    for c in value:
        if c in "\r\n":
            return "a line break"
        if control_character(c):
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
        if c not in "\t\n\r" and control_character(c):
            return f"U+{ord(c):04X}"
    return ""
