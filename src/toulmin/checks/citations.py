"""Citation checks for one Markdown document against the reference base (CIT001–CIT009).

``check_markdown`` scans a post once (``toulmin.scan.citations.scan``) and reports:

- CIT001  unknown citation key (with the closest existing key);
- CIT002  a bare ``@name`` that matches no key and looks like a social-media handle
  (warning);
- CIT003  a misspelt surname in a hand-written author–year mention, or in the names
  written in front of a ``[-@key]`` citation;
- CIT004  a mention whose authors match an entry but not its year;
- CIT005  wrong author order, "et al." for one or two authors, or one name for a work
  with exactly two authors;
- CIT006  an author–year mention with no entry behind it at all;
- CIT007  a direct quotation without a page (or paragraph, section) locator, or without
  any citation;
- CIT008  a malformed DOI written in the post;
- CIT009  a well-formed DOI that matches no entry's DOI.

The reference base is indexed once per ``Bibliography`` (surnames, years, keys, DOIs) and
the index is reused for every post checked against the same object.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from toulmin.bibliography.model import Bibliography, Reference
from toulmin.bibliography.names import Name
from toulmin.checks.interface import DocumentContext, check
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.scan.citations import locator_kind
from toulmin.scan.document import Scan, scan
from toulmin.scan.mentions import Mention, looks_like_surname
from toulmin.scan.quotations import Quotation
from toulmin.style import apa

__all__ = ["QUOTE_LOCATORS", "check_markdown"]

#: Locator kinds that satisfy APA 7 §8.25 for a direct quotation.
QUOTE_LOCATORS = frozenset({"page", "paragraph", "section"})

_YEAR4 = re.compile(r"(?:1[5-9]|20)\d\d")
_YEAR_RANGE = re.compile(r"((?:1[5-9]|20)\d\d)\s*[-–—/]+\s*((?:1[5-9]|20)\d\d)")


# =========================================================================== the index


@dataclass(slots=True)
class _Entry:
    key: str
    year: str  # as in the entry, "" when missing
    names: tuple[str, ...]  # folded surnames, first to last
    shown: tuple[str, ...]  # surnames as printed ("van Straten")
    ref: Reference  # the entry, for the names the site prints


@dataclass(slots=True)
class _Index:
    keys: frozenset[str]
    key_list: list[str]
    key_folded: list[str]
    entries: list[_Entry]
    by_first: dict[str, list[_Entry]] = field(default_factory=dict)
    by_any: dict[str, list[_Entry]] = field(default_factory=dict)
    first_year: dict[tuple[str, str], list[_Entry]] = field(default_factory=dict)
    any_year: dict[tuple[str, str], list[_Entry]] = field(default_factory=dict)
    surnames: list[str] = field(default_factory=list)
    dois: frozenset[str] = frozenset()
    plain: dict[str, list[str]] = field(default_factory=dict)
    closest: dict[str, tuple[str, float] | None] = field(default_factory=dict)
    close_names: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _fold(s: str) -> str:
    return " ".join(s.replace("’", "'").split()).casefold()


def _strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


def _people(ref: Reference) -> tuple[Name, ...]:
    people = ref.authors or ref.editors
    return tuple(p for p in people if not (p.literal and p.family == "others"))


def _year_keys(year: str) -> tuple[str, ...]:
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


def _written_year_key(year: str) -> str:
    y = " ".join(year.casefold().split())
    if y in ("n.d.", "n. d."):
        return "n.d."
    if y in ("in press", "forthcoming"):
        return "in press"
    return y[:4]


def _build_index(bib: Bibliography) -> _Index:
    entries: list[_Entry] = []
    by_first: dict[str, list[_Entry]] = {}
    by_any: dict[str, list[_Entry]] = {}
    first_year: dict[tuple[str, str], list[_Entry]] = {}
    any_year: dict[tuple[str, str], list[_Entry]] = {}
    dois = set()
    for key, ref in bib.entries.items():
        if ref.doi:
            dois.add(ref.doi.casefold())
        people = _people(ref)
        if not people:
            continue
        shown = tuple(p.family if p.literal else p.full_family for p in people)
        entry = _Entry(key, ref.year.strip(), tuple(_fold(s) for s in shown), shown, ref)
        entries.append(entry)
        ykeys = _year_keys(entry.year)
        for i, p in enumerate(people):
            aliases = {_fold(shown[i])}
            if not p.literal and p.particle:
                aliases.add(_fold(p.family))  # "Straten" for "van Straten"
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
        plain.setdefault(_strip_accents(name), []).append(name)
    return _Index(
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


_CACHE: dict[int, tuple[Bibliography, int, int, _Index]] = {}
_CACHE_SIZE = 8


def _index(bib: Bibliography) -> _Index:
    """The index of ``bib``, built once per object (and again if its entries change)."""
    hit = _CACHE.get(id(bib))
    if hit is not None and hit[0] is bib and hit[1] == id(bib.entries) and hit[2] == len(
        bib.entries
    ):
        return hit[3]
    index = _build_index(bib)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(bib)] = (bib, id(bib.entries), len(bib.entries), index)
    return index


# =========================================================================== years


def _shown_year(entry: _Entry) -> str:
    return entry.year or "no year"


# =========================================================================== the check


@check("document", families=("CIT",))
def citation_rules(ctx: DocumentContext) -> list[Finding]:
    """CIT001-CIT009 for one document (from its scan)."""
    return check_markdown(ctx.path, ctx.text, ctx.bib, scanned=ctx.scan.citations)


def check_markdown(
    path: str,
    text: str,
    bib: Bibliography,
    *,
    known_keys: Iterable[str] | None = None,
    scanned: Scan | None = None,
) -> list[Finding]:
    """Every citation problem of one Markdown document, in order of position.

    ``known_keys`` are keys that exist elsewhere (another bibliography, a ``nocite``)
    and must not be reported as unknown. ``scanned`` is ``cite.scan(text)`` when the
    caller already has it.
    """
    index = _index(bib)
    if isinstance(known_keys, (set, frozenset)):
        known: AbstractSet[str] = known_keys
    else:
        known = frozenset(known_keys or ())
    s = scanned if scanned is not None else scan(text)
    out: list[Finding] = []
    _check_keys(path, s, index, known, out)
    for m in s.mentions:
        f = _check_mention(path, m, index)
        if f is not None:
            out.append(f)
    for m in s.attributions:
        f = _check_attribution(path, m, bib)
        if f is not None:
            out.append(f)
    for q in s.quotations:
        f = _check_quotation(path, q)
        if f is not None:
            out.append(f)
    for d in s.dois:
        if not d.well_formed:
            out.append(RULES["CIT008"].at(
                path, d.line, d.column,
                f"malformed DOI '{d.raw}': {d.problem}",
                "a DOI looks like 10.1234/suffix, with no spaces",
            ))
        elif d.doi.casefold() not in index.dois:
            out.append(RULES["CIT009"].at(
                path, d.line, d.column,
                f"DOI '{d.doi}' matches no entry in the bibliography",
                "add the work to the bibliography and cite it by its key, or correct the DOI",
            ))
    out.sort(key=lambda f: (f.line, f.column, f.code))
    return out


# --------------------------------------------------------------------------- keys


def _closest_key(key: str, index: _Index) -> tuple[str, float] | None:
    """The existing key most like ``key`` (similarity at least 0.6), memoised per index."""
    if key in index.closest:
        return index.closest[key]
    result = None
    if index.key_list:
        from rapidfuzz import process  # lazily: a warm check never needs it
        from rapidfuzz.distance import Levenshtein

        hit = process.extractOne(
            key.casefold(), index.key_folded, scorer=Levenshtein.normalized_similarity,
            score_cutoff=0.6,
        )
        if hit is not None:
            result = (index.key_list[hit[2]], hit[1])
    if len(index.closest) < 10_000:
        index.closest[key] = result
    return result


def _check_keys(
    path: str, s: Scan, index: _Index, known: AbstractSet[str], out: list[Finding]
) -> None:
    for citation in (*s.citations, *s.nested):
        for n, item in enumerate(citation.items):
            key = item.key
            if key in index.keys or key in known:
                continue
            close = _closest_key(key, index)
            bare = citation.narrative and n == 0
            if bare and not _YEAR4.search(key) and (close is None or close[1] < 0.75):
                out.append(RULES["CIT002"].at(
                    path, item.line, item.column,
                    f"'@{key}' matches no citation key and looks like a social-media handle",
                    "write \\@ to keep a literal @, or cite a key from the bibliography",
                ))
                continue
            hint_key = close[0] if close else ""
            msg = f"unknown citation key '{key}'"
            if hint_key:
                msg += f" (did you mean '{hint_key}'?)"
            out.append(RULES["CIT001"].at(
                path, item.line, item.column, msg,
                f"use '@{hint_key}'" if hint_key
                else "add the work to the bibliography or correct the key",
            ))


# --------------------------------------------------------------------------- mentions


def _written(m: Mention) -> str:
    names = list(m.surnames)
    if m.et_al:
        text = f"{names[0]} et al."
    elif len(names) == 1:
        text = names[0]
    elif len(names) == 2:
        text = f"{names[0]} and {names[1]}"
    else:
        text = ", ".join(names[:-1]) + f", and {names[-1]}"
    return f"{text} ({m.year})" if m.year else text


def _apa_names(e: _Entry) -> str:
    """The authors of ``e`` as the site prints them in running text (APA 7 §8.17): the
    style's own narrative form, "Clark et al.", "Salas and D’Agostino", a group in full."""
    return apa.author_short(e.ref, narrative=True)


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a
    substring): the edits, transpositions counted as one, that turn ``a`` into ``b``."""
    from rapidfuzz.distance import OSA  # lazily: a warm check never needs rapidfuzz

    return OSA.distance(a, b)


def _max_edits(name: str) -> int:
    n = len(name)
    return 1 if n <= 5 else 2 if n <= 10 else 3


def _close_names(name: str, index: _Index) -> list[tuple[str, int]]:
    """Indexed surnames within a few edits of ``name`` (accents ignored), nearest first."""
    if name in index.close_names:
        return index.close_names[name]
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    hits = process.extract(
        name, index.surnames, scorer=OSA.distance, score_cutoff=_max_edits(name), limit=8
    )
    out = [(choice, dist) for choice, dist, _ in hits if choice != name]
    for choice in index.plain.get(_strip_accents(name), ()):
        if choice != name:
            out = [(choice, 0)] + [o for o in out if o[0] != choice]
    if len(index.close_names) < 10_000:
        index.close_names[name] = out
    return out


def _position(e: _Entry, name: str) -> int:
    """Index of folded surname ``name`` (or its particle-less alias) in ``e``, or -1."""
    for i, n in enumerate(e.names):
        if n == name or n.endswith(" " + name):
            return i
    return -1


def _form_problem(m: Mention, e: _Entry) -> str:
    """Why the way ``m`` names the authors of ``e`` breaks APA 7 (empty when it does not)."""
    n = len(e.names)
    # An entry that ends "and others" has more authors than it names: "et al." is right.
    if m.et_al and n <= 2 and not _apa_names(e).endswith(" et al."):
        return (f"'et al.' used for '{e.key}', which has {'one author' if n == 1 else 'two'}"
                f"{'' if n == 1 else ' authors'}: write '{_apa_names(e)}'")
    if not m.et_al and len(m.surnames) == 1 and n == 2 and not _apa_names(e).endswith(" et al."):
        return f"'{e.key}' has two authors: write '{_apa_names(e)}' (APA 7 §8.17)"
    return ""


def _names_fit(names: list[str], e: _Entry) -> int:
    """-1 when ``names`` are the first authors of ``e`` in order, else the first misfit."""
    for i, n in enumerate(names):
        if i >= len(e.names) or e.names[i] != n:
            return i
    return -1


def _is_strong(m: Mention) -> bool:
    return m.et_al or len(m.surnames) > 1 or m.possessive or not m.narrative


def _check_mention(path: str, m: Mention, index: _Index) -> Finding | None:
    names = [_fold(s) for s in m.surnames]
    first = names[0]
    written = _written(m)
    ykey = _written_year_key(m.year)

    def finding(code: str, msg: str, hint: str) -> Finding:
        return RULES[code].at(path, m.line, m.column, msg, hint)

    # 1. The first author and the year match an entry.
    exact = index.first_year.get((first, ykey), ())
    if exact:
        problems: list[tuple[str, str, str]] = []
        for e in exact:
            misfit = _names_fit(names, e)
            if misfit == -1:
                form = _form_problem(m, e)
                if not form:
                    return None
                problems.append(("CIT005", form, f"cite it as @{e.key}"))
                continue
            bad = m.surnames[misfit]
            if misfit < len(e.names):
                right = e.shown[misfit]
                if _distance(names[misfit], e.names[misfit]) <= _max_edits(names[misfit]):
                    problems.append(("CIT003", f"misspelt surname '{bad}' in '{written}': "
                                     f"'{e.key}' has '{right}'", f"write '{right}'"))
                    continue
                if names[misfit] in e.names:
                    problems.append(("CIT005", f"wrong author order in '{written}': '{e.key}' "
                                     f"lists {', '.join(e.shown[:len(names) + 1])}",
                                     f"write '{_apa_names(e)}'"))
                    continue
                problems.append(("CIT003", f"'{bad}' in '{written}' is not an author of "
                                 f"'{e.key}' ({', '.join(e.shown[:4])})",
                                 "correct the names or cite the work by its key"))
            else:
                problems.append(("CIT005", f"'{written}' names more authors than '{e.key}' has "
                                 f"({', '.join(e.shown)})", f"write '{_apa_names(e)}'"))
        order = {"CIT005": 0, "CIT003": 1}
        problems.sort(key=lambda p: order[p[0]])
        return finding(*problems[0])

    # 2. The names are authors of an entry of that year, but not first or not in order.
    same_year = [
        e for e in index.any_year.get((first, ykey), ()) if all(n in e.names for n in names)
    ]
    if same_year:
        e = same_year[0]
        if len(names) > 1:
            msg = (f"wrong author order in '{written}': '{e.key}' lists "
                   f"{', '.join(e.shown[:max(len(names), 2)])}")
        else:
            msg = (f"'{m.surnames[0]}' is not the first author of '{e.key}' "
                   f"({', '.join(e.shown[:3])}{', ...' if len(e.shown) > 3 else ''})")
        return finding("CIT005", msg, f"write '{_apa_names(e)}'")

    # 3. The names (first author first) match an entry, but the year does not.
    other_years = [e for e in index.by_first.get(first, ()) if _names_fit(names, e) == -1]
    if other_years:
        wanted = m.year[:4]
        other_years.sort(key=lambda e: abs(int(e.year[:4]) - int(wanted))
                         if e.year[:4].isdigit() and wanted.isdigit() else 9999)
        shown = "; ".join(f"'{e.key}' is {_shown_year(e)}" for e in other_years[:2])
        return finding("CIT004", f"wrong year in '{written}': {shown}",
                       f"write '{_apa_names(other_years[0])} ({_shown_year(other_years[0])})' "
                       f"or cite @{other_years[0].key}")

    # 4. A surname close to an entry's author: a misspelling.
    for pos, name in enumerate(names):
        if name in index.by_any:
            continue
        close = _close_names(name, index)
        if not close:
            continue
        best: tuple[_Entry, str] | None = None
        for choice, _dist in close:
            for e in index.any_year.get((choice, ykey), ()):
                if best is None or e.names[0] == choice:
                    best = (e, choice)
            if best is not None:
                break
        year_note = ""
        if best is None:
            choice = close[0][0]
            best = (index.by_any[choice][0], choice)
            year_note = f", {_shown_year(best[0])}"
        e, choice = best
        i = _position(e, choice)
        right = e.shown[i] if i >= 0 else choice
        return finding(
            "CIT003",
            f"misspelt surname '{m.surnames[pos]}' in '{written}': "
            f"'{e.key}'{year_note} has '{right}'",
            f"write '{right}'",
        )

    # 5. Nothing behind it.
    if not _is_strong(m) and not looks_like_surname(m.surnames[0]):
        return None
    return finding(
        "CIT006",
        f"no entry in the bibliography for '{written}'",
        "add the work to the bibliography and cite it by its key",
    )


def _check_attribution(path: str, m: Mention, bib: Bibliography) -> Finding | None:
    """Names written in front of ``[-@key]`` against the cited entry's authors."""
    ref = bib.entries.get(m.cite_key)
    if ref is None:
        return None  # CIT001 already
    people = _people(ref)
    if not people:
        return None
    shown = tuple(p.family if p.literal else p.full_family for p in people)
    e = _Entry(ref.key, ref.year, tuple(_fold(s) for s in shown), shown, ref)
    names = [_fold(s) for s in m.surnames]
    misfit = _names_fit(names, e)
    written = _written(m)

    def finding(code: str, msg: str, hint: str) -> Finding:
        return RULES[code].at(path, m.line, m.column, msg, hint)

    if misfit == -1:
        form = _form_problem(m, e)
        return finding("CIT005", form, f"write '{_apa_names(e)}'") if form else None
    bad = m.surnames[misfit]
    if misfit < len(e.names):
        if _distance(names[misfit], e.names[misfit]) <= _max_edits(names[misfit]) or (
            _strip_accents(names[misfit]) == _strip_accents(e.names[misfit])
        ):
            right = e.shown[misfit]
            return finding("CIT003", f"misspelt surname '{bad}' before '@{e.key}': the entry "
                           f"has '{right}'", f"write '{right}'")
        if names[misfit] in e.names:
            return finding("CIT005", f"wrong author order in '{written}' before '@{e.key}': "
                           f"the entry lists {', '.join(e.shown[:max(len(names), 2)])}",
                           f"write '{_apa_names(e)}'")
    return finding("CIT003", f"'{written}' does not match the authors of '@{e.key}' "
                   f"({', '.join(e.shown[:3])}{', ...' if len(e.shown) > 3 else ''})",
                   f"write '{_apa_names(e)}'")


# --------------------------------------------------------------------------- quotations


def _check_quotation(path: str, q: Quotation) -> Finding | None:
    if q.citation is None:
        if q.locator:
            return None  # attributed by hand, with its page: "... (p. 12)"
        return RULES["CIT007"].at(path, q.line, q.column,
                                  "direct quotation with no citation",
                                  "cite the source with its page, e.g. [@key, p. 12]")
    items = q.citation.items
    if q.locator or any(locator_kind(i.locator) in QUOTE_LOCATORS for i in items):
        return None
    key = items[0].key
    return RULES["CIT007"].at(path, q.line, q.column,
                              f"direct quotation without a page locator for '{key}'",
                              f"add the page, e.g. [@{key}, p. 12]")



