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

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toulmin import cache as cachefile
from toulmin.definitions.estimate import Estimate

CACHE_FORMAT = 2


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


#: Statistics declared by the scripts being imported (filled by the decorator).
_REGISTRY: dict[str, StatDef] = {}


def statistic(name: str, *, sources: Iterable[str] = (), unit: str = "", digits: int = 1,
              title: str = "") -> Callable[[Callable], Callable]:
    """Declare the decorated function as the statistic ``name`` (dotted, stable)."""

    def register(func: Callable) -> Callable:
        import inspect

        try:
            path = inspect.getsourcefile(func) or ""
            line = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            path, line = "", 1
        doc = inspect.getdoc(func) or ""
        first = _REGISTRY.get(name)
        # Twice in one import of one script (the functions share their module's globals;
        # an entry left by another load of the script does not count): the later would
        # silently win.
        if first is not None and first.func.__globals__ is func.__globals__:
            raise ValueError(f"statistic '{name}' is defined twice in this script (first "
                             f"on line {first.line})")
        _REGISTRY[name] = StatDef(name, func, tuple(sources), unit, int(digits),
                                  title or (doc.splitlines()[0] if doc else name), doc, path,
                                  line)
        return func

    return register


def format_value(value: float, digits: int, unit: str = "") -> str:
    """``value`` rounded half-up to ``digits`` decimals, thousands separated, with unit."""
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-digits) if digits > 0 else Decimal(1)
    d = Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)
    text = f"{d:,}" if abs(d) >= 10000 else f"{d}"
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return f"{text}%" if unit == "%" else text


class _Inputs:
    """The Data Package handed to a statistic; remembers which tables it read."""

    def __init__(self, package):
        self._package = package
        self.read: set[str] = set()

    def table(self, name: str):
        self.read.add(name)
        return self._package.table(name)

    def __getattr__(self, item):
        return getattr(self._package, item)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return "missing"


@dataclass(slots=True)
class Statistics:
    """Every statistic of a site, computed or taken from the cache."""

    results: dict[str, Result] = field(default_factory=dict)
    #: problems loading a script: (path, line, message)
    script_errors: list[tuple[str, int, str]] = field(default_factory=list)
    #: a name a later script defines again: (path, line, message); the first one stands
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    computed: int = 0  # how many were recomputed in this run (0 when all came from cache)

    def __contains__(self, name: str) -> bool:
        return name in self.results

    def add(self, res: Result) -> None:
        """Add ``res``, unless an earlier script defined its name (then it is a duplicate)."""
        add_first(self.results, self.duplicates, res, "statistic")

    def get(self, name: str) -> Result | None:
        return self.results.get(name)


def compute(root: Path, scripts_dir: str = "scripts", datapackage: str = "data/datapackage.yaml",
            cache_dir: str = ".cache/toulmin") -> Statistics:
    """Every statistic of ``scripts/*.py``, recomputing only what changed.

    Each statistic's cached result is kept with the hashes of its script and of the files
    it read. An unchanged script whose statistics' files are unchanged is not even
    imported; when some files changed, only the statistics that read them are recomputed;
    when the script changed, all of its statistics are.
    """
    root = Path(root)
    folder = root / scripts_dir
    out = Statistics()
    if not folder.is_dir():
        return out
    cache_file = root / cache_dir / "stats.marshal"
    cache = _read_cache(cache_file)
    fresh: dict[str, tuple] = {}
    package = None
    digest = file_digests(root)
    for state in script_states(root, folder, cache, digest):
        script, rel, script_hash, kept, stale = state.unpack()
        if state.current:
            fresh[rel] = state.hit
            for entry in state.hit[1].values():
                out.add(_result_from_record(entry[1]))
            continue
        if package is None:
            package = _load_package(root / datapackage)
        results, errors = _run_script(root, script, rel, package, stale)
        entries: dict[str, tuple] = {}
        for res, inputs in results:
            out.computed += 1
            entries[res.name] = ({p: digest(p) for p in sorted(inputs)}, _result_record(res))
        for name, entry in kept.items():
            if name not in entries and stale is not None:
                entries[name] = entry
        for entry in entries.values():
            out.add(_result_from_record(entry[1]))
        out.script_errors.extend(errors)
        fresh[rel] = (script_hash, entries, [list(e) for e in errors])
    if fresh != cache:
        _write_cache(cache_file, fresh)
    return out


def file_digests(root: Path) -> Callable[[str], str]:
    """The hash of a file under ``root`` by its relative path, each file read once."""
    digests: dict[str, str] = {}

    def digest(rel_path: str) -> str:
        if rel_path not in digests:
            digests[rel_path] = _file_digest(root / rel_path)
        return digests[rel_path]

    return digest


@dataclass(slots=True)
class ScriptState:
    """A definitions script against its cache entry (statistics and charts alike).

    The cache entry of a script is ``(script hash, {name: ({file: hash}, record)},
    errors)``; ``kept`` are the definitions whose files are unchanged, ``stale`` the names
    to compute again (None: every definition, the script changed or failed).
    """

    script: Path
    rel: str
    hash: str
    hit: tuple | None
    kept: dict[str, tuple]
    stale: set[str] | None

    @property
    def current(self) -> bool:
        """Nothing to compute: the cache entry stands as it is."""
        return self.stale is not None and not self.stale

    def unpack(self) -> tuple:
        return self.script, self.rel, self.hash, self.kept, self.stale


def script_states(root: Path, folder: Path, cache: dict,
                  digest: Callable[[str], str]) -> list[ScriptState]:
    """Each ``folder/*.py`` (not ``_*.py``) and what of its cache entry still holds."""
    out = []
    for script in sorted(folder.glob("*.py")):
        if script.name.startswith("_"):
            continue
        rel = script.relative_to(root).as_posix()
        script_hash = _file_digest(script)
        hit = cache.get(rel)
        kept: dict[str, tuple] = {}
        stale: set[str] | None = None
        if hit is not None and hit[0] == script_hash and not hit[2]:
            kept = {name: entry for name, entry in hit[1].items()
                    if all(digest(p) == h for p, h in entry[0].items())}
            stale = set(hit[1]) - set(kept)
        out.append(ScriptState(script, rel, script_hash, hit, kept, stale))
    return out


def _load_package(path: Path):
    from toulmin.definitions.datapackage import DataPackage

    try:
        return DataPackage.load(path)
    except Exception:  # reported by the data checks; statistics then fail one by one
        return None


def _run_script(root: Path, script: Path, rel: str, package, only: set[str] | None
                ) -> tuple[list[tuple[Result, set[str]]], list[tuple[str, int, str]]]:
    """Import one script with a fresh registry and compute its statistics (or ``only``).

    Returns each result with the files (relative to ``root``) it read.
    """
    declared, errors = load_definitions(script, rel, _REGISTRY, "toulmin_script_")
    package_file = _relative_to(Path(package.path), root) if package is not None and \
        getattr(package, "path", None) else None
    results: list[tuple[Result, set[str]]] = []
    for name, sd in declared.items():
        if only is not None and name not in only:
            continue
        res = Result(name, sd.sources, sd.unit, sd.digits, sd.title, sd.description, rel,
                     sd.line)
        tracker = _Inputs(package) if package is not None else None
        try:
            if tracker is None:
                raise RuntimeError("the Data Package data/datapackage.yaml could not be read")
            value = sd.func(tracker) if _takes_argument(sd.func) else sd.func()
            res.estimate = _as_estimate(value, sd.unit)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            res.error_line, res.error = _where(exc, script, default=sd.line)
        inputs: set[str] = set()
        if package_file:
            inputs.add(package_file)
        if tracker is not None:
            for table in sorted(tracker.read):
                resource = package.resources.get(table)
                if resource is not None:
                    inputs.add(_relative_to(Path(resource.abs_path), root))
            res.inputs = tuple(sorted(tracker.read))
        results.append((res, inputs))
    return results, errors


def _relative_to(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def add_first(results: dict, duplicates: list, res, kind: str) -> None:
    """Add ``res`` (a statistic's or chart's result) to ``results`` by name; when an earlier
    script defined the name, the first stands and ``duplicates`` gets (path, line, message)
    for this one."""
    first = results.get(res.name)
    if first is None:
        results[res.name] = res
    else:
        duplicates.append((res.path, res.line, f"{kind} '{res.name}' is already defined in "
                                               f"{first.path}, line {first.line}"))


def load_definitions(script: Path, rel: str, registry: dict, prefix: str
                     ) -> tuple[dict, list[tuple[str, int, str]]]:
    """Import ``script`` with ``registry`` emptied and return what it declared in it.

    Shared by statistics and charts. A script that fails to import is the author's error,
    returned as one (path, line, message), never raised.
    """
    import importlib.util

    registry.clear()
    errors: list[tuple[str, int, str]] = []
    module_name = f"{prefix}{script.stem}"
    spec = importlib.util.spec_from_file_location(module_name, script)
    sys.path.insert(0, str(script.parent))
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        line, message = _where(exc, script)
        errors.append((rel, line, f"script failed to load: {message}"))
        registry.clear()
        return {}, errors
    finally:
        sys.path.remove(str(script.parent))
        sys.modules.pop(module_name, None)
    declared = dict(registry)
    registry.clear()
    return declared, errors


def _takes_argument(func: Callable) -> bool:
    import inspect

    try:
        return len(inspect.signature(func).parameters) >= 1
    except (TypeError, ValueError):
        return False


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


def _where(exc: BaseException, script: Path, default: int = 1) -> tuple[int, str]:
    """The line of ``script`` where ``exc`` was raised (deepest frame in it) and a message."""
    import traceback

    line = default
    target = os.path.realpath(script)
    if isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(frame.filename) == target:
            line = frame.lineno or line
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, KeyError):
        text = f"no such column or row {text}"
    message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line, message


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


def _read_cache(path: Path) -> dict:
    found = cachefile.read_versioned(path, CACHE_FORMAT)
    return found if isinstance(found, dict) else {}


def _write_cache(path: Path, data: dict) -> None:
    cachefile.write_versioned(path, CACHE_FORMAT, data)
