"""People in BibTeX name lists: the ``Name`` record and the name-list parser.

``parse_names`` splits the common form ("Last, First and Last, First") itself and hands
any other (braces, particles, LaTeX) to bibtexparser's implementation of BibTeX's name
grammar, ``parse_names_bibtex``; both decode LaTeX in each part with
``toulmin.bibliography.latex``, so they agree on every name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toulmin.bibliography import latex

#: Field names holding people.
NAME_FIELDS = ("author", "editor", "translator")


@dataclass(frozen=True, slots=True)
class Name:
    """One person (or one organisation, when ``literal``) from a BibTeX name list."""

    family: str
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: bool = False

    @property
    def full_family(self) -> str:
        """Family name with its particle, as APA prints it ("van Straten")."""
        return f"{self.particle} {self.family}".strip() if self.particle else self.family


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def parse_names(raw: str) -> tuple[Name, ...]:
    """Split a BibTeX name list ("Last, First and {Org Name} and First von Last").

    The common form, "Last, First" with no braces, particles or LaTeX commands, is split
    here (each part still decoded: ties, dashes and quotes); any other goes through
    bibtexparser's implementation of BibTeX's name grammar. Both give the same names.
    """
    plain = latex.accents_to_unicode(raw)
    if "{" not in plain and "}" not in plain and "\\" not in plain:
        fast = []
        for person in _AND.split(plain.strip()):
            last, comma, first = person.partition(",")
            last, first = last.strip(), first.strip()
            if (not comma or "," in first or not last or not last[0].isupper()
                    or any(w[:1].islower() for w in last.split())):
                break
            fast.append(Name(family=latex.decode(last), given=latex.decode(first)))
        else:
            return tuple(fast)
    return parse_names_bibtex(raw)


def parse_names_bibtex(raw: str) -> tuple[Name, ...]:
    """A name list split by BibTeX's name grammar (bibtexparser's), each part decoded."""
    from bibtexparser.middlewares.names import (
        InvalidNameError,
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for person in split_multiple_persons_names(raw):
        person = person.strip()
        if not person:
            continue
        if person.lower() == "others":
            names.append(Name(family="others", literal=True))
            continue
        if person.startswith("{") and person.endswith("}") and _balanced_outer(person):
            names.append(Name(family=latex.decode(person[1:-1]), literal=True))
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except (InvalidNameError, Exception):
            names.append(Name(family=latex.decode(person), literal=True))
            continue
        family = latex.decode(" ".join(parts.last))
        given = latex.decode(" ".join(parts.first))
        particle = latex.decode(" ".join(parts.von))
        suffix = latex.decode(" ".join(parts.jr))
        if not family and given:
            family, given = given, ""
        names.append(Name(family=family, given=given, particle=particle, suffix=suffix))
    return tuple(names)


def _balanced_outer(s: str) -> bool:
    depth = 0
    for i, ch in enumerate(s):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return True
