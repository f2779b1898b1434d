"""A new author's journey, start to finish, as the terminal shows it (issue 14).

``toulmin init`` in an empty folder gives a site that checks clean and builds; a post with
each common mistake (an unknown key, a wrong year, a quotation without its page, a wrong
statistic, an unsupported figure) gets one message per mistake, each followed by its fix;
a suppression and the ``rules`` option are honoured (JSON shows the suppressed finding
with its reason); after the fixes ``mkdocs build --strict`` is green.

The quotation is from Anscombe (1973), "Graphs in Statistical Analysis", The American
Statistician 27(1), p. 17, the work the template cites (its excerpt is in the template's
sources/anscombe1973graphs.yaml).
"""

from __future__ import annotations

import json
import re

from sitebuild import build

FINDING = re.compile(r"(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d{3}) ")

MISTAKES = """\
---
title: "What a correlation hides"
date: 2026-12-05
authors: [editor]
description: "Four data sets, one correlation."
---

# What a correlation hides

The correlation in the first data set is [0.815]{stat=anscombe.correlation_i}
[@anscombe1973graph].

<!-- more -->

Anscombe (1974) argued that a computer "should make both calculations and graphs"
[@anscombe1973graphs].

In 3 of the 4 data sets a straight line is the wrong summary.
"""

POST = "posts/2026-12-05-what-a-correlation-hides.md"


def findings(out: str) -> list[tuple[str, int, str, str]]:
    """(path, line, code, fix) for each finding printed, the fix from the line after it."""
    lines = out.splitlines()
    found = []
    for i, ln in enumerate(lines):
        m = FINDING.match(ln)
        if m:
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            assert nxt.startswith("  fix: "), f"no fix line after {ln!r}"
            found.append((m["path"], int(m["line"]), m["code"], nxt[len("  fix: "):]))
        else:
            assert ln.startswith("  fix: "), f"a line that is neither finding nor fix: {ln!r}"
    return found


def test_a_new_author_from_init_to_a_green_build(tmp_path, run_cli):
    site = tmp_path / "my-site"
    site.mkdir()
    code, out, err = run_cli("init", site)
    assert code == 0, err
    assert "toulmin check" in err  # what to do next

    # the site as made checks clean and builds
    code, out, err = run_cli("check", site)
    assert (code, out) == (0, ""), out
    assert "0 errors, 0 warnings" in err
    proc = build(site, tmp_path / "out0")
    assert proc.returncode == 0, proc.stderr

    # a post with each common mistake: one message each, each with its fix
    (site / POST).write_text(MISTAKES, encoding="utf-8")
    code, out, err = run_cli("check", site)
    assert code == 1
    got = findings(out)
    assert {(p, ln, c) for p, ln, c, _ in got} == {
        (POST, 10, "STA002"),  # 0.815: the script recomputes 0.816
        (POST, 11, "CIT001"),  # unknown key
        (POST, 15, "CIT004"),  # wrong year
        (POST, 15, "CIT007"),  # quotation without its page
        (POST, 18, "STA005"),  # unsupported figures (3 and 4)
    }, out
    fixes = {c: fix for _, _, c, fix in got}
    assert "[0.816]{stat=anscombe.correlation_i}" in fixes["STA002"]
    assert "@anscombe1973graphs" in fixes["CIT001"]
    assert "Anscombe (1973)" in fixes["CIT004"]
    assert "p. " in fixes["CIT007"]
    assert "stat=" in fixes["STA005"]
    assert "4 errors, 2 warnings" in err

    # decide about two of them: a suppression with its reason, and the rules option
    text = MISTAKES.replace(
        'Anscombe (1974) argued',
        "<!-- toulmin: ignore CIT007 a phrase everyone quotes; the page is in the first post -->\n"
        "Anscombe (1974) argued")
    (site / POST).write_text(text, encoding="utf-8")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace('rules: {}', 'rules: {STA005: "off"}'))
    code, out, err = run_cli("check", site)
    assert code == 1
    assert {c for _, _, c, _ in findings(out)} == {"STA002", "CIT001", "CIT004"}, out
    assert "1 suppressed" in err
    code, out, _ = run_cli("check", site, "--format", "json")
    records = json.loads(out)
    suppressed = [r for r in records if r["suppressed"]]
    assert [(r["code"], r["line"]) for r in suppressed] == [("CIT007", 16)]
    assert suppressed[0]["reason"] == "a phrase everyone quotes; the page is in the first post"
    assert not any(r["code"] == "STA005" for r in records)

    # fix the rest: the check is clean and the strict build green
    text = (text.replace("[0.815]", "[0.816]").replace("[@anscombe1973graph]",
                                                       "[@anscombe1973graphs]")
            .replace("Anscombe (1974)", "Anscombe (1973)"))
    (site / POST).write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", site)
    assert (code, out) == (0, ""), out
    proc = build(site, tmp_path / "out1")
    assert proc.returncode == 0, proc.stderr
    page = next((tmp_path / "out1").rglob("what-a-correlation-hides/index.html"))
    html = page.read_text(encoding="utf-8")
    assert "toulmin: ignore" not in re.sub(r"<!--.*?-->", "", html, flags=re.S)
    # toulmin's stylesheet and chart scripts come with the plugin: linked and published
    for asset in ("assets/toulmin/toulmin.css", "assets/toulmin/toulmin-charts.js",
                  "assets/toulmin/vendor/vega/vega.min.js",
                  "assets/toulmin/vendor/vega/LICENSE-vega"):
        assert (tmp_path / "out1" / asset).is_file(), asset
    assert re.search(r'<link rel="stylesheet" href="[./]*assets/toulmin/toulmin\.css"', html)
    assert re.search(r'<script src="[./]*assets/toulmin/toulmin-charts\.js"', html)

    # `assets: false` leaves them out (a site that styles its pages itself)
    config.write_text(config.read_text().replace('rules: {STA005: "off"}',
                                                 'rules: {STA005: "off"}\n      assets: false'))
    proc = build(site, tmp_path / "out2")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "out2" / "assets" / "toulmin").exists()
    page = next((tmp_path / "out2").rglob("what-a-correlation-hides/index.html"))
    assert "assets/toulmin/" not in page.read_text(encoding="utf-8")
