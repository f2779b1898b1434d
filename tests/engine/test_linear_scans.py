"""Issue 15: every scan of a document is linear; a 1 MB adversarial post checks in seconds.

Time is this process's CPU time (``time.process_time``), not the wall clock: a busy
machine (CI with other jobs, tests run in parallel) delays a linear scan but cannot make
it spend quadratic CPU, so the bound tells the two apart however loaded the machine is.
"""

from __future__ import annotations

import time
from pathlib import Path

from toulmin.project import Project


def _post_with(site: Path, body: str) -> Path:
    post = sorted((site / "posts").rglob("*.md"))[0]
    front = post.read_text(encoding="utf-8").split("---", 2)[1]
    post.write_text("---" + front + "---\n\n" + body + "\n", encoding="utf-8")
    return post


def test_a_megabyte_of_unsupported_figures_checks_in_seconds(minisite):
    # 60,000 STA005 findings in 1 MB on one line: each line and column used to be counted
    # from the start of the text for every finding (quadratic: this took about a minute)
    _post_with(minisite, "1 word word word " * 60_000)
    start = time.process_time()
    findings = Project.load(minisite).check()
    elapsed = time.process_time() - start
    sta005 = [f for f in findings if f.code == "STA005"]
    assert len(sta005) == 60_000
    last = max(sta005, key=lambda f: f.column)
    assert (last.line, last.column) == (sta005[0].line, 17 * 59_999 + 1)
    assert elapsed < 10, elapsed


def test_a_megabyte_of_unclosed_chart_images_checks_in_seconds(minisite):
    # the chart check's image pattern backtracked: each "![](" rescanned the rest of the
    # target run (160 KB of "![](" took 51 s); 1 MB must take seconds
    post = _post_with(minisite,
                      "![](charts/" * 95_000 + "\n\n![Loans](../charts/nowhere.svg)")
    start = time.process_time()
    findings = Project.load(minisite).check()
    elapsed = time.process_time() - start
    cha001 = [f for f in findings if f.code == "CHA001"]
    assert [f.message.split(" points")[0] for f in cha001] == [
        "image '../charts/nowhere.svg'"]
    # too large to render for the security check (Python-Markdown is quadratic on it): said
    sec009 = [(f.path, f.line) for f in findings if f.code == "SEC009"]
    assert sec009 == [(post.relative_to(minisite).as_posix(), 1)]
    assert elapsed < 10, elapsed


def test_the_linear_image_scan_finds_what_the_pattern_finds():
    import random

    from toulmin.checks.charts import chart_images, image_pattern

    pattern = image_pattern("charts")
    pieces = ["![", "](", "]", "(", ")", "charts/", "a", " ", "\n", "<", ">", '"', "x.svg"]
    rng = random.Random(15)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = [(m.start(), m.group("src")) for m in pattern.finditer(text)]
        assert chart_images(text, "charts") == expected, text


def test_a_megabyte_of_years_written_twice_checks_in_seconds(minisite):
    # CIT010 at the year written before a citation: its line and column were counted from
    # the start of the text for every finding (quadratic on a long one-line post)
    _post_with(minisite, "Wilson (1927) [-@wilson1927probable] says so. " * 22_000)
    start = time.process_time()
    findings = Project.load(minisite).check()
    elapsed = time.process_time() - start
    cit010 = [f for f in findings if f.code == "CIT010"]
    assert len(cit010) == 22_000
    assert max(f.column for f in cit010) == 46 * 21_999 + 8  # the last "(1927)"
    assert elapsed < 10, elapsed


def test_a_megabyte_of_malformed_citations_and_empty_statistics_checks_in_seconds(minisite):
    # DOC007-DOC009 scan every bracket: each "[" (with a prefix of up to 80 characters) is
    # tried once, each "[...]{stat=}" looks back at one bracket
    unit = ("Hours [see @cohen1988power, p. 3\n\nas shown [@] and [42%]{stat=} ["
            + " " * 80 + "\n\n")
    _post_with(minisite, unit * (1_000_000 // len(unit)))
    start = time.monotonic()
    findings = Project.load(minisite).check()
    elapsed = time.monotonic() - start
    codes = {code: sum(f.code == code for f in findings) for code in ("DOC007", "DOC008",
                                                                     "DOC009", "STA005")}
    lines = 1_000_000 // len(unit)
    assert codes == {"DOC007": lines, "DOC008": lines, "DOC009": lines, "STA005": 0}
    assert elapsed < 10, elapsed
