"""The synthetic site the engine tests use is itself clean: it checks, builds and its charts
are up to date (a fixture that fails would make every test on it meaningless); a broken copy
fails the build and leaves the previous site in place."""

from __future__ import annotations

from pathlib import Path

from sitebuild import build

POSTS = ("2025-05-06-what-a-renewal-rate-measures.md", "2025-05-20-how-many-members-borrow.md")


def test_minisite_checks_clean(minisite: Path, run_cli):
    code, out, err = run_cli("check", minisite)
    assert code == 0, out + err
    assert "0 errors, 0 warnings" in out + err
    assert sorted(p.name for p in (minisite / "posts").glob("*.md")) == list(POSTS)


def test_minisite_chart_is_up_to_date(minisite: Path, run_cli):
    code, out, err = run_cli("charts", "--check", minisite)
    assert code == 0, out + err


def test_minisite_builds_strict_with_citations_statistics_and_chart(minisite: Path):
    proc = build(minisite, minisite / "out")
    assert proc.returncode == 0, proc.stderr
    out = minisite / "out"
    post = next((out / "blog").rglob("what-a-renewal-rate-measures/index.html")).read_text()
    assert "Wilson, 1927" in post and "Brown et al. (2001)" in post
    assert "21.8%" in post and "loans_by_month" in post
    filled = next((out / "blog").rglob("how-many-members-borrow/index.html")).read_text()
    assert "49.0%" in filled and "p. 26" in filled
    for name in ("loans.renewal_rate_2024_25", "loans.active_share_2024_25",
                 "loans.loans_2024_25"):
        assert (out / "statistics" / name / "index.html").exists()
    references = (out / "references" / "index.html").read_text()
    assert "Statistical power analysis for the behavioral sciences" in references


def test_unknown_key_fails_the_build_and_keeps_the_previous_site(minisite: Path):
    site = minisite
    out = site / "out"
    out.mkdir()
    (out / "previous.html").write_text("the previous site")
    post = sorted((site / "posts").glob("*.md"))[0]
    lines = post.read_text().splitlines()
    lines.append("A claim with a wrong key [@wilson1927probabel].")
    post.write_text("\n".join(lines) + "\n")
    proc = build(site, out)
    assert proc.returncode != 0
    rel = post.relative_to(site).as_posix()
    assert f"{rel}:{len(lines)}:" in proc.stderr and "CIT001" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "previous.html").read_text() == "the previous site"
