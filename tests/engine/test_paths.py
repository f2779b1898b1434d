"""Issue 15: links out of the project (SEC001) and statistic names and titles (STA008).

On a copy of the synthetic minisite: a contribution adds symlinks whose targets lie
outside the project, statistics named to escape the site or to inject markup, and
statistic titles carrying markup.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import markdown
import pytest

from toulmin.project import Project
from toulmin.render.statpages import page_source
from toulmin.settings import Settings


def _links_out(site: Path) -> dict[str, str]:
    """Add the issue's links out of the project; return link -> target."""
    outside = site.parent / "x"
    outside.write_text("# A file outside the project\n\nSECRET-OUTSIDE\n")
    evil = site.parent / "evil.py"
    marker = site.parent / "ran.txt"
    evil.write_text("import toulmin\nfrom pathlib import Path\n"
                    f"Path({str(marker)!r}).write_text('ran')\n\n"
                    "@toulmin.statistic('loans.evil')\ndef evil():\n    return 1.0\n")
    links = {
        "charts/env.json": "/proc/self/environ",
        "posts/2025-06-01-passwd.md": "/etc/passwd",
        "docs/x.md": "../../x",
        "scripts/evil.py": str(evil),
        "data/loans/leak.csv": "/etc/passwd",
        "sources/leak.yaml": "/etc/hostname",
    }
    for link, target in links.items():
        (site / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, site / link)
    return links


def test_links_out_of_the_project_are_errors_and_never_read(minisite, run_cli):
    links = _links_out(minisite)
    # a link that stays inside the project is an ordinary file
    os.symlink("../posts/2025-05-06-what-a-renewal-rate-measures.md",
               minisite / "docs" / "alias.md")
    for _ in range(2):  # the second run from the caches
        code, out, err = run_cli("check", minisite, "--format", "json")
        assert code == 1, out + err
        found = json.loads(out)
        items = found["findings"] if isinstance(found, dict) else found
        sec = {f["path"]: f for f in items if f["code"] == "SEC001"}
        assert set(sec) == set(links)
        for link, target in links.items():
            assert sec[link]["line"] == 1 and sec[link]["severity"] == "error"
            assert target in sec[link]["message"]
    project = Project.load(minisite, Settings())
    paths = {d.path for d in project.documents}
    assert "posts/2025-06-01-passwd.md" not in paths and "docs/x.md" not in paths
    assert "docs/alias.md" in paths
    assert not any("SECRET-OUTSIDE" in d.text or "root:" in d.text for d in project.documents)
    # the script outside was never run, its statistic never defined
    assert not (minisite.parent / "ran.txt").exists()
    assert "loans.evil" not in project.statistics.results


def test_a_link_to_a_folder_outside_is_one_error_at_the_link(minisite, run_cli, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "post.md").write_text("---\ntitle: Outside\n---\n\nOUTSIDE-TEXT\n")
    os.symlink(outside, minisite / "posts" / "more")
    _code, out, _ = run_cli("check", minisite)
    lines = [ln for ln in out.splitlines() if " SEC001 " in ln]
    assert lines == [lines[0]] and lines[0].startswith("posts/more:1:1: SEC001 ")
    assert not any("OUTSIDE-TEXT" in d.text for d in Project.load(minisite).documents)


BAD_NAMES = ["../../../x", "../index", "loans.a\nb", "loans.<b>bold</b>", "", "loans..x",
             "/etc/passwd", "loans.x/../../y"]


def _bad_names_script() -> str:
    parts = ["import toulmin\n"]
    for i, name in enumerate(BAD_NAMES):
        parts.append(f"\n@toulmin.statistic({name!r})\ndef bad_{i}():\n    return 1.0\n")
    parts.append("\n@toulmin.statistic('loans.still_fine')\ndef fine():\n    return 2.0\n")
    return "".join(parts)


def test_a_statistic_name_that_is_no_name_is_an_error_and_not_defined(minisite, run_cli):
    text = _bad_names_script()
    (minisite / "scripts" / "names.py").write_text(text)
    lines = text.splitlines()
    decorators = [i + 1 for i, ln in enumerate(lines) if ln.startswith("@toulmin.statistic(")]
    for _ in range(2):  # computed, then from the cache: reported both times
        code, out, err = run_cli("check", minisite)
        assert code == 1 and "Traceback" not in out + err
        found = [ln for ln in out.splitlines() if " STA008 " in ln]
        assert [ln.split(":")[:2] for ln in found] == \
            [["scripts/names.py", str(n)] for n in decorators[:len(BAD_NAMES)]]
        assert all(re.match(r"^scripts/names\.py:\d+:1: STA008 ", ln) for ln in found)
        stats = Project.load(minisite).statistics
        assert not set(BAD_NAMES) & set(stats.results)
        assert stats.results["loans.still_fine"].ok


@pytest.mark.parametrize("title", [
    "Renewals <script>alert(1)</script>",
    'Renewals "><img src=x onerror=alert(1)>',
    "Renewals [link](javascript:alert(1)) *and* `code` {: onclick=alert(1) }",
])
def test_a_statistic_title_is_text_in_its_page(title):
    source = page_source("loans.renewal_rate_2024_25", title)
    front, body = source.split("---\n", 2)[1:]
    html = markdown.markdown(body, extensions=["attr_list"])
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "onclick" not in html.split("<h1")[1].split(">")[0]
    assert "<em>" not in html and "<code>" not in html
    # what the reader sees is the title as written
    heading = re.search(r"<h1>(.*)</h1>", html).group(1)
    import html as htmllib
    assert htmllib.unescape(heading) == title
    assert "<" not in front and ">" not in front


def test_a_table_linked_from_outside_is_never_read(minisite, run_cli, tmp_path):
    table = minisite / "data" / "loans" / "branches.csv"
    outside = tmp_path / "branches.csv"
    outside.write_bytes(table.read_bytes())  # the same values: only the link is wrong
    table.unlink()
    os.symlink(outside, table)
    code, out, err = run_cli("check", minisite)
    assert code == 1 and "Traceback" not in out + err
    assert "data/loans/branches.csv:1:1: SEC001 " in out
    assert re.search(r"^data/datapackage\.yaml:\d+:\d+: DATA\d+ .*'loans/branches\.csv' is a "
                     r"link out of the descriptor's folder", out, re.M)
    stats = Project.load(minisite).statistics
    assert not stats.results["loans.renewal_rate_2024_25"].ok  # not computed from outside
