"""Statistics quoted in posts: ``[42%]{stat=name}`` (checked) and ``[]{stat=name}`` (filled).

The syntax is Pandoc's bracketed span with an attribute, so a post still reads sensibly
in any Markdown preview. ``find_stat_refs`` returns each with its exact position;
``parse_number`` reads the written value and the precision it was written at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

STAT_REF = re.compile(
    r"\[(?P<written>[^\[\]\n]*)\]\{\s*stat\s*=\s*[\"']?(?P<name>[A-Za-z_][\w.:\-]*)[\"']?\s*\}"
)
_NUMBER = re.compile(
    r"^(?P<sign>[-\u2212+]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>%|per ?cent|percent)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StatRef:
    """One quoted statistic: the text written in the brackets and the statistic's name."""

    name: str
    written: str
    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Written:
    """A number as the author wrote it: its value, decimals written, and whether it has %."""

    value: Decimal
    decimals: int
    percent: bool


def find_stat_refs(text: str, masked: str | None = None) -> list[StatRef]:
    """Every ``[...]{stat=name}`` outside code, with 1-based line and column."""
    if masked is None:
        from toulmin.scan.masking import mask_markdown

        masked = mask_markdown(text)
    if "stat" not in masked:
        return []
    out = []
    for m in STAT_REF.finditer(masked):
        line = masked.count("\n", 0, m.start()) + 1
        column = m.start() - (masked.rfind("\n", 0, m.start()) + 1) + 1
        out.append(StatRef(m.group("name"), text[m.start("written"):m.end("written")].strip(),
                           m.start(), m.end(), line, column))
    return out


def parse_number(written: str) -> Written | None:
    """``"41.8%"`` -> Written(41.8, 1, True); None when the text is not one number."""
    m = _NUMBER.match(written.strip())
    if not m:
        return None
    digits = m.group("num").replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    if m.group("sign") in ("-", "\u2212"):
        value = -value
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return Written(value, decimals, bool(m.group("unit")))
