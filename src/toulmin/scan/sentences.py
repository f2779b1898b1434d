"""Sentences: where each ends, in a post's masked prose or in a source's plain text.

``sentence_bounds(text)`` gives the offsets where sentences start (with 0 and the text's
length at the ends). A sentence ends at ".", "!", "?" or "…" (with any closing quotes or
brackets) before white space and a capital, a digit, a quotation mark or a citation (a
post's citations come blanked to NULs), at a blank line, and before a list item, a
heading or a table row. It does not end after "et al.", "e.g.", "i.e.", "p.", a single
initial or another common abbreviation, nor inside a decimal ("4.5"). ``sentence_at``
gives the sentence around an offset, as readers should see it. Linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["sentence_at", "sentence_bounds", "sentence_index"]

_END = re.compile(
    r"[.!?\u2026][\"'\u201d\u2019)\]*_]*\s+(?=[\"'\u201c\u2018(\[*_\x00]*[A-Z0-9\x00@])"
    r"|\n[ \t]*\n"
    r"|\n(?=[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#|\|))"
)
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|al|cf|vs|viz|pp?|paras?|secs?|chaps?|ch|Dr|Mr|Mrs|Ms|Prof|St|No|"
    r"Nos|Vol|vols?|eds?|trans|fig|figs|approx|ca|c|Inc|Ltd|Jr|Sr|Eq|n\.d|resp|incl)"
    r"|(?<![\w.])[A-Z])\Z")
_SPACE = re.compile(r"\s+")


def sentence_bounds(text: str) -> list[int]:
    """0, the offset where each sentence after the first starts, and ``len(text)``."""
    out = [0]
    for m in _END.finditer(text):
        if m.group()[0] in ".\u2026" and _ABBREV.search(text, max(0, m.start() - 8),
                                                       m.start()):
            continue
        out.append(m.end())
    out.append(len(text))
    return out


def sentence_index(bounds: list[int], offset: int) -> int:
    """The index of the sentence holding ``offset`` (``bounds`` from ``sentence_bounds``):
    it runs from ``bounds[i]`` to ``bounds[i + 1]``."""
    return max(0, min(bisect_right(bounds, offset) - 1, len(bounds) - 2))


def sentence_at(text: str, start: int, end: int | None = None,
                bounds: list[int] | None = None) -> str:
    """The sentence (or sentences) of ``text`` holding ``text[start:end]``, white space
    collapsed."""
    bounds = sentence_bounds(text) if bounds is None else bounds
    end = start if end is None else max(start, end - 1)
    first = sentence_index(bounds, start)
    last = sentence_index(bounds, end)
    return _SPACE.sub(" ", text[bounds[first]:bounds[last + 1]]).strip()
