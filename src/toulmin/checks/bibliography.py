"""Checks on the reference base itself (codes BIB003-BIB007).

Parse failures (BIB001), duplicate keys (BIB002) and missing crossref parents (BIB008) are
found while parsing (``bibliography.bibtex``); this module holds the rules that look at each
entry: duplicate DOI (BIB003), missing required field (BIB004), malformed DOI (BIB005),
unsafe URL scheme (BIB006). They depend on the file's content only, so the site check
``entry_rules`` is cached by the file's digest (a warm check decodes no entry). The
unused-entry warning (BIB007, ``unused_entries``) needs every document's citations.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from toulmin.bibliography.model import Reference, normalise_doi
from toulmin.checks.interface import SiteContext, check
from toulmin.findings import WARNING, Finding
from toulmin.rules import RULES

#: Crossref's recommended pattern for modern DOIs, loosened to any visible character in the
#: suffix (https://www.crossref.org/blog/dois-and-matching-regular-expressions/).
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S*[^\s.,;:]$")
_RESOLVER = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)

#: Fields APA 7 needs to write a reference for each type; "author|editor" means either.
REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "mvbook": ("author|editor", "title", "publisher", "year|date"),
    "inbook": ("author|editor", "title", "booktitle|chapter|pages", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "proceedings": ("title", "year|date"),
    "collection": ("editor", "title", "publisher", "year|date"),
    "techreport": ("author", "title", "institution|publisher", "year|date"),
    "report": ("author", "title", "institution|publisher", "year|date"),
    "phdthesis": ("author", "title", "school|institution", "year|date"),
    "mastersthesis": ("author", "title", "school|institution", "year|date"),
    "thesis": ("author", "title", "school|institution", "year|date"),
    "online": ("title", "url"),
    "manual": ("title",),
    "unpublished": ("author", "title"),
    "misc": ("title",),
}
SAFE_SCHEMES = ("http", "https")


@check("site", families=("BIB",), cache_key=lambda ctx: ctx.bib.digest or None)
def entry_rules(ctx: SiteContext) -> list[Finding]:
    """BIB003-BIB006 over every entry of the reference base."""
    return check_entries(ctx.bib.entries.values(), ctx.bib.path)


def _unused_key(ctx: SiteContext) -> str | None:
    """BIB007's cache key: the reference base, what is cited, and every document's text
    (the hand-written mentions); the stopwords are in the site cache's own key."""
    if not ctx.bib.digest:
        return None
    h = hashlib.blake2b(ctx.bib.digest.encode(), digest_size=16)
    h.update("\0".join(sorted(ctx.cited)).encode())
    for doc in ctx.documents:
        h.update(f"\0{doc.path}\0{doc.digest}".encode())
    return h.hexdigest()


@check("site", families=("BIB",), cache_key=_unused_key)
def unused_entries(ctx: SiteContext) -> list[Finding]:
    """BIB007 for each entry no document and no statistic cites (no cited entry decoded).

    An entry a post names only by a hand-written author-year mention ("Shrout and Lane
    (2012)", which the name and year checks match) is still uncited: the page's reference
    list holds only ``[@key]`` citations. The warning says so, where, and how to cite it."""
    bib = ctx.bib
    out = []
    mentions: dict[str, list] = {}  # each document's mentions, scanned once if needed
    words: dict[str, list] = {}  # word -> the documents holding it, built on first need
    for key, (*_, line, _digest) in bib.index.items():
        if key in ctx.cited:
            continue
        named = _named_by_hand(ctx, key, mentions, words)
        if named is None:
            out.append(RULES["BIB007"].at(bib.path, line, 1,
                                          f"entry '{key}' is not cited anywhere on the site",
                                          "cite it or remove it from the reference base"))
            continue
        where, written, surname = named
        out.append(RULES["BIB007"].at(
            bib.path, line, 1,
            f"entry '{key}' is not cited anywhere on the site: it is named only by a "
            f"hand-written mention at {where} ('{written}'), and the page's reference list "
            f"shows only [@key] citations",
            f"write {surname} [-@{key}] (or [@{key}]) where the post names it"))
    return out


def _documents_naming(ctx: SiteContext, word: str, words: dict[str, list]) -> list:
    """The documents whose text holds ``word`` (an index of every document's words, built
    once a check, for a plain word; a substring search otherwise)."""
    if not _WORD.fullmatch(word):
        return [doc for doc in ctx.documents if word in doc.text]
    if not words:
        words[""] = []
        for doc in ctx.documents:
            for w in set(_WORD.findall(doc.text)):
                words.setdefault(w, []).append(doc)
    return words.get(word, [])


_WORD = re.compile(r"\w+")


def _named_by_hand(
    ctx: SiteContext, key: str, mentions: dict[str, list], words: dict[str, list]
) -> tuple[str, str, str] | None:
    """The first hand-written mention of entry ``key`` in a document ("Shrout and Lane
    (2012)": its first surname, and its year or one either side), as (path:line, the
    mention as written, the names to keep before ``[-@key]``); None when there is none."""
    from toulmin.checks.citeindex import fold, people
    from toulmin.scan.mentions import find_mentions

    ref = ctx.bib.entries.get(key)
    authors = people(ref) if ref is not None else ()
    if not authors or not authors[0].family or not ref.year[:4].isdigit():
        return None
    family, year = fold(authors[0].family), int(ref.year[:4])
    last = authors[0].family.split()[-1]
    for doc in _documents_naming(ctx, last, words):
        if doc.path not in mentions:
            mentions[doc.path] = find_mentions(doc.text, ctx.project.stopwords)
        for m in mentions[doc.path]:
            if (m.surnames and fold(m.surnames[0]) == family and m.year[:4].isdigit()
                    and abs(int(m.year[:4]) - year) <= 1):
                written = " ".join(doc.text[m.start:m.end].split())
                names = written.split("(")[0].strip() or m.surnames[0]
                return f"{doc.path}:{m.line}", written, names
        # ... or without parentheses, as link text often is: "[Frey et al. 2017](...)"
        years = "|".join(str(y) for y in (year - 1, year, year + 1))
        plain = re.compile(r"\b" + re.escape(last)
                           + r"\b(?P<rest>(?:[^()\[\]\n.;]|(?<=al)\.){0,60}?)\b(?:"
                           + years + r")\b")
        for m in plain.finditer(doc.text):
            line = doc.text.count("\n", 0, m.start()) + 1
            names = (last + m.group("rest")).strip().rstrip(",")
            return f"{doc.path}:{line}", " ".join(m.group().split()), names
    return None


def check_entries(refs: Iterable[Reference], path: str) -> list[Finding]:
    """Every per-entry rule over the whole file."""
    findings: list[Finding] = []
    first_doi: dict[str, Reference] = {}
    for ref in refs:
        findings.extend(_required(ref, path))
        raw_doi = ref.fields.get("doi", "")
        if raw_doi:
            findings.extend(_doi(ref, raw_doi, path))
            doi = normalise_doi(raw_doi).lower()
            if doi:
                if doi in first_doi:
                    other = first_doi[doi]
                    findings.append(RULES["BIB003"].at(
                        path, ref.line_of("doi"), 1,
                        f"entry '{ref.key}' has the same DOI as '{other.key}' "
                        f"(line {other.line}): {doi}",
                        "keep one entry and cite it by one key"))
                else:
                    first_doi[doi] = ref
        for name in ("url", "howpublished"):
            url = ref.fields.get(name, "").strip()
            if name == "howpublished" and "://" not in url and not url.lower().startswith(
                    ("javascript:", "data:", "vbscript:", "file:")):
                continue
            if url:
                finding = _url(ref, name, url, path)
                if finding:
                    findings.append(finding)
    return findings


def _required(ref: Reference, path: str) -> list[Finding]:
    rule = REQUIRED.get(ref.type)
    if rule is None:
        return []
    missing = []
    for alternatives in rule:
        names = alternatives.split("|")
        if not any(_has(ref, n) for n in names):
            missing.append(" or ".join(names))
    return [
        RULES["BIB004"].at(path, ref.line, 1,
                           f"@{ref.type} '{ref.key}' is missing the required field {m}",
                           f"add {m.split(' or ')[0]} = {{...}} to the entry")
        for m in missing
    ]


def _has(ref: Reference, name: str) -> bool:
    if name == "author":
        return bool(ref.authors)
    if name == "editor":
        return bool(ref.editors)
    return bool(ref.fields.get(name, "").strip())


def _doi(ref: Reference, raw: str, path: str) -> list[Finding]:
    line = ref.line_of("doi")
    value = raw.strip()
    if _RESOLVER.match(value):
        bare = normalise_doi(value)
        if DOI_PATTERN.match(bare):
            return [RULES["BIB005"].at(path, line, 1,
                                       f"DOI of '{ref.key}' is written as a link: {value}",
                                       f"write the bare DOI: doi = {{{bare}}}", severity=WARNING)]
        value = bare
    if not DOI_PATTERN.match(value):
        return [RULES["BIB005"].at(path, line, 1,
                                   f"malformed DOI in '{ref.key}': '{raw.strip()}'",
                                   "a DOI looks like 10.1037/0022-0167.38.2.139")]
    return []


def _url(ref: Reference, name: str, url: str, path: str) -> Finding | None:
    target = url.strip("<>{} ")
    scheme = urlsplit(target).scheme.lower()
    if scheme in SAFE_SCHEMES:
        return None
    return RULES["BIB006"].at(path, ref.line_of(name), 1,
                              f"{name} of '{ref.key}' is not an http(s) link: '{target[:80]}'",
                              "only http:// and https:// links are published")
