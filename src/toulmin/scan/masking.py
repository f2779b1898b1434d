"""Masking: everything in Markdown that is not prose, blanked in place, and positions.

``mask_markdown`` blanks front matter, code, HTML comments and tags, URLs, link
destinations, reference definitions, autolinks, e-mail addresses and ``\\@``, keeping the
text's length and newlines so that every offset, line and column stays valid; it is two
passes, ``mask_code`` (blocks, code spans, comments) then ``mask_inline`` (the rest), so a
caller that needs the code-masked text too (the DOI scanner) pays for each once.
``Lines`` turns offsets into 1-based lines and columns. The small text helpers the other
scanners share (``blank``, ``is_word``, ``trim_tail``, ``BLANK_LINE``) live here too.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = [
    "BLANK_LINE",
    "Lines",
    "blank",
    "is_word",
    "mask_attributes",
    "mask_code",
    "mask_inline",
    "mask_markdown",
    "trim_tail",
]

# =========================================================================== positions


_NEWLINE = re.compile(r"\n")


class Lines:
    """Offset -> (line, column), 1-based, columns in characters."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def pos(self, offset: int) -> tuple[int, int]:
        ln = bisect_right(self.starts, offset)
        return ln, offset - self.starts[ln - 1] + 1


# =========================================================================== masking


def blank(s: str, fill: str = " ") -> str:
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
        out.append(blank(text[a:b]))
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
            text = blank(text[:skip]) + text[skip:]
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
BLANK_LINE = re.compile(r"\n[ \t]*\n")


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
                if close == -1 or BLANK_LINE.search(text, run, close):
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


def trim_tail(s: str, tail: str) -> str:
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


def is_word(ch: str) -> bool:
    """Whether ``ch`` is a word character: a letter, a digit or ``_``."""
    return ch.isalnum() or ch == "_"


def mask_inline(text: str) -> str:
    """Blank link destinations, reference definitions, autolinks, HTML tags, raw URLs,
    e-mail addresses and ``\\@`` (each found from a literal anchor, for speed).

    ``text`` is ``mask_code``'s result: what is in code is never taken for a link.
    """
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
            if start > 0 and (is_word(text[start - 1]) or text[start - 1] in "@{"):
                continue
            end = _URL_REST.match(text, m.end()).end()
            add((start, start + len(trim_tail(text[start:end], _URL_TAIL))))
    if "www." in text:
        for m in _WWW.finditer(text):
            start = m.start()
            if start > 0 and (is_word(text[start - 1]) or text[start - 1] in "@{/."):
                continue
            end = _URL_REST.match(text, m.end()).end()
            add((start, start + len(trim_tail(text[start:end], _URL_TAIL))))
    if "@" in text:
        for m in _AT_SIGN.finditer(text):
            at = m.start()
            if at and text[at - 1] == "\\":
                add((at - 1, at + 1))
                continue
            j = at
            while j > 0 and (is_word(text[j - 1]) or text[j - 1] in _LOCAL_CHARS):
                j -= 1
            if j == at:
                continue
            d = _DOMAIN.match(text, at + 1)
            if d is not None:
                add((j, d.end()))
    if not spans:
        return mask_attributes(text)
    spans.sort()
    return mask_attributes(_apply(text, spans))


# A Pandoc/Quarto attribute block: identifiers, classes and key=value pairs in braces,
# with at least one quoted value: "{#fig-x fig-cap="..."}", "{fig-alt="..." width=50%}".
_ATTR_TOKEN = r"(?:[#.][\w:.\-]+|[A-Za-z_][\w\-]*=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s{}\"']+))"
_ATTR_BLOCK = re.compile(
    r"\{[ \t]*" + _ATTR_TOKEN + r"(?:[ \t]+" + _ATTR_TOKEN + r")*[ \t]*\}"
)

_STAT_ATTR = re.compile(r"\{\s*stat\s*=")


def mask_attributes(text: str) -> str:
    """Blank Pandoc/Quarto attribute blocks that hold a quoted value
    (``{fig-alt="A decision tree"}``, ``{#fig-x fig-cap="..."}``): an attribute's value is
    markup, not prose, and its quotation marks quote nothing. A statistic's
    ``{stat=name ...}`` is kept for ``scan.statrefs``. (HTML tags, ``<img alt="...">``,
    are blanked whole by ``mask_inline``.)"""
    if "{" not in text or "=" not in text:
        return text
    spans = [m.span() for m in _ATTR_BLOCK.finditer(text)
             if ('"' in m.group() or "'" in m.group()) and _STAT_ATTR.match(m.group()) is None]
    return _apply(text, spans)


def mask_markdown(text: str) -> str:
    """``text`` with everything that is not prose replaced by spaces, newlines kept.

    Blanked: YAML front matter, fenced code blocks (``` and ~~~, any length, with info
    strings), indented code blocks (not list or admonition continuations), inline code
    spans, HTML comments and tags, raw URLs, link and image destinations ``](...)``,
    reference-link definitions, autolinks ``<...>``, e-mail addresses and ``\\@``.
    The result has the same length as ``text``, so offsets, lines and columns stay valid.
    """
    return mask_inline(mask_code(text))


def mask_code(text: str) -> str:
    """``text`` with front matter, fenced and indented code blocks, inline code spans and
    HTML comments blanked (length and newlines kept); URLs and links are left as written."""
    return _mask_code_spans(_mask_blocks(text))

