"""Figures in prose, with the precision they were written at, and whether a text reports one.

``figures_in(text)`` finds percentages ("42%", "42.5 %", "42 per cent"), decimals,
counts ("1,211"), money and scaled numbers ("£4bn", "$5m", "£400million", "€2.5 billion",
"1.6 million": the value scaled, the precision with it, the currency sign kept),
statistics written ``r = .45``, ``d = 0.52``, ``OR = 1.8``, ``t(48) = 2.10``, ranges
("40-50%": two figures) and ratios ("1 in 5", "3:1"), each with the number of decimals
written and any hedge ("about", "around", "nearly", "approximately", "~") or bound ("more
than", "fewer than", "at least", ``p < .001``) before it. Years, year ranges, dates, page
and section numbers ("p. 12", "section 3.2", "Study 2", "step 2"), list numbers,
confidence levels ("95% CI") and numbers that are part of a name are no figures: after a
hyphen ("PHQ-9", "GPT-4"), right after an acronym ("NHS 111", "BBC 2") or after a
capitalised word inside a sentence ("BBC Radio 4", "Windows 10"; a sentence's first word
makes no name: "Some 40 people" is a figure, unless possessive: "Channel 4's"). A short
scale ("5m", "10k") is a unit, not money, without a currency sign. The caller blanks what
is not prose (citations, ``{stat=}`` references, code: ``masking``) and keeps offsets.

``occurs_in(figure, text)`` says whether a source's text reports the figure at the
precision written: a written figure with d decimals matches a source number s of the
same kind when s, rounded to d decimals, is the written value ("42%" matches "41.8%";
"42%" does not match "40%"; "41.8%" does not match a source's "42%": it is more precise
than the source). A hedged round figure is as precise as its significant digits ("about
40%" matches "38.5%"); a bound matches a source value beyond it. ``reported(text)``
lists a text's figures as written, for messages. Everything is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["SCALES", "Figure", "figures_in", "find_in", "hedged_step", "matches", "occurs_in",
           "reported"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure: ``kind`` "percent", "number" or "ratio"; ``value`` as written (the
    numerator of a ratio, whose ``denominator`` is set); ``decimals`` written; ``name`` of
    a statistic ("r", "d", "OR"; "" for none); ``relation`` "=", "~" (hedged), "<", "<=",
    ">", ">="; ``text`` as written (hedge included), ``start``/``end`` its offsets."""

    kind: str
    value: Decimal
    decimals: int
    text: str
    start: int
    end: int
    relation: str = "="
    name: str = ""
    denominator: Decimal | None = None
    currency: str = ""

    @property
    def hedged(self) -> bool:
        return self.relation == "~"


_NUM = r"[-\u2212]?(?:\d{1,3}(?:,\d{3})+(?!\d|,\d)|\d+)(?:\.\d+)?|[-\u2212]?\.\d+"
_FIGURE = re.compile(
    rf"(?P<num>{_NUM})"
    r"(?:(?P<range>\s?(?:[-\u2010-\u2014]|to\s)\s?)"
    r"(?P<num2>(?:\d{1,3}(?:,\d{3})+(?!\d|,\d)|\d+)(?:\.\d+)?|\.\d+))?"
    r"(?P<scale>\s?(?:thousand|million|billion|trillion)\b|(?:bn|mn|m|k|tn)\b(?!\.\w))?"
    r"(?:(?P<pct>\s?(?:\\?%|per\s?cent\b|percent\b))"
    r"|(?P<colon>\s?:\s?)(?P<den>\d+(?:\.\d+)?)(?![\d:])"
    r"|(?P<in>\s+(?:in(?:\s+every)?|out\s+of)\s+)"
    r"(?P<den2>\d{1,3}(?:,\d{3})+(?!\d|,\d)|\d+)(?!\d|[.,]\d))?"
)
_DIGITS = re.compile(r"[0-9]+")
#: Currency signs a figure may start with ("£4bn", "$5m", "€2.5 billion").
_CURRENCY = "£$€¥₹"
#: Scale words and their powers of ten; the short ones only after a currency sign.
SCALES = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9,
          "trillion": 12, "tn": 12}
_SHORT_SCALES = frozenset({"k", "m", "mn", "bn", "tn"})
_NAME_BEFORE = re.compile(r"(?<![\w'\u2019.-])(?P<word>[A-Z][A-Z0-9&]*(?:-[A-Z0-9&]+)+"
                          r"|[A-Z][A-Z0-9&]+|[A-Z][a-z][\w\u2019'-]*)"
                          r"[ \t]*\n?[ \t]*\Z")
_NAME_AFTER = re.compile(r"['\u2019]s\b")
_NUMBER_END = re.compile(r"[\d.]*\d")
_STAT_WORDS = frozenset({"SD", "SE", "OR", "RR", "HR", "IRR", "AOR", "CI", "IQR", "DF"})
_OPENERS = frozenset(" \t\n*_\"'\u201c\u2018([>-+")
_STAT_BEFORE = re.compile(
    r"(?<![\w.])(?P<name>r|rho|ρ|d|g|OR|RR|HR|IRR|aOR|AOR|β|b|B|t|F|z|Z|p|n|N|k|M|SD|SE|"
    r"Mdn|I2|I²|R2|R²|η2|η²|ηp2|ω2|χ2|χ²|[Cc]ohen's d|Hedges'? g|kappa|κ|alpha|α)"
    r"(?:\s?\([^()\n]{0,14}\))?\s*(?P<op>=|<|>|≤|≥|<=|>=)\s*\Z")
_WORD_BEFORE = re.compile(
    r"(?:\b(?P<hedge>about|around|approximately|approx\.|nearly|almost|roughly|some|circa|"
    r"ca\.|c\.|close to)|(?P<tilde>[~≈∼])|\b(?P<gt>more than|over|above|greater than|"
    r"exceeding|upwards of)|\b(?P<ge>at least)|\b(?P<lt>fewer than|less than|under|below)|"
    r"\b(?P<le>up to|at most|no more than))\s*\Z", re.IGNORECASE)
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:pp?|pages?|paras?|paragraphs?|secs?|sections?|chaps?|chapters?|chs?|figs?|"
    r"figures?|tables?|studies|study|experiments?|waves?|phases?|steps?|items?|questions?|"
    r"models?|hypothes[ie]s|appendix|appendices|No\.|Nos\.|vol|vols|volumes?|issues?|"
    r"versions?|parts?|lines?|eq|equations?|level|grade|stage|type|session|week|day|"
    r"year|month|wave|sessions|weeks|days|years|months|waves|grades|stages|types|levels|"
    r"premises?|arguments?|reasons?|criteri(?:on|a)|conditions?|cases?|scenarios?|"
    r"examples?|exercises?|problems?|theorems?|lemmas?|rules?|supplements?|panels?|"
    r"footnotes?|notes?|options?|groups?|arms?|cohorts?|samples?|trials?)"
    r"\.?|[§¶#^]|ICD|DSM)\s*(?:\d+(?:\.\d+)*[a-z]?\s*(?:,|and|&|or|to|[-\u2013])\s*)*\Z",
    re.IGNORECASE)
_FORMULA_AFTER = re.compile(r"(?:\s*[\u2212+\u00d7\u00f7*/^]|\s+-)\s*[^\W\d_]")
_FORMULA_BEFORE = re.compile(r"(?:[^\W\d_]\s*[-\u2212+\u00d7\u00f7*/^]|\u221a\(?)\s*\Z")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december", "jan", "feb", "mar", "apr",
           "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
_MONTH_BEFORE = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\.?\s*\Z", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"\s*(?:" + "|".join(_MONTHS) + r")\b", re.IGNORECASE)
_CONFIDENCE = re.compile(r"\s*(?:CIs?\b|confidence\b|credible\b|HDI\b|PI\b|prediction int)",
                         re.IGNORECASE)
_MONTH_WORDS = frozenset(_MONTHS)
_LABEL_WORDS = frozenset(
    "p pp page pages para paras paragraph paragraphs sec secs section sections chap chaps "
    "chapter chapters ch chs fig figs figure figures table tables study studies experiment "
    "experiments wave waves phase phases step steps item items question questions model "
    "models hypothesis hypotheses appendix appendices no nos vol vols volume volumes issue "
    "issues version versions part parts line lines eq equation equations level levels "
    "grade grades stage stages type types session sessions week weeks day days year years "
    "month months icd dsm premise premises argument arguments reason reasons criterion "
    "criteria condition conditions case cases scenario scenarios example examples exercise "
    "exercises problem problems theorem theorems lemma lemmas rule rules supplement "
    "supplements panel panels footnote footnotes note notes option options group groups arm "
    "arms cohort cohorts sample samples trial trials".split())
_LIST_JOINS = frozenset({"and", "&", "or", "to", "-", "\u2013"})
_HEDGE_ENDS = frozenset(
    "about around approximately approx nearly almost roughly some circa ca c to than of "
    "least most over above exceeding under below".split())
_OPERATORS = frozenset("-\u2212+\u00d7\u00f7*/^\u221a(")
_DF_BEFORE = re.compile(r"\(\s*(?:\d+(?:\.\d+)?\s*,\s*)?\Z")
_DF_AFTER = re.compile(r"[\d.,\s]*\)\s*(?:=|<|>|≤|≥)")
_LEAD = re.compile(r"[ \t>]*")
_LIST_MARK = re.compile(r"[.)](?:\s|\Z)")
_ENUMERATOR = re.compile(r"\)[ \t]+[^\W\d_]")
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
_SPACE = re.compile(r"\s+")


def _decimal(token: str, scale: str = "") -> tuple[Decimal, int] | None:
    """The value of ``token`` and its decimals; a scale word multiplies the value and
    moves the precision ("1.6 million": 1,600,000 to the 100,000, decimals -5)."""
    s = token.replace(",", "").replace("\u2212", "-").strip()
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    dot = s.find(".")
    decimals = len(s) - dot - 1 if dot >= 0 else 0
    power = SCALES.get(scale.strip().lower(), 0)
    if power:
        value, decimals = value.scaleb(power), decimals - power
    return value, decimals


def _relation(before: str) -> tuple[str, int]:
    """The hedge or bound that ends ``before`` and its length ("=", 0 for none)."""
    m = _WORD_BEFORE.search(before)
    if m is None:
        return "=", 0
    for group, rel in (("hedge", "~"), ("tilde", "~"), ("gt", ">"), ("ge", ">="),
                       ("lt", "<"), ("le", "<=")):
        if m.group(group):
            return rel, len(before) - m.start()
    return "=", 0


_OPS = {"=": "=", "<": "<", ">": ">", "≤": "<=", "≥": ">=", "<=": "<=", ">=": ">="}


def figures_in(text: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """The figures of ``text[start:end]`` (offsets into ``text``), in order."""
    end = len(text) if end is None else end
    out: list[Figure] = []
    digits = _Digits(text, start, end)
    pos = start
    line_start = text.rfind("\n", 0, start) + 1
    seen = start  # the text up to here has been searched for the start of the line
    while True:
        at = digits.next(pos)
        if at < 0:
            return out
        newline = text.rfind("\n", seen, at)
        if newline >= 0:
            line_start = newline + 1
        seen = at
        d = _DIGITS.match(text, at, end)
        s = at
        if s and text[s - 1] == "." and (s < 2 or not text[s - 2].isdigit()):
            s -= 1  # ".45"
        if s and text[s - 1] in "-\u2212" and (s < 2 or text[s - 2] in " \t\n([=\x00"):
            s -= 1  # a sign
        m = _FIGURE.match(text, s, end)
        if m is None or m.end() <= at:
            pos = d.end()
            continue
        found = _figures_of(text, m, s, line_start)
        # a match that is no figure ("S1: 0.023" read as a ratio inside a name) gives up
        # only its own digits: the number after it is read on its own
        pos = m.end() if found else d.end()
        out.extend(found)


class _Digits:
    """The next ASCII digit at or after an offset, from one ``str.find`` per digit kept
    until passed: several times faster than a regular expression over prose with few
    numbers, and linear (each digit's search moves only forward)."""

    __slots__ = ("end", "text", "where")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.end = text, end
        self.where = {}
        for ch in "0123456789":
            at = text.find(ch, start, end)
            if at >= 0:
                self.where[ch] = at

    def next(self, pos: int) -> int:
        where = self.where
        for ch, at in list(where.items()):
            if at < pos:
                at = self.text.find(ch, pos, self.end)
                if at < 0:
                    del where[ch]
                else:
                    where[ch] = at
        return min(where.values()) if where else -1


def _figures_of(text: str, m: re.Match, s: int, line_start: int) -> list[Figure]:
    """The figures of one match (two for a range such as "30-40%"), or none;
    ``line_start`` is the offset of the start of its line."""
    prev = text[s - 1] if s else " "
    currency = prev if prev in _CURRENCY else ""
    if currency:
        prev = text[s - 2] if s > 1 else " "
        if prev.isdigit() or prev in "_/.,":
            return []
    elif prev.isalnum() or prev in "_/-\u2010\u2011\u2013\u2014.,:^@":
        return []  # inside a word, a name (PHQ-9), a path, a date, a version
    after = text[m.end():m.end() + 1]
    if after and (after.isalnum() or after in "_/") and not m.group("pct"):
        return []  # "1st", "3x", "10mg", "1990s"
    scale = (m.group("scale") or "").strip()
    if scale in _SHORT_SCALES and not currency:
        return []  # "5m", "10k": a unit, unless money ("£5m")
    num, num2 = m.group("num"), m.group("num2")
    first = _decimal(num, scale)
    if first is None:
        return []
    value, decimals = first
    first_char = _LEAD.match(text, line_start, s).end()
    if first_char < s and text[first_char] == "#":
        return []  # headings are not claims
    if first_char == s and num2 is None and _LIST_MARK.match(text, m.end("num")):
        return []  # an ordered-list number
    if prev == "(" and len(num) == 1 and _ENUMERATOR.match(text, m.end("num")) and (
            s < 2 or text[s - 2] in " \t\n:;"):
        return []  # "(1) the null hypothesis ... (2) even within": an enumerator
    before = text[max(0, s - 32):s]
    if _YEAR.fullmatch(num) and not m.group("pct"):
        return []  # a year, a year range (2012-13, 2012 to 2014)
    # The patterns of what comes before a number are tried only when the last word or
    # character before it can start one: most numbers follow a plain word.
    stripped = before.rstrip()
    last_char = stripped[-1:]
    cut = max(stripped.rfind(" "), stripped.rfind("\n"), stripped.rfind("\t"),
              stripped.rfind("\x00"))
    last = stripped[cut + 1:].lower().rstrip(".").lstrip("!([{\"'\u201c\u2018*_")
    if (last in _MONTH_WORDS and _MONTH_BEFORE.search(before)) or _MONTH_AFTER.match(
            text, m.end(), m.end() + 12):
        return []
    if (last in _LABEL_WORDS or last_char in "§¶#^" or last[:1].isdigit()
            or last in _LIST_JOINS) and not m.group("pct") and _LABEL_BEFORE.search(before):
        return []  # a page, a section, Study 2, sessions 1, 3 and 5 (never "study 42%")
    if (not m.group("pct") and not currency and not scale and num2 is None
            and "," not in num and _named_by_word(text, s, before)):
        return []  # BBC Radio 4, Windows 10, GPT 4: a number that is part of a name
    if (_FORMULA_AFTER.match(text, m.end(), m.end() + 8) and not m.group("pct")) or (
            last_char in _OPERATORS and _FORMULA_BEFORE.search(before)):
        return []  # a term of a formula: 2r / (1 - r²)
    if (last_char in "(," and _DF_BEFORE.search(before)
            and _DF_AFTER.match(text, m.end(), m.end() + 24)):
        return []  # the degrees of freedom of t(48) = 2.10: part of the statistic
    if m.group("pct") and _CONFIDENCE.match(text, m.end()):
        return []  # "95% CI": a convention, not a finding
    stat = _STAT_BEFORE.search(before) if last_char and last_char in "=<>≤≥" else None
    name = stat.group("name") if stat else ""
    if stat is not None:
        relation, begin = _OPS[stat.group("op")], s - (len(before) - stat.start())
    elif last in _HEDGE_ENDS or (last_char and last_char in "~≈∼"):
        relation, width = _relation(before)
        begin = s - width
    else:
        relation, begin = "=", s
    if currency:
        s -= 1
        begin = min(begin, s)
    if m.group("den") is not None or m.group("den2") is not None:
        den = _decimal(m.group("den") or m.group("den2"))
        if den is None or den[0] == 0 or num2 is not None:
            return []
        if m.group("den2") is not None and _YEAR.fullmatch(m.group("den2")):
            # "12 in 2019": a count, then a year
            return [Figure("number", value, decimals, _clean(text[begin:m.end("num")]), s,
                           m.end("num"), relation, name)]
        if m.group("colon") and ("." in num or (len(m.group("den")) == 2 and den[0] >= 10)):
            return []  # "10:30" is a time
        return [Figure("ratio", value, decimals, _clean(text[begin:m.end()]), s, m.end(),
                       relation, name, den[0])]
    kind = "percent" if m.group("pct") else "number"
    if num2 is None:
        return [Figure(kind, value, decimals, _clean(text[begin:m.end()]), s, m.end(),
                       relation, name, currency=currency)]
    second = _decimal(num2, scale)
    if second is None:
        return []
    unit = (m.group("scale") or "") + (m.group("pct") or "")
    return [Figure(kind, value, decimals, _clean(text[begin:m.end("num")] + unit), s,
                   m.end("num"), relation, name, currency=currency),
            Figure(kind, second[0], second[1],
                   _clean(currency + text[m.start("num2"):m.end()]),
                   m.start("num2"), m.end(), "=", name, currency=currency)]


def _number_end(text: str, s: int) -> int:
    m = _NUMBER_END.match(text, s)
    return m.end() if m else s


def _named_by_word(text: str, s: int, before: str) -> bool:
    """Whether the number at ``s`` is part of a name: right after an acronym ("BBC 2",
    "NHS 111") or a capitalised word inside a sentence ("BBC Radio 4", "Windows 10",
    "the Model 3"). A capitalised word that opens a sentence ("Some 40 people") does not
    make a name."""
    m = _NAME_BEFORE.search(before)
    if m is None:
        return False
    word = m.group("word")
    if word.isupper():
        return len(word.rstrip("0123456789&")) >= 2 and word not in _STAT_WORDS
    if _NAME_AFTER.match(text, _number_end(text, s)):
        return True  # "Channel 4's": a name even where a sentence opens
    j = s - (len(before) - m.start("word")) - 1
    while j >= 0 and text[j] in _OPENERS:
        if text[j] == "\n" and text.rfind("\n", 0, j) >= 0 and \
                not text[text.rfind("\n", 0, j) + 1:j].strip():
            return False  # a paragraph's first word
        j -= 1
    return j >= 0 and text[j] not in ".!?:\x00"


def _clean(written: str) -> str:
    return _SPACE.sub(" ", written.replace("\x00", " ")).strip()


# ------------------------------------------------------------------------------- matching


def _rounds_to(source: Decimal, source_decimals: int, written: Decimal, decimals: int) -> bool:
    if source_decimals < decimals:
        return False  # the written figure is more precise than the source
    step = Decimal(1).scaleb(-decimals)
    return source.quantize(step, rounding=ROUND_HALF_UP) == written


def hedged_step(written: Decimal, decimals: int) -> Decimal:
    """How precise a hedged round figure is: "about 40" to the ten, "about 1,200" to the
    hundred, keeping two significant digits ("about 100" to the ten)."""
    if decimals or written == 0:
        return Decimal(1).scaleb(-decimals)
    digits = str(abs(int(written)))
    zeros = len(digits) - len(digits.rstrip("0"))
    zeros = min(zeros, max(len(digits) - 2, 1) if len(digits) > 2 else zeros)
    zeros = min(zeros, len(digits) - 1)
    return Decimal(10) ** zeros


_NAME_FORMS = {"rho": "ρ", "kappa": "κ", "alpha": "α", "cohen's d": "d", "hedges' g": "g",
               "hedges g": "g", "aor": "or", "ηp2": "η2"}


def _canon(name: str) -> str:
    """A statistic's name as compared: case, superscripts and long forms folded."""
    folded = name.casefold().replace("²", "2")
    return _NAME_FORMS.get(folded, folded)


def matches(written: Figure, source: Figure) -> bool:
    """Whether the source's figure ``source`` bears out the written figure ``written``."""
    if written.kind != source.kind:
        return False
    if written.name and source.name and _canon(written.name) != _canon(source.name):
        return False
    if written.currency and source.currency and written.currency != source.currency:
        return False
    if written.kind == "ratio":
        return (written.value == source.value and written.denominator == source.denominator)
    w, s = written.value, source.value
    rel = written.relation
    if source.relation != "=" and source.relation != "~":
        # a bound in the source (p < .001) bears out only the same bound
        return rel == source.relation and w == s
    if rel == "=":
        return _rounds_to(s, source.decimals, w, written.decimals)
    if rel == "~":
        if _rounds_to(s, source.decimals, w, written.decimals):
            return True
        step = hedged_step(w, written.decimals)
        return (s / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step == w
    return {">": s > w, ">=": s >= w, "<": s < w, "<=": s <= w}[rel]


_FIGURES_OF: dict[str, list[Figure]] = {}


def _source_figures(text: str) -> list[Figure]:
    found = _FIGURES_OF.get(text)
    if found is None:
        if len(_FIGURES_OF) > 4096:
            _FIGURES_OF.clear()
        found = _FIGURES_OF[text] = figures_in(text)
    return found


def find_in(figure: Figure, text: str) -> Figure | None:
    """The first figure of ``text`` that bears out ``figure`` (None when none does)."""
    for candidate in _source_figures(text):
        if matches(figure, candidate):
            return candidate
    return None


def occurs_in(figure: Figure, text: str) -> bool:
    """Whether ``text`` (a source's stored text) reports ``figure`` at its precision."""
    return find_in(figure, text) is not None


def reported(text: str) -> list[str]:
    """The figures ``text`` reports, as written, each once, in order."""
    return list(dict.fromkeys(f.text for f in _source_figures(text)))
