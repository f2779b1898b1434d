"""Statistics quoted in posts: ``[42%]{stat=name}`` (checked) and ``[]{stat=name}`` (filled).

The syntax is Pandoc's bracketed span with an attribute, so a post still reads sensibly
in any Markdown preview. ``find_stat_refs`` returns each with its exact position (and an
optional ``round=`` attribute: ``[1,600,000]{stat=name round=100000}``);
``parse_number`` reads the written value and the precision it was written at.

The precision of a written figure (what ``parse_number`` gives as ``step``):

- A plain number is as precise as its last written digit, in the unit written:
  ``41.8%`` to the 0.1, ``259,951`` to the 1, ``1,600,000`` to the 1 (every digit written
  counts: zeros too), ``1.6 million`` to the 100,000, ``£4bn`` to the billion.
- A hedge ("about", "around", "approximately", "roughly", "some", "nearly", "almost",
  "~") makes the trailing zeros of a whole number a rounding, keeping two significant
  digits: ``about 40%`` to the 10, ``about 1,600,000`` to the 100,000, ``about 1,250``
  to the 10 (``scan.figures.hedged_step``, the rule the source check uses too).
- A bound ("over", "more than", "above", "at least"; "under", "less than", "fewer than",
  "below", "up to", "at most") has that precision and a direction: the value lies beyond
  the number and within one step of it: ``over 40%`` holds for 40% < value < 50%, ``fewer
  than 1,000`` for 900 < value < 1,000.
- ``round=STEP`` in the attributes states the step and overrides the written form's:
  ``[1,600,000]{stat=name round=100000}`` holds for 1,550,000 <= value < 1,650,000.

Example: the value 1,612,345 bears out ``[1.6 million]``, ``[about 1,600,000]``,
``[1,600,000]{... round=100000}`` and ``[over 1.6 million]``, not ``[1,600,000]`` (exact
to the unit) nor ``[over 1.5 million]`` (it would have been "over 1.6 million").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from toulmin.scan.figures import SCALES, hedged_step
from toulmin.scan.masking import Lines

STAT_REF = re.compile(
    r"\[(?P<written>[^\[\]\n]*)\]\{\s*stat\s*=\s*[\"']?(?P<name>[A-Za-z_][\w.:\-]*)[\"']?"
    r"(?P<attrs>(?:\s+[A-Za-z_][\w-]*\s*=\s*(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}\"']+))*)\s*\}"
)
_ATTR = re.compile(r"(?P<key>[A-Za-z_][\w-]*)\s*=\s*(?:\"(?P<q>[^\"\n]*)\"|'(?P<s>[^'\n]*)'"
                   r"|(?P<v>[^\s}\"']+))")
#: What a word before a figure says about it: "~" a rounding, or a bound's direction.
RELATIONS = {
    "about": "~", "around": "~", "approximately": "~", "approx.": "~", "roughly": "~",
    "some": "~", "nearly": "~", "almost": "~", "circa": "~", "c.": "~", "ca.": "~",
    "~": "~", "\u2248": "~",
    "over": ">", "more than": ">", "above": ">", "greater than": ">", "exceeding": ">",
    "upwards of": ">", "at least": ">=", "no fewer than": ">=", "no less than": ">=",
    "under": "<", "less than": "<", "fewer than": "<", "below": "<",
    "up to": "<=", "at most": "<=", "no more than": "<=",
}
_HEDGE = "|".join(re.escape(w) for w in sorted(RELATIONS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"^(?:(?P<hedge>{_HEDGE})\s*)?(?P<sign>[-\u2212+]?)\s*(?P<cur>[£$€¥₹])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<scale>\s?(?:thousand|million|billion|trillion)|(?:bn|mn|m|k|tn))?\s*"
    r"(?P<unit>%|per ?cent|percent)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StatRef:
    """One quoted statistic: the text written in the brackets and the statistic's name;
    ``round`` the ``round=`` attribute as written ("" for none)."""

    name: str
    written: str
    start: int
    end: int
    line: int
    column: int
    round: str = ""


@dataclass(frozen=True, slots=True)
class Written:
    """A number as the author wrote it: its value (a scale word applied: "1.6 million" is
    1,600,000), the decimals written (negative for a scale: -5 for "1.6 million"), whether
    it has %; ``relation`` "=", "~" (hedged) or a bound ("<", "<=", ">", ">="), ``step``
    its precision (module docstring), ``prefix`` and ``suffix`` the words around the
    digits as written (to write another value the same way)."""

    value: Decimal
    decimals: int
    percent: bool
    relation: str = "="
    step: Decimal = Decimal(1)
    currency: str = ""
    prefix: str = ""
    suffix: str = ""
    grouped: bool = False
    power: int = 0

    @property
    def plain(self) -> bool:
        """A bare number ("41.8%", "1,813,432"): no hedge, bound, currency or scale."""
        return self.relation == "=" and not self.prefix and not self.power

    def holds(self, value: Decimal) -> bool:
        """Whether the statistic's ``value`` bears out the figure as written."""
        w, step = self.value, self.step
        if self.relation in ("=", "~"):
            return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step == w
        return {">": w < value < w + step, ">=": w <= value < w + step,
                "<": w - step < value < w, "<=": w - step < value <= w}[self.relation]

    def nearest(self, value: Decimal) -> Decimal:
        """The number to write, with this figure's words, for ``value``."""
        rounding = {">": ROUND_FLOOR, ">=": ROUND_FLOOR, "<": ROUND_CEILING,
                    "<=": ROUND_CEILING}.get(self.relation, ROUND_HALF_UP)
        n = (value / self.step).quantize(Decimal(1), rounding=rounding) * self.step
        if self.relation == ">" and n == value:
            n -= self.step
        elif self.relation == "<" and n == value:
            n += self.step
        return n

    def write(self, value: Decimal) -> str:
        """``value`` written as this figure is ("about 1.7 million", "£5bn", "22%")."""
        shown = value.scaleb(-self.power)
        places = max(self.decimals + self.power, 0)
        step = max(self.step.scaleb(-self.power), Decimal(1).scaleb(-places))
        shown = (shown / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        shown = shown.quantize(Decimal(1).scaleb(-places))
        text = f"{abs(shown):,f}" if self.grouped else f"{abs(shown):f}"
        sign = "\u2212" if shown < 0 else ""
        return f"{self.prefix}{sign}{text}{self.suffix}"


def find_stat_refs(text: str, masked: str | None = None) -> list[StatRef]:
    """Every ``[...]{stat=name}`` outside code, with 1-based line and column."""
    if masked is None:
        from toulmin.scan.masking import mask_markdown

        masked = mask_markdown(text)
    if "stat" not in masked:
        return []
    out = []
    lines = None
    for m in STAT_REF.finditer(masked):
        if lines is None:
            lines = Lines(masked)
        line, column = lines.pos(m.start())
        rounding = ""
        for a in _ATTR.finditer(text, m.start("attrs"), m.end("attrs")):
            if a.group("key") == "round":
                rounding = next(g for g in a.group("q", "s", "v") if g is not None)
        out.append(StatRef(m.group("name"), text[m.start("written"):m.end("written")].strip(),
                           m.start(), m.end(), line, column, rounding))
    return out


def parse_number(written: str, rounding: str = "") -> Written | None:
    """``"41.8%"`` -> Written(41.8, 1, True); ``"about 1.6 million"`` -> 1,600,000 to the
    100,000, hedged; None when the text is not one number (or ``rounding``, the ``round=``
    attribute, is not a positive number)."""
    text = written.strip()
    m = _NUMBER.match(text)
    if not m:
        return None
    digits = m.group("num").replace(",", "")
    try:
        value = Decimal(digits)
        step = Decimal(rounding.replace(",", "")) if rounding else None
    except InvalidOperation:
        return None
    if step is not None and step <= 0:
        return None
    if m.group("sign") in ("-", "\u2212"):
        value = -value
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    hedge = (m.group("hedge") or "").lower()
    relation = RELATIONS.get(hedge, "=")
    scale = (m.group("scale") or "").strip().lower()
    if scale and len(scale) <= 2 and not m.group("cur"):
        return None  # "5m" is a length, not five million, unless it is money
    power = SCALES.get(scale, 0)
    if step is None:
        step = Decimal(1).scaleb(-decimals) if relation == "=" else \
            hedged_step(abs(value), decimals)
        step = step.scaleb(power)
    return Written(value.scaleb(power), decimals - power, bool(m.group("unit")), relation, step,
                   m.group("cur") or "", text[:m.start("sign")] + (m.group("cur") or ""),
                   text[m.end("num"):], "," in m.group("num"), power)


#: ``{stat=}``, ``{stat=""}``, ``{ stat = }``: a quoted statistic with no name
_EMPTY_STAT = re.compile(r"\{[ \t]*stat[ \t]*=[ \t]*(?:\"\"|'')?(?=[ \t}])")


#: the bracket a ``{stat=}`` quotes, if any: ``[42%]{stat=}`` (no ``[`` inside: linear)
_EMPTY_STAT_BRACKET = re.compile(r"\[[^\[\]\n]*\]$")
_EMPTY_STAT_REST = re.compile(r"[^{}\n]{0,200}\}")


def empty_stat_names(masked: str) -> list[int]:
    """The offset of each ``{stat=}`` with no name in ``masked`` (the text, code masked)."""
    return [m.start() for m in _EMPTY_STAT.finditer(masked)]


def empty_stat_spans(masked: str) -> list[tuple[int, int]]:
    """(start, end) of each ``[written]{stat=}`` with no name, bracket and braces: its
    figure is a statistic the author meant to quote (DOC009), not a figure in prose."""
    out = []
    for m in _EMPTY_STAT.finditer(masked):
        close = _EMPTY_STAT_REST.match(masked, m.end())
        end = close.end() if close else m.end()
        start = m.start()
        if start and masked[start - 1] == "]":
            bracket = _EMPTY_STAT_BRACKET.search(masked, max(0, start - 200), start)
            start = bracket.start() if bracket else start
        out.append((start, end))
    return out
