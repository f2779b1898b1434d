"""Issue 15 on a built site: what a page shows of a chart, and what charts/ publishes, is
what a chart definition renders; a committed SVG or spec no definition renders, or a stale
one, is neither inlined nor published.

The minisite is seeded with hostile committed charts (``sitebuild.seed_hostile_charts``)
and the rules that stop them turned off, so the build goes on.
"""

from __future__ import annotations

import re

import pytest
from sitebuild import EVIL_HOST, MINISITE, build, copy_minisite, seed_hostile_charts


@pytest.mark.parametrize("charts_in_docs", [False, True], ids=["charts", "docs-charts"])
def test_hostile_committed_charts_are_neither_inlined_nor_published(tmp_path, charts_in_docs):
    site = copy_minisite(tmp_path / "site")
    seed_hostile_charts(site, charts_in_docs=charts_in_docs)
    out = tmp_path / "out"
    proc = build(site, out)
    assert proc.returncode == 0, proc.stderr
    published = sorted(p.name for p in (out / "charts").iterdir())
    assert published == ["loans_by_month.svg", "loans_by_month.vl.json",
                         "renewals_by_branch.svg", "renewals_by_branch.vl.json"]
    # the published files are the rebuild (the fixture's committed files are up to date)
    for name in published:
        assert (out / "charts" / name).read_bytes() == \
            (MINISITE / "charts" / name).read_bytes(), name
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".svg", ".json", ".xml"):
            data = path.read_text(errors="replace")
            assert EVIL_HOST not in data and "HOSTILE-SPEC" not in data, path
            assert "alert(" not in data, path
    page = next(p for p in out.rglob("index.html")
                if 'data-chart="loans_by_month"' in p.read_text())
    text = page.read_text()
    svg = text.split('data-chart="loans_by_month"', 1)[1].split("</svg>", 1)[0]
    committed = (MINISITE / "charts" / "loans_by_month.svg").read_text()
    assert svg.count("<text") == committed.count("<text") > 10
    # the undefined chart is an image of a file that is not there, not a figure
    assert 'data-chart="x"' not in text
    assert re.search(r'<img alt="Undefined chart" src="[./]*charts/x\.svg"', text), text


def test_the_built_commentary_publishes_only_defined_charts(built):
    from toulmin.project import Project

    charts = Project.load(built.parent).charts  # the build's cache: nothing is rendered
    files = {f.rsplit("/", 1)[1] for res in charts.results.values() for f in res.files()}
    published = {p.name for p in (built / "charts").iterdir()}
    assert published == files and len(files) >= 12
    for name in published:
        assert (built / "charts" / name).read_text() == next(
            text for res in charts.results.values() for f, text in res.files().items()
            if f.endswith("/" + name))
