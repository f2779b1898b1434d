"""In-text citations (APA 7 §8.10–8.20): parenthetical and narrative.

"(see Paul, 1967, p. 111; Scott, 2017, 2018)" and "Read and Moncrieff (2022)": works in
reference-list order, one author's years joined by commas, locators ("p. 111", "paras.
3–5", "Chapter 3"), the title for a work with no author (§8.14), names added (§8.18) and
initials (§8.20) worked out once per reference list. Imports the other modules of the
style.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from toulmin.bibliography.bibtex import Reference
from toulmin.scan.model import Citation, CiteItem
from toulmin.style.apa.dates import date_short
from toulmin.style.apa.item import WEBPAGE_TYPES, Item
from toulmin.style.apa.markup import EMPTY, Frag, em, escape, missing_key, plain
from toulmin.style.apa.names import disambiguate_names, family, shared_surnames, short_names
from toulmin.style.apa.numbers import is_numeric, is_range, page_range
from toulmin.style.apa.sorting import sort_key
from toulmin.style.apa.text import (
    TXT,
    affix,
    collate,
    concat,
    join,
    render_pieces,
    title_case,
    title_pieces,
)

__all__ = [
    "author_short",
    "render_citation",
]


def _short_title(ref: Reference) -> Frag:
    """A work without author is cited by its title (§8.14): title case, in quotation marks
    for articles and chapters, italic for works that stand alone."""
    item = Item(ref)
    pieces = item.title
    if not pieces:
        return plain(ref.key)
    if "shorttitle" in ref.fields:
        mode = "sentence" if item.english else "none"
        short = ref.fields["shorttitle"]
        pieces = list(title_pieces(short, tuple(ref.protected.get("shorttitle", ())), mode))
    else:
        colon = [i for i, (k, t) in enumerate(pieces) if k == TXT and ":" in t]
        if colon:
            i = colon[0]
            head = pieces[i][1].split(":", 1)[0]
            pieces = [*pieces[:i], (TXT, head.rstrip())] if head.strip() else pieces[:i]
    t = item.type
    if t in ("legal_case", "post"):
        return em(render_pieces(pieces))
    cased = title_case(tuple(pieces)) if item.english else pieces
    if t in ("bill", "legislation", "regulation", "report", "treaty"):
        return render_pieces(cased)
    if t in ("hearing", "webpage"):
        return em(render_pieces(cased))
    if item.container:
        f = render_pieces(cased, level=1)
        return ("\u201c" + f[0] + "\u201d", "\u201c" + f[1] + "\u201d")
    return em(render_pieces(cased))


def author_short(ref: Reference, narrative: bool) -> str:
    """The author part of an in-text citation without disambiguation: "Clark et al.",
    "Read & Moncrieff" (parenthetical) or "Read and Moncrieff" (narrative), a group author
    in full, the editors when there is no author, else the short title (§8.14, §8.17)."""
    names = list(ref.authors or ref.editors)
    if names:
        return short_names(names, 1, narrative, False)
    return _no_author(ref)[0]


class _Context:
    """What in-text citations need to know about the whole reference list."""

    __slots__ = ("initials", "names", "refs")

    def __init__(self, refs: Mapping[str, Reference]):
        self.refs = refs
        works = list(refs.values())
        self.initials = shared_surnames(works)
        self.names = disambiguate_names(works)

    def use_initials(self, ref: Reference) -> bool:
        names = ref.authors or ref.editors
        return bool(names) and not names[0].literal and collate(family(names[0])) in self.initials


_CONTEXTS: dict[int, tuple[Mapping[str, Reference], int, _Context]] = {}


def _context(refs: Mapping[str, Reference]) -> _Context:
    hit = _CONTEXTS.get(id(refs))
    if hit is not None and hit[0] is refs and hit[1] == len(refs):
        return hit[2]
    ctx = _Context(refs)
    if len(_CONTEXTS) > 8:
        _CONTEXTS.clear()
    _CONTEXTS[id(refs)] = (refs, len(refs), ctx)
    return ctx


_LOCATOR_TERMS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page", "pg": "page",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph",
    "paragraphs": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
    "chap": "chapter", "chaps": "chapter", "chapter": "chapter", "chapters": "chapter",
    "ch": "chapter", "sec": "section", "secs": "section", "section": "section",
    "sections": "section", "§": "section", "§§": "section", "fig": "figure",
    "figs": "figure", "figure": "figure", "figures": "figure", "vol": "volume",
    "vols": "volume", "volume": "volume", "volumes": "volume", "l": "line", "ll": "line",
    "line": "line", "lines": "line", "n": "note", "nn": "note", "note": "note",
    "notes": "note", "col": "column", "cols": "column", "column": "column",
    "columns": "column", "no": "issue", "nos": "issue", "issue": "issue", "v": "verse",
    "vv": "verse", "verse": "verse", "verses": "verse", "bk": "book", "bks": "book",
    "book": "book", "books": "book", "pt": "part", "pts": "part", "part": "part",
    "parts": "part", "fol": "folio", "fols": "folio", "folio": "folio",
    "op": "opus", "opp": "opus", "opus": "opus", "s.v": "sub verbo", "s.vv": "sub verbo",
    "sub verbo": "sub verbo", "tab": "table", "table": "table", "tables": "table",
    "app": "appendix", "appendix": "appendix", "slide": "slide", "slides": "slide",
    "min": "minute", "timestamp": "timestamp", "algorithm": "algorithm", "eq": "equation",
    "equation": "equation", "rule": "rule", "canon": "canon", "location": "location",
    "act": "act", "article": "article", "art": "article", "scene": "scene",
    "title": "title", "version": "version",
}  # fmt: skip
_LOCATOR_LONG = {
    "chapter": ("Chapter", "Chapters"), "section": ("Section", "Sections"),
    "figure": ("Figure", "Figures"), "volume": ("Volume", "Volumes"),
    "line": ("Line", "Lines"), "note": ("Note", "Notes"), "column": ("Column", "Columns"),
    "issue": ("Number", "Numbers"), "verse": ("Verse", "Verses"), "book": ("Book", "Books"),
    "part": ("Part", "Parts"), "folio": ("Folio", "Folios"), "opus": ("Opus", "Opera"),
    "sub verbo": ("Sub verbo", "Sub verbis"), "table": ("Table", "Tables"),
    "appendix": ("Appendix", "Appendices"), "slide": ("Slide", "Slides"),
    "minute": ("Minute", "Minutes"), "timestamp": ("", ""),
    "algorithm": ("Algorithm", "Algorithms"), "equation": ("Equation", "Equations"),
    "rule": ("Rule", "Rules"), "canon": ("Canon", "Canons"),
    "location": ("Location", "Locations"), "act": ("Act", "Acts"),
    "article": ("Article", "Articles"), "scene": ("Scene", "Scenes"),
    "title": ("Title", "Titles"), "version": ("Version", "Versions"),
}  # fmt: skip
_LOCATOR = re.compile(r"^\s*([^\W\d_][\w.]*?|¶¶?|§§?)\.?\s+(\S.*)$", re.S)


def _locator(loc: str) -> str:
    """ "p. 111", "pp. 3–5", "para. 4", "Chapter 3" (APA 7 §8.13; apa.csl's labels)."""
    loc = loc.strip()
    if not loc:
        return ""
    term, value = "page", loc
    m = _LOCATOR.match(loc)
    if m and m.group(1).lower().rstrip(".") in _LOCATOR_TERMS:
        term = _LOCATOR_TERMS[m.group(1).lower().rstrip(".")]
        value = m.group(2).strip()
    plural = is_range(value) or " and " in value
    if term == "page":
        return ("pp. " if plural else "p. ") + page_range(value)
    if term == "paragraph":
        return ("paras. " if plural else "para. ") + value
    if term in ("chapter", "line", "verse") and not is_numeric(value):
        return value
    long_ = _LOCATOR_LONG.get(term, (term.capitalize(), term.capitalize()))[1 if plural else 0]
    return f"{long_} {value}".strip()


def _cite_author(ref: Reference, ctx: _Context, narrative: bool) -> Frag:
    names = list(ref.authors or ref.editors)
    if names:
        shown = ctx.names.get(ref.key, 1)
        return plain(short_names(names, shown, narrative, ctx.use_initials(ref)))
    return _no_author(ref)


def _no_author(ref: Reference) -> Frag:
    """Who a work without author or editor is cited by: the group that publishes a web
    page (§9.11, apa.csl's substitute), else the title (§8.14)."""
    if ref.type.lower() in WEBPAGE_TYPES:
        publisher = Item(ref).publisher
        if publisher:
            return plain(publisher)
    return _short_title(ref)


def _suffix_frag(item: CiteItem) -> Frag:
    s = item.suffix.strip()
    if not s:
        return EMPTY
    if s[0] in ",;:.)":
        return plain(s)
    return plain(", " + s)


def render_citation(
    citation: Citation,
    refs: Mapping[str, Reference],
    suffixes: Mapping[str, str],
    *,
    html: bool = True,
    link: Callable[[str, str], str] | None = None,
) -> str:
    """An in-text citation (APA 7 §8.10–8.13, §8.17–8.20).

    Parenthetical: "(see Paul, 1967, p. 111; Scott, 2017, 2018)": works in reference-list
    order, one author's works grouped with their years joined by commas, "&" between two
    names. Narrative: "Read and Moncrieff (2022)", "Paul (1967, p. 111)". ``suppress_author``
    gives "(2021)". ``suffixes`` holds the year suffixes of :func:`year_suffixes`. With
    ``html``, text is escaped and ``link(key, inner_html)``, when given, wraps each work's
    part. A key missing from ``refs`` is shown as ``key?`` (in HTML, as
    ``<strong class="toulmin-missing">key</strong>``), never raised.

    ``refs`` should be the works of the reference list: names added to tell works apart
    (§8.18) and initials (§8.20) are worked out over all of them, once per mapping (the
    mapping is remembered by identity and size, so do not change it between calls).
    """
    if not citation.items:
        return ""
    ctx = _context(refs)
    idx = 1 if html else 0
    wrap = link if (html and link is not None) else None

    def linked(key: str, f: Frag) -> str:
        s = f[idx]
        return wrap(key, s) if (wrap is not None and key in refs and s) else s

    if citation.narrative:
        return _render_narrative(citation, refs, suffixes, ctx, idx, linked)
    entries = []
    for pos, item in enumerate(citation.items):
        ref = refs.get(item.key)
        if ref is None:
            entries.append(((1, pos), None, item, EMPTY))
            continue
        suffix = suffixes.get(item.key, "")
        author = EMPTY if item.suppress_author else _cite_author(ref, ctx, False)
        entries.append(((0, sort_key(ref, suffix), pos), ref, item, author))
    entries.sort(key=lambda e: e[0])
    # Group the works of one author (collapse="year"), keeping the place of the first.
    groups: list[list] = []
    by_author: dict[str, list] = {}
    for e in entries:
        ref, author = e[1], e[3]
        if ref is not None and author[0]:
            g = by_author.get(author[0])
            if g is not None:
                g.append(e)
                continue
            g = [e]
            by_author[author[0]] = g
            groups.append(g)
        else:
            groups.append([e])
    parts: list[str] = []
    for g in groups:
        chunks: list[str] = []
        for i, (_k, ref, item, author) in enumerate(g):
            if ref is None:
                f = missing_key(item.key)
                chunks.append(_affix_text(item, f, idx))
                continue
            date = plain(date_short(ref, suffixes.get(item.key, "")))
            loc = plain(_locator(item.locator))
            core = join([author if i == 0 else EMPTY, date, loc], ", ")
            core = concat(core, _suffix_frag(item)) if item.suffix.strip() else core
            text = linked(item.key, core)
            prefix = item.prefix.strip()
            if prefix:
                text = (escape(prefix) if idx else prefix) + " " + text
            if chunks:
                prev = g[i - 1][2]
                chunks.append("; " if (prev.locator.strip() or prev.suffix.strip()) else ", ")
            chunks.append(text)
        parts.append("".join(chunks))
    return "(" + "; ".join(parts) + ")"


def _affix_text(item: CiteItem, f: Frag, idx: int) -> str:
    s = f[idx]
    prefix = item.prefix.strip()
    if prefix:
        s = (escape(prefix) if idx else prefix) + " " + s
    return s


def _render_narrative(
    citation: Citation,
    refs: Mapping[str, Reference],
    suffixes: Mapping[str, str],
    ctx: _Context,
    idx: int,
    linked: Callable[[str, Frag], str],
) -> str:
    """Narrative citations: "Paul (1967, p. 111)"; several works of one author share the
    name, "Scott (2017, 2018)"; different authors are joined with commas and "and"."""
    # Each group: [author, [(key, date part, has locator or suffix)], prefix]
    groups: list[list] = []
    by_author: dict[str, list] = {}
    for item in citation.items:
        ref = refs.get(item.key)
        if ref is None:
            groups.append([None, [(item.key, missing_key(item.key), False)], item.prefix.strip()])
            continue
        inner = join(
            [plain(date_short(ref, suffixes.get(item.key, ""))), plain(_locator(item.locator))],
            ", ",
        )
        if item.suffix.strip():
            inner = concat(inner, _suffix_frag(item))
        part = (item.key, inner, bool(item.locator.strip() or item.suffix.strip()))
        author = EMPTY if item.suppress_author else _cite_author(ref, ctx, True)
        if author[0] and author[0] in by_author:
            by_author[author[0]][1].append(part)
            continue
        group = [author, [part], item.prefix.strip()]
        if author[0]:
            by_author[author[0]] = group
        groups.append(group)
    rendered: list[str] = []
    for author, parts, prefix in groups:
        if author is None:
            s = parts[0][1][idx]
        elif len(parts) == 1:
            key, f, _extra = parts[0]
            s = linked(key, join([author, affix(f, "(", ")")], " "))
        else:  # the author links to the first work, each year to its own
            s = linked(parts[0][0], author) + " ("
            for i, (key, f, _extra) in enumerate(parts):
                if i:
                    s += "; " if parts[i - 1][2] else ", "
                s += linked(key, f)
            s += ")"
        if prefix:
            s = (escape(prefix) if idx else prefix) + " " + s
        rendered.append(s)
    if len(rendered) <= 1:
        return rendered[0] if rendered else ""
    if len(rendered) == 2:
        return rendered[0] + " and " + rendered[1]
    return ", ".join(rendered[:-1]) + ", and " + rendered[-1]
