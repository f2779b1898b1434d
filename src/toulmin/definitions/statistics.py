"""Named statistics: defined in a site's ``scripts/``, recomputed from its data, cached.

A script declares statistics with the decorator::

    import toulmin
    from toulmin.definitions import effects

    @toulmin.statistic("nhstt.recovery_rate_2024_25", sources=["nhsdigital_iapt_annual"],
                       unit="%", digits=1, title="Recovery rate, England, 2024-25")
    def recovery_rate_2024_25(data):
        row = data.table("england_annual").set_index("reporting_year").loc["2024-25"]
        return effects.recovery_rate(row.recovered, row.finished_course, row.not_at_caseness)

The function receives the site's Data Package (``data.table(name)`` gives a resource as a
pandas DataFrame) and returns an ``Estimate`` or a number. The tables a statistic reads are
recorded, so its cached result is reused until its script or one of those files changes:
a warm ``toulmin check`` imports neither the scripts nor pandas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from toulmin.definitions import scripts
from toulmin.definitions.estimate import Estimate

CACHE_FORMAT = 3  # 3: script entries keep the definitions refused for their name

#: A statistic's name: dot-separated parts of letters, digits, '_' and '-' (each part a
#: chart name), starting with a letter or '_' as a post's ``{stat=...}`` does. The name is
#: a page's path (statistics/NAME/): no '/', no '..', no markup, no line breaks.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")


@dataclass(frozen=True, slots=True)
class StatDef:
    """A statistic as declared: name, function, the works it rests on, unit, precision."""

    name: str
    func: Callable
    sources: tuple[str, ...] = ()
    unit: str = ""
    digits: int = 1
    title: str = ""
    description: str = ""
    path: str = ""
    line: int = 1


@dataclass(slots=True)
class Result:
    """A computed statistic (``estimate``) or why it could not be computed (``error``)."""

    name: str
    sources: tuple[str, ...]
    unit: str
    digits: int
    title: str
    description: str
    path: str
    line: int
    estimate: Estimate | None = None
    error: str = ""
    error_line: int = 0
    inputs: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.estimate is not None

    def display(self) -> str:
        """The value at the statistic's own precision, with its unit ("50.5%")."""
        return format_value(self.estimate.value, self.digits, self.unit) if self.estimate else ""


def statistic(name: str, *, sources: Iterable[str] = (), unit: str = "", digits: int = 1,
              title: str = "") -> Callable[[Callable], Callable]:
    """Declare the decorated function as the statistic ``name`` (dotted, stable: see
    ``NAME``; a statistic with another name is reported, not defined)."""

    def register(func: Callable) -> Callable:
        path, line, doc = scripts.source_of(func)
        scripts.declare("statistic", StatDef(name, func, tuple(sources), unit, int(digits),
                                             title or (doc.splitlines()[0] if doc else name),
                                             doc, path, line))
        return func

    return register


def name_problem(name) -> str | None:
    """Why ``name`` cannot name a statistic (None when it can)."""
    if isinstance(name, str) and NAME.fullmatch(name):
        return None
    return (f"statistic name {name!r} is not a name: use letters, digits, '_' and '-' in "
            "parts separated by single dots (it becomes the page statistics/NAME/)")


def format_value(value: float, digits: int, unit: str = "") -> str:
    """``value`` rounded half-up to ``digits`` decimals, thousands separated, with unit."""
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-digits) if digits > 0 else Decimal(1)
    d = Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)
    text = f"{d:,}" if abs(d) >= 10000 else f"{d}"
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return f"{text}%" if unit == "%" else text


class Statistics(scripts.Collection):
    """Every statistic of a site, computed or taken from the cache; ``results`` by name."""

    __slots__ = ()
    kind = "statistic"

    @property
    def computed(self) -> int:
        """How many were recomputed in this run (0 when all came from the cache)."""
        return len(self.ran)


class _StatisticKind(scripts.Kind):
    """Statistics to the definitions engine: a value becomes an ``Estimate``."""

    name = "statistic"
    module_prefix = "toulmin_script_"
    cache_file = "stats.marshal"
    cache_format = CACHE_FORMAT

    def name_problem(self, name: str) -> str | None:
        return name_problem(name)

    def new_result(self, sd: StatDef, rel: str) -> Result:
        return Result(sd.name, sd.sources, sd.unit, sd.digits, sd.title, sd.description, rel,
                      sd.line)

    def accept(self, result: Result, sd: StatDef, value) -> None:
        result.estimate = _as_estimate(value, sd.unit)

    def tables_read(self, result: Result, tables: tuple[str, ...]) -> None:
        result.inputs = tables

    def record(self, result: Result) -> tuple:
        return _result_record(result)

    def from_record(self, record) -> Result:
        return _result_from_record(record)


STATISTIC = _StatisticKind()


def compute(root: Path, scripts_dir: str = "scripts", datapackage: str = "data/datapackage.yaml",
            cache_dir: str = ".cache/toulmin", *, limits: scripts.runner.Limits | None = None
            ) -> Statistics:
    """Every statistic of ``scripts/*.py``, recomputing only what changed.

    Each statistic's cached result is kept with the hashes of its script and of the files
    it read. An unchanged script whose statistics' files are unchanged is not even
    imported; when some files changed, only the statistics that read them are recomputed;
    when the script changed, all of its statistics are. The scripts run in a child process
    within ``limits`` (time, memory).
    """
    return scripts.compute(STATISTIC, Statistics(), root, scripts_dir, datapackage, cache_dir,
                           limits=limits)


def _as_estimate(value, unit: str) -> Estimate:
    if isinstance(value, Estimate):
        est = value
    else:
        try:
            est = Estimate(float(value))
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"a statistic must return an Estimate or a number, not {type(value).__name__}"
            ) from exc
    if est.value != est.value:  # NaN
        raise ValueError("the statistic is not a number (NaN): a cell is empty or suppressed")
    if unit and not est.unit:
        est = est.with_(unit=unit)
    return est


def _result_record(r: Result) -> tuple:
    est = None
    if r.estimate is not None:
        e = r.estimate
        est = (float(e.value), None if e.ci is None else (float(e.ci[0]), float(e.ci[1])),
               None if e.n is None else int(e.n), e.formula, e.unit, e.ci_method,
               float(e.level))
    return (r.name, r.sources, r.unit, r.digits, r.title, r.description, r.path, r.line, est,
            r.error, r.error_line, r.inputs)


def _result_from_record(rec) -> Result:
    (name, sources, unit, digits, title, description, path, line, est, error, error_line,
     inputs) = rec
    estimate = None
    if est is not None:
        value, ci, n, formula, eunit, method, level = est
        estimate = Estimate(value, tuple(ci) if ci else None, n, formula, eunit, method, level)
    return Result(name, tuple(sources), unit, digits, title, description, path, line,
                  estimate, error, error_line, tuple(inputs))
