"""Numbers in the APA style: CSL's numeric test, page ranges and ordinals.

Page ranges take an en dash and the second number in full (APA 7 §6.6, §9.25): "207–217",
"1101–1105". Imports nothing of toulmin.
"""

from __future__ import annotations

import re

__all__ = [
    "is_numeric",
    "is_range",
    "ordinal",
    "page_range",
]


_NUMERIC_CHUNK = re.compile(r"\d")
_NUMERIC_PARTS = re.compile(r"[,&\-\u2013]")
_PAGE_PARTS = re.compile(r"(\s*[,&]\s*)")
_RANGE_MARK = re.compile(r"[\-\u2013,&]")


def is_numeric(s: str) -> bool:
    """CSL's test: each part between ",", "-" and "&" holds a digit and no space."""
    if not s:
        return False
    s = s.replace(", ", ",").replace("& ", "&")
    return all(
        _NUMERIC_CHUNK.search(part) and not any(c.isspace() for c in part)
        for part in _NUMERIC_PARTS.split(s)
    )


def _expand_range(first: str, last: str) -> str:
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return last


_RANGE = re.compile(r"^\s*([^\s\-\u2013]+)\s*(?:-+|\u2013|\u2014)\s*([^\s\-\u2013]+)\s*$")


def page_range(p: str) -> str:
    """Page ranges with an en dash and the second number in full (APA 7 §6.6, §9.25)."""
    p = p.strip()
    if not p:
        return ""
    out = []
    for part in _PAGE_PARTS.split(p):
        m = _RANGE.match(part)
        if m:
            a, b = m.groups()
            out.append(f"{a}\u2013{_expand_range(a, b)}")
        else:
            out.append(part)
    return "".join(out)


def ordinal(n: int) -> str:
    """"1st", "2nd", "3rd", "11th", as in "2nd ed."."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def is_range(p: str) -> bool:
    """Whether a page or locator names more than one page: "3-5", "3, 7", "3 & 7"."""
    return bool(_RANGE_MARK.search(p.strip()))
