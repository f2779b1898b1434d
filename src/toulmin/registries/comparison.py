"""Comparing an entry with the registry's record: title, year, every author's surname
(in order), the author count and the container (its full or registered short title), after
folding case, accents, markup and punctuation.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from toulmin.bibliography.model import Reference
from toulmin.registries.metadata import Metadata

#: Title similarity (0-1, after normalisation) at or above which titles agree.
TITLE_THRESHOLD = 0.9
#: Container similarity at or above which journal names agree.
CONTAINER_THRESHOLD = 0.8


_TAGS = re.compile(r"<[^>]+>")


def fold(text: str) -> str:
    """Lower case, accents removed, markup and punctuation dropped, spaces collapsed."""
    text = _TAGS.sub(" ", text or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """How alike two texts are once folded: difflib's ratio, 2M/T (0-1); 0 if either is empty."""
    a, b = fold(a), fold(b)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _container_key(text: str) -> str:
    t = fold(text)
    return t[4:] if t.startswith("the ") else t


def family_of(p: dict) -> str:
    """A registry person's family name, or an organisation's name."""
    return p.get("family") or p.get("literal") or ""


def _surnames_match(name, person: dict) -> bool:
    mine = {fold(name.family), fold(name.full_family)}
    their = {fold(family_of(person)),
             fold(f"{person.get('particle', '')} {family_of(person)}")}
    return bool(mine & their - {""})


def compare_authors(names: list, others: bool, theirs: list[dict]) -> list[dict]:
    """Every author's surname, position by position, then the count.

    ``others`` (the entry ends in ``and others``) means "at least these authors, in this
    order": the registry may list more, never fewer.
    """
    diffs: list[dict] = []
    for i, (name, person) in enumerate(zip(names, theirs, strict=False), start=1):
        if not _surnames_match(name, person):
            diffs.append({"field": f"author {i}", "entry": name.full_family,
                          "registry": family_of(person)})
    if (len(theirs) != len(names)) and not (others and len(theirs) >= len(names)):
        diffs.append({"field": "author count",
                      "entry": f"{len(names)}{' and others' if others else ''}",
                      "registry": str(len(theirs))})
    return diffs


def container_matches(container: str, meta: Metadata) -> bool:
    """The entry's journal is the registry's ``container-title`` or a registered short
    title (``short-container-title``: "J Couns Psychol" for the Journal of Counseling
    Psychology), after folding case, accents and punctuation ("J. Couns. Psychol.")."""
    names = meta.containers or ([meta.container] if meta.container else [])
    mine = _container_key(container)
    for name in names:
        theirs = _container_key(name)
        if mine == theirs or similarity(mine, theirs) >= CONTAINER_THRESHOLD:
            return True
    return False


def compare(ref: Reference, meta: Metadata) -> list[dict]:
    """The fields on which the entry and the registry differ: ``{field, entry, registry}``.

    Title (with or without the registry's subtitle), year (any of the registry's dates),
    every author's surname in order (``author 2``: entry "Smiht", registry "Smith"), the
    author count (``and others``: at least these authors), the container.
    """
    diffs: list[dict] = []
    title = ref.get("title")
    if title and meta.title:
        candidates = [meta.title]
        if meta.subtitle:
            candidates.append(f"{meta.title}: {meta.subtitle}")
        score = max(similarity(title, c) for c in candidates)
        if score < TITLE_THRESHOLD:
            diffs.append({"field": "title", "entry": title, "registry": candidates[-1]})
    if ref.year and meta.years:
        year = ref.year[:4]
        if year not in meta.years:
            diffs.append({"field": "year", "entry": ref.year,
                          "registry": " or ".join(meta.years)})
    names = [n for n in (ref.authors or ()) if not (n.literal and n.family.lower() == "others")]
    others = bool(ref.authors) and len(names) < len(ref.authors)
    if names and meta.authors:
        diffs.extend(compare_authors(names, others, meta.authors))
    container = ref.get("journal") or ref.get("journaltitle")
    if not container and ref.type in ("incollection", "inproceedings", "inbook"):
        container = ref.get("booktitle")
    if container and meta.container and not container_matches(container, meta):
        diffs.append({"field": "container", "entry": container,
                      "registry": meta.container})
    return diffs
