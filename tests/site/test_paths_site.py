"""Issue 15 on a built site: links out of the project are not published, a statistic whose
name is no name gets no page, and a statistic's title is text in its page.

The minisite is seeded with the payloads, and the rules turned off in mkdocs.yml, so the
build goes on: what is published must still be safe without the error that stops it.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from sitebuild import build, copy_minisite

TITLES = {
    "loans.script_title": "Renewals <script>alert(1)</script>",
    "loans.img_title": 'Renewals "><img src=x onerror=alert(2)>',
}
BAD_NAMES = ["../../../x", "../index", "loans.a\n<b>live</b>"]


def _seed(site: Path) -> None:
    outside = site.parent / "x.md"
    outside.write_text("# Outside\n\nSECRET-OUTSIDE\n")
    os.symlink("/proc/self/environ", site / "charts" / "env.json")
    os.symlink("/etc/passwd", site / "posts" / "2025-06-01-passwd.md")
    os.symlink("../../x.md", site / "docs" / "x.md")
    os.symlink("/etc/passwd", site / "docs" / "passwd.txt")
    script = ["import toulmin\n"]
    for i, (name, title) in enumerate(TITLES.items()):
        script.append(f"\n@toulmin.statistic({name!r}, title={title!r})\n"
                      f"def titled_{i}():\n    return 1.0\n")
    for i, name in enumerate(BAD_NAMES):
        script.append(f"\n@toulmin.statistic({name!r}, title='BAD-NAME-{i}')\n"
                      f"def bad_{i}():\n    return 1.0\n")
    (site / "scripts" / "hostile.py").write_text("".join(script))
    config = site / "mkdocs.yml"
    text = config.read_text()
    assert "  - toulmin\n" in text
    config.write_text(text.replace(
        "  - toulmin\n", '  - toulmin:\n      rules: {SEC001: "off", STA008: "off"}\n'))


def test_hostile_paths_and_names_publish_nothing(tmp_path):
    site = copy_minisite(tmp_path / "site")
    _seed(site)
    out = tmp_path / "site" / "out"
    proc = build(site, out)
    assert proc.returncode == 0, proc.stderr
    published = [p for p in out.rglob("*") if p.is_file()]
    assert not (out / "charts" / "env.json").exists()
    assert not (out / "x").exists() and not (out / "passwd.txt").exists()
    for path in published:
        data = path.read_bytes()
        assert b"SECRET-OUTSIDE" not in data and b"root:x:0:0" not in data, path
        assert b"BAD-NAME-" not in data, path
    # nothing written outside the output folder, and the home page is still the home page
    assert not (tmp_path / "x").exists() and not (tmp_path / "site" / "x").exists()
    assert "Loans, Checked" in (out / "index.html").read_text()
    # the titles are text: escaped in the heading and the head
    for name, title in TITLES.items():
        page = (out / "statistics" / name / "index.html").read_text()
        assert "<script>alert" not in page and "<img src=x" not in page
        heading = page.split("<h1", 1)[1].split(">", 1)[1].split("<a ", 1)[0]
        assert html.unescape(heading) == title  # the reader sees the title as written
        assert f"<title>{html.escape(title)} - " in page
