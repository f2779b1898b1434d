"""Which page of the live preview shows a finding made at a script or a chart's file.

A statistic's or chart's script that fails is reported at the script (STA003, CHA003), and a
stale chart at its file (CHA002); under ``mkdocs serve`` each shows as a banner on the pages
that use what it is about (``toulmin.adapters.mkdocs.preview``), not on no page at all.
The site is a copy of tests/fixtures/minisite with its scripts broken as an author might.
"""

from __future__ import annotations

from pathlib import Path

from toulmin.adapters.mkdocs import preview
from toulmin.project import Project

RENEWAL_POST = "posts/2025-05-06-what-a-renewal-rate-measures.md"  # summer_share, loans_by_month
MEMBERS_POST = "posts/2025-05-20-how-many-members-borrow.md"  # loans.*, renewals_by_branch


def _pages(site: Path) -> dict[str, list[tuple[str, str, int]]]:
    project = Project.load(site)
    found = preview.by_document(project, project.check())
    out = {}
    for key, findings in found.items():
        try:
            name = Path(key).relative_to(site.resolve()).as_posix()
        except ValueError:
            name = key
        out[name] = sorted((f.code, f.path, f.line) for f in findings)
    return out


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in ``path``; the line number of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_a_script_that_fails_to_import_is_on_the_pages_quoting_its_statistics(minisite):
    line = _edit(minisite / "scripts" / "seasons.py", "from toulmin import effects",
                 "from toulmin import effetcs")
    pages = _pages(minisite)
    assert ("STA003", "scripts/seasons.py", line) in pages[RENEWAL_POST]
    assert all(p != "scripts/seasons.py" for _, p, _ in pages.get(MEMBERS_POST, []))


def test_a_statistic_that_raises_is_on_its_pages_and_its_own_page(minisite):
    line = _edit(minisite / "scripts" / "seasons.py",
                 "    summer = table[table.month.isin(SUMMER)].loans.sum()",
                 "    summer = table[table.month.isin(SUMMER)].loan.sum()")
    pages = _pages(minisite)
    hit = ("STA003", "scripts/seasons.py", line)
    assert hit in pages[RENEWAL_POST]
    assert hit in pages["statistics/loans.summer_share_2024_25.md"]
    assert hit not in pages.get(MEMBERS_POST, [])


def test_a_chart_that_raises_is_on_the_pages_showing_it(minisite):
    line = _edit(minisite / "scripts" / "charts.py", 'table = data.table("monthly")',
                 'table = data.table("monthy")')
    pages = _pages(minisite)
    assert ("CHA003", "scripts/charts.py", line) in pages[RENEWAL_POST]
    assert all(c != "CHA003" for c, _, _ in pages.get(MEMBERS_POST, []))


def test_a_stale_chart_is_on_the_pages_showing_it(minisite):
    svg = minisite / "charts" / "renewals_by_branch.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace("Branch", "Brunch"),
                   encoding="utf-8")
    pages = _pages(minisite)
    assert ("CHA002", "charts/renewals_by_branch.svg", 1) in pages[MEMBERS_POST]
    assert all(c != "CHA002" for c, _, _ in pages.get(RENEWAL_POST, []))


def test_without_names_in_its_source_a_failed_script_goes_where_unknown_names_are(minisite):
    """A script whose decorators name no statistic the way the pattern reads (a name held in
    a variable) still reaches the page quoting a statistic nobody defines now."""
    script = minisite / "scripts" / "seasons.py"
    _edit(script, '@toulmin.statistic("loans.summer_share_2024_25",',
          'NAME = "loans.summer_share_2024_25"\n\n\n@toulmin.statistic(NAME,')
    line = _edit(script, "from toulmin import effects", "from toulmin import effetcs")
    pages = _pages(minisite)
    assert ("STA003", "scripts/seasons.py", line) in pages[RENEWAL_POST]
    assert all(p != "scripts/seasons.py" for _, p, _ in pages.get(MEMBERS_POST, []))


def test_rebuild_stale_charts_draws_the_preview_and_leaves_charts_dir_alone(minisite, capsys):
    csv = minisite / "data" / "loans" / "branches.csv"
    text = csv.read_text(encoding="utf-8")
    csv.write_text(text.replace(",14215\n", ",4215\n", 1), encoding="utf-8")
    assert ",4215\n" in csv.read_text(encoding="utf-8")
    committed = minisite / "charts" / "renewals_by_branch.svg"
    before = committed.read_bytes()
    project = Project.load(minisite)
    overlay = ".cache/toulmin/preview-charts"
    assert sorted(preview.rebuild_stale_charts(project, overlay)) == [
        f"{overlay}/renewals_by_branch.svg", f"{overlay}/renewals_by_branch.vl.json"]
    # the author's charts/ is never written; the preview's copy is the new drawing
    assert committed.read_bytes() == before
    redrawn = (minisite / overlay / "renewals_by_branch.svg").read_bytes()
    assert redrawn != before
    assert "charts/renewals_by_branch.svg is stale" in capsys.readouterr().err
    assert [f for f in Project.load(minisite).check() if f.code == "CHA002"]
    # once the data is as it was, the preview's copy goes
    csv.write_text(text, encoding="utf-8")
    assert preview.rebuild_stale_charts(Project.load(minisite), overlay) == []
    assert not list((minisite / overlay).iterdir())
