"""Direct quotations: double-quoted passages of five words or more, and blockquotes.

``find_quotations`` finds them with the citation that attributes each and any page
written by hand after one; ``quotations_in`` does the same on an already masked text, for
``document.scan``. A block quotation with no citation inside or right after it takes the
citation, or the hand-written locator ("Clark (2018, p. 4)"), of the sentence that
introduces it. ``names_a_place`` tells a locator ("p. 4", "sec. Conclusions", "Table 2")
from other text in a citation's suffix.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from toulmin.scan.citations import citations_in, mask_citations
from toulmin.scan.masking import BLANK_LINE, Lines, mask_markdown
from toulmin.scan.model import Citation

__all__ = ["LOCATOR", "Quotation", "find_quotations", "names_a_place", "quotations_in"]


@dataclass(frozen=True, slots=True)
class Quotation:
    """A direct quotation: ``kind`` "inline" (double quotes) or "block" (``>`` lines).

    ``text`` is the quoted words (blockquote markers removed); ``start``/``line``/``column``
    point at the opening quotation mark or the first ``>``. ``citation`` is the citation
    that attributes it (None when there is none); ``locator`` is a page written by hand
    right after the quotation ("(p. 12)"), empty otherwise.
    """

    kind: str
    text: str
    start: int
    end: int
    line: int
    column: int
    citation: Citation | None = None
    locator: str = ""


_CURLY_QUOTE = re.compile(r"“(?P<body>[^“”]*)”")
_STRAIGHT_QUOTE = re.compile(r"\"(?<![\w\"]\")(?=\S)(?P<body>[^\"]*?)(?<=\S)\"(?!\w)")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_BLOCKQUOTE = re.compile(r"\n[ \t]{0,3}>.*(?:\n[ \t]{0,3}>.*)*")
_BQ_MARK = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[\x00]?[A-Z0-9])|\n[ \t]*\n")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|al|cf|vs|pp?|Dr|Mr|Mrs|Ms|Prof|St|No|Vol|ed|eds|"
                     r"chap|sec|para|fig|approx|etc|Inc|Ltd)|\b[A-Z])\Z")
# A place in a work, as APA 7 §8.28 allows for a quotation from a work without pages: a
# page, paragraph, section, chapter, table or figure by number ("p. 4", "para. 4",
# "section 3", "chap. 2", "Table 2"), or a section by its heading ("sec. Conclusions",
# "Discussion section", "the Methods section").
_LOC_LABEL = (r"(?i:pp?|pages?|paras?|paragraphs?|¶¶?|§§?|secs?|sections?|chaps?|chapters?"
              r"|ch|tables?|tbl|figs?|figures?|appendix|app|box|lines?|ll|notes?|fn"
              r"|footnotes?|pts?|parts?|slides?)")
_LOC_VALUE = r"(?:[\dIVXLCDMivxlcdm]|[A-Z“\"‘'])[^()\n;]*"
_LOC_TEXT = (
    r"(?:" + _LOC_LABEL + r"(?:\.[ \t]*|[ \t]+)" + _LOC_VALUE
    + r"|(?:[Tt]he[ \t]+)?[A-Z][\w\-’']*(?:[ \t]+[A-Z][\w\-’']*){0,4}[ \t]+"
    r"(?:section|chapter|heading|table|appendix)(?![\w\-])[^()\n;]*)"
)
#: A locator as written by hand or in a citation's suffix ("sec. Conclusions", "Table 2").
LOCATOR = re.compile(_LOC_TEXT)
_HAND_LOCATOR = re.compile(
    r"[ \t]*\((?P<loc>(?:[^()]*?,[ \t]*)?" + _LOC_TEXT + r")\)"
)
# A locator in a hand-written citation that introduces a quotation: "Clark (2018, p. 4)",
# "(Clark, 2018, sec. Conclusions)", "Clark (2018) ... (p. 4)".
_INTRO_LOCATOR = re.compile(
    r"\((?:[^()]*?(?:(?:1[5-9]|20)\d\d[a-z]?|n\.[ \t]?d\.)[ \t]*,[ \t]*)?(?P<loc>"
    + _LOC_TEXT + r")\)"
)


def names_a_place(text: str) -> bool:
    """Whether ``text`` (a citation's locator or suffix) is a place in a work:
    "p. 4", "para. 4", "section 3", "chap. 2", "Table 2", "sec. Conclusions",
    "Discussion section"."""
    return LOCATOR.fullmatch(" ".join(text.split()).rstrip(".,")) is not None
_MIN_QUOTE_WORDS = 5


def _sentence_break(work: str, a: int, b: int) -> bool:
    """Whether a sentence ends between offsets ``a`` and ``b`` of the work text."""
    for m in _SENTENCE_END.finditer(work, a, min(len(work), b + 2)):
        if m.start() >= b:
            break
        if m.group().startswith("\n"):
            return True
        if not _ABBREV.search(work, max(0, m.start() - 8), m.start()):
            return True
    return False


def _is_title(words: list[str]) -> bool:
    long = [w for w in words if len(w) >= 4]
    if len(long) < 2:
        return False
    caps = sum(1 for w in long if w[0].isupper())
    return caps >= 0.8 * len(long)


def quotations_in(
    masked: str, work: str, citations: list[Citation], lines: Lines
) -> list[Quotation]:
    """``find_quotations`` on ``masked`` (``mask_markdown``'s result), ``work`` (the same
    with its ``citations`` blanked by ``mask_citations``) and ``lines``."""
    out: list[Quotation] = []
    blocks: list[tuple[int, int]] = []
    starts = [c.start for c in citations]
    if ">" in masked:
        for m in _BLOCKQUOTE.finditer("\n" + masked):
            body = _BQ_MARK.sub("", m.group()[1:])
            words = _WORD.findall(body)
            if not words:
                continue
            s, e = m.start(), m.end() - 1
            blocks.append((s, e))
            first = s + m.group().index(">") - 1
            inside = [c for c in citations if s <= c.start < e]
            cit = inside[-1] if inside else _citation_after_block(masked, e, citations, starts)
            loc = ""
            if cit is None:
                cit, loc = _introduction(work, s, citations)
            ln, col = lines.pos(first)
            out.append(Quotation("block", " ".join(body.split()), first, e, ln, col, cit, loc))
    matches = []
    if "“" in masked:
        matches.extend(_CURLY_QUOTE.finditer(masked))
    if '"' in masked:
        matches.extend(_STRAIGHT_QUOTE.finditer(masked))
    if matches:
        for m in matches:
            qs, qe = m.start(), m.end()
            if any(a <= qs < b for a, b in blocks):
                continue
            body = m.group("body")
            if BLANK_LINE.search(body):
                continue
            words = _WORD.findall(body)
            if len(words) < _MIN_QUOTE_WORDS or _is_title(words):
                continue
            cit = _citation_for_quote(work, qs, qe, citations, starts)
            loc = ""
            hm = _HAND_LOCATOR.match(work, qe)
            if hm is not None:
                loc = hm.group("loc").strip()
            elif cit is None:
                loc = _locator_before(work, _sentence_start(work, qs), qs)
            ln, col = lines.pos(qs)
            out.append(Quotation("inline", " ".join(body.split()), qs, qe, ln, col, cit, loc))
    out.sort(key=lambda q: q.start)
    return out


def _citation_for_quote(
    work: str, qs: int, qe: int, citations: list[Citation], starts: list[int]
) -> Citation | None:
    # Inside the quotation, or after it in the same sentence...
    k = bisect_right(starts, qs)
    if k < len(citations):
        c = citations[k]
        if c.start < qe or (c.start - qe < 400 and not _sentence_break(work, qe, c.start)):
            return c
    # ... or before it in the same sentence.
    j = k - 1
    while j >= 0 and citations[j].end > qs:
        j -= 1
    if j >= 0:
        c = citations[j]
        if qs - c.end < 400 and not _sentence_break(work, c.end, qs):
            return c
    return None


def _sentence_start(work: str, pos: int) -> int:
    """Offset where the sentence holding ``pos`` starts (within its paragraph)."""
    para = work.rfind("\n\n", 0, pos)
    lo = max(0, para + 2 if para != -1 else 0, pos - 600)
    start = lo
    for m in _SENTENCE_END.finditer(work, lo, pos):
        if m.end() <= pos and not _ABBREV.search(work, max(0, m.start() - 8), m.start()):
            start = m.end()
    return start


def _locator_before(work: str, lo: int, hi: int) -> str:
    """The last hand-written locator in ``work[lo:hi]``: "Clark (2018, p. 4) writes"."""
    found = ""
    for m in _INTRO_LOCATOR.finditer(work, lo, hi):
        found = m.group("loc").strip()
    return found


_GAP_BEFORE_BLOCK = re.compile(r"\s*\Z")


def _introduction(
    work: str, block: int, citations: list[Citation]
) -> tuple[Citation | None, str]:
    """The citation, or the hand-written locator, of the sentence that introduces the block
    quotation starting at ``block``: the last sentence of the paragraph right before it
    ("Clark [-@clark2018, p. 4] puts it plainly:", "Clark (2018, p. 4) writes:"), or, when
    that paragraph ends with a colon, the whole paragraph."""
    end = len(work[:block].rstrip())
    if end == 0 or work.count("\n", end, block) > 2:
        return None, ""
    start = _sentence_start(work, end)
    if work.rfind("\n>", start, end) != -1 or work[start:end].lstrip().startswith(">"):
        return None, ""  # the paragraph before is itself a quotation
    if len(_WORD.findall(work, start, end)) < 2:
        return None, ""  # no sentence: a citation alone (a previous quotation's)
    # An introduction that ends with a colon announces the quotation: the paragraph's
    # last citation is the work quoted ("... [@gelman2020]. The book is freely available
    # and is extremely accessible:").
    if work[end - 1] == ":":
        para = work.rfind("\n\n", 0, end)
        start = min(start, para + 2 if para != -1 else 0)
    for c in reversed(citations):
        if start <= c.start < end:
            return c, ""
    return None, _locator_before(work, start, end)


_AFTER_BLOCK = re.compile(r"[ \t]*\n(?:[ \t]*\n)?[ \t]*(?:[-–—]+[ \t]*)?")


def _citation_after_block(
    masked: str, end: int, citations: list[Citation], starts: list[int]
) -> Citation | None:
    m = _AFTER_BLOCK.match(masked, end)
    if m is None:
        return None
    k = bisect_right(starts, m.end() - 1)
    if k < len(citations) and citations[k].start == m.end():
        return citations[k]
    return None


def find_quotations(text: str) -> list[Quotation]:
    """Direct quotations: double-quoted passages of five words or more, and blockquotes.

    Scare quotes (one to four words) and quoted titles in title case are not quotations.
    Each quotation carries the citation that attributes it: one inside it, else the next
    citation in the same sentence, else the last one before it in the same sentence; for a
    blockquote, the last citation inside it or one opening the line right after it.
    """
    lines = Lines(text)
    masked = mask_markdown(text)
    citations = citations_in(text, masked, lines)[0]
    return quotations_in(masked, mask_citations(masked, citations), citations, lines)
