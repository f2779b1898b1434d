"""Checks on statistics (codes STA001-STA007).

- STA001 unknown statistic (with a did-you-mean);
- STA002 stated value differs from the recomputed one at the precision written;
- STA003 the computation raised (reported at the script's file and line);
- STA004 a statistic cites a work that is not in the reference base;
- STA005 (warning) a number in prose that is neither a checked statistic nor in a
  sentence that carries a citation;
- STA006 the bracket holds something that is not a number;
- STA007 a statistic's name is defined by two scripts (the first stands).

The Data Package's own problems are DATA001-DATA004 (``toulmin.definitions.datavalidation``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from toulmin.checks.interface import DocumentContext, SiteContext, check
from toulmin.definitions.statistics import Statistics, format_value
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.scan.statrefs import StatRef, find_stat_refs, parse_number


@check("site", families=("STA",))
def statistic_rules(ctx: SiteContext) -> list[Finding]:
    """STA003, STA004, STA007: the statistics themselves (none without scripts/)."""
    stats = ctx.statistics
    return [] if stats is None else check_statistics(stats, ctx.bib.entries.keys())


@check("document", families=("STA",))
def statistic_references(ctx: DocumentContext) -> list[Finding]:
    """STA001, STA002, STA006: each statistic a document quotes, against its value."""
    refs = ctx.scan.stat_refs
    if not refs:
        return []
    stats = ctx.statistics
    if stats is not None:
        return check_stat_refs(ctx.path, ctx.text, stats, refs)
    return [RULES["STA001"].at(ctx.path, r.line, r.column,
                               f"unknown statistic '{r.name}': the site has no "
                               f"{ctx.settings.scripts_dir}/ folder")
            for r in refs]


@check("document", families=("STA",), needs_bib=False)
def unsupported_figures(ctx: DocumentContext) -> list[Finding]:
    """STA005: figures in prose with neither a statistic nor a citation in their sentence."""
    scanned = ctx.scan.citations
    spans = [(c.start, c.end) for c in scanned.citations]
    spans += [(r.start, r.end) for r in ctx.scan.stat_refs]
    return check_unsupported_numbers(ctx.path, scanned.masked, spans)


def check_statistics(stats: Statistics, bib_keys: Iterable[str]) -> list[Finding]:
    """Problems of the statistics themselves: scripts that fail, unknown sources."""
    keys = set(bib_keys)
    out = []
    for path, line, message in stats.script_errors:
        out.append(RULES["STA003"].at(path, line, 1, message,
                           "fix the script; the statistics it defines cannot be checked"))
    for path, line, message in stats.duplicates:
        out.append(RULES["STA007"].at(path, line, 1, message,
                                      "rename one of them: posts quote statistics by name"))
    for res in stats.results.values():
        if res.error:
            out.append(RULES["STA003"].at(res.path, res.error_line or res.line, 1,
                               f"statistic '{res.name}' could not be computed: {res.error}",
                               "run `toulmin check` again after fixing the script or data"))
        for key in res.sources:
            if key not in keys:
                out.append(RULES["STA004"].at(res.path, res.line, 1,
                                   f"statistic '{res.name}' cites '{key}', which is not in "
                                   "the reference base", "add the work or fix the key"))
    return out


def check_stat_refs(path: str, text: str, stats: Statistics, refs: list[StatRef] | None = None
                    ) -> list[Finding]:
    """Each quoted statistic against its recomputed value."""
    out = []
    for ref in find_stat_refs(text) if refs is None else refs:
        res = stats.get(ref.name)
        if res is None:
            out.append(RULES["STA001"].at(path, ref.line, ref.column,
                               f"unknown statistic '{ref.name}'{_did_you_mean(ref.name, stats)}",
                               "the names are listed by `toulmin stats` and on the "
                               "Statistics page"))
            continue
        if not res.ok or not ref.written:
            continue
        written = parse_number(ref.written)
        if written is None:
            out.append(RULES["STA006"].at(path, ref.line, ref.column,
                               f"'{ref.written}' is not a number (statistic '{ref.name}')",
                               "write the number as digits, e.g. [50.5%]{stat=...}, or leave "
                               "the brackets empty to have it filled in"))
            continue
        finding = _compare(path, ref, written, res)
        if finding:
            out.append(finding)
    return out


def _compare(path, ref: StatRef, written, res) -> Finding | None:
    value = Decimal(repr(float(res.estimate.value)))
    unit = res.unit or res.estimate.unit
    if written.percent and unit != "%":
        return RULES["STA002"].at(path, ref.line, ref.column,
                                  f"'{ref.written}' is written as a percentage but statistic "
                                  f"'{ref.name}' is not one (it is {res.display()})")
    step = Decimal(1).scaleb(-written.decimals)
    rounded = value.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == written.value:
        return None
    shown = format_value(float(value), written.decimals, unit)
    exact = format_value(float(value), max(res.digits, written.decimals) + 2, unit)
    return RULES["STA002"].at(path, ref.line, ref.column,
                              f"stated {ref.written} but '{ref.name}' recomputes to {shown} "
                              f"at the precision written ({exact})",
                              f"write [{shown}]{{stat={ref.name}}}, or leave the brackets empty")


def _did_you_mean(name: str, stats: Statistics) -> str:
    if not stats.results:
        return ""
    from rapidfuzz import process

    best = process.extractOne(name, list(stats.results), score_cutoff=70)
    return f" (did you mean '{best[0]}'?)" if best else ""


# ------------------------------------------------------------------ unsupported figures

_FIGURE = re.compile(
    r"(?<![\w.\-/\u2013])(?:[-\u2212]\s?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?%?(?![\w/]|\.\d)"
)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_DIGITS = re.compile(r"\d+")
_ANY_DIGIT = re.compile(r"\d")
_LIST_MARK = re.compile(r"[.)]\s")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_YEAR_RANGE_END = re.compile(r"[-\u2013]\d{2}\b")
_MONTH_AFTER = re.compile(r"\s*(?:" + "|".join(_MONTHS) + ")")
_MONTH_BEFORE = re.compile(r"(?:" + "|".join(_MONTHS) + r")\s*$")
_SENTENCE_END = re.compile(
    r"[.!?][\"'\u201d)]*\s+(?=[A-Z\u201c\"(\[])|\n\s*\n|\n(?=\s*[-*+#|>]|\s*\d+\.)"
)


def check_unsupported_numbers(path: str, masked: str, supported_spans: list[tuple[int, int]]
                              ) -> list[Finding]:
    """Warn about each figure in prose whose sentence has no citation and no statistic.

    ``masked`` is the prose with code and markup blanked (``cite.mask_markdown``);
    ``supported_spans`` are the offsets of citations and quoted statistics. Years, year
    ranges (2012-13), dates, list numbers and numbers inside names (PHQ-9) are not figures.
    """
    if not _ANY_DIGIT.search(masked):
        return []
    pieces, pos = [], 0
    for start, end in sorted(supported_spans):
        if start < pos:
            continue
        pieces += [masked[pos:start], "\x00" * (end - start)]
        pos = end
    pieces.append(masked[pos:])
    text = "".join(pieces)
    bounds: list[int] | None = None
    out = []
    for m in _figures(text):
        token = m.group(0).strip()
        if _is_not_a_figure(text, m, token):
            continue
        if bounds is None:
            bounds = [0] + [b.end() for b in _SENTENCE_END.finditer(text)] + [len(text)]
        i = _sentence_index(bounds, m.start())
        sentence = text[bounds[i]:bounds[i + 1]]
        if "\x00" in sentence:
            continue
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        out.append(RULES["STA005"].at(path, line, col,
                           f"the figure {token} is neither a checked statistic nor in a "
                           "sentence with a citation",
                           "quote it as [value]{stat=name} or cite its source in the sentence"))
    return out


def _figures(text: str):
    """``_FIGURE`` matches, found from each run of digits (a charset-first search is several
    times faster than a pattern that opens with a look-behind)."""
    pos = 0
    while True:
        d = _DIGITS.search(text, pos)
        if d is None:
            return
        start = d.start()
        if start and text[start - 1] in "-\u2212":
            start -= 1
            if start and text[start - 1] == " " and start > 1 and text[start - 2] in "-\u2212":
                start -= 1
        m = _FIGURE.match(text, start) or _FIGURE.match(text, d.start())
        if m is not None and m.end() > d.start():
            yield m
            pos = m.end()
        else:
            pos = d.end()


def _is_not_a_figure(text: str, m: re.Match, token: str) -> bool:
    bare = token.rstrip("%").strip()
    if _YEAR.match(bare) and not token.endswith("%"):
        return True
    after = text[m.end():m.end() + 12]
    before = text[max(0, m.start() - 12):m.start()]
    if _YEAR_RANGE_END.match(after):  # 2012-13
        return True
    if _MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before):
        return True
    line_start = text.rfind("\n", 0, m.start()) + 1
    prefix = text[line_start:m.start()]
    if not prefix.strip() and _LIST_MARK.match(text, m.end()):
        return True  # an ordered-list number
    return prefix.lstrip().startswith("#")  # headings are not claims


def _sentence_index(bounds: list[int], pos: int) -> int:
    lo, hi = 0, len(bounds) - 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if bounds[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
