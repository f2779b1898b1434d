"""Checks on charts (codes CHA001-CHA004).

- CHA001 an image in a document points into ``charts/`` at a file that does not exist
  (at the image's line and column);
- CHA002 a chart's committed files (``charts/NAME.svg``, ``charts/NAME.vl.json``) are missing
  or differ from a rebuild from its definition and data (the rebuild comes from the chart
  cache, so only charts whose inputs changed are rendered again);
- CHA003 a chart definition raises, or its script fails to load (at the script's line);
- CHA004 a chart's name is defined by two scripts (the first stands).
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from toulmin.definitions.charts import CHARTS_DIR, Charts, for_project, stale
from toulmin.findings import ERROR, Finding

#: ``![alt](target "title")`` whose target mentions charts/ (the target ends at ``)`` or space)
IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\(\s*<?(?P<src>[^)\s>]*charts/[^)\s>]+)>?"
                   r"(?:\s+\"[^\"\n]*\")?\s*\)")


def check_charts(project) -> list[Finding]:
    """Every chart finding of a project: failing definitions, stale files, broken images."""
    out = []
    charts = for_project(project)
    if charts is not None:
        out.extend(chart_findings(project.root, charts))
    for doc in project.documents:
        if "charts/" in doc.text:
            out.extend(check_chart_images(project.root, doc.path, doc.abs_path, doc.text))
    return out


def chart_findings(root: Path, charts: Charts, *, check_files: bool = True) -> list[Finding]:
    """CHA003 for each chart that failed; CHA002 for each whose committed files are stale."""
    out = []
    for path, line, message in charts.script_errors:
        out.append(Finding(path, line, 1, "CHA003", ERROR, message,
                           "fix the script; the charts it defines cannot be rendered"))
    for path, line, message in charts.duplicates:
        out.append(Finding(path, line, 1, "CHA004", ERROR, message,
                           "rename one of them: each chart is written to charts/NAME.svg"))
    for res in charts.results.values():
        if res.error:
            out.append(Finding(res.path, res.error_line or res.line, 1, "CHA003", ERROR,
                               f"chart '{res.name}' could not be rendered: {res.error}",
                               "fix the chart definition or its data, then run "
                               "`toulmin charts`"))
    if check_files:
        for name, rel, why in stale(root, charts):
            res = charts.results[name]
            detail = ("the file is missing" if why == "missing" else
                      f"it differs from a rebuild from {res.path} and its data")
            out.append(Finding(rel, 1, 1, "CHA002", ERROR,
                               f"chart '{name}' is stale: {detail}",
                               "run `toulmin charts` and commit the files in charts/"))
    return out


def check_chart_images(root: Path, rel_path: str, abs_path: Path, text: str) -> list[Finding]:
    """CHA001 for each image of ``text`` that points into charts/ at a missing file."""
    from toulmin.scan.masking import mask_code

    code_masked = mask_code(text)
    out = []
    base = Path(abs_path).parent
    for m in IMAGE.finditer(text):
        if code_masked[m.start()] != text[m.start()]:
            continue  # inside code: an example, not an image
        src = m.group("src")
        if "://" in src or src.startswith("data:"):
            continue
        target = src.split("#", 1)[0].split("?", 1)[0]
        if target.startswith("/"):
            resolved = Path(root) / target.lstrip("/")
        else:
            resolved = base / posixpath.normpath(target)
        resolved = Path(os.path.normpath(resolved))
        try:
            inside = resolved.relative_to(Path(root).resolve() / CHARTS_DIR)
        except ValueError:
            try:
                inside = resolved.relative_to(Path(root) / CHARTS_DIR)
            except ValueError:
                continue
        if resolved.is_file():
            continue
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        name = inside.as_posix()
        known = sorted(p.name for p in (Path(root) / CHARTS_DIR).glob("*.svg"))
        hint = ("the charts are: " + ", ".join(known)) if known else \
            "run `toulmin charts` to render the charts defined in scripts/"
        out.append(Finding(rel_path, line, column, "CHA001", ERROR,
                           f"image '{src}' points to {CHARTS_DIR}/{name}, which does not exist",
                           hint))
    return out
