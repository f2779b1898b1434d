"""Citation checks for one Markdown document against the reference base (CIT001–CIT010).

``check_markdown`` scans a post once (``toulmin.scan.citations.scan``) and reports:

- CIT001  unknown citation key (with the closest existing key);
- CIT002  a bare ``@name`` that matches no key and looks like a social-media handle
  (warning);
- CIT003  a misspelt surname in a hand-written author–year mention (a name within a few
  edits of an author of an entry of that year, or a year either side), or in the names
  written in front of a ``[-@key]`` citation;
- CIT004  a mention whose authors match an entry but not its year;
- CIT005  wrong author order, "et al." for one or two authors, or one name for a work
  with exactly two authors;
- CIT006  an author–year mention with no entry behind it (a name merely close to an
  author of another year is a missing work, not a misspelling);
- CIT007-CIT010  quotations, DOIs and years written twice (``checks.citeprose``).

Names are compared as ``checks.citeindex`` folds them (hyphens, case, particles); a first
surname written after capitalised words is completed from the entries ("Lloyd" + "Jones"
is "Lloyd Jones") or read as given names ("Danielle Navarro (2019)"). Everything inside a
quotation of another author's words is theirs: mentions, DOIs and bare ``@handles`` in it
are not checked; a pandoc citation the post puts there is.

The reference base is indexed once per ``Bibliography`` (``citeindex.index_of``) and the
index is reused for every post checked against the same object.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from toulmin.bibliography.model import Bibliography
from toulmin.checks.citeindex import (
    Entry,
    Index,
    entry_of,
    fold,
    index_of,
    strip_accents,
    written_year_key,
)
from toulmin.checks.citeprose import (
    QUOTE_LOCATORS,
    QuoteContext,
    Spans,
    check_dois,
    check_quotation,
    titles_of,
    year_twice,
)
from toulmin.checks.interface import DocumentContext, check
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.scan.document import Scan, scan
from toulmin.scan.mentions import Mention, looks_like_surname
from toulmin.style import apa

__all__ = ["QUOTE_LOCATORS", "check_markdown"]


_YEAR4 = re.compile(r"(?:1[5-9]|20)\d\d")


# =========================================================================== years


def _shown_year(entry: Entry) -> str:
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
    index = index_of(bib)
    if isinstance(known_keys, (set, frozenset)):
        known: AbstractSet[str] = known_keys
    else:
        known = frozenset(known_keys or ())
    s = scanned if scanned is not None else scan(text)
    quoted = Spans([(q.start, q.end) for q in s.quotations])
    out: list[Finding] = []
    _check_keys(path, s, index, known, quoted, out)
    # Names and years inside a quotation are the quoted author's, not the post's.
    for m in s.mentions:
        if m.start in quoted:
            continue
        f = _check_mention(path, _resolved(m, index) or m, index)
        if f is not None:
            out.append(f)
    for m in s.aside:
        if m.start in quoted:
            continue
        r = _resolved(m, index)
        if r is None:
            continue  # "Royal Mail (2019)": no name of any entry
        f = _check_mention(path, r, index) if not r.cite_key else _check_attribution(path, r, bib)
        if f is not None:
            out.append(f)
    for m in s.attributions:
        f = _check_attribution(path, _resolved(m, index) or m, bib)
        if f is not None:
            out.append(f)
    qctx = QuoteContext(s, index, titles_of(bib)) if s.quotations else None
    for q in s.quotations:
        f = check_quotation(path, q, qctx)
        if f is not None:
            out.append(f)
    check_dois(path, s, index, quoted, out)
    year_twice(path, s, bib, out)
    out.sort(key=lambda f: (f.line, f.column, f.code))
    return out


# --------------------------------------------------------------------------- keys


def _closest_key(key: str, index: Index) -> tuple[str, float] | None:
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
    path: str, s: Scan, index: Index, known: AbstractSet[str], quoted: Spans,
    out: list[Finding],
) -> None:
    for citation in (*s.citations, *s.nested):
        for n, item in enumerate(citation.items):
            key = item.key
            if key in index.keys or key in known:
                continue
            bare = citation.narrative and n == 0
            if bare and citation.start in quoted:
                continue  # "@name" in a quoted post or message: the quoted author's handle
            close = _closest_key(key, index)
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


def _apa_names(e: Entry) -> str:
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


def _close_names(name: str, index: Index) -> list[tuple[str, int]]:
    """Indexed surnames within a few edits of ``name`` (accents ignored), nearest first."""
    if name in index.close_names:
        return index.close_names[name]
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    hits = process.extract(
        name, index.surnames, scorer=OSA.distance, score_cutoff=_max_edits(name), limit=8
    )
    out = [(choice, dist) for choice, dist, _ in hits if choice != name]
    for choice in index.plain.get(strip_accents(name), ()):
        if choice != name:
            out = [(choice, 0)] + [o for o in out if o[0] != choice]
    if len(index.close_names) < 10_000:
        index.close_names[name] = out
    return out


def _position(e: Entry, name: str) -> int:
    """Index of folded surname ``name`` (or its particle-less alias) in ``e``, or -1."""
    for i, n in enumerate(e.names):
        if n == name or n.endswith(" " + name):
            return i
    return -1


def _form_problem(m: Mention, e: Entry) -> str:
    """Why the way ``m`` names the authors of ``e`` breaks APA 7 (empty when it does not)."""
    n = len(e.names)
    # An entry that ends "and others" has more authors than it names: "et al." is right.
    if m.et_al and n <= 2 and not _apa_names(e).endswith(" et al."):
        return (f"'et al.' used for '{e.key}', which has {'one author' if n == 1 else 'two'}"
                f"{'' if n == 1 else ' authors'}: write '{_apa_names(e)}'")
    if not m.et_al and len(m.surnames) == 1 and n == 2 and not _apa_names(e).endswith(" et al."):
        return f"'{e.key}' has two authors: write '{_apa_names(e)}' (APA 7 §8.17)"
    return ""


def _names_fit(names: list[str], e: Entry) -> int:
    """-1 when ``names`` are the first authors of ``e`` in order, else the first misfit."""
    for i, n in enumerate(names):
        if i >= len(e.names) or e.names[i] != n:
            return i
    return -1


def _is_strong(m: Mention) -> bool:
    return m.et_al or len(m.surnames) > 1 or m.possessive or not m.narrative


def _check_mention(path: str, m: Mention, index: Index) -> Finding | None:
    names = [fold(s) for s in m.surnames]
    first = names[0]
    written = _written(m)
    ykey = written_year_key(m.year)

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

    # 4. A surname close to an author of an entry of that year (or a year either side):
    #    a misspelling. A close name in an entry of another year is another work, missing
    #    from the bibliography (5).
    for pos, name in enumerate(names):
        if name in index.by_any:
            continue
        best: tuple[Entry, str, str] | None = None
        for choice, _dist in _close_names(name, index):
            for yk in _years_around(ykey):
                for e in index.any_year.get((choice, yk), ()):
                    if best is None or (e.names[0] == choice and best[0].names[0] != best[1]):
                        best = (e, choice, yk)
                if best is not None:
                    break
            if best is not None:
                break
        if best is None:
            continue
        e, choice, yk = best
        i = _position(e, choice)
        right = e.shown[i] if i >= 0 else choice
        year_note = "" if yk == ykey else f", {_shown_year(e)}"
        return finding(
            "CIT003",
            f"misspelt surname '{m.surnames[pos]}' in '{written}': "
            f"'{e.key}'{year_note} has '{right}'",
            f"write '{right}'" + (f" and check the year ({_shown_year(e)})" if year_note else ""),
        )

    # 5. Nothing behind it.
    if not _is_strong(m) and not looks_like_surname(m.surnames[0]):
        return None
    return finding(
        "CIT006",
        f"no entry in the bibliography for '{written}'",
        "add the work to the bibliography and cite it by its key",
    )


def _years_around(ykey: str) -> tuple[str, ...]:
    """A written year and the years either side of it ("2018" -> 2018, 2017, 2019)."""
    if ykey.isdigit():
        y = int(ykey)
        return (ykey, str(y - 1), str(y + 1))
    return (ykey,)


def _given_fit(lead: list[str], e: Entry, pos: int) -> bool:
    """Whether the words ``lead`` (folded) are the given names or initials of person
    ``pos`` of ``e``: "Danielle" or "D." for "Navarro, Danielle J."."""
    if pos < 0 or pos >= len(e.given) or not e.given[pos] or not lead:
        return False
    given = e.given[pos]
    for w in (part for word in lead for part in fold(word).split()):
        w = w.rstrip(".")
        if not any(g == w or (len(w) == 1 and g[:1] == w) for g in given):
            return False
    return True


def _resolved(m: Mention, index: Index) -> Mention | None:
    """``m`` with its names completed from the entries, or None when no entry makes a set
    aside mention (``_weak``) a name.

    A first surname written after capitalised words (``m.lead``) or any name written with
    given names ("(Jean-Paul Sartre, 1943)", "David Clark and Richard Layard") is matched
    against the index: "Lloyd" + "Jones" is the double surname "Lloyd Jones" of an entry;
    "Danielle" before "Navarro" is the given name of an entry's Navarro, and the mention
    is "Navarro".
    """
    first = m.surnames[0]
    lead = m.lead.split()
    # A double surname split by the scanner: "Lloyd Jones (2011)".
    for k in range(len(lead), 0, -1):
        whole = " ".join([*lead[-k:], first])
        if fold(whole) in index.by_any:
            width = len(" ".join(lead[-k:])) + 1
            return dataclasses.replace(m, surnames=(whole, *m.surnames[1:]), lead="",
                                       column=max(1, m.column - width))
    names = [_without_given(n, index) for n in m.surnames]
    if fold(names[0]) not in index.by_any:
        return None if _weak(m) else dataclasses.replace(m, surnames=tuple(names))
    if lead and _weak(m):
        folded = [fold(w) for w in lead]
        if not any(_given_fit(folded, e, _position(e, fold(names[0])))
                   for e in index.by_any[fold(names[0])]):
            return None  # "Royal Mail (2019)", "Professor Clark (2018)"
    return dataclasses.replace(m, surnames=tuple(names))


def _without_given(name: str, index: Index) -> str:
    """``name`` without the given names written before the surname, when an entry's
    person has them: "Jean-Paul Sartre" -> "Sartre", "Richard Layard" -> "Layard"."""
    if fold(name) in index.by_any:
        return name
    words = name.split()
    for k in range(1, len(words)):
        rest = " ".join(words[k:])
        for e in index.by_any.get(fold(rest), ()):
            if _given_fit([fold(w) for w in words[:k]], e, _position(e, fold(rest))):
                return rest
    return name


def _weak(m: Mention) -> bool:
    """A mention the scanner set aside (one name after another capitalised word)."""
    return bool(m.lead) and len(m.surnames) == 1 and not m.et_al


def _check_attribution(path: str, m: Mention, bib: Bibliography) -> Finding | None:
    """Names written in front of ``[-@key]`` against the cited entry's authors."""
    ref = bib.entries.get(m.cite_key)
    if ref is None:
        return None  # CIT001 already
    e = entry_of(ref)
    if e is None:
        return None
    names = [fold(s) for s in m.surnames]
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
            strip_accents(names[misfit]) == strip_accents(e.names[misfit])
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


