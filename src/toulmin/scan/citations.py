"""Finding citations, author–year mentions, quotations and DOIs in Markdown source.

Everything here is pure ``re`` over the Markdown text, with exact positions (1-based line
and column counted in characters, plus offsets into the text):

- ``mask_markdown`` blanks everything that is not prose (front matter, code, comments,
  URLs, link destinations, e-mail addresses...) keeping the text's length and newlines;
- ``find_citations`` parses pandoc's citation syntax (``[see @a, p. 3; @b]``, ``@a``,
  ``@a [p. 3]``, ``[-@a]``, ``@{a.b}``) into ``citemodel.Citation`` records, splitting each
  item's suffix into a locator and a suffix as pandoc's citeproc does;
- ``find_mentions`` finds author–year references written by hand in prose ("Clark et al.
  (2018)", "(Read & Moncrieff, 2022)") and ``find_attributions`` the names written by hand
  in front of a ``[-@key]`` citation;
- ``find_quotations`` finds direct quotations (double quotes of five words or more, and
  blockquotes) with the citation that attributes each;
- ``find_dois`` finds DOIs written in prose, well formed or not.

``scan`` runs all of them sharing one masking pass; the checks in ``toulmin.checks``
use it.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from toulmin.scan.model import Citation, CiteItem

__all__ = [
    "DoiMention",
    "Mention",
    "Quotation",
    "Scan",
    "find_attributions",
    "find_citations",
    "find_dois",
    "find_mentions",
    "find_quotations",
    "is_crossref",
    "locator_kind",
    "looks_like_surname",
    "mask_markdown",
    "scan",
]

# =========================================================================== records


@dataclass(frozen=True, slots=True)
class Mention:
    """An author–year reference written by hand: "Clark et al. (2018)", "(Scott, 2022)".

    ``surnames`` are as written, in order ("van Straten", "O'Mahen"); ``year`` as written
    ("2021a", "n.d.", "in press"). ``narrative`` is the "Surname (Year)" form, false for
    "(Surname, Year)". ``line``/``column``/``start`` point at the first surname; ``end`` is
    the offset just after the mention (after the year's parenthesis in narrative form).
    ``possessive`` marks "Scott's (2018)". ``cite_key`` is set only by
    ``find_attributions``: the names written in front of a ``[-@key]`` citation, whose
    year is the cited entry's (``year`` is then empty).
    """

    surnames: tuple[str, ...]
    et_al: bool
    year: str
    narrative: bool
    line: int
    column: int
    start: int
    end: int
    possessive: bool = False
    cite_key: str = ""


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


@dataclass(slots=True)
class Scan:
    """Everything found in one Markdown text, sharing one masking pass.

    ``citations`` are the top-level citations (as ``find_citations`` returns them);
    ``nested`` the narrative citations pandoc finds inside a bracketed citation's suffix
    (``[@a, and @b]`` gives ``@b``), kept apart so that spans never overlap.
    """

    text: str
    masked: str
    citations: list[Citation] = field(default_factory=list)
    nested: list[Citation] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    attributions: list[Mention] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    dois: list[DoiMention] = field(default_factory=list)


# =========================================================================== positions


_NEWLINE = re.compile(r"\n")


class _Lines:
    """Offset -> (line, column), 1-based, columns in characters."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def pos(self, offset: int) -> tuple[int, int]:
        ln = bisect_right(self.starts, offset)
        return ln, offset - self.starts[ln - 1] + 1


# =========================================================================== masking



def _blank(s: str, fill: str = " ") -> str:
    """``s`` with every character but newlines replaced by ``fill``."""
    if "\n" not in s:
        return fill * len(s)
    return "\n".join(fill * len(part) for part in s.split("\n"))


def _apply(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each (start, end) span blanked; spans sorted and disjoint."""
    if not spans:
        return text
    out = []
    pos = 0
    for a, b in spans:
        if a < pos:
            a = pos
        if b <= a:
            continue
        out.append(text[pos:a])
        out.append(_blank(text[a:b]))
        pos = b
    out.append(text[pos:])
    return "".join(out)


_FENCE_OPEN = re.compile(r"(?P<pre>[ \t]*(?:>[ \t]?)*[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)")
_LIST_OR_CONTAINER = re.compile(
    r"[ \t]{0,3}(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|(?:!!!|\?\?\?\+?|===\+?)[ \t]|\[\^[^\]]+\]:)"
)


def _indent(line: str) -> int:
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4 - n % 4
        else:
            break
    return n


_FRONT_START = re.compile(r"\ufeff?---[ \t\r]*\n")
_FRONT_END = re.compile(r"\n(?:---|\.\.\.)[ \t\r]*(?=\n|\Z)")


def _mask_blocks(text: str) -> str:
    """Blank front matter, fenced code and indented code (line by line)."""
    skip = 0
    front = _FRONT_START.match(text)
    if front is not None:
        end = _FRONT_END.search(text, front.end() - 1)
        if end is not None:
            skip = end.end()
            text = _blank(text[:skip]) + text[skip:]
    if not ("```" in text or "~~~" in text or "\n    " in text or "\n\t" in text):
        return text
    lines = text.split("\n")
    out = list(lines)
    n = len(lines)
    i = text.count("\n", 0, skip) + (1 if skip else 0)
    prev_blank = True
    prev_code = False
    in_container = False
    while i < n:
        line = lines[i]
        if not line.strip():
            prev_blank = True
            i += 1
            continue
        if "`" in line or "~" in line:
            m = _FENCE_OPEN.fullmatch(line.rstrip("\r"))
            if m and (m["fence"][0] == "~" or "`" not in m["info"]):
                pre = m["pre"]
                quoted = ">" in pre
                if quoted or _indent(pre) < 4 or in_container:
                    ch, width = m["fence"][0], len(m["fence"])
                    keep = len(pre) if quoted else 0
                    out[i] = line[:keep] + " " * (len(line) - keep)
                    j = i + 1
                    while j < n:
                        s = lines[j]
                        body = s.lstrip(" \t>") if quoted else s.lstrip(" \t")
                        keep = len(s) - len(body) if quoted else 0
                        out[j] = s[:keep] + " " * (len(s) - keep)
                        b = body.rstrip()
                        if len(b) >= width and b == ch * len(b):
                            break
                        j += 1
                    i = j + 1
                    prev_blank = prev_code = False
                    continue
        ind = _indent(line)
        if ind < 4:
            if _LIST_OR_CONTAINER.match(line):
                in_container = True
            elif prev_blank:
                in_container = False
            prev_code = False
        elif (prev_blank or prev_code) and (not in_container or ind >= 8):
            out[i] = " " * len(line)
            prev_code = True
            prev_blank = False
            i += 1
            continue
        else:
            prev_code = False
        prev_blank = False
        i += 1
    return "\n".join(out)


_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _mask_code_spans(text: str) -> str:
    """Blank inline code spans (any number of backticks) and HTML comments."""
    tick = text.find("`")
    comment = text.find("<!--")
    if tick == -1 and comment == -1:
        return text
    spans = []
    n = len(text)
    while tick != -1 or comment != -1:
        if comment != -1 and (tick == -1 or comment < tick):
            end = text.find("-->", comment + 4)
            if end == -1:
                break
            spans.append((comment, end + 3))
            pos = end + 3
        else:
            run = _TICKS.match(text, tick).end()
            if tick and text[tick - 1] == "\\":
                pos = tick + 1  # an escaped backtick opens nothing
            else:
                width = run - tick
                close = text.find("`" * width, run)
                while close != -1:
                    close_end = _TICKS.match(text, close).end()
                    if close_end - close == width:
                        break
                    close = text.find("`" * width, close_end)
                if close == -1 or _BLANK_LINE.search(text, run, close):
                    pos = run
                else:
                    spans.append((tick, close + width))
                    pos = close + width
        if pos >= n:
            break
        if tick != -1 and tick < pos:
            tick = text.find("`", pos)
        if comment != -1 and comment < pos:
            comment = text.find("<!--", pos)
    return _apply(text, spans)


_URL_TAIL = ".,;:!?'\"*_”’"


def _trim_tail(s: str, tail: str) -> str:
    """``s`` without trailing punctuation from ``tail`` and unbalanced closing brackets."""
    while s:
        last = s[-1]
        unbalanced = (last == ")" and s.count("(") < s.count(")")) or (
            last == "]" and s.count("[") < s.count("]")
        )
        if last not in tail and not unbalanced:
            break
        s = s[:-1]
    return s


_REFDEF = re.compile(
    r"[ \t]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+"
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*(?=\n|\Z)"""
)
_REFDEF_HINT = re.compile(r"\]:")
_ANGLE = re.compile(
    r"""<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+>"""
    r"""|/?[A-Za-z][A-Za-z0-9\-]*(?:\s+[A-Za-z_:][\w.:\-]*"""
    r"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>)"""
)
_DEST = re.compile(
    r"""\]\((?:[ \t]*<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"""
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"""
)
_SCHEME = re.compile(r"://")
_WWW = re.compile(r"www\.")
_URL_REST = re.compile(r"[^\s<>]{0,2000}")
_AT_SIGN = re.compile(r"@")
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+"
)
_LOCAL_CHARS = frozenset("._+-")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _mask_inline(text: str) -> str:
    """Blank link destinations, reference definitions, autolinks, HTML tags, raw URLs,
    e-mail addresses and ``\\@`` (each found from a literal anchor, for speed)."""
    spans: list[tuple[int, int]] = []
    add = spans.append
    if "]:" in text:
        for m in _REFDEF_HINT.finditer(text):
            start = text.rfind("\n", 0, m.start()) + 1
            d = _REFDEF.match(text, start)
            if d is not None and d.end() > m.start():
                add((start, d.end()))
    if "<" in text:
        for m in _ANGLE.finditer(text):
            add(m.span())
    if "](" in text:
        for m in _DEST.finditer(text):
            add((m.start() + 1, m.end()))
    if "://" in text:
        for m in _SCHEME.finditer(text):
            i = m.start()
            if text[max(0, i - 5) : i].lower() == "https":
                start = i - 5
            elif text[max(0, i - 4) : i].lower() == "http":
                start = i - 4
            elif text[max(0, i - 3) : i].lower() == "ftp":
                start = i - 3
            else:
                continue
            if start > 0 and (_is_word(text[start - 1]) or text[start - 1] in "@{"):
                continue
            end = _URL_REST.match(text, m.end()).end()
            add((start, start + len(_trim_tail(text[start:end], _URL_TAIL))))
    if "www." in text:
        for m in _WWW.finditer(text):
            start = m.start()
            if start > 0 and (_is_word(text[start - 1]) or text[start - 1] in "@{/."):
                continue
            end = _URL_REST.match(text, m.end()).end()
            add((start, start + len(_trim_tail(text[start:end], _URL_TAIL))))
    if "@" in text:
        for m in _AT_SIGN.finditer(text):
            at = m.start()
            if at and text[at - 1] == "\\":
                add((at - 1, at + 1))
                continue
            j = at
            while j > 0 and (_is_word(text[j - 1]) or text[j - 1] in _LOCAL_CHARS):
                j -= 1
            if j == at:
                continue
            d = _DOMAIN.match(text, at + 1)
            if d is not None:
                add((j, d.end()))
    if not spans:
        return text
    spans.sort()
    return _apply(text, spans)


def mask_markdown(text: str) -> str:
    """``text`` with everything that is not prose replaced by spaces, newlines kept.

    Blanked: YAML front matter, fenced code blocks (``` and ~~~, any length, with info
    strings), indented code blocks (not list or admonition continuations), inline code
    spans, HTML comments and tags, raw URLs, link and image destinations ``](...)``,
    reference-link definitions, autolinks ``<...>``, e-mail addresses and ``\\@``.
    The result has the same length as ``text``, so offsets, lines and columns stay valid.
    """
    return _mask_inline(_mask_code_spans(_mask_blocks(text)))


# =========================================================================== citations

_KEY_BODY = r"\w++(?:(?:[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))++\w*+)*+"
_AT = re.compile(r"@(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>" + _KEY_BODY + r"))")
_GROUP = r"\[(?!\^)(?P<body>(?:[^\[\]\n]++|\n(?![ \t]*\n)|\[[^\[\]\n]*+\])*+)\]"
_BRACKET = re.compile(r"\[(?<!\^\[)" + _GROUP[2:])
_BARELOC = re.compile(r"[ \t]*(?:\n[ \t]*)?(?=\[(?!\^))")
_BRACKET_AT = re.compile(_GROUP)


class _Keys:
    """Every valid ``@key`` / ``-@key`` of a masked text, found in one pass.

    Parallel lists, in order of position: ``start`` (the ``-`` or ``@``), ``at`` (the
    ``@``), ``end``, ``key`` and ``suppress`` (pandoc's ``-@key``).
    """

    __slots__ = ("at", "end", "key", "start", "suppress")

    def __init__(self, masked: str) -> None:
        self.start: list[int] = []
        self.at: list[int] = []
        self.end: list[int] = []
        self.key: list[str] = []
        self.suppress: list[bool] = []
        for m in _AT.finditer(masked):
            at = m.start()
            suppress = False
            start = at
            if at:
                prev = masked[at - 1]
                if prev == "-" and (at < 2 or not _is_word(masked[at - 2])):
                    suppress = True
                    start = at - 1
                elif _is_word(prev):
                    continue  # an e-mail address or "x@y"
            self.start.append(start)
            self.at.append(at)
            self.end.append(m.end())
            self.key.append(m.group("braced") or m.group("key"))
            self.suppress.append(suppress)

    def first_in(self, a: int, b: int) -> int:
        """Index of the first key wholly inside ``[a, b)``, or -1."""
        i = bisect_left(self.start, a)
        if i < len(self.start) and self.end[i] <= b:
            return i
        return -1


_XREF_PREFIXES = ("fig-", "tbl-", "sec-", "eq-", "lst-")


def is_crossref(key: str) -> bool:
    """True for Quarto cross-reference labels (``fig-x``, ``tbl-x``, ``sec-x``...)."""
    return key.startswith(_XREF_PREFIXES)


# Locator terms pandoc's citeproc recognises (en-US locale), checked against pandoc 3.
_LOCATOR_TERMS: dict[str, str] = {}
for _kind, _terms in {
    "book": "book books bk. bks.",
    "chapter": "chapter chapters chap. chaps. c. cc.",
    "column": "column columns col. cols.",
    "figure": "figure figures fig. figs.",
    "folio": "folio folios fol. fols.",
    "issue": "issue issues no. nos.",
    "line": "line lines l. ll.",
    "note": "note notes n. nn.",
    "opus": "opus opera op. opp.",
    "page": "page pages p. pp.",
    "paragraph": "paragraph paragraphs para. paras. ¶ ¶¶",
    "part": "part parts pt. pts.",
    "section": "section sections sec. secs. § §§",
    "sub-verbo": "s.v. s.vv.",
    "verse": "verse verses v. vv.",
    "volume": "volume volumes vol. vols.",
}.items():
    for _t in _terms.split():
        _LOCATOR_TERMS[_t] = _kind
_LOCATOR_TERMS["sub verbo"] = "sub-verbo"

_LABEL_TOKEN = re.compile(r"(?:[^\W\d_]+\.?)+|¶¶?|§§?")
_LABEL_GAP = re.compile(r"[ \t\xa0\n]*")


def _label_end(s: str, pos: int) -> int:
    """End of the locator term at ``s[pos:]`` and the space after it, or -1."""
    t = _LABEL_TOKEN.match(s, pos)
    if t is None:
        return -1
    word = t.group().lower()
    if word not in _LOCATOR_TERMS:
        if word != "sub" or s[t.end() : t.end() + 6].lower() != " verbo":
            return -1
        return _LABEL_GAP.match(s, t.end() + 6).end()
    gap = _LABEL_GAP.match(s, t.end())
    if gap.end() == t.end() and not word.endswith((".", "¶", "§")):
        return -1  # "page3" is no term
    return gap.end()
_LOC_UNIT = r"(?:[\w\-–:]+|\([\w\-–:.]*\)|\[[\w\-–:.]*\])+"
_LOC_WORD = re.compile(_LOC_UNIT + r"(?:\." + _LOC_UNIT + r")*")
_LOC_SEP = re.compile(r",?[ \t\xa0\n]?")
_SPACES = frozenset(" \t\xa0\n")
_ROMAN = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_WORD = re.compile(
    r"[\(\[]?([ivxlcdmIVXLCDM]+)[\)\]]?(?:[-–][\(\[]?([ivxlcdmIVXLCDM]+)[\)\]]?)?"
)


def _is_roman(word: str) -> bool:
    m = _ROMAN_WORD.fullmatch(word)
    if not m:
        return False
    return all(_ROMAN.fullmatch(g.upper()) for g in m.groups() if g)


_DIGIT = re.compile(r"\d")


def _word_ok(word: str, implicit: bool) -> bool:
    if _DIGIT.search(word) is not None:
        return True
    return not implicit and _is_roman(word)


def _balanced_brace(s: str, i: int) -> int:
    """Index just past the ``}`` matching the ``{`` at ``s[i]``, or -1."""
    depth = 0
    for j in range(i, len(s)):
        ch = s[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


def _split_locator(rest: str) -> tuple[str, str]:
    """Split the text after a key into (locator, suffix) the way pandoc's citeproc does.

    ``", pp. 33-35, 38-39 and *passim*"`` -> ("pp. 33-35, 38-39", "and *passim*");
    ``"{ii, A, D-Z}, with a suffix"`` -> ("ii, A, D-Z", "with a suffix");
    ``", 33"`` -> ("33", ""); ``", for a review"`` -> ("", "for a review").
    """
    if not rest:
        return "", ""
    n = len(rest)
    pos = 1 if rest[0] == "," else 0
    while pos < n and rest[pos] in _SPACES:
        pos += 1
    if pos == n:
        return "", ""
    if pos < len(rest) and rest[pos] == "{":
        end = _balanced_brace(rest, pos)
        if end != -1:
            locator = " ".join(rest[pos + 1 : end - 1].split())
            return locator, _clean_suffix(rest[end:])
    label = _label_end(rest, pos)
    implicit = label == -1
    vstart = pos if implicit else label
    w = _LOC_WORD.match(rest, vstart)
    if w is None or not _word_ok(w.group(), implicit):
        return "", _clean_suffix(rest)
    end = w.end()
    while True:
        sep = _LOC_SEP.match(rest, end)
        w = _LOC_WORD.match(rest, sep.end())
        if w is None or sep.end() == end or not _word_ok(w.group(), implicit):
            break
        end = w.end()
    locator = " ".join(rest[pos:end].split())
    return locator, _clean_suffix(rest[end:])


def _clean_suffix(s: str) -> str:
    if not s:
        return ""
    s = s.strip()
    if s.startswith(","):
        s = s[1:].lstrip()
    return " ".join(s.split())


def locator_kind(locator: str) -> str:
    """The CSL locator label of ``locator``: "page" for "p. 3" or "33", "paragraph"...

    Empty for an empty locator; a locator without a recognised term is a page, as in
    pandoc.
    """
    if not locator:
        return ""
    t = _LABEL_TOKEN.match(locator)
    if t is None:
        return "page"
    word = t.group().lower()
    if word == "sub" and locator[t.end() : t.end() + 6].lower() == " verbo":
        return "sub-verbo"
    return _LOCATOR_TERMS.get(word, "page")


def _split_segments(body: str) -> list[tuple[int, int]]:
    """Offsets of the ``;``-separated parts of a bracket's body (braces respected)."""
    if "{" not in body:
        out, start = [], 0
        i = body.find(";")
        while i != -1:
            out.append((start, i))
            start = i + 1
            i = body.find(";", start)
        out.append((start, len(body)))
        return out
    out, start, depth = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, len(body)))
    return out


def _parse_item(
    masked: str, a: int, b: int, keys: _Keys, lines: _Lines, claimed: set[int]
) -> CiteItem | None:
    """Parse ``masked[a:b]`` as ``prefix -@key suffix``; None when it holds no key."""
    i = keys.first_in(a, b)
    if i == -1:
        return None
    at = keys.at[i]
    claimed.add(at)
    locator, suffix = _split_locator(masked[keys.end[i] : b])
    ln, col = lines.pos(at)
    prefix = masked[a : keys.start[i]]
    prefix = " ".join(prefix.split()) if prefix else ""
    return CiteItem(keys.key[i], prefix, locator, suffix, keys.suppress[i], ln, col)


def _parse_bracket(
    masked: str, start: int, end: int, keys: _Keys, lines: _Lines, claimed: set[int]
) -> list[CiteItem] | None:
    """Items of a bracketed citation whose body is ``masked[start:end]``, or None."""
    items: list[CiteItem] = []
    taken: set[int] = set()
    for a, b in _split_segments(masked[start:end]):
        item = _parse_item(masked, start + a, start + b, keys, lines, taken)
        if item is None:
            return None
        items.append(item)
    claimed |= taken
    return items


_NOT_AFTER = ("(", "{", "[")
_GAP_CHARS = frozenset(" \t\n[")


def _find_citations(
    text: str, masked: str, lines: _Lines
) -> tuple[list[Citation], list[Citation]]:
    """Top-level citations and the narrative ones nested in a bracketed one's suffix."""
    if "@" not in masked:
        return [], []
    keys = _Keys(masked)
    if not keys.at:
        return [], []
    claimed: set[int] = set()
    bracketed: dict[int, Citation] = {}
    for g in _BRACKET.finditer(masked):
        if "@" not in g.group("body"):
            continue
        if text[g.end() : g.end() + 1] in _NOT_AFTER:
            continue  # a link, a span (``[42%]{stat=...}``) or a reference link
        items = _parse_bracket(masked, g.start("body"), g.end("body"), keys, lines, claimed)
        if items is None:
            continue
        items = [i for i in items if not is_crossref(i.key)]
        if not items:
            continue
        ln, col = lines.pos(g.start())
        bracketed[g.start()] = Citation(tuple(items), False, g.start(), g.end(), ln, col)

    out: list[Citation] = []
    merged: set[int] = set()
    for n, at in enumerate(keys.at):
        if at in claimed:
            continue
        key = keys.key[n]
        if is_crossref(key):
            continue
        ln, col = lines.pos(at)
        suppress = keys.suppress[n]
        items = [CiteItem(key, "", "", "", suppress, ln, col)]
        end = keys.end[n]
        gap = _BARELOC.match(masked, end) if masked[end : end + 1] in _GAP_CHARS else None
        if gap is not None:
            bpos = gap.end()
            if bpos in bracketed:
                items.extend(bracketed[bpos].items)
                end = bracketed[bpos].end
                merged.add(bpos)
            else:
                g = _BRACKET_AT.match(masked, bpos)
                if g is not None and text[g.end() : g.end() + 1] not in _NOT_AFTER:
                    extra = _bare_locator(masked, g, keys, lines, claimed)
                    if extra is not None:
                        loc, suffix, more = extra
                        items[0] = CiteItem(key=key, locator=loc, suffix=suffix,
                                            suppress_author=suppress, line=ln, column=col)
                        items.extend(more)
                        end = g.end()
        start = keys.start[n]
        sl, sc = (ln, col) if start == at else lines.pos(start)
        out.append(Citation(tuple(items), True, start, end, sl, sc))
    if bracketed:
        out.extend(c for s, c in bracketed.items() if s not in merged)
        out.sort(key=lambda c: (c.start, -c.end))
    top: list[Citation] = []
    nested: list[Citation] = []
    for c in out:
        if top and c.start < top[-1].end:
            nested.append(c)
        else:
            top.append(c)
    return top, nested


def _bare_locator(
    masked: str, g: re.Match[str], keys: _Keys, lines: _Lines, claimed: set[int]
) -> tuple[str, str, list[CiteItem]] | None:
    """``@key [p. 33]``: the locator and suffix for the key, plus any further items."""
    start = g.start("body")
    taken: set[int] = set()
    loc = suffix = ""
    more: list[CiteItem] = []
    for n, (a, b) in enumerate(_split_segments(g.group("body"))):
        item = _parse_item(masked, start + a, start + b, keys, lines, taken)
        if item is None:
            if n:
                return None
            loc, suffix = _split_locator(masked[start + a : start + b])
            if not loc and not suffix:
                return None
            continue
        more.append(item)
    claimed |= taken
    return loc, suffix, [i for i in more if not is_crossref(i.key)]


def find_citations(text: str) -> list[Citation]:
    """Every pandoc citation in ``text``, in order of position.

    Bracketed citations have ``narrative=False``; a bare ``@key`` (with any ``[locator]``
    right after it) has ``narrative=True``. Spans never overlap: a narrative citation
    that pandoc finds inside a bracketed citation's suffix (``[@a, and @b]``) stays part
    of that suffix's text (``scan(text).nested`` lists it). Quarto cross-references
    (``@fig-x``) are left out, and so is everything ``mask_markdown`` blanks.
    """
    return _find_citations(text, mask_markdown(text), _Lines(text))[0]


# =========================================================================== mentions


def _char_class(pred) -> str:
    spans: list[tuple[int, int]] = []
    for lo, hi in ((0x41, 0x250), (0x370, 0x530), (0x1E00, 0x1F00)):
        for c in range(lo, hi):
            if pred(chr(c)):
                if spans and spans[-1][1] == c - 1:
                    spans[-1] = (spans[-1][0], c)
                else:
                    spans.append((c, c))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in spans
    )


_UP = "[" + _char_class(str.isupper) + "]"
_CAPWORD = _UP + r"[^\W\d_]*(?:['’]" + _UP + r"[^\W\d_]*|-[^\W\d_]+)*"
_PARTICLE = (
    r"(?:[vV]an|[vV]on|[dD]e|[dD]er|[dD]en|[dD]el|[dD]ella|[dD]i|[dD]a|[dD]u|[dD]os|[dD]as"
    r"|[lL]e|[lL]a|[tT]en|[tT]er|bin|ibn|[aA]l|[eE]l)"
)
_NAME = r"(?:" + _PARTICLE + r"[ \t]+){0,2}" + _CAPWORD
_YEAR = r"(?:(?:1[5-9]|20)\d\d(?:[a-z](?![\w]))?(?![\w\-–/])|in[ \t]press|n\.[ \t]?d\.|forthcoming)"
_PAGE_LOC = r"(?:(?:pp?|paras?|chaps?|secs?|ch|¶|§|pages?|paragraphs?|sections?)\.?[ \t]*[^()]*)"

_NARR_PAREN = re.compile(
    r"\s*(?P<years>" + _YEAR + r"(?:\s*[,;]\s*" + _YEAR + r")*)"
    r"(?:\s*,\s*(?P<loc>" + _PAGE_LOC + r"))?\s*"
)
_YEAR_RE = re.compile(_YEAR)
_PAREN = re.compile(r"\(([^()\x00]{1,400})\)")
_YEARISH = re.compile(r"\d\d\d\d|n\.\s?d\.|press|forthcoming")
# Name chains are matched right to left: the window before "(" is reversed, so one
# anchored match finds the longest chain ending there ("Löwe and Williams, Kroenke, Spitzer").
_L = r"[^\W\d_]"
_CAPWORD_R = (
    r"(?:" + _L + r"+(?<=" + _UP + r")['’]|" + _L + r"+-)*" + _L + r"+(?<=" + _UP + r")"
)
_PARTICLE_R = (
    r"(?:na[vV]|no[vV]|e[dD]|re[dD]|ne[dD]|le[dD]|alle[dD]|i[dD]|a[dD]|u[dD]|so[dD]|sa[dD]"
    r"|e[lL]|a[lL]|ne[tT]|re[tT]|nib|nbi|l[aA]|l[eE])"
)
_END_R = r"(?![^\W\d_'’\-])"
_NAME_R = _CAPWORD_R + r"(?:[ \t]+" + _PARTICLE_R + _END_R + r"){0,2}" + _END_R
_SP_R = r"(?:[ \t]*\n?[ \t]+|[ \t]*\n)"


# The two largest patterns (16 ms to compile) are compiled on first use: a build whose
# documents are all in the check cache never looks for prose mentions.
@functools.cache
def _chain_r() -> re.Pattern:
    return re.compile(_CHAIN_R_SOURCE)


@functools.cache
def _paren_part() -> re.Pattern:
    return re.compile(_PAREN_PART_SOURCE)


_CHAIN_R_SOURCE = (
    r"(?P<ws>[ \t]{0,2}\n?[ \t]{0,2})(?P<poss>s['’])?(?P<chain>"
    + r"(?P<etal>\.?la" + _SP_R + r"te)" + _SP_R + _NAME_R
    + r"|" + _NAME_R + r"(?:" + _SP_R + r"(?:dna|&)" + _SP_R + r",?(?:" + _NAME_R + r"[ \t]*,)*"
    + _NAME_R + r"|[ \t]*&[ \t]*" + _NAME_R + r")?)"
)
_ETAL = re.compile(r"\set\s+al\.?\Z")
_PAREN_PART_SOURCE = (
    r"\s*(?P<pre>(?:(?:see[ \t]+also|see|e\.g\.|i\.e\.|cf\.|also|for[ \t]+example|as[ \t]+cited"
    r"[ \t]+in|reviewed[ \t]+in|but[ \t]+see|compare|following)\s*,?\s+)?)"
    r"(?P<names>" + _NAME + r"(?:[ \t]+" + _CAPWORD + r"){0,3}"
    r"(?:\s*,\s*" + _NAME + r")*(?:\s*,?\s*(?:&|and)\s*" + _NAME + r")?"
    r"(?:\s+et\s+al\.?)?)"
    r"\s*,\s*(?P<years>" + _YEAR + r"(?:\s*,\s*" + _YEAR + r")*)"
    r"(?:\s*,\s*(?P<loc>" + _PAGE_LOC + r"))?\s*"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS = _words(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday Spring Summer Autumn Winter Fall Christmas Easter"
)
_PLACES = _words(
    "England Scotland Wales Ireland Britain UK Europe European America American Australia "
    "Canada Germany France Netherlands Sweden Norway Denmark Finland Spain Italy Japan "
    "China India London Manchester Birmingham Leeds Liverpool Bristol Sheffield Newcastle "
    "Glasgow Edinburgh Cardiff Belfast Oxford Cambridge Yorkshire Midlands Cornwall Kent "
    "Surrey Devon Essex Lancashire Cumbria Northumberland North South East West Northern "
    "Southern Eastern Western Central Greater English Scottish Welsh Irish British"
)
#: Capitalised words that often stand before a year in parentheses without being names.
_FUNCTION = _words(
    "A An The This That These Those Its It In On At By For From Of To With Without Under "
    "Over As When While Whereas Although Though But And Or So Yet Since After Before "
    "Following Unlike Like If Because Once Until Where Why How What Who Which Whose Then "
    "Thus Hence However Indeed Here There Both Even Only Also Still Later Earlier Similarly "
    "Meanwhile Moreover Furthermore Notably Crucially Instead Rather Perhaps Per Via "
    "Against Between Among Across Through Throughout During Within Toward Towards Upon "
    "Despite Given Including According Is Was Were Are Has Have Had Can Could Would Should "
    "Will May Might Must Not Neither Nor Either Yes No Each Every All Some Many Most Few "
    "Our Their His Her My Your We They He She I You See Cf Table Tables Figure Figures Fig "
    "Chapter Section Appendix Box Wave Phase Stage Step Year Years Report Reports Survey "
    "Census Data Dataset Review Guidance Guideline Guidelines Plan Strategy Programme "
    "Program Policy Act Bill Budget Election Pandemic Lockdown Recovery Referrals Referral "
    "Results Findings Evidence Outcomes Outcome Update Updates Version Edition Volume Issue "
    "Part Note Notes Summary Introduction Conclusion Conclusions Background Methods "
    "Discussion Abstract Therapies Therapy Services Service Health Care Digital Trust "
    "Trusts Government Parliament Committee Department Ministry Office Commission Council "
    "Board Institute University College Foundation Fund Centre Center Network Team Group "
    "Association Society Union Agency Authority Today Now Overall Total Mean Median Average "
    "Baseline Model Trial Study Studies Analysis Sample Cohort Population Patients Clients "
    "People Staff Therapists Practitioners Cost Costs Spending Funding Target Targets Rates "
    "Rate Times Access Term View First Second Third Fourth Fifth Last Next New Old Early "
    "Late Recent Current Previous Latest Annual Quarterly Monthly Weekly Daily One Two "
    "Three Four Five Six Seven Eight Nine Ten Depression Anxiety Talking Psychological "
    "Mental Medicine Psychiatry Psychology Journal Lancet Trials Minister Secretary Prime "
    "Labour Conservative Statistics Official Dashboard Website Blog Podcast Video "
    "Appendices"
)
_STOP = _MONTHS | _PLACES | _FUNCTION
_IN_WORDS = _words(
    "In On At Of Across Throughout During Within Outside Inside Around Over Under"
)


def looks_like_surname(word: str) -> bool:
    """Whether a capitalised word before "(Year)" can be a surname.

    Not an acronym ("IAPT"), a month or weekday, a place, or one of the common capitalised
    words that start sentences and headings ("In", "Recovery", "Table"). Multi-word names
    are judged by their last word ("van Straten", "Warnock-Parkes" pass).
    """
    last = word.rsplit(None, 1)[-1] if word else ""
    if not last or not last[0].isupper() or _is_acronym(last):
        return False
    if not last.replace("'", "").replace("’", "").replace("-", "").isalpha():
        return False
    return last not in _STOP


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _years(s: str) -> list[str]:
    return [" ".join(y.split()) for y in _YEAR_RE.findall(s)]


def _name_spans(chain: str, et_al: bool) -> list[tuple[int, str]]:
    """(offset, name) of each name in a chain: "Clark, Canvin, and Green", "Clark et al."."""
    if et_al:
        i = chain.rfind("et")
        chain = chain[:i]
    out: list[tuple[int, str]] = []
    cur: list[str] = []
    pos = 0
    for token in chain.replace(",", " , ").replace("&", " & ").split():
        if token in (",", "&", "and"):
            if cur:
                out.append((chain.find(cur[0], pos), " ".join(cur)))
                pos = out[-1][0] + len(out[-1][1])
                cur = []
        else:
            cur.append(token)
    if cur:
        out.append((chain.find(cur[0], pos), " ".join(cur)))
    return out


def _names_before(work: str, pos: int) -> tuple[list[str], bool, bool, int] | None:
    """Names written just before ``pos`` (a ``(`` or a citation): names, et_al, poss, start."""
    lo = max(0, pos - 80)
    window = work[lo:pos]
    m = _chain_r().match(window[::-1])
    if m is None:
        return None
    n = len(window)
    chain = window[n - m.end("chain") : n - m.start("chain")]
    base = lo + n - m.end("chain")
    et_al = m.group("etal") is not None
    spans = _name_spans(chain, et_al)
    # Keep the longest run of plausible names ending at the parenthesis:
    # "England, Clark and Layard" -> Clark, Layard; "anxiety and Clark" -> Clark.
    k = len(spans)
    while k and _plausible(spans[k - 1][1]):
        k -= 1
    if k == len(spans):
        return None
    if k:
        if et_al:
            return None
        spans = spans[k:]
    names = [name for _, name in spans]
    start = base + spans[0][0]
    if len(names) == 1 and not et_al:
        name = names[0]
        if not looks_like_surname(name):
            return None
        before = work[max(0, start - 40) : start]
        if before[-1:] in (" ", "\t", "\n"):
            words = before.split()
            prev = words[-1] if words else ""
            if prev.isalpha():
                if prev in _IN_WORDS:
                    return None  # "In England (2019)", "During Lockdown (2020)"
                if prev[0].isupper() and prev not in _FUNCTION:
                    return None  # part of a longer capitalised name ("Talking Therapies")
    return names, et_al, bool(m.group("poss")), start


def _plausible(name: str) -> bool:
    """A name in a chain: capitalised last word, not a stop word; particles allowed."""
    last = name.rsplit(None, 1)[-1] if name else ""
    if not last or not last[0].isupper() or last in _STOP:
        return False
    # A lone acronym is no name ("IAPT"); inside a longer name it may be ("NHS Digital").
    return " " in name.strip() or not _is_acronym(last)


def _find_mentions(work: str, lines: _Lines) -> list[Mention]:
    if "(" not in work:
        return []
    out: list[Mention] = []
    for p in _PAREN.finditer(work):
        body = p.group(1)
        if _YEARISH.search(body) is None:
            continue
        if _BLANK_LINE.search(body):
            continue
        nm = _NARR_PAREN.fullmatch(body)
        if nm is not None:
            found = _names_before(work, p.start())
            if found is None:
                continue
            names, et_al, poss, start = found
            ln, col = lines.pos(start)
            for year in _years(nm.group("years")):
                out.append(
                    Mention(tuple(names), et_al, year, True, ln, col, start, p.end(), poss)
                )
            continue
        if not _YEAR_RE.search(body):
            continue
        base = p.start(1)
        for a, b in _split_segments(body):
            pm = _paren_part().fullmatch(body, a, b)
            if pm is None:
                continue
            group = pm.group("names")
            et_al = _ETAL.search(group) is not None
            names = [n for _, n in _name_spans(group, et_al)]
            if not _paren_names_ok(names):
                continue
            start = base + pm.start("names")
            ln, col = lines.pos(start)
            for year in _years(pm.group("years")):
                out.append(
                    Mention(tuple(names), et_al, year, False, ln, col, start, base + b)
                )
    return out


def _paren_names_ok(names: list[str]) -> bool:
    for n in names:
        words = n.split()
        if any(_is_acronym(w) for w in words) and len(words) > 1:
            continue  # an organisation: "NHS Digital"
        if not _plausible(n):
            return False
    return True


def _work_text(masked: str, citations: list[Citation]) -> str:
    """``masked`` with citation spans replaced by NULs (newlines kept)."""
    if not citations:
        return masked
    parts = []
    pos = 0
    for c in citations:
        if c.start < pos:
            continue
        parts.append(masked[pos : c.start])
        seg = masked[c.start : c.end]
        parts.append(_blank(seg, "\x00"))
        pos = c.end
    parts.append(masked[pos:])
    return "".join(parts)


def _find_attributions(
    work: str, citations: list[Citation], lines: _Lines
) -> list[Mention]:
    out = []
    for c in citations:
        first = c.items[0]
        if not first.suppress_author:
            continue
        found = _names_before(work, c.start)
        if found is None:
            continue
        names, et_al, poss, start = found
        ln, col = lines.pos(start)
        out.append(Mention(tuple(names), et_al, "", True, ln, col, start, c.start, poss, first.key))
    return out


def find_mentions(text: str) -> list[Mention]:
    """Author–year references written in prose rather than as ``@key``.

    Narrative ("Clark et al. (2018)", "Read and Moncrieff (2022)", "Scott's (2018)",
    "Clark et al. (2018, p. 680)") and parenthetical ("(Clark et al., 2018; Scott, 2022)",
    "(see Marks, 2018, p. 3)"). A narrative mention with several years gives one
    ``Mention`` per year. Nothing inside a citation or masked text is a mention, nor are
    years that follow a place, a month, an acronym or a common capitalised word.
    """
    return scan(text).mentions


def find_attributions(text: str) -> list[Mention]:
    """Names written by hand in front of a ``[-@key]`` citation ("Clark et al. [-@key]").

    Each has ``cite_key`` set and an empty ``year`` (the year is the cited entry's).
    """
    return scan(text).attributions


# =========================================================================== quotations

_CURLY_QUOTE = re.compile(r"“(?P<body>[^“”]*)”")
_STRAIGHT_QUOTE = re.compile(r"\"(?<![\w\"]\")(?=\S)(?P<body>[^\"]*?)(?<=\S)\"(?!\w)")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_BLOCKQUOTE = re.compile(r"\n[ \t]{0,3}>.*(?:\n[ \t]{0,3}>.*)*")
_BQ_MARK = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[\x00]?[A-Z0-9])|\n[ \t]*\n")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|al|cf|vs|pp?|Dr|Mr|Mrs|Ms|Prof|St|No|Vol|ed|eds|"
                     r"chap|sec|para|fig|approx|etc|Inc|Ltd)|\b[A-Z])\Z")
_HAND_LOCATOR = re.compile(
    r"[ \t]*\((?P<loc>(?:[^()]*?,[ \t]*)?(?:pp?|paras?|¶|§|secs?|sections?|pages?)\.?[ \t]*"
    r"[\dIVXLCDMivxlcdm][^()\n]*)\)"
)
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


def _find_quotations(
    text: str, masked: str, work: str, citations: list[Citation], lines: _Lines
) -> list[Quotation]:
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
            ln, col = lines.pos(first)
            out.append(Quotation("block", " ".join(body.split()), first, e, ln, col, cit))
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
            if _BLANK_LINE.search(body):
                continue
            words = _WORD.findall(body)
            if len(words) < _MIN_QUOTE_WORDS or _is_title(words):
                continue
            cit = _citation_for_quote(work, qs, qe, citations, starts)
            loc = ""
            hm = _HAND_LOCATOR.match(work, qe)
            if hm is not None:
                loc = hm.group("loc").strip()
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
    return scan(text).quotations


# =========================================================================== DOIs

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


def _find_dois(code_masked: str, lines: _Lines) -> list[DoiMention]:
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
            if begin and (_is_word(lower[begin - 1]) or lower[begin - 1] in "/."):
                continue
            rest = _DOI_REST.match(code_masked, p.end())
            doi = _trim_tail(rest.group(), _DOI_TAIL)
            if lower[p.end() - 1] in " \t" and not doi[:1].isdigit():
                continue  # "its DOI: the paper...": a label in prose, not a DOI
            found.append((p.end(), code_masked[begin : p.end()], doi))
            taken.add(p.end())
    if "10." in code_masked:
        for m in _DOI_BARE.finditer(code_masked):
            if m.start() not in taken:
                found.append((m.start(), "", _trim_tail(m.group(), _DOI_TAIL)))
    if not found:
        return []
    from urllib.parse import unquote

    out = []
    for start, prefix, raw_doi in sorted(found):
        doi = unquote(raw_doi) if "%" in raw_doi else raw_doi
        end = start + len(raw_doi)
        problem = _doi_problem(doi, code_masked[end : end + 40])
        ln, col = lines.pos(start)
        out.append(DoiMention(prefix + raw_doi, doi, start, end, ln, col, not problem, problem))
    return out


def find_dois(text: str) -> list[DoiMention]:
    """DOIs written in the Markdown: ``10.xxxx/...``, ``doi:10...``, ``https://doi.org/10...``.

    Link destinations and raw URLs are searched too (only code, comments and front matter
    are skipped); trailing punctuation is stripped. Malformed DOIs ("10.1037/",
    "doi:10.10/x", a DOI broken by a space) are returned with ``well_formed=False``.
    """
    return _find_dois(_mask_code_spans(_mask_blocks(text)), _Lines(text))


# =========================================================================== all at once


def scan(text: str) -> Scan:
    """Citations, mentions, attributions, quotations and DOIs of ``text`` in one pass."""
    lines = _Lines(text)
    code_masked = _mask_code_spans(_mask_blocks(text))
    masked = _mask_inline(code_masked)
    citations, nested = _find_citations(text, masked, lines)
    work = _work_text(masked, citations)
    return Scan(
        text=text,
        masked=masked,
        citations=citations,
        nested=nested,
        mentions=_find_mentions(work, lines),
        attributions=_find_attributions(work, citations, lines),
        quotations=_find_quotations(text, masked, work, citations, lines),
        dois=_find_dois(code_masked, lines),
    )
