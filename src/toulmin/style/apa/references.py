"""Reference-list entries (APA 7 chapter 9), by element and by type.

An entry is author, date, title with its parenthesised identifier and bracketed
description, source, and DOI or URL (§9.4): journal articles, books and chapters in
edited books, reports, theses, web pages, data sets and the other CSL types, as apa.csl
renders them. Entries are memoised on the content hash that ``bibliography.bibtex`` gives
each Reference, so a build pays for each entry once. Imports the other modules of the
style.
"""

from __future__ import annotations

from toulmin.bibliography.bibtex import Name, Reference
from toulmin.style.apa.dates import date_part
from toulmin.style.apa.item import SERIAL, Item
from toulmin.style.apa.markup import EMPTY, Frag, em, hyperlink, plain
from toulmin.style.apa.names import editor_label, name_list
from toulmin.style.apa.numbers import is_numeric, is_range, ordinal, page_range
from toulmin.style.apa.text import (
    affix,
    capfirst,
    concat,
    join,
    render_pieces,
    title_case,
    title_case_text,
)

__all__ = [
    "reference_html",
    "reference_text",
]


_GENERIC_TERMS = {
    "dataset": "Data set", "figure": "Figure", "graphic": "Graphic", "map": "Map",
    "motion_picture": "Film", "song": "Song", "software": "Computer software",
    "post": "Online post", "review": "Review", "review-book": "Review of the book",
    "broadcast": "Broadcast", "collection": "Collection",
}  # fmt: skip


def _names_frag(names: tuple[Name, ...], inverted: bool = True) -> Frag:
    return plain(name_list(names, inverted))


def _author_part(item: Item, used: set[str]) -> Frag:
    """The author element (§9.8); editors (§9.10) or the title (§9.12) when there is none."""
    if item.author:
        used.add("author")
        return _names_frag(item.author)
    if item.container and item.type in ("book", "entry", "entry-dictionary", "entry-encyclopedia"):
        used.add("title")
        return _title_substitute(item)
    if item.editor:
        used.add("editor")
        return affix(_names_frag(item.editor), "", f" ({editor_label(item.editor)})")
    if item.type in ("software", "webpage") and item.publisher:
        used.add("publisher")
        return plain(item.publisher)
    used.add("title")
    return _title_substitute(item)


def _title_substitute(item: Item) -> Frag:
    if item.title:
        return join([_title(item), _identifier(item, set())], " ")
    return _title_and_descriptions(item, set())


def _title(item: Item) -> Frag:
    if not item.title:
        return EMPTY
    f = render_pieces(item.title)
    if item.type in ("webpage", "post"):
        return em(f)
    if item.container:
        return f
    vol = item.volume
    if vol and not is_numeric(vol):
        f = join([f, plain(capfirst(vol))], ": ")
    return em(f)


def _label_number(item: Item) -> str:
    n = item.number
    if not n or item.type == "standard":
        return ""
    if is_numeric(n) or item.type in ("legislation", "patent", "regulation"):
        return "No. " + capfirst(n)
    return capfirst(n)


def _identifier_number(item: Item) -> str:
    if item.type == "thesis" and item.genre:
        lead = "Publication"
    elif item.number:
        lead = title_case_text(item.genre)
    else:
        lead = ""
    return " ".join(p for p in (lead, _label_number(item)) if p) if item.number else ""


def _identifier_contributors(item: Item, used: set[str]) -> str:
    parts = []
    serial = item.type in SERIAL or (
        not item.editor and item.type in ("interview", "paper-conference")
    )
    if serial:
        if item.translator:
            parts.append(name_list(item.translator, False) + ", Trans.")
        return "; ".join(parts)
    if item.container and item.type not in ("post", "webpage"):
        if item.translator:
            parts.append(name_list(item.translator, False) + ", Trans.")
        return "; ".join(parts)
    if item.container_author:
        parts.append("By " + name_list(item.container_author, False))
    if item.editor and "editor" not in used:
        label = editor_label(item.editor)
        parts.append(name_list(item.editor, False) + ", " + label)
    if item.translator:
        parts.append(name_list(item.translator, False) + ", Trans.")
    return "; ".join(parts)


def _label_edition(ed: str) -> str:
    if not ed:
        return ""
    if is_numeric(ed):
        return (ordinal(int(ed)) if ed.isdigit() else ed) + " ed."
    return ed


def _identifier_monographic_item(item: Item) -> str:
    parts = []
    if item.version:
        parts.append("Version " + item.version)
    if item.edition:
        parts.append(_label_edition(item.edition))
    if item.type in ("document", "report", "standard"):
        series = " ".join(
            p
            for p in (
                title_case_text(render_pieces(item.collection_title)[0]),
                item.collection_number,
            )
            if p
        )
        if series:
            parts.append(series)
    if item.volume and is_numeric(item.volume):
        parts.append("Vol. " + item.volume)
    elif not item.volume and item.volumes:
        n = item.volumes
        parts.append(f"Vols. 1\u2013{n}" if is_numeric(n) else n)
    if item.issue:
        parts.append(("Issue " if is_numeric(item.issue) else "") + capfirst(item.issue))
    if item.page:
        pages = page_range(item.page)
        label = "pp." if is_range(item.page) else "p."
        parts.append(f"{label} {pages}")
    elif item.chapter and (item.genre or item.title):
        parts.append(("Chapter " if is_numeric(item.chapter) else "") + item.chapter)
    return ", ".join(parts)


def _identifier_monographic(item: Item) -> str:
    if item.type in SERIAL or item.type in (
        "broadcast",
        "event",
        "patent",
        "performance",
        "post",
        "speech",
        "webpage",
    ):
        return ""
    if item.editor:
        return _identifier_monographic_item(item)
    if item.type in ("interview", "paper-conference"):
        return ""
    return _identifier_monographic_item(item)


def _identifier(item: Item, used: set[str]) -> Frag:
    """The parenthesised identifier after the title (§9.19, §9.20): "(2nd ed., Vol. 3)"."""
    t = item.type
    parts: list[str]
    if t == "patent":
        lead = capfirst(item.genre) if item.genre else "Patent"
        parts = [" ".join(p for p in (lead, _label_number(item)) if p)]
    elif t in ("post", "webpage"):
        parts = [
            _identifier_contributors(item, used), _identifier_number(item),
            _identifier_monographic(item),
        ]  # fmt: skip
    elif t == "report" and item.container:
        parts = [_identifier_contributors(item, used)]
    elif t == "report" and item.title:
        parts = [
            _identifier_contributors(item, used), _identifier_number(item),
            _identifier_monographic(item),
        ]  # fmt: skip
    elif t == "report":
        parts = [_identifier_contributors(item, used), _identifier_monographic(item)]
    elif item.container:
        parts = []
        if not item.genre and not item.title and item.chapter:
            parts.append(("Chapter " if is_numeric(item.chapter) else "") + item.chapter)
        parts.append(_identifier_contributors(item, used))
    else:
        parts = [
            _identifier_contributors(item, used), _identifier_number(item),
            _identifier_monographic(item),
        ]  # fmt: skip
    return affix(join([plain(p) for p in parts], "; "), "(", ")")


def _description_format(item: Item) -> str:
    if item.genre:
        return "" if item.number else capfirst(item.genre)
    if item.type == "manuscript":
        return (
            ""
            if (item.container or item.doi or item.number or item.publisher or item.url)
            else "Unpublished manuscript"
        )
    return _GENERIC_TERMS.get(item.type, "")


def _description(item: Item) -> Frag:
    """The bracketed description (§9.21): "[Doctoral dissertation, University]"."""
    t = item.type
    if t == "thesis":
        inner = ", ".join(
            p for p in (
                capfirst(item.genre), item.publisher if (item.doi or item.url) else "",
            ) if p
        )  # fmt: skip
    elif t in SERIAL or not item.container:
        inner = _description_format(item)
    elif t in ("document", "report", "software", "standard"):
        inner = ""
    elif t in ("event", "paper-conference", "performance", "speech"):
        inner = (
            _description_format(item)
            if (item.editor or item.issue or item.page or item.volume)
            else ""
        )
    else:
        inner = _description_format(item)
    return affix(plain(inner), "[", "]")


def _title_and_descriptions(item: Item, used: set[str]) -> Frag:
    if "title" in used:
        return EMPTY
    if item.title:
        return join([_title(item), _identifier(item, used), _description(item)], " ")
    if item.type == "report":
        return join(
            [plain(_identifier_number(item)), _description(item), _identifier(item, used)], " "
        )
    return join([_description(item), _identifier(item, used)], " ")


def _source_serial(item: Item) -> Frag:
    container = (
        render_pieces(title_case(item.container))
        if item.english
        else (render_pieces(item.container))
    )
    series = (
        render_pieces(title_case(item.collection_title)) if item.collection_title else (EMPTY)
    )
    names = em(join([container, series], ", "))
    vol = em(plain(item.volume))
    issue = affix(plain(item.issue), "(", ")")
    vol_issue = (vol[0] + issue[0], vol[1] + issue[1])
    loc = plain("Article " + item.number) if item.number else plain(page_range(item.page))
    out = join([names, vol_issue, loc], ", ")
    if (
        not (item.collection_title or item.issue or item.number or item.page or item.volume)
        and item.issued
        and item.status
    ):
        out = join([out, plain(capfirst(item.status))], ". ")
    return out


def _source_monographic(item: Item, used: set[str]) -> Frag:
    """ "In E. Editor (Ed.), *Book* (pp. 1–10)" for chapters (APA 7 §9.28)."""
    if not item.container:
        return EMPTY
    if item.container_author:
        author = plain(name_list(item.container_author, False))
    elif item.editor and "editor" not in used:
        author = plain(name_list(item.editor, False) + f" ({editor_label(item.editor)})")
    else:
        author = EMPTY
    vol = item.volume
    title = render_pieces(item.container)
    if vol and not is_numeric(vol):
        title = join([title, plain(capfirst(vol))], ": ")
    ident_parts = [_identifier_number(item), _identifier_monographic(item)]
    ident = affix(join([plain(p) for p in ident_parts], "; "), "(", ")")
    unpublished_event = not (item.editor or item.issue or item.page or item.volume) and (
        item.type in ("event", "paper-conference", "performance", "speech")
    )
    desc = ""
    if item.type in ("document", "report", "software", "standard") or unpublished_event:
        desc = _description_format(item)
    return join(
        [plain("In"), join([author, em(title)], ", "), ident, affix(plain(desc), "[", "]")],
        " ",
    )


def _source(item: Item, used: set[str]) -> Frag:
    t = item.type
    if t in ("post", "webpage"):
        first = EMPTY
    elif t in SERIAL:
        first = _source_serial(item)
    elif item.editor:
        first = _source_monographic(item, used)
    elif t in ("interview", "paper-conference"):
        first = _source_serial(item)
    else:
        first = _source_monographic(item, used)
    # publisher (§9.29)
    if "publisher" in used:
        pub = ""
    elif t == "thesis":
        pub = "" if (item.doi or item.url) else item.publisher
    elif t in SERIAL or (t == "paper-conference" and not item.editor):
        pub = ""
    else:
        pub = item.publisher
    website = EMPTY
    if t in ("post", "webpage") and item.container:
        website = render_pieces(title_case(item.container))
    return join([first, plain(pub), website], ". ")


def _doi_url(item: Item) -> Frag:
    """DOI as a https://doi.org/ link, else the URL (§9.34–9.36), with a retrieval date
    only for undated works (§9.16)."""
    if item.doi:
        return hyperlink("https://doi.org/" + item.doi)
    if item.url:
        if not item.issued and not item.status:
            when = item.accessed.text() if item.accessed else ""
            lead = f"Retrieved {when}, from " if when else "Retrieved "
            return concat(plain(lead), hyperlink(item.url))
        return hyperlink(item.url)
    return EMPTY


def _publication_history(item: Item) -> Frag:
    if (
        item.issued
        and item.status
        and (item.collection_title or item.issue or item.number or item.page or item.volume)
    ):
        return plain(f"({capfirst(item.status)})")
    return EMPTY


_ENTRIES: dict[tuple, Frag] = {}


def _entry(ref: Reference, suffix: str) -> Frag:
    """The entry, memoised on the entry's content hash (a Reference never changes)."""
    digest = getattr(ref, "hash", "")
    if not digest:
        return _make_entry(ref, suffix)
    memo = (ref.key, digest, suffix)
    hit = _ENTRIES.get(memo)
    if hit is None:
        if len(_ENTRIES) > 50_000:
            _ENTRIES.clear()
        hit = _ENTRIES[memo] = _make_entry(ref, suffix)
    return hit


def _make_entry(ref: Reference, suffix: str) -> Frag:
    item = Item(ref)
    used: set[str] = set()
    author = _author_part(item, used)
    date = plain(date_part(item, suffix))
    body = join([author, date, _title_and_descriptions(item, used), _source(item, used)], ". ")
    body = affix(body, "", ".")
    return join([body, _doi_url(item), _publication_history(item)], " ")


def reference_text(ref: Reference, suffix: str = "") -> str:
    """The reference-list entry as plain text (APA 7 chapter 9); ``suffix`` is the year
    suffix ("a", "b") from :func:`year_suffixes`."""
    return _entry(ref, suffix)[0]


def reference_html(ref: Reference, suffix: str = "") -> str:
    """The reference-list entry as HTML: every value escaped, italics as ``<em>``, the DOI
    as a https://doi.org/ link and a URL linked only when it is http or https."""
    return _entry(ref, suffix)[1]
