"""Named charts: defined with Altair in a site's ``scripts/``, rendered to Vega-Lite and SVG.

A script declares a chart with the decorator::

    import altair as alt
    import toulmin

    @toulmin.chart("recovery_by_denominator", title="Recovery by denominator",
                   description="Recovered referrals as a share of three denominators.")
    def recovery_by_denominator(data):
        table = data.table("england_annual")
        return alt.Chart(table).mark_line().encode(x="reporting_year", y="recovered")

The function receives the site's Data Package, exactly as a statistic does, and returns an
Altair chart (or a Vega-Lite dict). ``compute(root)`` renders every chart into the text of
``charts/NAME.vl.json`` (keys sorted, two-space indent) and ``charts/NAME.svg`` (with
vl-convert), and ``write(root, charts)`` puts them on disk. The same inputs give
byte-identical files, so CI can rebuild the charts and compare them with the committed ones.

Each chart's rendering is cached in ``.cache/toulmin/charts.marshal`` with the hashes of its
script and of the data files it read (and toulmin's version): an unchanged script whose
charts' files are unchanged is not imported, so a warm ``toulmin check`` imports neither
altair nor vl-convert nor pandas.
"""

from __future__ import annotations

import html
import inspect
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toulmin import cache as cachefile
from toulmin.definitions.statistics import (
    _Inputs,
    _load_package,
    _relative_to,
    _takes_argument,
    _where,
    add_first,
    file_digests,
    load_definitions,
    script_states,
)

CACHE_FORMAT = 1
CHARTS_DIR = "charts"

#: Vega-Lite config merged under every chart's own: a transparent background and a mid-grey
#: for text and axes, legible on Material's light (default) and dark (slate) schemes alike.
#: The font is Liberation Sans, which vl-convert bundles, so text is measured the same way
#: on every machine and the committed SVG is byte-identical wherever it is rebuilt (a
#: generic "sans-serif" would resolve to whatever fonts the host has installed).
STATIC_CONFIG = {
    "background": "transparent",
    "font": "Liberation Sans, Arial, Helvetica, sans-serif",
    "axis": {"labelColor": "#888888", "titleColor": "#888888", "domainColor": "#888888",
             "tickColor": "#888888", "gridColor": "#8888884d"},
    "legend": {"labelColor": "#888888", "titleColor": "#888888"},
    "title": {"color": "#888888", "subtitleColor": "#888888"},
    "header": {"labelColor": "#888888", "titleColor": "#888888"},
    "view": {"stroke": None},
}


@dataclass(frozen=True, slots=True)
class ChartDef:
    """A chart as declared: name, function, title and text description, where."""

    name: str
    func: Callable
    title: str = ""
    description: str = ""
    path: str = ""
    line: int = 1


@dataclass(slots=True)
class ChartResult:
    """A rendered chart (``spec`` and ``svg`` text) or why it failed (``error``)."""

    name: str
    title: str
    description: str
    path: str
    line: int
    spec: str = ""
    svg: str = ""
    error: str = ""
    error_line: int = 0

    @property
    def ok(self) -> bool:
        return not self.error

    def files(self, charts_dir: str = CHARTS_DIR) -> dict[str, str]:
        """Site-relative path -> content of the two files this chart is committed as."""
        return {f"{charts_dir}/{self.name}.svg": self.svg,
                f"{charts_dir}/{self.name}.vl.json": self.spec}


@dataclass(slots=True)
class Charts:
    """Every chart of a site, rendered or taken from the cache."""

    results: dict[str, ChartResult] = field(default_factory=dict)
    #: problems loading a script: (path, line, message)
    script_errors: list[tuple[str, int, str]] = field(default_factory=list)
    #: names of the charts rendered in this run (empty when all came from the cache)
    rendered: list[str] = field(default_factory=list)
    #: a name a later script defines again: (path, line, message); the first one stands
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, res: ChartResult) -> None:
        """Add ``res``, unless an earlier script defined its name (both would write
        charts/NAME.svg): then it is a duplicate."""
        add_first(self.results, self.duplicates, res, "chart")


#: Charts declared by the script being imported (filled by the decorator).
_REGISTRY: dict[str, ChartDef] = {}


def chart(name: str, *, title: str = "", description: str = ""
          ) -> Callable[[Callable], Callable]:
    """Declare the decorated function as the chart ``name`` (a file name: letters, _, -)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"chart name {name!r} must be letters, digits, '_' or '-'")

    def register(func: Callable) -> Callable:
        try:
            path = inspect.getsourcefile(func) or ""
            line = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            path, line = "", 1
        doc = inspect.getdoc(func) or ""
        first = _REGISTRY.get(name)
        if first is not None and first.func.__globals__ is func.__globals__:
            raise ValueError(f"chart '{name}' is defined twice in this script (first on "
                             f"line {first.line})")
        _REGISTRY[name] = ChartDef(name, func, title or name,
                                   description or " ".join(doc.split()), path, line)
        return func

    return register


def compute(root: Path, scripts_dir: str = "scripts",
            datapackage: str = "data/datapackage.yaml", cache_dir: str = ".cache/toulmin",
            *, use_cache: bool = True, progress: Callable[[str], None] | None = None
            ) -> Charts:
    """Every chart of ``scripts/*.py``, rendering only those whose inputs changed.

    ``progress`` is called with a line per chart rendered when several are.
    """
    root = Path(root)
    folder = root / scripts_dir
    out = Charts()
    if not folder.is_dir():
        return out
    cache_file = root / cache_dir / "charts.marshal"
    cache = _read_cache(cache_file) if use_cache else {}
    fresh: dict[str, tuple] = {}
    package = None
    digest = file_digests(root)
    jobs: list[tuple[Path, str, str, dict, set[str] | None]] = []
    for state in script_states(root, folder, cache, digest):
        if state.current:
            fresh[state.rel] = state.hit
            for entry in state.hit[1].values():
                out.add(ChartResult(*entry[1]))
            continue
        jobs.append(state.unpack())
    for script, rel, script_hash, kept, stale in jobs:
        if package is None:
            package = _load_package(root / datapackage)
        results, errors = _run_script(root, script, rel, package, stale, progress,
                                      len(jobs) > 1 or stale is None or len(stale) > 1)
        entries: dict[str, tuple] = {}
        for res, inputs in results:
            out.rendered.append(res.name)
            entries[res.name] = ({p: digest(p) for p in sorted(inputs)}, _record(res))
        for name, entry in kept.items():
            entries.setdefault(name, entry)
        for name in sorted(entries):
            res = ChartResult(*entries[name][1])
            out.add(res)
        out.script_errors.extend(errors)
        fresh[rel] = (script_hash, entries, [list(e) for e in errors])
    out.results = dict(sorted(out.results.items()))
    if fresh != cache:
        _write_cache(cache_file, fresh)
    return out


def _run_script(root: Path, script: Path, rel: str, package, only: set[str] | None,
                progress, several: bool
                ) -> tuple[list[tuple[ChartResult, set[str]]], list[tuple[str, int, str]]]:
    """Import one script with a fresh registry and render its charts (or ``only``)."""
    declared, errors = load_definitions(script, rel, _REGISTRY, "toulmin_charts_")
    if errors:
        return [], errors
    declared = {n: d for n, d in sorted(declared.items()) if only is None or n in only}
    package_file = _relative_to(Path(package.path), root) if package is not None and \
        getattr(package, "path", None) else None
    results: list[tuple[ChartResult, set[str]]] = []
    for i, cd in enumerate(declared.values(), 1):
        if progress is not None and (several or len(declared) > 1):
            progress(f"[{i}/{len(declared)}] {rel}: rendering chart '{cd.name}'")
        res = ChartResult(cd.name, cd.title, cd.description, rel, cd.line)
        tracker = _Inputs(package) if package is not None else None
        try:
            if tracker is None:
                raise RuntimeError("the Data Package data/datapackage.yaml could not be read")
            made = cd.func(tracker) if _takes_argument(cd.func) else cd.func()
            res.spec, res.svg = render(made, cd.title, cd.description)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            res.error_line, res.error = _where(exc, script, default=cd.line)
            res.spec = res.svg = ""
        inputs: set[str] = set()
        if package_file:
            inputs.add(package_file)
        if tracker is not None:
            for table in sorted(tracker.read):
                resource = package.resources.get(table)
                if resource is not None:
                    inputs.add(_relative_to(Path(resource.abs_path), root))
        results.append((res, inputs))
    return results, errors


def render(made, title: str = "", description: str = "") -> tuple[str, str]:
    """The Vega-Lite JSON text and the SVG text of an Altair chart (or a Vega-Lite dict).

    The JSON has sorted keys, a two-space indent and a final newline; the SVG carries the
    chart's title as its ``<title>``. Neither holds a timestamp, so both are reproducible.
    """
    if hasattr(made, "to_dict"):
        spec = made.to_dict()
    elif isinstance(made, dict):
        spec = json.loads(json.dumps(made))
    else:
        raise TypeError(f"a chart must return an Altair chart or a Vega-Lite dict, not "
                        f"{type(made).__name__}")
    if description and "description" not in spec:
        spec["description"] = description
    spec["config"] = _merge(STATIC_CONFIG, spec.get("config") or {})
    text = json.dumps(spec, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    import vl_convert

    kwargs = {}
    version = _vl_version(spec.get("$schema", ""))
    if version:
        kwargs["vl_version"] = version
    svg = vl_convert.vegalite_to_svg(json.loads(text), **kwargs)
    svg = _with_title(svg, title or description)
    return text, svg if svg.endswith("\n") else svg + "\n"


def _vl_version(schema: str) -> str:
    m = re.search(r"/v(\d+)\.(\d+)", schema)
    if not m:
        return ""
    import vl_convert

    wanted = f"{m.group(1)}.{m.group(2)}"
    supported = vl_convert.get_vegalite_versions()
    if wanted in supported:
        return wanted
    same_major = [v for v in supported if v.split(".")[0] == m.group(1)]
    return same_major[-1] if same_major else ""


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def _with_title(svg: str, title: str) -> str:
    """``svg`` with ``<title>`` (the accessible name) as the root element's first child."""
    if not title:
        return svg
    m = _SVG_OPEN.search(svg)
    if m is None:
        return svg
    return f"{svg[:m.end()]}<title>{html.escape(title, quote=False)}</title>{svg[m.end():]}"


def write(root: Path, charts: Charts, charts_dir: str = CHARTS_DIR) -> list[str]:
    """Write every rendered chart's files that differ from the disk; return their paths."""
    written = []
    for res in charts.results.values():
        if not res.ok:
            continue
        for rel, text in res.files(charts_dir).items():
            path = Path(root) / rel
            data = text.encode("utf-8")
            try:
                if path.read_bytes() == data:
                    continue
            except OSError:
                pass
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            written.append(rel)
    return written


def stale(root: Path, charts: Charts, charts_dir: str = CHARTS_DIR
          ) -> list[tuple[str, str, str]]:
    """(chart name, first differing file, "missing" or "differs") for each out-of-date chart."""
    out = []
    for res in charts.results.values():
        if not res.ok:
            continue
        files = sorted(res.files(charts_dir).items(), key=lambda kv: not kv[0].endswith(".svg"))
        for rel, text in files:
            try:
                on_disk = (Path(root) / rel).read_bytes()
            except OSError:
                out.append((res.name, rel, "missing"))
                break
            if on_disk != text.encode("utf-8"):
                out.append((res.name, rel, "differs"))
                break
    return out


def _record(r: ChartResult) -> tuple:
    return (r.name, r.title, r.description, r.path, r.line, r.spec, r.svg, r.error,
            r.error_line)


def _read_cache(path: Path) -> dict:
    found = cachefile.read_versioned(path, CACHE_FORMAT)
    return found if isinstance(found, dict) else {}


def _write_cache(path: Path, data: dict) -> None:
    cachefile.write_versioned(path, CACHE_FORMAT, data)


def for_project(project) -> Charts | None:
    """The charts of a ``Project`` (computed once per project), or None without scripts/."""
    found = getattr(project, "_toulmin_charts", None)
    if found is None and (project.root / project.settings.scripts_dir).is_dir():
        found = compute(project.root, project.settings.scripts_dir,
                        project.settings.datapackage, project.settings.cache_dir)
        project._toulmin_charts = found
    return found
