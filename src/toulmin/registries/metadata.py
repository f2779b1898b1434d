"""The registry's view of a work: ``Metadata``, read from CSL-JSON or a Crossref message.

Registry answers are third-party data: every field is checked for its type and taken as
text, a missing or odd one as empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toulmin.bibliography.model import normalise_doi
from toulmin.registries.client import FetchError


@dataclass(slots=True)
class Metadata:
    """The registry's view of a work, from CSL-JSON or a Crossref works message."""

    doi: str = ""
    type: str = ""
    title: str = ""
    subtitle: str = ""
    container: str = ""
    #: every name the registry gives the container: each ``container-title`` and
    #: ``short-container-title`` (CSL: ``container-title-short``, ``journalAbbreviation``)
    containers: list[str] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    editors: list[dict] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    isbn: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def year(self) -> str:
        return self.years[0] if self.years else ""


def _first(value) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def _all(*values) -> list[str]:
    out: list[str] = []
    for value in values:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v.strip() and v.strip() not in out:
                out.append(v.strip())
    return out


def _date_year(value) -> str:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            y = parts[0][0]
            if isinstance(y, int | str) and str(y).strip().isdigit():
                return str(y).strip()
        raw = value.get("raw") or value.get("literal")
        if isinstance(raw, str):
            m = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", raw)
            if m:
                return m.group(1)
    return ""


def _text(value) -> str:
    """A scalar field as text (a number is written as such); anything else empty."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value) if isinstance(value, int | float) else ""


def _people(value) -> list[dict]:
    out = []
    for p in value if isinstance(value, list) else []:
        if not isinstance(p, dict):
            continue
        fam = _text(p.get("family"))
        if fam:
            out.append({"family": fam, "given": _text(p.get("given")),
                        "particle": _text(p.get("non-dropping-particle")),
                        "suffix": _text(p.get("suffix"))})
        elif _text(p.get("literal")) or _text(p.get("name")):
            out.append({"literal": _text(p.get("literal")) or _text(p.get("name"))})
    return out


def parse_metadata(record: dict) -> Metadata:
    """CSL-JSON (string titles) or a Crossref works message (list titles) to ``Metadata``."""
    if not isinstance(record, dict):
        raise FetchError("the record is not a JSON object")
    if isinstance(record.get("message"), dict):
        record = record["message"]
    years: list[str] = []
    for key in ("issued", "published-online", "published-print", "published", "created"):
        if key == "created" and years:
            break
        y = _date_year(record.get(key))
        if y and y not in years:
            years.append(y)
    isbn = record.get("ISBN")
    return Metadata(
        doi=normalise_doi(_text(record.get("DOI"))),
        type=_text(record.get("type")),
        title=_first(record.get("title")),
        subtitle=_first(record.get("subtitle")),
        container=_first(record.get("container-title")),
        containers=_all(record.get("container-title"), record.get("short-container-title"),
                        record.get("container-title-short"),
                        record.get("journalAbbreviation")),
        authors=_people(record.get("author")),
        editors=_people(record.get("editor")),
        years=years,
        publisher=_first(record.get("publisher")),
        volume=_text(record.get("volume")),
        issue=_text(record.get("issue")),
        page=_text(record.get("page")) or _text(record.get("article-number")),
        isbn=_first(isbn) if isbn else "",
        raw=record,
    )
