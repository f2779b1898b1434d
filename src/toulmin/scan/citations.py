"""Pandoc's citation syntax: ``[see @a, p. 3; @b]``, ``@a``, ``@a [p. 3]``, ``[-@a]``, ``@{a.b}``.

``find_citations`` parses a Markdown text's citations into ``model.Citation`` records,
splitting each item's suffix into a locator and a suffix as pandoc's citeproc does
(``locator_kind`` names the locator's CSL label). ``citations_in`` does the same on an
already masked text, for ``document.scan``; ``mask_citations`` blanks the citations it
found, so that the mention and quotation scanners never read inside one.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from toulmin.scan.masking import Lines, blank, is_word, mask_markdown
from toulmin.scan.model import Citation, CiteItem

__all__ = [
    "citations_in",
    "find_citations",
    "is_crossref",
    "locator_kind",
    "mask_citations",
    "split_segments",
]

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
                if prev == "-" and (at < 2 or not is_word(masked[at - 2])):
                    suppress = True
                    start = at - 1
                elif is_word(prev):
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


def split_segments(body: str) -> list[tuple[int, int]]:
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
    masked: str, a: int, b: int, keys: _Keys, lines: Lines, claimed: set[int]
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
    masked: str, start: int, end: int, keys: _Keys, lines: Lines, claimed: set[int]
) -> list[CiteItem] | None:
    """Items of a bracketed citation whose body is ``masked[start:end]``, or None."""
    items: list[CiteItem] = []
    taken: set[int] = set()
    for a, b in split_segments(masked[start:end]):
        item = _parse_item(masked, start + a, start + b, keys, lines, taken)
        if item is None:
            return None
        items.append(item)
    claimed |= taken
    return items


_NOT_AFTER = ("(", "{", "[")
_GAP_CHARS = frozenset(" \t\n[")


def citations_in(
    text: str, masked: str, lines: Lines
) -> tuple[list[Citation], list[Citation]]:
    """Top-level citations and the narrative ones nested in a bracketed one's suffix.

    ``masked`` is ``mask_markdown(text)`` and ``lines`` is ``Lines(text)``.
    """
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
    masked: str, g: re.Match[str], keys: _Keys, lines: Lines, claimed: set[int]
) -> tuple[str, str, list[CiteItem]] | None:
    """``@key [p. 33]``: the locator and suffix for the key, plus any further items."""
    start = g.start("body")
    taken: set[int] = set()
    loc = suffix = ""
    more: list[CiteItem] = []
    for n, (a, b) in enumerate(split_segments(g.group("body"))):
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
    return citations_in(text, mask_markdown(text), Lines(text))[0]


def mask_citations(masked: str, citations: list[Citation]) -> str:
    """``masked`` with the spans of ``citations`` (sorted) replaced by NULs, newlines kept."""
    if not citations:
        return masked
    parts = []
    pos = 0
    for c in citations:
        if c.start < pos:
            continue
        parts.append(masked[pos : c.start])
        seg = masked[c.start : c.end]
        parts.append(blank(seg, "\x00"))
        pos = c.end
    parts.append(masked[pos:])
    return "".join(parts)


# ------------------------------------------------------------------- what is no citation

#: what may stand before the first ``@`` of a bracketed citation: nothing, or a prefix
#: ("see ", "e.g., ") of at most 80 characters ending in a space; possessive, so each
#: ``[`` is tried once (linear time)
_PREFIX = r"\[(?:[^\[\]@\n;]{0,80}[ \t])?+"
#: ``[@]``, ``[-@]``, ``[see @, p. 3]``, ``[@a; @]``: an ``@`` with no key, in a bracket
_EMPTY_AT = re.compile(r"(?:" + _PREFIX + r"|;[ \t]*)-?@(?=[ \t]*[\];,])")
#: ``[@key`` / ``[-@key`` / ``[see @key``: the start of a bracketed citation
_OPEN_AT = re.compile(_PREFIX + r"-?@(?=[\w{])")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def malformed_citations(masked: str, lines) -> list[tuple[str, int, int]]:
    """``("empty", line, column)`` for each citation with no key (``[@]``) and
    ``("unclosed", line, column)`` for each ``[@key`` whose bracket does not close before
    the paragraph ends, in ``masked`` (the text with code masked). Linear time: the next
    ``]`` and the next blank line are searched once for all the openings before them."""
    out = [("empty", *lines.pos(m.start())) for m in _EMPTY_AT.finditer(masked)]
    close = para = -1
    for m in _OPEN_AT.finditer(masked):
        pos = m.end()
        if close < pos:
            close = masked.find("]", pos)
            close = len(masked) + 1 if close < 0 else close  # none: past the paragraph's end
        if para < pos:
            found = _PARAGRAPH_END.search(masked, pos)
            para = found.start() if found else len(masked)
        nxt = masked.find("[", pos, min(close, para))
        if close > para or (nxt >= 0 and _OPEN_AT.match(masked, nxt)):
            out.append(("unclosed", *lines.pos(m.start())))
    return sorted(out, key=lambda t: (t[1], t[2]))
