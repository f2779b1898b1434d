"""Checks on the reference base itself (codes BIB001-BIB008).

Parse failures (BIB001), duplicate keys (BIB002) and missing crossref parents (BIB008) are
found while parsing (``bibliography.bibtex``); this module adds the rules that look at each entry:
duplicate DOI, missing required field, malformed DOI, unsafe URL scheme. They depend on the
file's content only, so their findings are cached with the parsed file. The unused-entry
warning (BIB007) needs the posts and is produced by the project (``toulmin.project``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from toulmin.bibliography.model import Reference, normalise_doi
from toulmin.findings import ERROR, WARNING, Finding

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
                    findings.append(Finding(
                        path, ref.line_of("doi"), 1, "BIB003", ERROR,
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
        Finding(path, ref.line, 1, "BIB004", ERROR,
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
            return [Finding(path, line, 1, "BIB005", WARNING,
                            f"DOI of '{ref.key}' is written as a link: {value}",
                            f"write the bare DOI: doi = {{{bare}}}")]
        value = bare
    if not DOI_PATTERN.match(value):
        return [Finding(path, line, 1, "BIB005", ERROR,
                        f"malformed DOI in '{ref.key}': '{raw.strip()}'",
                        "a DOI looks like 10.1037/0022-0167.38.2.139")]
    return []


def _url(ref: Reference, name: str, url: str, path: str) -> Finding | None:
    target = url.strip("<>{} ")
    scheme = urlsplit(target).scheme.lower()
    if scheme in SAFE_SCHEMES:
        return None
    return Finding(path, ref.line_of(name), 1, "BIB006", ERROR,
                   f"{name} of '{ref.key}' is not an http(s) link: '{target[:80]}'",
                   "only http:// and https:// links are published")
