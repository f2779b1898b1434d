"""What a post writes around its citations: quotations, DOIs, years (CIT007-CIT010).

``check_quotation`` wants a locator for each direct quotation (CIT007): a page, or for a
work without pages a paragraph, section, chapter, table or figure, by number or by name
("sec. Conclusions", "Discussion section"); ``check_dois`` reports malformed DOIs (CIT008)
and DOIs written as DOIs that match no entry (CIT009, a warning; a link with its own text
is a link); ``year_twice`` finds a narrative citation whose year is also written by hand
(CIT010). ``Spans`` tells whether an offset is inside a quotation. ``checks.citations``
runs them over a post's scan.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from toulmin.bibliography.model import Bibliography
from toulmin.checks.citeindex import Index, fold
from toulmin.findings import WARNING, Finding
from toulmin.rules import RULES
from toulmin.scan.citations import locator_kind
from toulmin.scan.document import Scan
from toulmin.scan.masking import Lines
from toulmin.scan.mentions import looks_like_surname
from toulmin.scan.quotations import Quotation, names_a_place
from toulmin.style import apa

__all__ = ["QUOTE_LOCATORS", "SHORT_PHRASE_WORDS", "QuoteContext", "Spans", "check_dois",
           "check_quotation", "titles_of", "year_twice"]

#: Locator kinds that satisfy APA 7 §8.25/§8.28 for a direct quotation: a page, or for a
#: work without pages a paragraph, section, chapter, figure, line or note (a section named
#: by its heading, "sec. Conclusions", is accepted too: ``scan.quotations.names_a_place``).
QUOTE_LOCATORS = frozenset({"page", "paragraph", "section", "chapter", "figure", "line",
                            "note", "part", "verse", "column", "folio"})


class Spans:
    """Sorted disjoint (start, end) spans; ``offset in spans`` is a bisection."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


def check_dois(path: str, s: Scan, index: Index, quoted: Spans, out: list[Finding]) -> None:
    """CIT008 for a malformed DOI; CIT009 (a warning) for a DOI written as a DOI that
    matches no entry. A link whose text is not the DOI ("[the preregistration](https://
    doi.org/...)") is a link, not a citation; a DOI inside a quotation is the quoted
    author's."""
    reported: set[tuple[int, str]] = set()
    for d in s.dois:
        if d.start in quoted:
            continue
        if not d.well_formed:
            out.append(RULES["CIT008"].at(
                path, d.line, d.column,
                f"malformed DOI '{d.raw}': {d.problem}",
                "a DOI looks like 10.1234/suffix, with no spaces",
            ))
        elif d.plain_link or d.doi.casefold() in index.dois:
            continue
        elif (d.line, d.doi.casefold()) not in reported:  # "[10.1/x](https://doi.org/10.1/x)"
            reported.add((d.line, d.doi.casefold()))
            out.append(RULES["CIT009"].at(
                path, d.line, d.column,
                f"DOI '{d.doi}' matches no entry in the bibliography",
                "cite the work by its key if it is one (add it to the bibliography), correct "
                "the DOI, or make it a link: [the dataset](https://doi.org/...)",
            ))


# --------------------------------------------------------------------------- quotations


#: An unattributed quoted phrase shorter than this (and not a full sentence) is a term,
#: scare quotes or the author's paraphrase, not a quotation of another's words.
SHORT_PHRASE_WORDS = 12
_WORDS = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE_LIKE = re.compile(r"[\s*_\[(“\"‘']*[A-Z].*[.!?][\s*_\])”\"’']*", re.DOTALL)
_NAME_YEAR = re.compile(r"(?P<name>[^\W\d_][\w’'\-]*)[ \t,]+\(?(?P<year>(?:1[5-9]|20)\d\d)[a-z]?\b")


def _folded(text: str) -> str:
    """Case and punctuation ignored: "Why Most Published..." is "why most published..."."""
    return " ".join(_NON_WORD.sub(" ", text.replace("\\", "")).split()).casefold()


def titles_of(bib: Bibliography) -> frozenset[str]:
    """Every entry's title, folded, whole and its main title (before a ':' or '?')."""
    out: set[str] = set()
    for ref in bib.entries.values():
        title = ref.get("title")
        if not title:
            continue
        out.add(_folded(title))
        main = re.split(r"(?<=[?:.!])\s", title, maxsplit=1)[0]
        if len(_WORDS.findall(main)) >= 3:
            out.add(_folded(main))
    return frozenset(out)


class QuoteContext:
    """What ``check_quotation`` needs from the document: its scan, the index, the folded
    titles of the reference base, and the quotations before this one that had a citation."""

    __slots__ = ("cited_before", "index", "scan", "titles")

    def __init__(self, s: Scan, index: Index, titles: frozenset[str]) -> None:
        self.scan = s
        self.index = index
        self.titles = titles
        self.cited_before: list[str] = []


def check_quotation(path: str, q: Quotation, ctx: QuoteContext | None = None) -> Finding | None:
    """CIT007 for a direct quotation (policy in the rule's ``severity_note``):

    - attributed to a work (a ``[@key]`` citation, or a hand-written "Clark (2018)" in
      its sentence, its introduction or its attribution line) without a locator: an error;
    - the title of an entry (``"Why most published research findings are false"``), or
      words re-quoted from an earlier quotation of the document that had its citation:
      no finding;
    - with no citation: no finding when it is a short phrase (fewer than
      ``SHORT_PHRASE_WORDS`` words, not a full sentence, not introduced as someone's words:
      a term, scare quotes), else a warning (another's words to cite, or the author's own
      example text to mark as such).
    """
    if ctx is not None:
        if q.kind == "inline" and _folded(q.text) in ctx.titles:
            return None
        # Words re-quoted, with no citation of their own, from an earlier quotation that had
        # its citation inherit it; a re-quotation citing again is checked as written.
        requoted = q.citation is None and not q.locator and _requoted(q, ctx)
        if q.citation is not None or q.locator:
            ctx.cited_before.append(_folded(q.text))
        if requoted:
            return None
    if q.citation is None:
        if q.locator:
            return None  # attributed by hand, with its page: "... (p. 12)"
        named, key = _named(q, ctx) if ctx is not None else ("", "")
        if named or ctx is None:
            what = f" (attributed by hand to '{named}')" if named else ""
            return RULES["CIT007"].at(path, q.line, q.column,
                                      f"direct quotation with no citation{what}",
                                      f"cite the source with its page, e.g. [@{key or 'key'}, "
                                      "p. 12]")
        if q.kind == "inline" and not q.introduced and _short_phrase(q.text):
            return None  # a term, scare quotes or a paraphrase, not another's words
        by = f" attributed only by name ('{q.attribution}')" if q.attribution else ""
        return RULES["CIT007"].at(
            path, q.line, q.column,
            f"direct quotation{by} with no citation: if these are another's words, cite "
            f"them with their page; if they are your own example text, say so",
            "cite the source with its page, e.g. [@key, p. 12], or mark your own example: "
            "<!-- toulmin: ignore CIT007 my own example, not a quotation -->",
            severity=WARNING)
    items = q.citation.items
    if q.locator or any(_places(i.locator, i.suffix) for i in items):
        return None
    key = items[0].key
    return RULES["CIT007"].at(path, q.line, q.column,
                              f"direct quotation without a page locator for '{key}'",
                              f"add the page, e.g. [@{key}, p. 12], or for a work without "
                              f"pages its section: [@{key}, sec. Conclusions]")


def _short_phrase(text: str) -> bool:
    return (len(_WORDS.findall(text)) < SHORT_PHRASE_WORDS
            and _SENTENCE_LIKE.fullmatch(text) is None)


def _requoted(q: Quotation, ctx: QuoteContext) -> bool:
    """Whether ``q``'s words occur in an earlier quotation of the document that had its
    citation ("we shall not often be astray", re-quoted from Fisher's words above)."""
    words = _folded(q.text)
    return bool(words) and any(f" {words} " in f" {before} " for before in ctx.cited_before)


def _named(q: Quotation, ctx: QuoteContext) -> tuple[str, str]:
    """The work a quotation with no ``[@key]`` is attributed to by hand: a mention
    ("Law et al. (2023)") in its sentence, its introduction or its attribution line, or an
    attribution line naming an entry's author and year ("-- George Box 1976")."""
    s = ctx.scan
    for m in s.mentions:
        if any(a <= m.start < b for a, b in q.around):
            return " ".join(s.text[m.start:m.end].split()), m.cite_key
    for m in _NAME_YEAR.finditer(q.attribution):
        found = ctx.index.first_year.get((fold(m.group("name")), m.group("year")))
        if found:
            return q.attribution, found[0].key
    return "", ""


def _places(locator: str, suffix: str) -> bool:
    """Whether a citation item's locator or suffix names a place in the work."""
    if locator and locator_kind(locator) in QUOTE_LOCATORS:
        return True
    return (bool(suffix) and names_a_place(suffix)) or (bool(locator) and names_a_place(locator))


# --------------------------------------------------------------------------- CIT010

_YEAR_TEXT = r"(?:(?:1[5-9]|20)\d\d[a-z]?|n\.[ \t]?d\.)"
# "Clark (2018) [-@key]", "Clark 2018 [-@key]", "Clark et al., 2018 [-@key]": a name, then
# a year written by hand, right before the citation.
_YEAR_BEFORE = re.compile(
    r"(?P<name>[^\W\d_][\w’'\-]*|et[ \t]+al\.)[ \t]*,?[ \t]*"
    r"(?P<year>\([ \t]*" + _YEAR_TEXT + r"[ \t]*\)|" + _YEAR_TEXT + r")[ \t]*\Z"
)
# "[-@key] (2018)", "@key (2018)": a year in parentheses right after the citation.
_YEAR_AFTER = re.compile(r"[ \t]*(?P<year>\([ \t]*" + _YEAR_TEXT + r"[ \t]*\))")


def year_twice(path: str, s: Scan, bib: Bibliography, out: list[Finding]) -> None:
    """CIT010: a narrative citation whose year is also written by hand beside it, so the
    page shows it twice ("Clark (2018) [-@clark2018]" prints "Clark (2018) (2018)")."""
    masked = s.masked
    lines = None
    for c in s.citations:
        first = c.items[0]
        if len(c.items) != 1 or not (first.suppress_author or c.narrative):
            continue
        ref = bib.entries.get(first.key)
        if ref is None:
            continue  # CIT001
        year = ""
        at = -1
        if first.suppress_author:
            b = _YEAR_BEFORE.search(masked, max(0, c.start - 60), c.start)
            if b is not None and (b.group("name").startswith("et")
                                  or looks_like_surname(b.group("name"))):
                year, at = b.group("year"), b.start("year")
        if not year:
            a = _YEAR_AFTER.match(masked, c.end)
            if a is not None:
                year, at = a.group("year"), a.start("year")
        # The same year twice; "In 2019 [-@who2018]" is a date and a citation.
        if not year or year.strip("() \t")[:4] != ref.year.strip()[:4]:
            continue
        shown = f"{apa.author_short(ref, narrative=True)} "
        written = s.text[c.start:c.end]
        if at > c.start:
            line, col = c.line, c.column
        else:  # the year before: its own line and column (one index of lines per document)
            lines = lines or Lines(s.text)
            line, col = lines.pos(at)
        out.append(RULES["CIT010"].at(
            path, line, col,
            f"the year is written twice: '{' '.join(year.split())}' by hand and again by "
            f"'{written}'",
            f"write {shown}[-@{first.key}], or @{first.key}",
        ))


