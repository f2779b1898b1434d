"""The HTML of the statistics pages: one page per statistic and the index of them all.

A statistic's page gives its value and interval, its definition and formula, the data it
reads with their provenance (from the Data Package), its sources as citations and the posts
that quote it. Everything that came from a CSV, a script or the Data Package is escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from toulmin.definitions.statistics import Result, Statistics, format_value

URL_PREFIX = "/statistics/"


def url_of(name: str) -> str:
    """The site path of a statistic's page."""
    return f"{URL_PREFIX}{name}/"


def page_source(name: str, title: str = "") -> str:
    """The Markdown of a generated statistic page (a directive the extension expands).

    The title comes from a script, so it is text, never markup: in the heading every
    character that Markdown or HTML could read as syntax is a character reference, and the
    front matter's title (which the theme's templates insert as it is) is HTML-escaped."""
    heading = "".join(c for c in " ".join(str(title or name).split()) if c.isprintable())
    front = json.dumps(html.escape(heading), ensure_ascii=False)
    return (f"---\ntitle: {front}\n---\n\n# {_text(heading)}\n\n"
            f"::: statistic {name}\n")


def _text(text: str) -> str:
    """``text`` as Markdown that renders exactly as that text: letters, digits and spaces
    as they are, every other character as a numeric character reference."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


def interval_text(res: Result) -> str:
    est = res.estimate
    if est is None or est.ci is None:
        return ""
    unit = res.unit or est.unit
    low = format_value(est.ci[0], res.digits, unit)
    high = format_value(est.ci[1], res.digits, unit)
    level = round(est.level * 100)
    method = f", {est.ci_method}" if est.ci_method else ""
    return f"{level}% CI {low} to {high}{method}"


def hover_text(res: Result, source_labels: list[str]) -> str:
    """What a reader sees on hovering a quoted statistic."""
    parts = [f"{res.title}: {res.display()} (recomputed from the data)"]
    ci = interval_text(res)
    if ci:
        parts.append(ci)
    if res.estimate is not None and res.estimate.n is not None:
        parts.append(f"n = {res.estimate.n:,}")
    if source_labels:
        parts.append("Source: " + "; ".join(source_labels))
    return ". ".join(parts) + "."


def unavailable_html(name: str, why: str) -> str:
    """The marker where a statistic whose script failed would be, in the check's words
    ("statistic 'x' is unavailable because scripts/x.py:LINE failed: ...")."""
    text = f"statistic '{name}' is unavailable because {why}"
    return f'<strong class="toulmin-missing toulmin-unavailable">{html.escape(text)}</strong>'


def index_html(stats: Statistics, url: Callable[[str], str]) -> str:
    rows = []
    for name in sorted(stats.results):
        res = stats.results[name]
        value = html.escape(res.display()) if res.ok else '<em>not computed</em>'
        rows.append(f'<tr><td><a href="{html.escape(url(name))}"><code>{html.escape(name)}'
                    f"</code></a></td><td>{html.escape(res.title)}</td><td>{value}</td></tr>")
    return ('<table class="toulmin-statistics"><thead><tr><th>Statistic</th><th>What it is'
            "</th><th>Value</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def page_html(res: Result, cites_html: str, package, quoted_in: list[tuple[str, str]]) -> str:
    """A statistic's page body. ``cites_html`` is its sources rendered as a citation."""
    esc = html.escape
    est = res.estimate
    parts = [f'<div class="toulmin-statistic" data-statistic="{esc(res.name)}">']
    if est is not None:
        value = f'<strong class="toulmin-stat-value">{esc(res.display())}</strong>'
        extra = []
        ci = interval_text(res)
        if ci:
            extra.append(esc(ci))
        if est.n is not None:
            extra.append(f"n = {est.n:,}")
        parts.append(f"<p>{value}" + (f" ({'; '.join(extra)})" if extra else "") + "</p>")
    else:
        parts.append(f'<p class="toulmin-missing">Not computed: {esc(res.error)}</p>')
    parts.append("<dl>")
    if res.description:
        parts.append(f"<dt>Definition</dt><dd>{esc(res.description)}</dd>")
    if est is not None and est.formula:
        parts.append(f"<dt>Formula</dt><dd>{esc(est.formula)}</dd>")
    unexact = format_value(est.value, res.digits + 3, res.unit) if est is not None else ""
    if unexact:
        parts.append(f"<dt>Unrounded</dt><dd>{esc(unexact)}</dd>")
    parts.append(f"<dt>Computed by</dt><dd><code>{esc(res.path)}</code>, line {res.line},"
                 f" as <code>{esc(res.name)}</code></dd>")
    if res.inputs:
        parts.append("<dt>Data</dt><dd><ul>")
        for table in res.inputs:
            parts.append(f"<li>{_resource_html(package, table)}</li>")
        parts.append("</ul></dd>")
    if cites_html:
        parts.append(f"<dt>Sources</dt><dd>{cites_html}</dd>")
    if quoted_in:
        links = "; ".join(f'<a href="{esc(u)}">{esc(t)}</a>' for t, u in quoted_in)
        parts.append(f"<dt>Quoted in</dt><dd>{links}</dd>")
    parts.append("</dl></div>")
    return "".join(parts)


def _resource_html(package, table: str) -> str:
    esc = html.escape
    resource = package.resources.get(table) if package is not None else None
    if resource is None:
        return f"<code>{esc(table)}</code>"
    title = getattr(resource, "title", "") or table
    bits = [f"<strong>{esc(title)}</strong> (<code>{esc(str(resource.path))}</code>)"]
    for src in getattr(resource, "sources", []) or []:
        label = esc(str(src.get("title", "")))
        href = str(src.get("path", "") or src.get("url", ""))
        if href.startswith(("http://", "https://")):
            bits.append(f'source: <a href="{esc(href)}">{label or esc(href)}</a>')
        elif label:
            bits.append(f"source: {label}")
    licences = getattr(resource, "licenses", None) or []
    for lic in licences:
        name = esc(str(lic.get("title") or lic.get("name", "")))
        if name:
            bits.append(f"licence: {name}")
    retrieved = getattr(resource, "retrieved", "")
    if retrieved:
        bits.append(f"retrieved: {esc(str(retrieved))}")
    return "; ".join(bits)
