"""``toulmin check`` on the commentary: its posts, pages and references are clean."""


def test_site_checks_clean(site, run_cli):
    code, out, err = run_cli("check", site)
    assert code == 0, out
    problems = [ln for ln in out.splitlines() if " CIT" in ln or " BIB00" in ln]
    assert all(" BIB007 " in ln for ln in problems), out
    assert "0 errors" in err
