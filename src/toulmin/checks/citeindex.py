"""The reference base indexed for the citation checks: surnames, years, keys and DOIs.

``index_of(bib)`` builds the index once per ``Bibliography`` object (and again when its
entries change) and the citation checks (``checks.citations``) reuse it for every post.
Surnames are folded (``fold``) so that case, typographic apostrophes and the hyphen of a
double surname do not matter: "Lloyd-Jones", "Lloyd Jones" and "lloyd jones" are one name,
and "Van Os" at the start of a sentence is the entry's "van Os". A surname with a particle
is indexed with and without it ("van Straten", "Straten"), so that a name cited without
its particle is found and reported as such.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from toulmin.bibliography.model import Bibliography, Reference
from toulmin.bibliography.names import Name

__all__ = [
    "Entry",
    "Index",
    "fold",
    "index_of",
    "people",
    "strip_accents",
    "written_year_key",
]

_YEAR_RANGE = re.compile(r"((?:1[5-9]|20)\d\d)\s*[-–—/]+\s*((?:1[5-9]|20)\d\d)")
_HYPHENS = re.compile(r"[-‐‑–]")


@dataclass(slots=True)
class Entry:
    key: str
    year: str  # as in the entry, "" when missing
    names: tuple[str, ...]  # folded surnames, first to last
    shown: tuple[str, ...]  # surnames as printed ("van Straten")
    ref: Reference  # the entry, for the names the site prints
    #: folded given names of each person, word by word ("jean paul" -> ("jean", "paul"))
    given: tuple[tuple[str, ...], ...] = ()


@dataclass(slots=True)
class Index:
    keys: frozenset[str]
    key_list: list[str]
    key_folded: list[str]
    entries: list[Entry]
    by_first: dict[str, list[Entry]] = field(default_factory=dict)
    by_any: dict[str, list[Entry]] = field(default_factory=dict)
    first_year: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    any_year: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    surnames: list[str] = field(default_factory=list)
    dois: frozenset[str] = frozenset()
    plain: dict[str, list[str]] = field(default_factory=dict)
    closest: dict[str, tuple[str, float] | None] = field(default_factory=dict)
    close_names: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def fold(s: str) -> str:
    """A surname as compared: case, apostrophes, spacing and hyphens ignored."""
    return " ".join(_HYPHENS.sub(" ", s.replace("’", "'")).split()).casefold()


def strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


def people(ref: Reference) -> tuple[Name, ...]:
    """The entry's authors (else editors), without a trailing "others"."""
    found = ref.authors or ref.editors
    return tuple(p for p in found if not (p.literal and p.family == "others"))


def given_words(person: Name) -> tuple[str, ...]:
    """Folded words of a person's given names ("Jean-Paul" -> ("jean", "paul"))."""
    if person.literal or not person.given:
        return ()
    return tuple(w.strip(".") for w in fold(person.given).split() if w.strip("."))


def year_keys(year: str) -> tuple[str, ...]:
    """The keys a written year is looked up by: "2018", each year of "2014–2025", "n.d."."""
    y = year.strip().casefold()
    if not y or y == "n.d.":
        return ("n.d.",)
    if y in ("in press", "forthcoming"):
        return ("in press",)
    r = _YEAR_RANGE.fullmatch(y)
    if r:
        lo, hi = int(r.group(1)), int(r.group(2))
        if 0 <= hi - lo <= 60:
            return tuple(str(n) for n in range(lo, hi + 1))
    return (y[:4],)


def written_year_key(year: str) -> str:
    y = " ".join(year.casefold().split())
    if y in ("n.d.", "n. d."):
        return "n.d."
    if y in ("in press", "forthcoming"):
        return "in press"
    return y[:4]


def entry_of(ref: Reference) -> Entry | None:
    """The index record of one entry (None when it names nobody)."""
    found = people(ref)
    if not found:
        return None
    shown = tuple(p.family if p.literal else p.full_family for p in found)
    return Entry(ref.key, ref.year.strip(), tuple(fold(s) for s in shown), shown, ref,
                 tuple(given_words(p) for p in found))


def _build(bib: Bibliography) -> Index:
    entries: list[Entry] = []
    by_first: dict[str, list[Entry]] = {}
    by_any: dict[str, list[Entry]] = {}
    first_year: dict[tuple[str, str], list[Entry]] = {}
    any_year: dict[tuple[str, str], list[Entry]] = {}
    dois = set()
    for ref in bib.entries.values():
        if ref.doi:
            dois.add(ref.doi.casefold())
        entry = entry_of(ref)
        if entry is None:
            continue
        entries.append(entry)
        ykeys = year_keys(entry.year)
        for i, p in enumerate(people(ref)):
            aliases = {entry.names[i]}
            if not p.literal and p.particle:
                aliases.add(fold(p.family))  # "Straten" for "van Straten"
            for alias in aliases:
                if i == 0:
                    by_first.setdefault(alias, []).append(entry)
                    for y in ykeys:
                        first_year.setdefault((alias, y), []).append(entry)
                lst = by_any.setdefault(alias, [])
                if not lst or lst[-1] is not entry:
                    lst.append(entry)
                    for y in ykeys:
                        any_year.setdefault((alias, y), []).append(entry)
    key_list = list(bib.entries)
    plain: dict[str, list[str]] = {}
    for name in by_any:
        plain.setdefault(strip_accents(name), []).append(name)
    return Index(
        keys=frozenset(key_list),
        key_list=key_list,
        key_folded=[k.casefold() for k in key_list],
        entries=entries,
        by_first=by_first,
        by_any=by_any,
        first_year=first_year,
        any_year=any_year,
        surnames=list(by_any),
        dois=frozenset(dois),
        plain=plain,
    )


_CACHE: dict[int, tuple[Bibliography, int, int, Index]] = {}
_CACHE_SIZE = 8


def index_of(bib: Bibliography) -> Index:
    """The index of ``bib``, built once per object (and again if its entries change)."""
    hit = _CACHE.get(id(bib))
    if hit is not None and hit[0] is bib and hit[1] == id(bib.entries) and hit[2] == len(
        bib.entries
    ):
        return hit[3]
    index = _build(bib)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(bib)] = (bib, id(bib.entries), len(bib.entries), index)
    return index
