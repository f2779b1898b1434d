"""Checks on charts (codes CHA001-CHA005).

- CHA001 an image in a document points into ``charts/`` at a file that does not exist
  (at the image's line and column);
- CHA002 a chart's committed files (``charts/NAME.svg``, ``charts/NAME.vl.json``) are missing
  or differ from a rebuild from its definition and data (the rebuild comes from the chart
  cache, so only charts whose inputs changed are rendered again);
- CHA003 a chart definition raises, or its script fails to load (at the script's line,
  and at each image showing a chart it leaves unavailable);
- CHA004 a chart's name is defined by two scripts (the first stands);
- CHA005 a file ``charts/NAME.svg`` or ``charts/NAME.vl.json`` whose chart no definition
  declares (at the file): it is neither shown nor published.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from pathlib import Path

from toulmin.checks.interface import SiteContext, check
from toulmin.definitions.charts import CHARTS_DIR, Charts, stale, undefined
from toulmin.findings import Finding
from toulmin.rules import RULES


@functools.cache
def image_pattern(folder: str = CHARTS_DIR) -> re.Pattern:
    """``![alt](target "title")`` whose target mentions ``folder/`` (charts_dir's name; the
    target ends at ``)`` or space)."""
    return re.compile(r"!\[(?P<alt>[^\]\n]*)\]\(\s*<?(?P<src>[^)\s>]*" + re.escape(folder)
                      + r"/[^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")


_SRC_RUN = re.compile(r"[^)\s>]*")
_TAIL = re.compile(r">?(?:\s+\"[^\"\n]*\")?\s*\)")
_LEAD = re.compile(r"\s*<?")


def chart_images(text: str, folder: str = CHARTS_DIR) -> list[tuple[int, str]]:
    """(offset, target) of every match of ``image_pattern(folder)`` in ``text``, found in
    linear time: the pattern itself backtracks (each ``![`` rescans the rest of a long
    target), so each ``](`` is tried once and each target run is scanned once."""
    needle = folder + "/"
    out: list[tuple[int, str]] = []
    prev_end = 0
    run = (-1, -1)          # (first start scanned, end) of the last target run
    tails: dict[int, int] = {}   # run end -> end of the tail match (-1: none)
    last_needle: dict[int, int] = {}
    j = text.find("](")
    while j >= 0:
        if j >= prev_end:
            start = _LEAD.match(text, j + 2).end()
            if run[0] <= start <= run[1]:
                end = run[1]
            else:
                end = _SRC_RUN.match(text, start).end()
                run = (start, end)
            if end not in last_needle:
                last_needle[end] = text.rfind(needle, run[0], end - 1)
            if last_needle[end] >= start:
                if end not in tails:
                    t = _TAIL.match(text, end)
                    tails[end] = t.end() if t else -1
                if tails[end] >= 0:
                    bound = max(text.rfind("]", prev_end, j), text.rfind("\n", prev_end, j),
                                prev_end - 1)
                    k = text.find("![", max(bound, prev_end), j)
                    if k >= 0:
                        out.append((k, text[start:end]))
                        prev_end = tails[end]
        j = text.find("](", j + 1)
    return out


@check("site", families=("CHA",))
def check_charts(ctx: SiteContext) -> list[Finding]:
    """Every chart finding of a project: failing definitions, stale files, broken images.

    A site check, not a cached document check: an image is broken or not by what is in
    the charts folder, which a document's digest does not cover.
    """
    out = []
    charts = ctx.project.charts
    charts_dir = ctx.settings.charts_dir
    if charts is not None:
        out.extend(chart_findings(ctx.root, charts, charts_dir=charts_dir))
    else:
        out.extend(undefined_findings(ctx.root, None, charts_dir))
    folder = posixpath.basename(posixpath.normpath(charts_dir)) + "/"
    for doc in ctx.documents:
        if folder in doc.text:
            out.extend(check_chart_images(ctx.root, doc.path, doc.abs_path, doc.text,
                                          charts_dir=charts_dir, charts=charts))
    return out


def chart_findings(root: Path, charts: Charts, *, check_files: bool = True,
                   charts_dir: str = CHARTS_DIR) -> list[Finding]:
    """CHA003 for each chart that failed; CHA002 for each whose committed files are stale;
    CHA005 for each file of charts_dir that no chart defines (those two with
    ``check_files``)."""
    out = []
    for path, line, message in charts.script_errors:
        if (path, line, message) in charts.limit_errors:
            out.append(RULES["CHA007"].at(path, line, 1, message,
                                          "the charts it defines cannot be rendered"))
            continue
        out.append(RULES["CHA003"].at(path, line, 1, message,
                                      "fix the script; the charts it defines cannot be rendered"))
    for path, line, message in charts.duplicates:
        out.append(RULES["CHA004"].at(path, line, 1, message,
                                      f"rename one of them: each chart is written to {charts_dir}/"
                                      "NAME.svg"))
    for res in charts.results.values():
        if res.error:
            out.append(RULES["CHA003"].at(res.path, res.error_line or res.line, 1,
                                          f"chart '{res.name}' could not be rendered: {res.error}",
                                          "fix the chart definition or its data, then run "
                                          "`toulmin charts`"))
    if check_files:
        for name, rel, why in stale(root, charts, charts_dir):
            res = charts.results[name]
            detail = ("the file is missing" if why == "missing" else
                      f"it differs from a rebuild from {res.path} and its data")
            out.append(RULES["CHA002"].at(rel, 1, 1,
                               f"chart '{name}' is stale: {detail}",
                               f"run `toulmin charts` and commit the files in {charts_dir}/"))
        out.extend(undefined_findings(root, charts, charts_dir))
    return out


def undefined_findings(root: Path, charts: Charts | None, charts_dir: str = CHARTS_DIR
                       ) -> list[Finding]:
    """CHA005 at each file of charts_dir whose chart no definition declares."""
    out = []
    for rel in undefined(root, charts, charts_dir):
        name = posixpath.basename(rel).removesuffix(".svg").removesuffix(".vl.json")
        failed = charts.failed_scripts() if charts is not None else ""
        hint = (f"define the chart '{name}' in scripts/ and run `toulmin charts`, or delete "
                "the file (a picture that is not a chart goes in docs/)")
        if failed:
            hint += f"; these scripts failed to load: {failed}"
        out.append(RULES["CHA005"].at(rel, 1, 1,
                                      f"no chart definition renders {rel}: it is neither "
                                      "shown nor published", hint))
    return out


def check_chart_images(root: Path, rel_path: str, abs_path: Path, text: str, *,
                       charts_dir: str = CHARTS_DIR, charts: Charts | None = None
                       ) -> list[Finding]:
    """CHA001 for each image of ``text`` that points into charts_dir at a missing file;
    CHA003 for each that shows a chart whose definition failed ("unavailable because
    scripts/x.py:LINE failed: ..."), whether or not an old file is still there."""
    from toulmin.scan.masking import Lines, mask_code

    code_masked = mask_code(text)
    out = []
    base = Path(abs_path).parent
    lines = None
    for at, src in chart_images(text, posixpath.basename(posixpath.normpath(charts_dir))):
        if code_masked[at] != text[at]:
            continue  # inside code: an example, not an image
        if "://" in src or src.startswith("data:"):
            continue
        target = src.split("#", 1)[0].split("?", 1)[0]
        if target.startswith("/"):
            resolved = Path(root) / target.lstrip("/")
        else:
            resolved = base / posixpath.normpath(target)
        resolved = Path(os.path.normpath(resolved))
        try:
            inside = resolved.relative_to(Path(root).resolve() / charts_dir)
        except ValueError:
            try:
                inside = resolved.relative_to(Path(root) / charts_dir)
            except ValueError:
                continue
        if lines is None:
            lines = Lines(text)
        line, column = lines.pos(at)
        name = inside.as_posix()
        why = charts.unavailable(posixpath.splitext(name)[0]) if charts is not None else None
        if why is not None:
            out.append(RULES["CHA003"].at(rel_path, line, column,
                               f"chart '{posixpath.splitext(name)[0]}' is unavailable because "
                               f"{why}",
                               "fix the script (the finding at the script says the same), "
                               "then run `toulmin charts`"))
            continue
        if resolved.is_file():
            continue
        known = sorted(p.name for p in (Path(root) / charts_dir).glob("*.svg"))
        hint = ("the charts are: " + ", ".join(known)) if known else \
            "run `toulmin charts` to render the charts defined in scripts/"
        out.append(RULES["CHA001"].at(rel_path, line, column,
                           f"image '{src}' points to {charts_dir}/{name}, which does not "
                           "exist",
                           hint))
    return out
