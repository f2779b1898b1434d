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
    #: a block quotation's attribution line, without its dash ("Upton Sinclair" of
    #: "-- Upton Sinclair"), inside the block as its last line or on the line after it
    attribution: str = ""
    #: the spans of text around the quotation that attribute it (its sentence; for a block,
    #: the introducing sentence or paragraph and the attribution line, not the quoted
    #: words): where a hand-written "Clark (2018)" names its source
    around: tuple[tuple[int, int], ...] = ()
    #: an inline quotation introduced as words someone said or wrote: a colon or a verb of
    #: saying right before it ('put it bluntly: "..."', 'wrote "..."')
    introduced: bool = False


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
            who, line_span = _attribution_line(masked, body, s, e)
            if cit is None and line_span[1] > e:
                on_line = [c for c in citations if line_span[0] <= c.start < line_span[1]]
                cit = on_line[-1] if on_line else None
            loc = ""
            intro = _intro_span(work, s)
            if cit is None:
                cit, loc = _introduction(work, s, citations)
            ln, col = lines.pos(first)
            around = tuple(span for span in (intro, line_span) if span[1] > span[0])
            out.append(Quotation("block", " ".join(body.split()), first, e, ln, col, cit, loc,
                                 who, around))
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
            around = ((_sentence_start(work, qs), _sentence_end(work, qe)),)
            out.append(Quotation("inline", " ".join(body.split()), qs, qe, ln, col, cit, loc,
                                 around=around, introduced=_introduced(work, qs)))
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
_DASH_LINE = re.compile(r"[ \t]*(?:--|—|–|―)[ \t]*(?P<who>\S[^\n]*)")
_NEXT_LINE = re.compile(r"\n(?:[ \t]*\n)?")
# Words that introduce someone's words: "As X put it: ...", "X wrote "...", "asked, "..."".
_SAYING = re.compile(
    r"(?:(?i:\b(?:says?|said|writes?|wrote|written|asks?|asked|states?|stated|argues?|argued"
    r"|claims?|claimed|notes?|noted|tells?|told|replie[sd]|reply|remarks?|remarked|puts?[ \t]+it"
    r"|adds?|added|concludes?|concluded|declares?|declared|explains?|explained))[ \t]*,?"
    r"|:)[ \t]*[*_]*\Z"
)


def _attribution_line(
    masked: str, body: str, s: int, e: int
) -> tuple[str, tuple[int, int]]:
    """A block quotation's attribution ("-- Upton Sinclair"): its last line when that
    starts with a dash, else the line right after the block (or after one blank line)
    when that does; with the span of the line after the block (empty when inside)."""
    last = body.rstrip().rsplit("\n", 1)[-1]
    m = _DASH_LINE.fullmatch(last)
    if m is not None:
        return _bare(m.group("who")), (e, e)
    n = _NEXT_LINE.match(masked, e)
    if n is not None:
        m = _DASH_LINE.match(masked, n.end())
        if m is not None and "\n" not in m.group():
            return _bare(m.group("who")), (n.end(), m.end())
    return "", (e, e)


def _bare(who: str) -> str:
    who = who.split("^[", 1)[0]  # an inline footnote: "-- G. O. Ashley^[...]"
    return " ".join(who.replace("*", " ").replace("_", " ").split()).rstrip("\\ ")


def _intro_span(work: str, block: int) -> tuple[int, int]:
    """The sentence right before a block quotation (the paragraph, when it ends in a
    colon), where the words' author may be named: "As the authors write:"."""
    end = len(work[:block].rstrip())
    if end == 0 or work.count("\n", end, block) > 2:
        return (block, block)
    start = _sentence_start(work, end)
    if work[end - 1] == ":":
        para = work.rfind("\n\n", 0, end)
        start = min(start, para + 2 if para != -1 else 0)
    if work.rfind("\n>", start, end) != -1 or work[start:end].lstrip().startswith(">"):
        return (block, block)
    return (start, end)


def _sentence_end(work: str, pos: int) -> int:
    """Offset where the sentence holding ``pos`` ends (within its paragraph)."""
    hi = min(len(work), pos + 600)
    for m in _SENTENCE_END.finditer(work, pos, hi):
        if m.group().startswith("\n") or not _ABBREV.search(work, max(0, m.start() - 8),
                                                            m.start()):
            return m.start() + 1
    return hi


def _introduced(work: str, qs: int) -> bool:
    """Whether a verb of saying or a colon comes right before the quotation at ``qs``."""
    return _SAYING.search(work, max(0, qs - 40), qs) is not None


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
