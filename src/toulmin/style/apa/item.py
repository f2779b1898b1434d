"""The item model: the CSL variables pandoc's BibTeX reader gives apa.csl for one entry.

``Item`` maps a ``Reference`` (BibTeX entry type and fields) to what APA's rules look at:
the CSL type, contributors, titles already cased, container, numbers, publisher, dates,
DOI and URL (eprints as their archive's URL). Imports ``text`` (title casing), ``names``
and ``dates``.
"""

from __future__ import annotations

from toulmin.bibliography.bibtex import Reference, parse_names
from toulmin.style.apa.dates import NO_DATE, issued_date, parse_date
from toulmin.style.apa.names import typographic
from toulmin.style.apa.text import NOC, TXT, title_pieces

__all__ = [
    "SERIAL",
    "WEBPAGE_TYPES",
    "Item",
]


_CSL_TYPES = {
    "article": "article-journal", "periodical": "article-journal",
    "suppperiodical": "article-journal", "book": "book", "collection": "book",
    "manual": "book", "mvbook": "book", "mvcollection": "book", "mvproceedings": "book",
    "mvreference": "book", "proceedings": "book", "reference": "book", "software": "book",
    "commentary": "book", "booklet": "pamphlet", "bookinbook": "chapter", "inbook": "chapter",
    "incollection": "chapter", "suppbook": "chapter", "suppcollection": "chapter",
    "inreference": "entry-encyclopedia", "inproceedings": "paper-conference",
    "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis", "misc": "",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "patent": "patent",
    "report": "report", "techreport": "report", "unpublished": "manuscript",
    "dataset": "dataset", "data": "dataset", "artwork": "graphic", "image": "graphic",
    "audio": "song", "music": "song", "movie": "motion_picture", "video": "motion_picture",
    "performance": "speech", "letter": "personal_communication",
    "letters": "personal_communication", "newsarticle": "article-newspaper",
    "review": "review",
}  # fmt: skip
WEBPAGE_TYPES = frozenset(("online", "electronic", "www"))
_CHAPTERLIKE = frozenset(("inbook", "incollection", "inproceedings", "inreference", "bookinbook"))
_BOOKLIKE_NUMBER = frozenset((
    "book", "collection", "proceedings", "reference", "mvbook", "mvcollection",
    "mvproceedings", "mvreference", "bookinbook", "inbook", "incollection", "inproceedings",
    "inreference", "suppbook", "suppcollection",
))  # fmt: skip
SERIAL = frozenset((
    "article-journal", "article-magazine", "article-newspaper", "periodical", "post-weblog",
    "review", "review-book",
))  # fmt: skip


_GENRES = {
    "phdthesis": "PhD thesis", "mathesis": "Master\u2019s thesis",
    "mastersthesis": "Master\u2019s thesis", "techreport": "technical report",
    "resreport": "research report", "software": "computer software", "datacd": "CD-ROM",
    "audiocd": "audio CD",
}  # fmt: skip
_ENGLISH = frozenset((
    "english", "american", "british", "canadian", "australian", "newzealand", "usenglish",
    "ukenglish", "en",
))  # fmt: skip


def _is_english(ref: Reference) -> bool:
    lang = (ref.fields.get("langid") or ref.fields.get("hyphenation") or "").strip().lower()
    if not lang:
        return True
    return lang in _ENGLISH or lang.startswith("en-") or lang.startswith("english")


class Item:
    """The CSL variables pandoc's BibTeX reader would give apa.csl, from one Reference."""

    __slots__ = (
        "accessed", "author", "chapter", "collection_number", "collection_title",
        "container", "container_author", "doi", "edition", "editor", "english", "genre",
        "issue", "issued", "number", "page", "publisher", "ref", "status", "title",
        "translator", "type", "url", "version", "volume", "volumes",
    )  # fmt: skip

    def __init__(self, ref: Reference):
        f = ref.fields
        get = f.get
        et = ref.type.lower()
        self.ref = ref
        ctype = _CSL_TYPES.get(et, "")
        if "entrysubtype" in f and ctype == "article-journal":
            sub = f["entrysubtype"].strip().lower()
            if sub in ("magazine", "newspaper"):
                ctype = "article-" + sub
        if et == "unpublished" and (get("eventdate") or get("eventtitle") or get("venue")):
            ctype = "speech"
        self.type = ctype
        english = self.english = _is_english(ref)
        self.author = ref.authors
        self.editor = ref.editors
        self.translator = parse_names(f["translator"]) if get("translator") else ()
        self.container_author = parse_names(f["bookauthor"]) if get("bookauthor") else ()
        # titles: sentence case for English titles, as pandoc's BibTeX reader does
        mode = "sentence" if english else "none"
        prot = ref.protected
        title = title_pieces(f["title"], tuple(prot.get("title", ())), mode) if get("title") else ()
        if "subtitle" in f or "titleaddon" in f:
            for name, sep in (("subtitle", ":"), ("titleaddon", ".")):
                if get(name):
                    part = title_pieces(f[name], tuple(prot.get(name, ())), mode)
                    title = tuple(_concat_with(list(title), list(part), sep))
        self.title = title
        if et in _CHAPTERLIKE:
            cname = "maintitle" if get("maintitle") else "booktitle"
            cmode = mode
        else:
            cname = "journaltitle" if get("journaltitle") else "journal"
            cmode = "none"
        self.container = (
            title_pieces(f[cname], tuple(prot.get(cname, ())), cmode) if get(cname) else ()
        )
        series = get("series")
        self.collection_title = (
            title_pieces(series, tuple(prot.get("series", ())), mode) if series else ()
        )
        # numbers, as pandoc maps them: a book's number is its number in a series
        number = get("number", "")
        self.number = self.issue = self.collection_number = ""
        if number:
            if et in _BOOKLIKE_NUMBER:
                self.collection_number = number
            elif ctype in ("article-journal", "article-magazine", "article-newspaper"):
                self.issue = f"{number}, {f['issue']}" if get("issue") else number
            else:
                self.number = number
        elif get("issue") and ctype.startswith("article"):
            self.issue = f["issue"]
        volume = get("volume", "")
        if "part" in f:
            part = f["part"]
            volume = f"{volume}.{part}" if volume and part else (volume or part)
        self.volume = volume
        self.volumes = get("volumes", "")
        self.page = get("pages", "")
        self.edition = get("edition", "")
        self.version = get("version", "")
        self.chapter = get("chapter", "")
        genre = get("type", "").strip()
        if genre:
            genre = _GENRES.get(genre.lower(), genre)
        elif et == "phdthesis":
            genre = "PhD thesis"
        elif et == "mastersthesis":
            genre = "Master\u2019s thesis"
        self.genre = genre
        pubs = [
            v
            for v in (get("school"), get("institution"), get("organization"),
                      get("howpublished"), get("publisher"))
            if v
        ]  # fmt: skip
        self.publisher = typographic(_concat_text(pubs, ";")) if pubs else ""
        self.status = get("pubstate", "")
        self.issued = issued_date(ref)
        self.accessed = parse_date(f["urldate"]) if get("urldate") else NO_DATE
        self.doi = ref.doi
        url = get("url", "").strip()
        if not url and get("eprint"):
            etype = (get("eprinttype") or get("archiveprefix") or "").strip().lower()
            base = _EPRINT_URLS.get(etype)
            if base:
                url = base + f["eprint"].strip()
        self.url = url


_EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/", "jstor": "https://www.jstor.org/stable/",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
    "googlebooks": "https://books.google.com?id=",
}  # fmt: skip


def _concat_text(parts: list[str], sep: str) -> str:
    """pandoc's concatWith: join with "sep " unless the previous part ends in punctuation."""
    out = ""
    for p in parts:
        if not p:
            continue
        if not out:
            out = p
        elif out[-1] in "!?.,:;":
            out = out + " " + p
        else:
            out = out + sep + " " + p
    return out


def _concat_with(
    a: list[tuple[int, str]], b: list[tuple[int, str]], sep: str
) -> list[tuple[int, str]]:
    if not b:
        return a
    if not a:
        return b
    last = a[-1][1]
    joiner = " " if a[-1][0] in (TXT, NOC) and last[-1:] in tuple("!?.,:;") else sep + " "
    return [*a, (TXT, joiner), *b]
