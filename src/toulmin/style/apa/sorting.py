"""The order of the reference list (APA 7 §9.44–9.48).

Letter by letter on the first author's surname and initials, then the further authors
("nothing precedes something"), then "n.d." works, dated works by year and in-press
works, then the year suffix or the title; works with no author by their title without a
leading article. Imports ``text`` and ``names``.
"""

from __future__ import annotations

import re

from toulmin.bibliography.bibtex import Name, Reference
from toulmin.style.apa.names import family, initials_of, is_others
from toulmin.style.apa.text import collate

__all__ = [
    "plain_title",
    "sort_key",
    "title_sort",
    "volume_key",
]


_LEADING_INT = re.compile(r"\d+")
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_SORT_PUNCT = re.compile(r"[^\w\s]+")


def title_sort(text: str) -> str:
    """Works sorted by title ignore a leading "A", "An" or "The" (§9.48)."""
    text = _SORT_PUNCT.sub("", text).strip()
    return collate(_LEADING_ARTICLE.sub("", text))


def _names_key(names: tuple[Name, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (collate(family(n)), "")
        if n.literal
        else (collate(family(n)), collate(initials_of(n.given)))
        for n in names
        if not is_others(n)
    )


def _creator_key(ref: Reference) -> tuple[tuple[str, str], ...]:
    names = ref.authors or ref.editors
    if names and any(not is_others(n) for n in names):
        return _names_key(names)
    return ((title_sort(plain_title(ref)), ""),)


def plain_title(ref: Reference) -> str:
    """The title as in the entry (the key when there is none), for ordering."""
    return ref.fields.get("title", "") or ref.key


def _year_key(ref: Reference) -> tuple[int, int]:
    y = ref.year.strip()
    if not y:
        return (0 if not ref.fields.get("pubstate") else 2, 0)
    m = _LEADING_INT.match(y)
    if m:
        return (1, int(m.group()))
    return (2, 0)  # "in press", "forthcoming": after the dated works (§9.46)


def sort_key(ref: Reference, suffix: str = "") -> tuple:
    """Reference-list order (APA 7 §9.44–9.48): first author's surname and initials letter
    by letter, then the further authors ("nothing precedes something"), then "n.d." works,
    dated works by year and in-press works; then the year suffix or the title. Works with
    no author are placed by their title, ignoring a leading article."""
    return (
        _creator_key(ref), _year_key(ref), suffix, title_sort(plain_title(ref)),
        volume_key(ref), ref.key,
    )  # fmt: skip


def volume_key(ref: Reference) -> tuple[int, str]:
    """Volumes in numeric order, for works that are otherwise alike."""
    v = ref.fields.get("volume", "").strip()
    return (int(v), "") if v.isdigit() else (0, collate(v))
