"""Live preview: a page's check findings as a banner above its content, charts kept current.

Only ``mkdocs serve`` shows banners (a production build still fails on errors). The
banner is plain HTML with every message escaped, since messages quote the author's text
and fields from the reference base.

A finding about a page's own text goes on that page. A finding at a script or at a chart's
file (a statistic's or chart's script that fails to import, a definition that raises, a
statistic citing an unknown work, a stale chart) goes on every page that uses what it is
about: the pages quoting the statistic, the pages showing the chart, and the statistic's
own generated page. A script that fails to import declares nothing, so the names it would
define are read from its source (``@toulmin.statistic("name"``); where none can be read,
the finding goes on every page quoting a statistic (or showing a chart) the site does not
know.

Under serve a chart whose script or data changed is rendered again and its committed files
rewritten (what ``toulmin charts`` does), so the preview shows the chart the data gives; a
chart that cannot be rendered keeps its old files and its pages carry the banner.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from toulmin.findings import Finding

#: the key of a statistic's generated page in ``by_document``'s result
STAT_PAGE = "statistics/{name}.md"

_DECLARED = {
    kind: re.compile(r"@\s*(?:[A-Za-z_]\w*\s*\.\s*)*" + kind
                     + r"\s*\(\s*(?:name\s*=\s*)?([\"'])([^\"'\n]+)\1")
    for kind in ("statistic", "chart")
}
_ANY = ""  # a name that stands for "any name the site does not know"


def by_document(project, findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by the page they concern: by ``file_key`` for a Markdown document,
    by ``STAT_PAGE`` for a statistic's generated page."""
    from toulmin.project import file_key

    paths = {d.path: file_key(d.abs_path) for d in project.documents}
    out: dict[str, list[Finding]] = {}
    elsewhere = []
    for f in findings:
        real = paths.get(f.path)
        if real is not None:
            out.setdefault(real, []).append(f)
        else:
            elsewhere.append(f)
    if elsewhere:
        _by_use(project, elsewhere, out, paths)
    return out


def _by_use(project, findings: list[Finding], out: dict[str, list[Finding]],
            paths: dict[str, str]) -> None:
    """Add each finding at a script or chart file to the pages using what it is about."""
    about = [(f, _subjects(project, f)) for f in findings]
    about = [(f, s) for f, s in about if s]
    if not about:
        return
    known = {"statistic": _names(project.statistics), "chart": _names(project.charts)}
    for f, subjects in about:
        for kind, name in subjects:
            if kind == "statistic" and name in known["statistic"]:
                out.setdefault(STAT_PAGE.format(name=name), []).append(f)
    for doc in project.documents:
        used = _uses(project, doc)
        if not used:
            continue
        unknown = {(kind, _ANY) for kind, name in used if name not in known[kind]}
        for f, subjects in about:
            if subjects & used or subjects & unknown:
                out.setdefault(paths[doc.path], []).append(f)


def _names(collection) -> set[str]:
    return set(collection.results) if collection is not None else set()


def _subjects(project, f: Finding) -> set[tuple[str, str]]:
    """("statistic" | "chart", name) for each definition ``f`` is about (``_ANY`` for those a
    script that failed to import would define, when its source names none)."""
    charts_dir = posixpath.normpath(project.settings.charts_dir)
    if posixpath.dirname(f.path) == charts_dir and f.path.endswith((".svg", ".vl.json")):
        name = posixpath.basename(f.path)
        return {("chart", name[:-len(".vl.json")] if name.endswith(".vl.json") else name[:-4])}
    out = set()
    for kind, collection in (("statistic", project.statistics), ("chart", project.charts)):
        if collection is None:
            continue
        for res in collection.results.values():
            if res.path == f.path and f.line in (res.line, res.error_line):
                out.add((kind, res.name))
        if any(path == f.path and line == f.line for path, line, _ in collection.script_errors):
            out |= _declared(project.root, f.path, kind) or {(kind, _ANY)}
    return out


def _declared(root: Path, rel: str, kind: str) -> set[tuple[str, str]]:
    """The names a script declares as ``kind``, read from its source (it may not import)."""
    try:
        text = (Path(root) / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {(kind, m.group(2)) for m in _DECLARED[kind].finditer(text)}


def _uses(project, doc) -> set[tuple[str, str]]:
    """The statistics a document quotes and the charts it shows."""
    used = {("statistic", name) for name in doc.stats}
    folder = posixpath.basename(posixpath.normpath(project.settings.charts_dir))
    if folder + "/" in doc.text:
        pattern = _chart_image(folder)
        used |= {("chart", m.group(1)) for m in pattern.finditer(doc.text)}
    return used


def _chart_image(folder: str) -> re.Pattern:
    return re.compile(r"!\[[^\]\n]*\]\(\s*<?[^)\s>]*" + re.escape(folder)
                      + r"/([A-Za-z0-9_.-]+?)\.svg\b")


def rebuild_stale_charts(project, into: str) -> list[str]:
    """Draw again every chart whose committed files differ from a rendering of its script
    and data (under serve, after an edit to either), into the folder ``into`` (relative to
    the root, in the cache): the preview shows them, the author's ``charts_dir`` is never
    written (CHA002 still says to run ``toulmin charts``). Returns the paths written, each
    also reported on stderr; ``into`` keeps only the charts that are stale now."""
    charts = project.charts
    folder = Path(project.root) / into
    if charts is None:
        return []
    from toulmin.definitions.charts import stale

    names = {name for name, _rel, _why in stale(project.root, charts,
                                                  project.settings.charts_dir)}
    written = []
    try:
        for old in folder.glob("*") if folder.is_dir() else ():
            if old.name.removesuffix(".svg").removesuffix(".vl.json") not in names:
                old.unlink()
        for name in sorted(names):
            for rel, text in charts.results[name].files(into).items():
                path = Path(project.root) / rel
                data = text.encode("utf-8")
                if path.is_file() and path.read_bytes() == data:
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written.append(rel)
    except OSError as exc:
        print(f"toulmin: could not draw the stale charts for the preview: {exc}",
              file=sys.stderr, flush=True)
        return written
    for name in sorted(names):
        print(f"toulmin: {project.settings.charts_dir}/{name}.svg is stale: the preview shows "
              "it drawn again from its script and data (run `toulmin charts` and commit it)",
              file=sys.stderr, flush=True)
    return written


def banner(findings: list[Finding]) -> str:
    """The banner listing ``findings`` (errors first), as HTML."""
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    items = []
    for f in sorted(findings, key=lambda f: (not f.is_error, f.path, f.line, f.column, f.code)):
        kind = "error" if f.is_error else "warning"
        hint = f' <span class="toulmin-banner__hint">{html.escape(f.hint)}</span>' \
            if f.hint else ""
        items.append(
            f'<li class="toulmin-banner__{kind}"><code>{html.escape(f.path)}:{f.line}:'
            f'{f.column}</code> <strong>{html.escape(f.code)}</strong> '
            f"{html.escape(f.message)}{hint}</li>"
        )
    return (
        '<div class="toulmin-banner" role="alert">'
        f'<p class="toulmin-banner__title">toulmin check: {" and ".join(parts)} on this page '
        "(shown in preview only; <code>mkdocs build</code> fails on errors)</p>"
        f'<ul>{"".join(items)}</ul></div>\n'
    )
