"""Names in the APA style: author lists, initials and the names a citation needs.

Reference-list names (APA 7 §9.8): "van Straten, A.", "Smith, J., Jr.", groups as written,
up to 20 authors and then an ellipsis and the final author; initials as citeproc gives
them ("Jean-Paul" -> "J.-P."); editor labels (§9.10). In text (§8.17): "Clark et al.",
"Read & Moncrieff", names added until two et al. citations differ (§8.18) and initials for
first authors who share a surname (§8.20). Imports ``text`` (the collation key).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from toulmin.bibliography.bibtex import Name, Reference
from toulmin.style.apa.text import collate

__all__ = [
    "disambiguate_names",
    "editor_label",
    "family",
    "initials_of",
    "is_others",
    "name_list",
    "shared_surnames",
    "short_names",
    "typographic",
]


_SIMPLE_GIVEN = re.compile(r"[^\W\d_]+\.?(?: [^\W\d_]+\.?)*")


@lru_cache(maxsize=16384)
def initials_of(given: str) -> str:
    """citeproc's initialize-with=". ": "Robert L." -> "R. L.", "Jean-Paul" -> "J.-P."."""
    if _SIMPLE_GIVEN.fullmatch(given):  # words and initials, the usual case
        out_words = []
        for w in given.split(" "):
            if w[-1] == "." or (w.islower() and len(w) > 1):  # "Ma.", "J."; "de" as it is
                out_words.append(w)
            elif len(w) == 1 or not w[0].isupper():
                out_words.append(w + ".")
            elif len(w) > 2 and w[1].isupper() and w[2:].islower():  # "THomas" -> "Th."
                out_words.append(w[0] + w[1].lower() + ".")
            else:
                out_words.append(w[0] + ".")
        return " ".join(out_words)
    words: list[tuple[bool, str]] = []  # (already an initial, text)
    cs: list[str] = []
    for c in given:
        if c == ".":
            if cs:
                words.append((True, "".join(cs)))
                cs = []
        elif c == "-":
            if cs:
                words.append((False, "".join(cs)))
            cs = ["-"]
        elif c == " ":
            if len(cs) == 1:
                words.append((True, cs[0]))
            elif cs:
                words.append((False, "".join(cs)))
            cs = []
        else:
            cs.append(c)
    if len(cs) == 1:
        words.append((True, cs[0]))
    elif cs:
        words.append((False, "".join(cs)))
    out = []
    for done, w in words:
        if done:
            out.append(w + ". ")
        elif all(c.islower() for c in w):
            out.append(w + " ")
        else:
            ini = _to_initial(w)
            if ini:
                out.append(ini + ". ")
    return "".join(out).replace(" -", "-").strip(" ")


def _to_initial(w: str) -> str:
    if w[0] == "-":
        c = w[1:2]
        return "-" + c.upper() if c and c.isupper() else ""
    c = w[0]
    if c.isupper():
        if len(w) > 2 and w[1].isupper() and all(x.islower() for x in w[2:]):
            return c + w[1].lower()
        return c
    return w


def is_others(n: Name) -> bool:
    return n.literal and n.family.lower() == "others"


def typographic(s: str) -> str:
    """Straight apostrophes as typographic ones, as pandoc's smart reading of LaTeX gives."""
    return s.replace("'", "\u2019").replace("`", "\u2018") if ("'" in s or "`" in s) else s


_INITIAL_LIKE = re.compile(r"^[a-z]\.?(?:\s+[a-z]\.?)*$")
_JOINED_INITIALS = re.compile(r"\b([A-Z])\.(?=[A-Z]\b)")


def _spaced(s: str) -> str:
    """ "A.G." as "A. G." (pandoc reads names so)."""
    return _JOINED_INITIALS.sub(r"\1. ", s) if "." in s else s


def _initial_particle(n: Name) -> bool:
    """A "particle" of lone lower-case letters ("a." in "a. Sanchez-Garcia, M.") is a
    mangled initial from a reference manager, printed after the initials as pandoc does."""
    return bool(n.particle) and bool(_INITIAL_LIKE.match(n.particle))


def family(n: Name) -> str:
    if n.literal:
        return typographic(n.family)
    if n.particle and _initial_particle(n):
        return typographic(_spaced(n.family))
    return typographic(_spaced(n.full_family))


@lru_cache(maxsize=16384)
def _inverted(n: Name) -> str:
    """Reference-list form (§9.8): "van Straten, A.", "Smith, J., Jr.", organisations as
    written."""
    if n.literal:
        return typographic(n.family)
    out = family(n)
    ini = initials_of(n.given) if n.given else ""
    if n.particle and _initial_particle(n):
        ini = f"{ini} {n.particle}".strip()
    if ini:
        out += ", " + ini
    if n.suffix:
        out += ", " + _spaced(n.suffix)
    return out


@lru_cache(maxsize=4096)
def _direct(n: Name) -> str:
    """Initials first, as for editors of a book: "C. Jackson"."""
    if n.literal:
        return typographic(n.family)
    ini = initials_of(n.given) if n.given else ""
    if n.particle and _initial_particle(n):
        ini = f"{ini} {n.particle}".strip()
    out = f"{ini} {family(n)}" if ini else family(n)
    if n.suffix:
        out += " " + _spaced(n.suffix)
    return out


def name_list(names: tuple[Name, ...], inverted: bool) -> str:
    """A reference-list name list (§9.8): "A, B, & C"; with 21 or more authors the first
    19, an ellipsis and the final author: "A, B, … Z" (the Manual sets it ". . .")."""
    others = bool(names) and is_others(names[-1])
    people = [n for n in names if not is_others(n)]
    fmt = _inverted if inverted else _direct
    shown = [fmt(n) for n in people]
    if not shown:
        return ""
    if others:
        return ", ".join(shown) + (", et al." if len(shown) > 1 else " et al.")
    if len(shown) >= 21:
        return ", ".join(shown[:19]) + ", \u2026 " + shown[-1]
    if len(shown) == 1:
        return shown[0]
    if inverted or len(shown) > 2:
        return ", ".join(shown[:-1]) + ", & " + shown[-1]
    return shown[0] + " & " + shown[1]


def editor_label(names: tuple[Name, ...]) -> str:
    """"Ed." for one editor, "Eds." for more (§9.10)."""
    people = [n for n in names if not is_others(n)]
    return "Eds." if len(people) > 1 or len(people) < len(names) else "Ed."


def short_names(names: list[Name], shown: int, narrative: bool, initials: bool) -> str:
    """ "Clark et al.", "Read & Moncrieff" / "Read and Moncrieff" (§8.17), organisations in
    full; ``shown`` names before "et al." when disambiguating (§8.18)."""
    people = [n for n in names if not is_others(n)]
    others = len(people) < len(names)
    if not people:
        return ""
    fams = [family(n) for n in people]
    if initials and not people[0].literal and people[0].given:
        fams[0] = f"{initials_of(people[0].given)} {fams[0]}"
    amp = " and " if narrative else " & "
    n = len(people)
    if n <= 2 and not others:
        return fams[0] if n == 1 else fams[0] + amp + fams[1]
    if shown >= n and not others:
        return ", ".join(fams[:-1]) + "," + amp + fams[-1]
    k = max(1, min(shown, n))
    if k == 1:
        return fams[0] + " et al."
    return ", ".join(fams[:k]) + ", et al."


def shared_surnames(refs: Iterable[Reference]) -> set[str]:
    """Surnames of first authors who differ in their initials (§8.20: cite with initials)."""
    seen: dict[str, set[str]] = {}
    for ref in refs:
        names = ref.authors or ref.editors
        if names and not names[0].literal:
            inits = collate(initials_of(names[0].given))
            seen.setdefault(collate(family(names[0])), set()).add(inits)
    return {fam for fam, inits in seen.items() if len(inits) > 1}


def disambiguate_names(refs: Iterable[Reference]) -> dict[str, int]:
    """How many author names each work needs in text (APA 7 §8.18): works whose citations
    would both read "First et al., Year" but whose author lists differ get names added
    until they differ. Works not listed need the usual one name (or their two names)."""
    refs = list(refs)
    shared = shared_surnames(refs)
    by_short: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
    for ref in refs:
        names = [n for n in (ref.authors or ref.editors) if not is_others(n)]
        others = len(names) < len(ref.authors or ref.editors)
        if len(names) < 3 and not others:
            continue
        fams = [family(n) for n in names]
        first = names[0]
        if not first.literal and collate(fams[0]) in shared:  # "J. Bao et al." (§8.20)
            fams[0] = f"{initials_of(first.given)} {fams[0]}"
        by_short.setdefault((fams[0], ref.year), []).append(
            (ref.key, [*fams, "\0others"] if others else fams)
        )
    out: dict[str, int] = {}
    for group in by_short.values():
        if len(group) < 2:
            continue
        for key, fams in group:
            need = 1
            for other_key, other in group:
                if other_key == key or other == fams:
                    continue
                k = 1
                while k < len(fams) and fams[:k] == other[:k]:
                    k += 1
                need = max(need, k)
            if need > 1:
                out[key] = min(need, len([f for f in fams if f != "\0others"]))
    return out
