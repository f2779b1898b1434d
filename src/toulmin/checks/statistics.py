"""Checks on statistics (codes STA001-STA008).

- STA001 unknown statistic (with a did-you-mean);
- STA002 stated value differs from the recomputed one at the precision written (a
  rounded, hedged or bounded figure at its precision: ``scan.statrefs``);
- STA003 the computation raised (reported at the script's file and line, and at each
  use of a statistic it leaves unavailable: "unavailable because scripts/x.py:LINE
  failed: <error>", never an unknown name with a did-you-mean);
- STA004 a statistic cites a work that is not in the reference base;
- STA005 (warning) a number in prose that is neither a checked statistic nor in a
  sentence that carries a citation;
- STA006 the bracket holds something that is not a number;
- STA007 a statistic's name is defined by two scripts (the first stands);
- STA008 a statistic's name is not a name (``definitions.statistics.NAME``): it is not
  defined, so no page is written for it.

The Data Package's own problems are DATA001-DATA004 (``toulmin.definitions.datavalidation``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from toulmin.checks.interface import DocumentContext, SiteContext, check
from toulmin.definitions.statistics import Statistics, format_value
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.scan.masking import Lines
from toulmin.scan.statrefs import (
    StatRef,
    Written,
    empty_stat_spans,
    find_stat_refs,
    parse_number,
)


@check("site", families=("STA",))
def statistic_rules(ctx: SiteContext) -> list[Finding]:
    """STA003, STA004, STA007, STA008: the statistics themselves (none without scripts/)."""
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
    spans += empty_stat_spans(scanned.masked)  # [42%]{stat=}: DOC009's
    return check_unsupported_numbers(ctx.path, scanned.masked, spans)


def check_statistics(stats: Statistics, bib_keys: Iterable[str]) -> list[Finding]:
    """Problems of the statistics themselves: scripts that fail, unknown sources."""
    keys = set(bib_keys)
    out = []
    for path, line, message in stats.script_errors:
        if (path, line, message) in stats.limit_errors:
            out.append(RULES["STA009"].at(path, line, 1, message,
                                          "the statistics it defines cannot be checked"))
            continue
        out.append(RULES["STA003"].at(path, line, 1, message,
                           "fix the script; the statistics it defines cannot be checked"))
    for path, line, message in stats.invalid:
        out.append(RULES["STA008"].at(path, line, 1, message,
                                      "rename it; the statistic is not defined until then"))
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
        why = stats.unavailable(ref.name)
        if why is not None:
            out.append(RULES["STA003"].at(path, ref.line, ref.column,
                               f"statistic '{ref.name}' is unavailable because {why}",
                               "fix the script (the finding at the script says the same); "
                               "the figure is checked again then"))
            continue
        if res is None:
            if stats.script_errors:
                detail = (f": a script that failed to load may define it: "
                          f"{stats.failed_scripts()}")
            else:
                detail = _did_you_mean(ref.name, stats)
            out.append(RULES["STA001"].at(path, ref.line, ref.column,
                               f"unknown statistic '{ref.name}'{detail}",
                               "the names are listed by `toulmin stats` and on the "
                               "Statistics page"))
            continue
        if not res.ok or not ref.written:
            continue
        written = parse_number(ref.written, ref.round)
        if written is None:
            what = f"round={ref.round}" if ref.round and parse_number(ref.written) else \
                f"'{ref.written}'"
            out.append(RULES["STA006"].at(path, ref.line, ref.column,
                               f"{what} is not a number (statistic '{ref.name}')",
                               "write the number as digits, e.g. [50.5%]{stat=...}, or leave "
                               "the brackets empty to have it filled in"))
            continue
        finding = _compare(path, ref, written, res)
        if finding:
            out.append(finding)
    return out


def _compare(path, ref: StatRef, written: Written, res) -> Finding | None:
    value = Decimal(repr(float(res.estimate.value)))
    unit = res.unit or res.estimate.unit
    if written.percent and unit != "%":
        return RULES["STA002"].at(path, ref.line, ref.column,
                                  f"'{ref.written}' is written as a percentage but statistic "
                                  f"'{ref.name}' is not one (it is {res.display()})")
    if written.holds(value):
        return None
    if written.plain and not ref.round:
        shown = format_value(float(value), written.decimals, unit)
        exact = format_value(float(value), max(res.digits, written.decimals) + 2, unit)
        return RULES["STA002"].at(path, ref.line, ref.column,
                                  f"stated {ref.written} but '{ref.name}' recomputes to {shown} "
                                  f"at the precision written ({exact})",
                                  f"write [{shown}]{{stat={ref.name}}}, or leave the brackets "
                                  "empty")
    exact = res.display()
    nearest = written.write(written.nearest(value))
    step = f"{written.step.normalize():,f}"
    says = {"=": f"the value rounded to the {step}", "~": f"the value rounded to the {step}",
            ">": f"a value above it by less than {step}",
            ">=": f"a value at or above it by less than {step}",
            "<": f"a value below it by less than {step}",
            "<=": f"a value at or below it by less than {step}"}[written.relation]
    attrs = f" round={ref.round}" if ref.round else ""
    return RULES["STA002"].at(path, ref.line, ref.column,
                              f"stated '{ref.written}' (written as {says}) but "
                              f"'{ref.name}' recomputes to {exact}",
                              f"write [{nearest}]{{stat={ref.name}{attrs}}}, or leave the "
                              "brackets empty")


def _did_you_mean(name: str, stats: Statistics) -> str:
    if not stats.results:
        return ""
    from rapidfuzz import process

    best = process.extractOne(name, list(stats.results), score_cutoff=70)
    return f" (did you mean '{best[0]}'?)" if best else ""


# ------------------------------------------------------------------ unsupported figures

_ANY_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(
    r"[.!?][\"'\u201d)]*\s+(?=[A-Z\u201c\"(\[])|\n\s*\n|\n(?=\s*[-*+#|>]|\s*\d+\.)"
)
#: TeX math as Pandoc reads it: $$display$$, and $inline$ whose opening $ is followed by a
#: non-space and whose closing $ follows a non-space and comes before no digit ("$5 and $10"
#: is money, not math).
_TEX_MATH = re.compile(r"\$\$.+?\$\$|\$(?=[^\s$])(?:[^$\n\\]|\\.)+?(?<=[^\s\\])\$(?!\d)",
                       re.DOTALL)
_RANGE_GAP = re.compile(r"\s?(?:[-\u2010-\u2014]|to\s|and\s)\s?")


def check_unsupported_numbers(path: str, masked: str, supported_spans: list[tuple[int, int]]
                              ) -> list[Finding]:
    """Warn about each figure in prose whose sentence has no citation and no statistic.

    ``masked`` is the prose with code and markup blanked (``cite.mask_markdown``);
    ``supported_spans`` are the offsets of citations and quoted statistics. The figures
    are those of ``scan.figures.figures_in``, the one reader of figures: percentages,
    counts, money ("£4bn", "$5m", "€2.5 billion"), ranges ("40-50%": one finding), not
    years, dates, list numbers, pages and sections, enumerators ("(1)"), numbers in TeX
    math (``$X=97$``), nor numbers that are part of a name ("PHQ-9", "BBC Radio 4",
    "step 2").
    """
    if not _ANY_DIGIT.search(masked):
        return []
    from toulmin.scan.figures import figures_in

    pieces, pos = [], 0
    for start, end in sorted(supported_spans):
        if start < pos:
            continue
        pieces += [masked[pos:start], "\x00" * (end - start)]
        pos = end
    pieces.append(masked[pos:])
    text = "".join(pieces)
    if "$" in text:  # numbers in TeX math are notation: $X=97$, $p = .021$
        text = _TEX_MATH.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    bounds: list[int] | None = None
    lines: Lines | None = None
    out = []
    figures = figures_in(text)
    i = 0
    while i < len(figures):
        fig = figures[i]
        start, end = fig.start, fig.end
        i += 1
        if i < len(figures) and _RANGE_GAP.fullmatch(text, end, figures[i].start):
            end = figures[i].end  # a range: one figure, "40-50%"
            i += 1
        if bounds is None:
            bounds = [0] + [b.end() for b in _SENTENCE_END.finditer(text)] + [len(text)]
        k = _sentence_index(bounds, start)
        if "\x00" in text[bounds[k]:bounds[k + 1]]:
            continue
        token = " ".join(text[start:end].split())
        if lines is None:
            lines = Lines(text)
        line, col = lines.pos(start)
        out.append(RULES["STA005"].at(path, line, col,
                           f"the figure {token} is neither a checked statistic nor in a "
                           "sentence with a citation",
                           "quote it as [value]{stat=name} or cite its source in the sentence"))
    return out


def _sentence_index(bounds: list[int], pos: int) -> int:
    lo, hi = 0, len(bounds) - 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if bounds[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
