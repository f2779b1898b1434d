"""Charts: rendered from the data, committed, compared in CI; checked images; fast warm check.

On the synthetic minisite (the ``minisite`` fixture): scripts/charts.py draws loans_by_month
from data/loans/monthly.csv, scripts/loans.py renewals_by_branch from branches.csv.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MINISITE = Path(__file__).resolve().parents[1] / "fixtures" / "minisite"
#: the charts defined in the synthetic minisite's scripts/charts.py
CHARTS = ("loans_by_month",)
#: every chart of the synthetic minisite (scripts/loans.py defines one too)
ALL_CHARTS = tuple(sorted(p.name.removesuffix(".vl.json")
                          for p in (MINISITE / "charts").glob("*.vl.json")))


def _set_cell(csv: Path, row_prefix: str, column: str, value: str) -> str:
    """Set one cell of a simple CSV (no quoted commas before ``column``); return the old."""
    rows = csv.read_text().splitlines()
    header = rows[0].split(",")
    i = next(n for n, r in enumerate(rows) if r.startswith(row_prefix))
    cells = rows[i].split(",")
    old = cells[header.index(column)]
    cells[header.index(column)] = value
    rows[i] = ",".join(cells)
    csv.write_text("\n".join(rows) + "\n")
    return old


def _stale_names(out: str) -> set[str]:
    return set(re.findall(r"CHA002 chart '([^']+)' is stale", out))


@pytest.mark.parametrize("table,row,column,expected", [
    ("monthly", "2024-06,", "loans", {"loans_by_month"}),
    ("branches", "Harbour,", "loans", {"renewals_by_branch"}),
])
def test_changed_data_cell_makes_only_its_charts_stale(minisite, run_cli, table, row, column,
                                                       expected):
    assert run_cli("charts", "--check", minisite)[0] == 0
    csv = minisite / "data" / "loans" / f"{table}.csv"
    original = csv.read_text()
    old = csv.read_text().splitlines()[1].split(",")  # a data row exists
    assert old
    value = _set_cell(csv, row, column, "0")
    _set_cell(csv, row, column, str(int(value) + 1000))
    code, out, _ = run_cli("charts", "--check", minisite)
    assert code == 1
    assert _stale_names(out) == expected, out
    for name in expected:
        assert re.search(rf"^charts/{name}\.svg:1:1: CHA002 chart '{name}' is stale: ", out,
                         re.M), out
    # toulmin check reports the same, as an error
    code, out, _ = run_cli("check", minisite)
    assert code == 1 and _stale_names(out) == expected, out
    csv.write_text(original)
    code, out, _ = run_cli("charts", "--check", minisite)
    assert code == 0, out


def test_missing_chart_file_is_stale(minisite, run_cli):
    (minisite / "charts" / "loans_by_month.vl.json").unlink()
    code, out, _ = run_cli("charts", "--check", minisite)
    assert code == 1
    assert "charts/loans_by_month.vl.json:1:1: CHA002 chart 'loans_by_month' is stale: the " \
           "file is missing" in out
    code, _, _ = run_cli("charts", minisite)
    assert code == 0 and (minisite / "charts" / "loans_by_month.vl.json").is_file()
    assert run_cli("charts", "--check", minisite)[0] == 0


def test_rendering_is_deterministic(minisite, tmp_path, run_cli):
    other = tmp_path / "other"
    shutil.copytree(minisite, other, ignore=shutil.ignore_patterns(".cache"))
    shutil.rmtree(minisite / "charts")
    shutil.rmtree(other / "charts")
    assert run_cli("charts", "--force", minisite)[0] == 0
    assert run_cli("charts", "--force", other)[0] == 0
    first = {p.name: p.read_bytes() for p in (minisite / "charts").iterdir()}
    second = {p.name: p.read_bytes() for p in (other / "charts").iterdir()}
    assert first == second
    assert len(first) == 2 * len(ALL_CHARTS)
    committed = {p.name: p.read_bytes() for p in (MINISITE / "charts").iterdir()}
    assert first == committed
    spec = first["loans_by_month.vl.json"].decode()
    assert spec.endswith("}\n") and '\n  "$schema"' in spec


def test_warm_charts_renders_nothing(minisite, run_cli):
    from toulmin.definitions import charts

    first = charts.compute(minisite)
    assert sorted(first.rendered) == sorted(ALL_CHARTS)
    assert set(CHARTS) < set(ALL_CHARTS)
    assert charts.compute(minisite).rendered == []
    script = minisite / "scripts" / "charts.py"
    script.write_text(script.read_text() + "\n# edited\n")
    assert sorted(charts.compute(minisite).rendered) == sorted(CHARTS)


def test_missing_chart_image_is_cha001_at_its_position(minisite, run_cli):
    post = minisite / "posts" / "2025-05-06-what-a-renewal-rate-measures.md"
    text = post.read_text() + "\nSee below.\n\n![A chart](../charts/no_such_chart.svg)\n"
    post.write_text(text)
    n = len(text.splitlines())
    code, out, _ = run_cli("check", minisite)
    assert code == 1
    hits = [ln for ln in out.splitlines() if " CHA001 " in ln]
    assert hits == [f"{post.relative_to(minisite).as_posix()}:{n}:1: CHA001 image "
                    "'../charts/no_such_chart.svg' points to charts/no_such_chart.svg, which "
                    "does not exist"], out


def test_image_in_code_is_not_checked(minisite, run_cli):
    post = minisite / "posts" / "2025-05-06-what-a-renewal-rate-measures.md"
    post.write_text(post.read_text() + "\n```\n![A chart](../charts/missing.svg)\n```\n")
    out = run_cli("check", minisite)[1]
    assert " CHA001 " not in out


def test_raising_chart_definition_is_cha003_at_the_script_line(minisite, run_cli):
    script = minisite / "scripts" / "charts.py"
    lines = script.read_text().splitlines()
    target = next(i for i, ln in enumerate(lines) if ln.startswith("def loans_by_month("))
    body = target + 2  # after the docstring line
    lines.insert(body, "    raise RuntimeError('the months are broken')")
    script.write_text("\n".join(lines) + "\n")
    for command in ("charts", "check"):
        code, out, _ = run_cli(command, "--check", minisite) if command == "charts" else \
            run_cli(command, minisite)
        assert code == 1
        hits = [ln for ln in out.splitlines() if " CHA003 " in ln]
        at_use = [] if command == "charts" else [  # the image showing it (issue 14)
            "posts/2025-05-06-what-a-renewal-rate-measures.md:32:1: CHA003 chart "
            f"'loans_by_month' is unavailable because scripts/charts.py:{body + 1} failed: "
            "RuntimeError: the months are broken"]
        assert hits == [*at_use, f"scripts/charts.py:{body + 1}:1: CHA003 chart "
                                 "'loans_by_month' could not be rendered: RuntimeError: the "
                                 "months are broken"], out


def test_a_chart_name_defined_by_two_scripts_is_cha004_at_the_second(minisite, run_cli):
    lines = (minisite / "scripts" / "charts.py").read_text().splitlines()
    defined = next(i for i, ln in enumerate(lines) if ln.startswith("def loans_by_month("))
    first = max(i for i in range(defined) if lines[i].startswith("@toulmin.chart(")) + 1
    (minisite / "scripts" / "zz_more_charts.py").write_text(
        "import altair as alt\nimport toulmin\n\n\n"
        '@toulmin.chart("loans_by_month", title="Another line")\n'
        "def another_line(data):\n"
        '    return alt.Chart(data.table("monthly")).mark_point()\n')
    for command in ("charts", "check"):
        args = ("charts", "--check", minisite) if command == "charts" else ("check", minisite)
        code, out, _ = run_cli(*args)
        assert code == 1
        hits = [ln for ln in out.splitlines() if " CHA004 " in ln]
        assert hits == ["scripts/zz_more_charts.py:5:1: CHA004 chart 'loans_by_month' is "
                        f"already defined in scripts/charts.py, line {first}"], out
        # the first definition stands: its committed files are still current
        assert " CHA002 " not in out


def test_which_of_two_definitions_stands_does_not_depend_on_the_cache(minisite):
    """The first script in name order stands, also when only it is rendered again and the
    later one comes from the chart cache (the cached one used to win then)."""
    from toulmin.definitions import charts

    extra = minisite / "scripts" / "aa_more_charts.py"
    extra.write_text("import altair as alt\nimport toulmin\n\n\n"
                     '@toulmin.chart("loans_by_month", title="Another view of the loans")\n'
                     "def another_view(data):\n"
                     '    return alt.Chart(data.table("monthly")).mark_point()\n')
    cold = charts.compute(minisite)
    assert cold.results["loans_by_month"].path == "scripts/aa_more_charts.py"
    extra.write_text(extra.read_text() + "\n# edited\n")
    warm = charts.compute(minisite)
    assert warm.rendered == ["loans_by_month"]
    assert warm.results["loans_by_month"].path == "scripts/aa_more_charts.py"
    assert warm.duplicates == cold.duplicates
    assert [d[0] for d in warm.duplicates] == ["scripts/charts.py"]


def test_a_chart_name_defined_twice_in_one_script_fails_it_at_the_second(minisite, run_cli):
    script = minisite / "scripts" / "charts.py"
    text = script.read_text()
    script.write_text(text + '\n\n@toulmin.chart("loans_by_month")\n'
                             "def months_again(data):\n    return None\n")
    code, out, _ = run_cli("charts", "--check", minisite)
    assert code == 1
    hits = [ln for ln in out.splitlines() if " CHA003 " in ln]
    assert len(hits) == 1 and hits[0].startswith(
        f"scripts/charts.py:{len(text.splitlines()) + 3}:1: CHA003 ")
    assert "chart 'loans_by_month' is defined twice in this script" in hits[0]


def test_warm_check_imports_neither_altair_nor_vl_convert_nor_pandas(minisite):
    first = subprocess.run([sys.executable, "-m", "toulmin", "check", str(minisite)],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    root = str(minisite)
    probe = (f"import sys; from toulmin.cli import main; code = main(['check', {root!r}]); "
             "heavy = [m for m in ('altair', 'vl_convert', 'pandas') if m in sys.modules]; "
             "print('HEAVY', heavy, code)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert "HEAVY [] 0" in out, out
    probe = probe.replace("['check',", "['charts',")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert "HEAVY [] 0" in out, out


def test_chart_image_renders_as_accessible_inline_figure(minisite):
    import markdown

    from toulmin.render.markdown import ToulminExtension

    ext = ToulminExtension(root=str(minisite))
    html = markdown.markdown("Text.\n\n![Loans by month](../charts/loans_by_month.svg)\n",
                             extensions=[ext])
    assert '<figure class="toulmin-chart" data-chart="loans_by_month"' in html
    assert 'role="img" aria-label="Loans by month"' in html
    assert "<title>Loans by month</title>" in html
    assert re.search(r'<figcaption id="chart-loans_by_month-desc"[^>]*>One line', html)
    assert "<script" not in html and "<img" not in html


def test_svg_is_sanitised():
    from toulmin.render.figures import sanitise_svg

    svg = ('<?xml version="1.0"?><svg role="graphics-document" width="1"><script>alert(1)'
           '</script><g onclick="x()"><a href="https://evil.example/">t</a>'
           '<clipPath id="clip1"/><path clip-path="url(#clip1)"/></g></svg>')
    out = sanitise_svg(svg, "c-", "T <1>")
    assert "script" not in out and "onclick" not in out and "evil" not in out
    assert 'id="c-clip1"' in out and "url(#c-clip1)" in out
    assert out.startswith('<svg width="1" aria-hidden="true" focusable="false"><title>T &lt;1&gt;'
                          "</title>")


def test_a_chart_is_not_shrunk_below_11_px_text(minisite):
    """The committed chart's smallest text is the theme's 12 px; the figure carries the
    least width at which it stays 11 px (toulmin.css scrolls the figure below it)."""
    from toulmin.definitions.charts import MIN_FONT_PX
    from toulmin.render.figures import chart_figure, legible_width

    svg = (minisite / "charts" / "loans_by_month.svg").read_text()
    sizes = {float(s) for s in re.findall(r'font-size="(\d+(?:\.\d+)?)px"', svg)}
    assert min(sizes) == MIN_FONT_PX >= 11
    width = float(re.search(r'<svg[^>]*\swidth="(\d+(?:\.\d+)?)"', svg).group(1))
    least = legible_width(svg)
    assert least * MIN_FONT_PX / width >= 11 and least < width
    assert f'style="--toulmin-chart-min-width: {least}px"' in chart_figure(
        svg, "loans_by_month", "Loans by month")
    # an SVG of Vega-Lite's default 10 px labels is shown larger than drawn
    assert legible_width('<svg width="600"><text font-size="10px">a</text></svg>') == 661
    assert legible_width('<svg><text font-size="10px">a</text></svg>') == 0
