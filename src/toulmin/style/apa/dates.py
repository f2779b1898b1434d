"""Dates in the APA style: the date element, "n.d.", "in press" and year suffixes.

The date element of an entry (APA 7 §9.13–9.17): "(2020)", "(2021, May 5)" for works that
carry the full date, "(n.d.)" and "(in press)"; the short date of an in-text citation
(§8.10); and the year suffixes that tell apart works by the same authors in the same year
(§8.19, §9.47): "2020a", "2020b" after a year, "n.d.-a", "in press-a" after a word.
Imports ``names`` and ``sorting`` (suffixes are lettered in reference-list order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from toulmin.bibliography.bibtex import Reference
from toulmin.style.apa.names import name_list
from toulmin.style.apa.sorting import plain_title, title_sort, volume_key

if TYPE_CHECKING:  # the item model imports this module
    from toulmin.style.apa.item import Item

__all__ = [
    "NO_DATE",
    "Date",
    "date_part",
    "date_short",
    "issued_date",
    "parse_date",
    "year_suffixes",
]


_FULL_DATE = frozenset((
    "article-magazine", "article-newspaper", "broadcast", "collection", "document", "event",
    "motion_picture", "pamphlet", "performance", "personal_communication", "post",
    "post-weblog", "song", "speech", "webpage",
))  # fmt: skip


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_NUM = {m[:3].lower(): i + 1 for i, m in enumerate(_MONTHS)}


_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _month(value: str) -> int:
    value = value.strip().rstrip(".")
    if not value:
        return 0
    if value.isdigit():
        n = int(value)
        return n if 1 <= n <= 12 else 0
    return _MONTH_NUM.get(value[:3].lower(), 0)


class Date:
    """An issued or accessed date: year (0 when not a number), month, day, or a literal."""

    __slots__ = ("day", "end_year", "literal", "month", "year")

    def __init__(self, year: int = 0, month: int = 0, day: int = 0, literal: str = ""):
        self.year, self.month, self.day, self.literal = year, month, day, literal
        self.end_year = 0

    def years(self) -> str:
        """ "2020", a range "2010–2012", or the literal ("in press")."""
        if not self.year:
            return self.literal
        if self.end_year and self.end_year != self.year:
            return f"{self.year}\u2013{self.end_year}"
        return str(self.year)

    def __bool__(self) -> bool:
        return bool(self.year or self.literal)

    def text(self) -> str:
        """Long form: "September 13, 2021"."""
        if not self.year:
            return self.literal
        if self.month and self.day:
            return f"{_MONTHS[self.month - 1]} {self.day}, {self.year}"
        if self.month:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)


NO_DATE = Date()


def parse_date(value: str) -> Date:
    """An ISO 8601 or EDTF date ("2021-05-05", "2010/2012"); anything else is a literal."""
    value = value.strip()
    m = _DATE.match(value)
    if not m:
        return Date(literal=value) if value else Date()
    y, mo, d = m.groups()
    date = Date(int(y), int(mo or 0), int(d or 0))
    if "/" in value:  # an EDTF range, "2010/2012"
        end = _DATE.match(value.split("/", 1)[1].strip())
        if end:
            date.end_year = int(end.group(1))
    return date


def issued_date(ref: Reference) -> Date:
    """The date of publication: ``date``, else ``year`` with ``month`` and ``day``; a year
    that is not a number ("in press") is a literal."""
    f = ref.fields
    if f.get("date"):
        return parse_date(f["date"])
    year = f.get("year", "").strip()
    if not year:
        return Date()
    if _INT.match(year):
        day = f.get("day", "").strip()
        return Date(int(year), _month(f.get("month", "")), int(day) if day.isdigit() else 0)
    return Date(literal=year)


def date_part(item: Item, suffix: str) -> str:
    """The date element (APA 7 §9.14, §9.17): "(2020)", "(2020a)", "(n.d.-a)", "(2021, May 5)"."""
    d = item.issued
    if d:
        if not d.year:
            return f"({_suffixed(d.literal, suffix)})"
        out = f"{d.years()}{suffix}"
        full = item.type in _FULL_DATE or (
            item.type in ("interview", "paper-conference")
            and not (item.editor or item.issue or item.page or item.volume)
        )
        if full and d.month:
            out += f", {_MONTHS[d.month - 1]}" + (f" {d.day}" if d.day else "")
        return f"({out})"
    if item.status:
        return f"({_suffixed(item.status.lower(), suffix)})"
    return f"({_suffixed('n.d.', suffix)})"


def date_short(ref: Reference, suffix: str) -> str:
    """The date of an in-text citation (APA 7 §8.10): "2020a", "n.d.-a", "in press"."""
    d = issued_date(ref)
    if d:
        return _suffixed(d.years(), suffix)
    status = ref.fields.get("pubstate", "").strip()
    if status:
        return _suffixed(status.lower(), suffix)
    return _suffixed("n.d.", suffix)


def _suffixed(date: str, suffix: str) -> str:
    """The year suffix (§8.19): right after a year ("2020a", "2010–2012a"), after a hyphen
    when the date is a word ("n.d.-a", "in press-a", "forthcoming-a")."""
    if not suffix:
        return date
    return date + suffix if date[-1:].isdigit() else f"{date}-{suffix}"


def _list_author_text(ref: Reference) -> str:
    """Who a work is by, as the reference list shows it (without "(Eds.)")."""
    names = ref.authors or ref.editors
    if names:
        return name_list(names, True)
    return title_sort(plain_title(ref))


def year_suffixes(refs: Iterable[Reference]) -> dict[str, str]:
    """Year suffixes (APA 7 §8.19, §9.47) for works by the same authors in the same year,
    lettered in reference-list order, that is by title: ``{"key": "a", ...}``."""
    groups: dict[tuple[str, str], list[Reference]] = {}
    for ref in refs:
        item_year = ref.year.strip()
        groups.setdefault((_list_author_text(ref), item_year), []).append(ref)
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (title_sort(plain_title(r)), volume_key(r), r.key))
        for i, ref in enumerate(group):
            out[ref.key] = _suffix_letters(i + 1)
    return out


def _suffix_letters(n: int) -> str:
    if n < 27:
        return chr(ord("a") + n - 1)
    n -= 1
    return chr(ord("a") - 1 + n // 26) + chr(ord("a") + n % 26)
