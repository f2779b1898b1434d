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
vl-convert), and ``write(root, charts)`` puts them on disk, all of them or (on a full disk)
none. The same inputs give
byte-identical files, so CI can rebuild the charts and compare them with the committed ones.

Each chart's rendering is cached in ``.cache/toulmin/charts.marshal`` with the hashes of its
script and of the data files it read (and toulmin's version): an unchanged script whose
charts' files are unchanged is not imported, so a warm ``toulmin check`` imports neither
altair nor vl-convert nor pandas.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toulmin.cache import process_alive
from toulmin.definitions import scripts

CACHE_FORMAT = 2  # 2: script entries keep the definitions refused for their name
CHARTS_DIR = "charts"

#: Vega-Lite config merged under every chart's own: a transparent background and a mid-grey
#: for text and axes, legible on Material's light (default) and dark (slate) schemes alike.
#: The font is Liberation Sans, which vl-convert bundles, so text is measured the same way
#: on every machine and the committed SVG is byte-identical wherever it is rebuilt (a
#: generic "sans-serif" would resolve to whatever fonts the host has installed).
#: Text is at least ``MIN_FONT_PX`` (Vega-Lite's default labels are 10 px): a page shows a
#: chart no smaller than 11/12 of its width (``render.figures``), so its text stays at
#: 11 px or more on a 390 px phone screen, where the figure scrolls sideways instead.
MIN_FONT_PX = 12
STATIC_CONFIG = {
    "background": "transparent",
    "font": "Liberation Sans, Arial, Helvetica, sans-serif",
    "axis": {"labelColor": "#888888", "titleColor": "#888888", "domainColor": "#888888",
             "tickColor": "#888888", "gridColor": "#8888884d",
             "labelFontSize": MIN_FONT_PX, "titleFontSize": 13},
    "legend": {"labelColor": "#888888", "titleColor": "#888888",
               "labelFontSize": MIN_FONT_PX, "titleFontSize": 13},
    "title": {"color": "#888888", "subtitleColor": "#888888", "fontSize": 15,
              "subtitleFontSize": 13},
    "header": {"labelColor": "#888888", "titleColor": "#888888",
               "labelFontSize": MIN_FONT_PX, "titleFontSize": 13},
    "text": {"fontSize": MIN_FONT_PX},
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


class Charts(scripts.Collection):
    """Every chart of a site, rendered or taken from the cache; ``results`` by name.

    A name that a later script defines again is a duplicate (both would write
    charts/NAME.svg): the first one stands.
    """

    __slots__ = ()
    kind = "chart"

    @property
    def rendered(self) -> list[str]:
        """Names of the charts rendered in this run (empty when all came from the cache)."""
        return self.ran


def chart(name: str, *, title: str = "", description: str = ""
          ) -> Callable[[Callable], Callable]:
    """Declare the decorated function as the chart ``name`` (a file name: letters, _, -)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"chart name {name!r} must be letters, digits, '_' or '-'")

    def register(func: Callable) -> Callable:
        path, line, doc = scripts.source_of(func)
        scripts.declare("chart", ChartDef(name, func, title or name,
                                          description or " ".join(doc.split()), path, line))
        return func

    return register


class _ChartKind(scripts.Kind):
    """Charts to the definitions engine: what a definition returns is rendered."""

    name = "chart"
    module_prefix = "toulmin_charts_"
    cache_file = "charts.marshal"
    cache_format = CACHE_FORMAT
    in_name_order = True
    doing = "rendering chart"

    def new_result(self, cd: ChartDef, rel: str) -> ChartResult:
        return ChartResult(cd.name, cd.title, cd.description, rel, cd.line)

    def accept(self, result: ChartResult, cd: ChartDef, made) -> None:
        result.spec, result.svg = render(made, cd.title, cd.description)

    def record(self, r: ChartResult) -> tuple:
        return (r.name, r.title, r.description, r.path, r.line, r.spec, r.svg, r.error,
                r.error_line)

    def from_record(self, record) -> ChartResult:
        return ChartResult(*record)


CHART = _ChartKind()


def compute(root: Path, scripts_dir: str = "scripts",
            datapackage: str = "data/datapackage.yaml", cache_dir: str = ".cache/toulmin",
            *, use_cache: bool = True, progress: Callable[[str], None] | None = None,
            limits: scripts.runner.Limits | None = None) -> Charts:
    """Every chart of ``scripts/*.py``, rendering only those whose inputs changed.

    ``progress`` is called with a line per chart rendered when several are.
    """
    return scripts.compute(CHART, Charts(), root, scripts_dir, datapackage, cache_dir,
                           use_cache=use_cache, progress=progress, limits=limits)


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


class WriteError(Exception):
    """A chart's file could not be written (a full disk, a file size limit, permissions);
    ``write`` changed no committed file and left no temporary one."""

    def __init__(self, rel: str, reason: str) -> None:
        super().__init__(f"cannot write {rel}: {reason}")
        self.rel = rel
        self.reason = reason

    def finding(self):
        """The CLI006 error at the file that could not be written."""
        from toulmin.rules import RULES

        return RULES["CLI006"].at(self.rel, 1, 1, f"cannot write {self.rel}: {self.reason}; "
                                  "no chart was changed",
                                  "free space on the disk (or raise the file size limit) and "
                                  "run the command again")


_TMP = re.compile(r"\..+\.(\d+)\.tmp")


def write(root: Path, charts: Charts, charts_dir: str = CHARTS_DIR) -> list[str]:
    """Write every rendered chart's files that differ from the disk; return their paths.

    All or none: every file is written in full to a temporary file beside it
    (``.NAME.svg.PID.tmp``) first, and only then are they all renamed over the committed
    ones (a rename needs no space). When any cannot be written, every temporary file is
    removed and ``WriteError`` raised: the committed charts are as they were. Temporary
    files a killed run left (its process gone) are removed first.
    """
    _remove_leftovers(Path(root) / charts_dir)
    pending: list[tuple[str, Path, Path]] = []
    rel = ""
    try:
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
                pending.append((rel, tmp, path))
                with open(tmp, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())  # a full disk can be reported only here
        written = []
        for rel, tmp, path in pending:
            os.replace(tmp, path)
            written.append(rel)
    except OSError as exc:
        for _rel, tmp, _path in pending:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        raise WriteError(rel, exc.strerror or type(exc).__name__) from None
    return written


def _remove_leftovers(folder: Path) -> None:
    """Delete ``.NAME.PID.tmp`` files in ``folder`` whose process no longer runs."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for path in entries:
        m = _TMP.fullmatch(path.name)
        if m and not process_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                path.unlink()


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


def undefined(root: Path, charts: Charts | None, charts_dir: str = CHARTS_DIR) -> list[str]:
    """The files ``NAME.svg`` and ``NAME.vl.json`` in ``charts_dir`` (paths from the root)
    whose chart no definition declares (``charts`` None: no scripts, so none does). A chart
    whose script failed to load, or whose definition raised, is declared."""
    folder = Path(root) / charts_dir
    try:
        entries = sorted(p.name for p in folder.iterdir())
    except OSError:
        return []
    out = []
    for entry in entries:
        if entry.startswith("."):
            continue
        for suffix in (".svg", ".vl.json"):
            if entry.endswith(suffix):
                name = entry[:-len(suffix)]
                if charts is None or (name not in charts.results
                                      and charts.unavailable(name) is None):
                    out.append(f"{posixpath.normpath(charts_dir)}/{entry}")
                break
    return out
