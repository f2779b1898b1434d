"""Comparing an entry with the registry's record: title, year, first author, author
count and container, after folding case, accents, markup and punctuation.
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


def compare(ref: Reference, meta: Metadata) -> list[dict]:
    """The fields on which the entry and the registry differ: ``{field, entry, registry}``."""
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
    theirs = meta.authors
    if names and theirs:
        mine = fold(names[0].family)
        mine_full = fold(names[0].full_family)
        their = fold(family_of(theirs[0]))
        their_full = fold(f"{theirs[0].get('particle', '')} {family_of(theirs[0])}")
        if not ({mine, mine_full} & {their, their_full}):
            diffs.append({"field": "author", "entry": names[0].full_family,
                          "registry": family_of(theirs[0])})
        if (len(theirs) != len(names)) and not (others and len(theirs) >= len(names)):
            diffs.append({"field": "author count",
                          "entry": f"{len(names)}{' and others' if others else ''}",
                          "registry": str(len(theirs))})
    container = ref.get("journal") or ref.get("journaltitle")
    if not container and ref.type in ("incollection", "inproceedings", "inbook"):
        container = ref.get("booktitle")
    if container and meta.container:
        a, b = _container_key(container), _container_key(meta.container)
        if a != b and similarity(a, b) < CONTAINER_THRESHOLD:
            diffs.append({"field": "container", "entry": container,
                          "registry": meta.container})
    return diffs
