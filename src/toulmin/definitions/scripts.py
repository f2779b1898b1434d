"""The engine for a site's definitions scripts, shared by statistics and charts.

A definitions script is a ``scripts/*.py`` file (not ``_*.py``) whose functions a decorator
declares as definitions of one kind (``@toulmin.statistic``, ``@toulmin.chart``). This
module owns what the kinds have in common:

- declaring: :func:`declare` records a definition by kind while a script is imported;
  :func:`load_definitions` imports one script and returns what it declared;
- planning: :func:`script_states` compares each script and the data files its definitions
  read with their cache entry (what is still current, what to compute again);
- running: the scripts to run, run in one child process (``runner``) with a time and a
  memory limit and their output captured; there each definition is called with the site's
  Data Package (``DataInputs`` remembers the tables it read), and an exception becomes the
  author's error at the script's line, never a traceback; a script that times out or ends
  its process is an error at the script too;
- caching: one file per kind under ``.cache/toulmin`` holds, per script, the script's
  hash and, per definition, the hashes of the files it read and its result's record; the
  file is written with the toulmin version, so an upgrade recomputes everything.

What is specific to a kind (a statistic's value, precision and interval; a chart's
Vega-Lite and SVG) is a :class:`Kind` in ``statistics`` and ``charts``. Nothing here
imports pandas, altair or scipy: a warm run imports no script at all.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from toulmin import cache as cachefile
from toulmin.definitions import runner
from toulmin.paths import escapes

#: How the message of a script that failed to load starts.
LOAD_FAILED = "script failed to load: "

#: Definitions declared by the script being imported, by kind ("statistic", "chart").
_DECLARED: dict[str, dict[str, Any]] = {}


def source_of(func: Callable) -> tuple[str, int, str]:
    """(file, first line, docstring) of a decorated function, for its definition."""
    import inspect

    try:
        path = inspect.getsourcefile(func) or ""
        line = inspect.getsourcelines(func)[1]
    except (OSError, TypeError):
        path, line = "", 1
    return path, line, inspect.getdoc(func) or ""


def declare(kind: str, definition) -> None:
    """Record ``definition`` (with ``name``, ``func`` and ``line``) as a ``kind``.

    A name declared twice in one import of one script (the functions share their module's
    globals; an entry left by another load of the script does not count) is an error: the
    later would silently win.
    """
    declared = _DECLARED.setdefault(kind, {})
    first = declared.get(definition.name)
    if first is not None and first.func.__globals__ is definition.func.__globals__:
        raise ValueError(f"{kind} '{definition.name}' is defined twice in this script (first "
                         f"on line {first.line})")
    declared[definition.name] = definition


def load_definitions(script: Path, rel: str, kind: str, prefix: str
                     ) -> tuple[dict, list[tuple[str, int, str]]]:
    """Import ``script`` and return the definitions of ``kind`` it declared, with errors.

    A script that fails to import is the author's error, returned as one
    (path, line, message), never raised.
    """
    import importlib.util

    _DECLARED.clear()
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
        line, message = where(exc, script)
        errors.append((rel, line, f"{LOAD_FAILED}{message}"))
        _DECLARED.clear()
        return {}, errors
    finally:
        sys.path.remove(str(script.parent))
        sys.modules.pop(module_name, None)
    declared = dict(_DECLARED.get(kind, {}))
    _DECLARED.clear()
    return declared, errors


def declared_names(script: Path, kind: str) -> list[str]:
    """The names ``script`` declares as ``kind`` (``@toulmin.statistic("name", ...)``),
    read from its text without running it: what a script that fails to load would have
    defined."""
    try:
        text = script.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    pattern = re.compile(r"@[ \t]*(?:[\w.]+\.)?" + re.escape(kind)
                         + r"[ \t]*\(\s*(?:name\s*=\s*)?[rRuU]?(?P<q>[\"'])(?P<name>[^\"'\n]+)"
                         r"(?P=q)")
    return list(dict.fromkeys(m.group("name") for m in pattern.finditer(text)))


def where(exc: BaseException, script: Path, default: int = 1) -> tuple[int, str]:
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
    if isinstance(exc, MemoryError):
        text = "the script ran out of memory (the script_memory_mb option)"
    message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line, message


class DataInputs:
    """The Data Package handed to a definition; remembers which tables it read."""

    def __init__(self, package):
        self._package = package
        self.read: set[str] = set()

    def table(self, name: str):
        self.read.add(name)
        return self._package.table(name)

    def __getattr__(self, item):
        return getattr(self._package, item)


class Kind:
    """What one kind of definition adds to the engine (subclassed by statistics, charts).

    ``new_result`` makes the result of a definition before it runs; ``accept`` fills it
    from what the definition returned (raising when that is unusable: the error is then
    the author's); ``record`` and ``from_record`` turn a result into marshal-able data
    and back.
    """

    #: the word in messages ("statistic", "chart") and the key of its declarations
    name: ClassVar[str] = ""
    #: the prefix of the module name a script is imported under
    module_prefix: ClassVar[str] = ""
    #: the cache file under the cache folder, and its format
    cache_file: ClassVar[str] = ""
    cache_format: ClassVar[int] = 1
    #: run and list the definitions by name (else in the order the scripts declare them)
    in_name_order: ClassVar[bool] = False
    #: what a progress line says is being done ("rendering chart")
    doing: ClassVar[str] = "computing"

    def name_problem(self, name: str) -> str | None:
        """Why ``name`` cannot name a definition of this kind (None: it can). A definition
        with such a name is neither run nor defined: it is reported in ``invalid``."""
        return None

    def new_result(self, definition, rel: str):
        raise NotImplementedError

    def accept(self, result, definition, value) -> None:
        raise NotImplementedError

    def tables_read(self, result, tables: tuple[str, ...]) -> None:
        """Note on ``result`` the tables its definition read (nothing, unless overridden)."""

    def record(self, result) -> tuple:
        raise NotImplementedError

    def from_record(self, record):
        raise NotImplementedError


@dataclass(slots=True)
class Collection:
    """Every definition of one kind on a site, computed or taken from the cache."""

    kind: ClassVar[str] = "definition"

    results: dict[str, Any] = field(default_factory=dict)
    #: problems loading a script: (path, line, message)
    script_errors: list[tuple[str, int, str]] = field(default_factory=list)
    #: a name a later script defines again: (path, line, message); the first one stands
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    #: names of the definitions run in this run (empty when all came from the cache)
    ran: list[str] = field(default_factory=list)
    #: a name declared by a script that failed to load: (path, line, message) of the failure
    failed: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    #: a definition whose name the kind refuses (``Kind.name_problem``): (path, line, message)
    invalid: list[tuple[str, int, str]] = field(default_factory=list)
    #: those of ``script_errors`` that are a script's exceeding a limit (time, memory, its
    #: process ended): reported as STA009 / CHA007 rather than STA003 / CHA003
    limit_errors: list[tuple[str, int, str]] = field(default_factory=list)

    def __contains__(self, name: str) -> bool:
        return name in self.results

    def get(self, name: str):
        return self.results.get(name)

    def unavailable(self, name: str) -> str | None:
        """Why ``name`` has no value: "scripts/x.py:LINE failed: <error>" when its script
        failed to load or its function raised; None when it has one or is unknown."""
        res = self.results.get(name)
        if res is not None:
            return f"{res.path}:{res.error_line or res.line} failed: {res.error}" \
                if res.error else None
        failure = self.failed.get(name)
        if failure is None:
            return None
        path, line, message = failure
        return f"{path}:{line} failed: {message.removeprefix(LOAD_FAILED)}"

    def failed_scripts(self) -> str:
        """The scripts that failed to load ("scripts/x.py:3 (NameError: ...)"), for a
        name no script could be seen to declare."""
        return ", ".join(f"{p}:{line} ({m.removeprefix(LOAD_FAILED)})"
                         for p, line, m in self.script_errors)

    def add(self, res) -> None:
        """Add ``res`` by name; when an earlier script defined the name, the first stands
        and ``duplicates`` gets (path, line, message) for this one."""
        first = self.results.get(res.name)
        if first is None:
            self.results[res.name] = res
        else:
            self.duplicates.append((res.path, res.line, f"{self.kind} '{res.name}' is already "
                                                        f"defined in {first.path}, line "
                                                        f"{first.line}"))


def compute(kind: Kind, out: Collection, root: Path, scripts_dir: str, datapackage: str,
            cache_dir: str, *, use_cache: bool = True,
            progress: Callable[[str], None] | None = None,
            limits: runner.Limits | None = None) -> Collection:
    """Fill ``out`` with every ``kind`` definition of ``scripts/*.py``, from the cache where
    it holds.

    Each definition's cached result is kept with the hashes of its script and of the files
    it read. An unchanged script whose definitions' files are unchanged is not even
    imported; when some files changed, only the definitions that read them run again; when
    the script changed, all of its definitions do. The scripts that must run, run in one
    child process (``runner``) within ``limits``; a script that exceeds them gets an error
    in ``out.limit_errors`` as well as ``out.script_errors``. ``progress`` is called with a
    line per definition run when several are.
    """
    root = Path(root)
    folder = root / scripts_dir
    if not folder.is_dir():
        return out
    cache_file = root / cache_dir / kind.cache_file
    cache = _read_cache(cache_file, kind.cache_format) if use_cache else {}
    fresh: dict[str, tuple] = {}
    digest = file_digests(root)
    states = script_states(root, folder, cache, digest)
    stale = [s for s in states if not s.current]
    jobs = [runner.Job(str(s.script), s.rel, None if s.stale is None else sorted(s.stale),
                       len(stale) > 1 or s.stale is None or len(s.stale) > 1) for s in stale]
    outcomes = dict(zip((s.rel for s in stale),
                        runner.run(kind.name, root, datapackage, jobs,
                                   limits or runner.Limits(), progress) if jobs else [],
                        strict=True))
    for state in states:
        if state.current:
            fresh[state.rel] = state.hit
            for entry in state.hit[1].values():
                out.add(kind.from_record(entry[1]))
            out.invalid.extend(tuple(r) for r in state.hit[3])
            continue
        runs, errors, limited, invalid = outcomes[state.rel]
        entries: dict[str, tuple] = {}
        for record, inputs in runs:
            res = kind.from_record(record)
            out.ran.append(res.name)
            entries[res.name] = ({p: digest(p) for p in inputs}, record)
        for name, entry in state.kept.items():
            entries.setdefault(name, entry)
        for name in sorted(entries) if kind.in_name_order else entries:
            out.add(kind.from_record(entries[name][1]))
        out.script_errors.extend(errors)
        out.invalid.extend(invalid)
        if limited:
            out.limit_errors.extend(errors)
        if errors:
            for name in declared_names(state.script, kind.name):
                if kind.name_problem(name) is None:
                    out.failed.setdefault(name, errors[0])
        fresh[state.rel] = (state.hash, entries, [list(e) for e in errors],
                            [list(r) for r in invalid])
    if kind.in_name_order:
        out.results = dict(sorted(out.results.items()))
    if fresh != cache:
        _write_cache(cache_file, kind.cache_format, fresh)
    return out


def run_script(kind: Kind, root: Path, state: ScriptState, package,
               progress: Callable[[str], None] | None,
               started: Callable[[str, int], None] | None = None
               ) -> tuple[list[tuple[Any, set[str]]], list[tuple[str, int, str]],
                          list[tuple[str, int, str]]]:
    """Import one script and run its definitions (those in ``state.stale``, or all), in
    this process (the runner's child calls it; ``started`` is told each definition's name
    and line before it runs).

    Returns each result with the files (relative to ``root``) it read, the script's load
    errors, and the definitions whose name the kind refuses (not run).
    """
    declared, errors = load_definitions(state.script, state.rel, kind.name, kind.module_prefix)
    invalid = []
    for d in list(declared.values()):
        problem = kind.name_problem(d.name)
        if problem is not None:
            invalid.append((state.rel, d.line, problem))
            del declared[d.name]
    only = state.stale
    chosen = [d for d in declared.values() if only is None or d.name in only]
    if kind.in_name_order:
        chosen.sort(key=lambda d: d.name)
    package_file = _relative_to(Path(package.path), root) if package is not None and \
        getattr(package, "path", None) else None
    runs: list[tuple[Any, set[str]]] = []
    for i, definition in enumerate(chosen, 1):
        if progress is not None:
            progress(f"[{i}/{len(chosen)}] {state.rel}: {kind.doing} '{definition.name}'")
        if started is not None:
            started(definition.name, definition.line)
        res = kind.new_result(definition, state.rel)
        tracker = DataInputs(package) if package is not None else None
        try:
            if tracker is None:
                raise RuntimeError("the Data Package data/datapackage.yaml could not be read")
            func = definition.func
            value = func(tracker) if _takes_argument(func) else func()
            kind.accept(res, definition, value)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            res.error_line, res.error = where(exc, state.script, default=definition.line)
        inputs: set[str] = set()
        if package_file:
            inputs.add(package_file)
        if tracker is not None:
            for table in sorted(tracker.read):
                resource = package.resources.get(table)
                if resource is not None:
                    inputs.add(_relative_to(Path(resource.abs_path), root))
            kind.tables_read(res, tuple(sorted(tracker.read)))
        runs.append((res, inputs))
    return runs, errors, invalid


# -- planning: what of each script's cache entry still holds ----------------------------------


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
    """A definitions script against its cache entry.

    The cache entry of a script is ``(script hash, {name: ({file: hash}, record)},
    errors, definitions refused for their name)``; ``kept`` are the definitions whose files
    are unchanged, ``stale`` the names to compute again (None: every definition, the
    script changed or failed).
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


def script_states(root: Path, folder: Path, cache: dict,
                  digest: Callable[[str], str]) -> list[ScriptState]:
    """Each ``folder/*.py`` (not ``_*.py``) and what of its cache entry still holds."""
    out = []
    for script in sorted(folder.glob("*.py")):
        if script.name.startswith("_") or escapes(root, script):
            continue  # a link out of the project is never run (SEC001)
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


def load_package(path: Path):
    """The site's Data Package, or None when it cannot be read (the data checks report
    why; every definition then fails on its own)."""
    from toulmin.definitions.datapackage import DataPackage

    try:
        return DataPackage.load(path)
    except Exception:
        return None


def _file_digest(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "missing"


def _relative_to(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _takes_argument(func: Callable) -> bool:
    import inspect

    try:
        return len(inspect.signature(func).parameters) >= 1
    except (TypeError, ValueError):
        return False


def _read_cache(path: Path, fmt: int) -> dict:
    found = cachefile.read_versioned(path, fmt)
    if not isinstance(found, dict):
        return {}
    # an entry of another shape (an older format) is a miss
    return {rel: hit for rel, hit in found.items()
            if isinstance(hit, tuple | list) and len(hit) == 4 and isinstance(hit[1], dict)}


def _write_cache(path: Path, fmt: int, data: dict) -> None:
    cachefile.write_versioned(path, fmt, data)
