"""DOIs written in Markdown prose and link destinations, well formed or not.

``find_dois`` finds ``10.xxxx/...``, ``doi:10...`` and ``https://doi.org/10...`` outside
code and says what is wrong with a malformed one; ``dois_in`` does the same on a text
``masking.mask_code`` already masked, for ``document.scan``.

A DOI that is the destination of a Markdown link (``[the preregistration](https://doi.org/
10.17605/OSF.IO/ABCDE)``) or of a reference-link definition carries ``link=True`` and the
link's text in ``label``: a link whose text is not the DOI itself is a link to something
(a dataset, a preregistration), not a citation written as a DOI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toulmin.scan.masking import Lines, is_word, mask_code, trim_tail

__all__ = ["DoiMention", "dois_in", "find_dois"]


@dataclass(frozen=True, slots=True)
class DoiMention:
    """A DOI written in the Markdown (prose or link destination, never code).

    ``raw`` is the text as written (resolver prefix included, trailing punctuation
    stripped); ``doi`` the DOI itself without prefix (percent-escapes decoded). When
    ``well_formed`` is false, ``problem`` says why. Positions point at the DOI's first
    character (after any ``doi:`` or ``https://doi.org/`` prefix).
    """

    raw: str
    doi: str
    start: int
    end: int
    line: int
    column: int
    well_formed: bool
    problem: str = ""
    #: True when the DOI is a link's destination (inline link or reference definition)
    link: bool = False
    #: the link's text as written ("" for a reference definition or a bare DOI)
    label: str = ""

    @property
    def plain_link(self) -> bool:
        """A link whose text is not the DOI itself: "[the preregistration](https://doi...)"."""
        if not self.link:
            return False
        label = " ".join(self.label.split()).casefold()
        return self.doi.casefold() not in label and not label.startswith(_DOI_LABELS)


_DOI_WORD = re.compile(r"doi")
_DOI_PRE = re.compile(r"doi(?:\.org/|:[ \t]*)")
_DOI_REST = re.compile(r"\S{0,300}")  # no real DOI is longer
_DOI_BARE = re.compile(
    r"10\.(?<![\w./\-]10\.)\d{4,9}(?:\.\d+)*(?:/\S{0,300}|[ \t]+/\S{1,300})"
)
_RESOLVER = re.compile(r"(?:https?://)?(?:dx\.)?\Z")
_SPACE_THEN_TEXT = re.compile(r"[ \t]+[\w(]")
_DOI_PREFIX = re.compile(r"10\.\d{4,9}(?:\.\d+)*")
_DOI_TAIL = ".,;:!?'\"*_”’>"
_DOI_LABELS = ("doi:", "doi.org", "https://doi", "http://doi", "https://dx.doi", "10.")
# An inline link "[text](destination" (text without unbalanced brackets) and a reference
# definition "[label]: destination": the spans of their destinations, with their text.
_LINK = re.compile(r"\[(?P<text>(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)\]"
                   r"(?:\((?P<dest>[ \t]*<?[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
                   r"|:[ \t]*(?P<ref><?\S+))")


def _doi_problem(doi: str, rest: str) -> str:
    """Why ``doi`` is not a well-formed DOI (empty when it is); ``rest`` follows it."""
    if not doi:
        return "nothing after the DOI prefix"
    if not doi.startswith("10."):
        return "a DOI starts with '10.'"
    if " " in doi or "\t" in doi or ("/" not in doi and rest.lstrip(" \t").startswith("/")):
        return "a DOI has no spaces"
    if "/" not in doi:
        return "no '/' between prefix and suffix"
    prefix, suffix = doi.split("/", 1)
    if not _DOI_PREFIX.fullmatch(prefix):
        return "the prefix must be '10.' and 4 to 9 digits"
    if not any(ch.isalnum() for ch in suffix):
        if _SPACE_THEN_TEXT.match(rest):
            return "a DOI has no spaces"
        return "nothing after the '/'"
    return ""


def dois_in(code_masked: str, lines: Lines) -> list[DoiMention]:
    """``find_dois`` on ``code_masked`` (``mask_code``'s result), positions from ``lines``."""
    has_doi = "doi" in code_masked or "DOI" in code_masked or "Doi" in code_masked
    if not has_doi and "10." not in code_masked:
        return []
    found: list[tuple[int, str, str]] = []  # (start of the DOI, prefix as written, DOI)
    taken: set[int] = set()
    if has_doi:
        lower = code_masked.lower()
        for m in _DOI_WORD.finditer(lower):
            p = _DOI_PRE.match(lower, m.start())
            if p is None:
                continue
            begin = m.start()
            if lower[p.end() - 1] == "/":  # doi.org/: take the scheme and dx. with it
                r = _RESOLVER.search(lower, max(0, begin - 12), begin)
                begin = r.start() if r is not None else begin
            if begin and (is_word(lower[begin - 1]) or lower[begin - 1] in "/."):
                continue
            rest = _DOI_REST.match(code_masked, p.end())
            doi = trim_tail(rest.group(), _DOI_TAIL)
            if lower[p.end() - 1] in " \t" and not doi[:1].isdigit():
                continue  # "its DOI: the paper...": a label in prose, not a DOI
            found.append((p.end(), code_masked[begin : p.end()], doi))
            taken.add(p.end())
    if "10." in code_masked:
        for m in _DOI_BARE.finditer(code_masked):
            if m.start() not in taken:
                found.append((m.start(), "", trim_tail(m.group(), _DOI_TAIL)))
    if not found:
        return []
    from urllib.parse import unquote

    links: list[tuple[int, int, str]] = []
    if "](" in code_masked or "]:" in code_masked:
        for lm in _LINK.finditer(code_masked):
            if lm.group("dest") is not None:
                links.append((lm.start("dest"), lm.end("dest"), lm.group("text")))
            elif code_masked[code_masked.rfind("\n", 0, lm.start()) + 1 : lm.start()].strip() == "":
                links.append((lm.start("ref"), lm.end("ref"), ""))
    out = []
    for start, prefix, raw_doi in sorted(found):
        if "](" in raw_doi:  # "[10.1234/x](https://doi.org/...)": the link text ends it
            raw_doi = raw_doi[: raw_doi.index("](")]
        doi = unquote(raw_doi) if "%" in raw_doi else raw_doi
        end = start + len(raw_doi)
        problem = _doi_problem(doi, code_masked[end : end + 40])
        ln, col = lines.pos(start)
        link = next((lk for lk in links if lk[0] <= start < lk[1]), None)
        out.append(DoiMention(prefix + raw_doi, doi, start, end, ln, col, not problem, problem,
                              link is not None, link[2] if link else ""))
    return out


def find_dois(text: str) -> list[DoiMention]:
    """DOIs written in the Markdown: ``10.xxxx/...``, ``doi:10...``, ``https://doi.org/10...``.

    Link destinations and raw URLs are searched too (only code, comments and front matter
    are skipped); trailing punctuation is stripped. Malformed DOIs ("10.1037/",
    "doi:10.10/x", a DOI broken by a space) are returned with ``well_formed=False``.
    """
    return dois_in(mask_code(text), Lines(text))
