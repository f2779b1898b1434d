"""A statistic or chart whose script fails: "unavailable because scripts/x.py:LINE failed"
at every use (issue 14), never "unknown statistic, did you mean <another>".

On the synthetic minisite (the ``minisite`` fixture): scripts/loans.py defines the loans.*
statistics the posts quote and the chart ``renewals_by_branch`` a post shows.
"""

from __future__ import annotations

import markdown

from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension
from toulmin.settings import Settings

BORROW = "posts/2025-05-20-how-many-members-borrow.md"
RENEWAL = "posts/2025-05-06-what-a-renewal-rate-measures.md"


def _break_import(site) -> int:
    """Make scripts/loans.py fail to load; returns the failing line."""
    script = site / "scripts" / "loans.py"
    lines = script.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("from toulmin import effects"))
    lines.insert(at + 1, "from toulmin import no_such_module_here")
    script.write_text("\n".join(lines) + "\n")
    return at + 2


def _uses(site, name: str) -> list[tuple[str, int, int]]:
    from toulmin.scan.statrefs import find_stat_refs

    out = []
    for post in sorted((site / "posts").glob("*.md")):
        for ref in find_stat_refs(post.read_text()):
            if ref.name == name:
                out.append((post.relative_to(site).as_posix(), ref.line, ref.column))
    return out


def test_a_script_that_fails_to_load_makes_each_use_unavailable(minisite, tmp_path):
    line = _break_import(minisite)
    findings = Project.load(minisite, Settings(cache_dir=str(tmp_path / "c"))).check()
    assert not [f for f in findings if f.code == "STA001"], "no 'unknown statistic'"
    at_script = [f for f in findings if f.code == "STA003" and f.path == "scripts/loans.py"]
    assert [(f.line, "ImportError" in f.message) for f in at_script] == [(line, True)]
    for name in ("loans.renewal_rate_2024_25", "loans.active_share_2024_25",
                 "loans.loans_2024_25"):
        uses = _uses(minisite, name)
        assert uses, name
        hits = [f for f in findings if f.code == "STA003" and name in f.message]
        assert [(f.path, f.line, f.column) for f in hits] == uses
        for f in hits:
            assert f.is_error
            assert f"is unavailable because scripts/loans.py:{line} failed: ImportError" \
                in f.message
            assert "did you mean" not in f.message
    # a statistic of another script still checks
    assert not [f for f in findings if "loans.summer_share_2024_25" in f.message]
    # the chart the script defines, shown by an image whose old file is still there
    (chart,) = [f for f in findings if f.code == "CHA003" and f.path == BORROW]
    assert (chart.line, chart.column) == (30, 1)
    assert f"chart 'renewals_by_branch' is unavailable because scripts/loans.py:{line} " \
        "failed: ImportError" in chart.message
    assert not [f for f in findings if f.code == "CHA001"]


def test_a_statistic_whose_function_raises_is_unavailable_where_it_is_quoted(minisite,
                                                                             tmp_path):
    script = minisite / "scripts" / "loans.py"
    text = script.read_text()
    script.write_text(text.replace("return float(data.table(\"branches\").loans.sum())",
                                   "return float(data.table(\"branches\").loanz.sum())"))
    line = next(i for i, ln in enumerate(text.splitlines(), 1)
                if "return float(data.table(\"branches\").loans.sum())" in ln)
    findings = Project.load(minisite, Settings(cache_dir=str(tmp_path / "c"))).check()
    (use,) = [f for f in findings if f.code == "STA003" and f.path == BORROW]
    assert (use.path, use.line, use.column) == _uses(minisite, "loans.loans_2024_25")[0]
    assert f"statistic 'loans.loans_2024_25' is unavailable because scripts/loans.py:{line} " \
        "failed:" in use.message and "loanz" in use.message


def test_an_unknown_name_with_a_failed_script_suggests_no_other_statistic(minisite,
                                                                          tmp_path):
    """A name no script can be seen to declare, while a script failed: say so, and
    suggest no neighbour (the failed script may define it under a computed name)."""
    line = _break_import(minisite)
    post = minisite / RENEWAL
    post.write_text(post.read_text() + "\nIt was [21.8%]{stat=loans.renewal_rate_2024_26}.\n")
    findings = Project.load(minisite, Settings(cache_dir=str(tmp_path / "c"))).check()
    (unknown,) = [f for f in findings if f.code == "STA001"]
    assert "did you mean" not in unknown.message
    assert f"a script that failed to load may define it: scripts/loans.py:{line} " \
        "(ImportError" in unknown.message


def test_the_page_shows_unavailable_not_unknown(minisite, tmp_path):
    line = _break_import(minisite)
    project = Project.load(minisite, Settings(cache_dir=str(tmp_path / "c")))
    project.check()
    html = markdown.markdown("Renewals came to [21.8%]{stat=loans.renewal_rate_2024_25}.",
                             extensions=[ToulminExtension(project=project)])
    assert ('<strong class="toulmin-missing toulmin-unavailable">statistic '
            "&#x27;loans.renewal_rate_2024_25&#x27; is unavailable because "
            f"scripts/loans.py:{line} failed: ImportError") in html
    assert "unknown statistic" not in html
    page = markdown.markdown("::: statistic loans.loans_2024_25",
                             extensions=[ToulminExtension(project=project)])
    assert "is unavailable because scripts/loans.py" in page and "unknown" not in page


def test_the_uses_follow_the_failure_through_the_check_cache(minisite, tmp_path):
    """A warm check (document results cached) still names the failure as it now is."""
    settings = Settings(cache_dir=str(tmp_path / "c"))
    line = _break_import(minisite)

    def uses() -> list[str]:
        findings = Project.load(minisite, settings).check()
        return sorted(f.message for f in findings
                      if f.code == "STA003" and f.path.startswith("posts/"))

    first = uses()
    assert first and all(f"scripts/loans.py:{line} failed" in m for m in first)
    assert uses() == first
    script = minisite / "scripts" / "loans.py"
    script.write_text("# moved down a line\n" + script.read_text())
    assert all(f"scripts/loans.py:{line + 1} failed" in m for m in uses())
    script.write_text(script.read_text().replace("from toulmin import no_such_module_here\n",
                                                 ""))
    assert uses() == []
