"""Rounded figures as checked statistics (issue 14): ``[1.6 million]{stat=…}``,
``[1,600,000]{stat=… round=100000}``, ``[about 40%]{stat=…}``, ``[over 40%]{stat=…}``.

The precision rule is ``toulmin.scan.statrefs``'s docstring. On the synthetic minisite
(``minisite``): ``loans.loans_2024_25`` recomputes to 259,951 loans and
``loans.renewal_rate_2024_25`` to 21.8% (data/loans/SOURCES.md).
"""

from __future__ import annotations

import re
from decimal import Decimal

import markdown
import pytest

from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension
from toulmin.scan.statrefs import find_stat_refs, parse_number
from toulmin.settings import Settings

LOANS = "loans.loans_2024_25"  # 259,951
RATE = "loans.renewal_rate_2024_25"  # 21.8%


@pytest.mark.parametrize("written,rounding,value,holds", [
    ("1.6 million", "", "1612345", True), ("1.6 million", "", "1650000", False),
    ("1,600,000", "", "1612345", False),  # every digit written counts
    ("1,600,000", "100000", "1612345", True), ("1,600,000", "100,000", "1650001", False),
    ("about 1,600,000", "", "1612345", True), ("about 40%", "", "41.8", True),
    ("about 40%", "", "46", False), ("around 41.8%", "", "41.84", True),
    ("over 40%", "", "41.8", True), ("over 40%", "", "55", False),
    ("over 40%", "", "39.9", False), ("more than 1.6 million", "", "1612345", True),
    ("more than 1.5 million", "", "1612345", False), ("at least 40%", "", "40", True),
    ("fewer than 1,000", "", "950", True), ("fewer than 1,000", "", "1000", False),
    ("under 1,000", "", "850", False), ("up to 1,000", "", "1000", True),
    ("nearly 40%", "", "38.5", True), ("almost 2,000", "", "1951", True),
    ("£4bn", "", "4.4e9", True), ("£4bn", "", "4.6e9", False),
    ("£1.7bn", "", "1.66e9", True), ("$5m", "", "5.2e6", True),
    ("£400million", "", "4.0e8", True), ("€2.5 billion", "", "2.46e9", True),
])
def test_the_precision_of_a_written_figure(written, rounding, value, holds):
    parsed = parse_number(written, rounding)
    assert parsed is not None
    assert parsed.holds(Decimal(value)) is holds


@pytest.mark.parametrize("written", ["about half", "5m", "40-50%", "1.6 millions"])
def test_what_is_not_one_number(written):
    assert parse_number(written) is None


def test_the_round_attribute_is_read():
    (ref,) = find_stat_refs("It was [1,600,000]{stat=x.y round=100000} in all.")
    assert (ref.name, ref.written, ref.round) == ("x.y", "1,600,000", "100000")
    (ref,) = find_stat_refs('It was [1,600,000]{stat=x.y round="100,000"}.')
    assert ref.round == "100,000"
    assert parse_number(ref.written, ref.round).step == Decimal(100000)


def _check(site, tmp_path, sentence: str):
    post = sorted((site / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + f"\n{sentence}\n")
    findings = Project.load(site, Settings(cache_dir=str(tmp_path / "c"))).check()
    return [f for f in findings if f.code.startswith("STA") and f.path.startswith("posts/")
            and f.line == len(post.read_text().splitlines())]


def test_rounded_hedged_and_bounded_figures_check_against_the_data(minisite, tmp_path):
    good = (f"Branches lent [about 260,000]{{stat={LOANS}}}, [0.26 million]{{stat={LOANS}}}, "
            f"[260,000]{{stat={LOANS} round=1000}} or [over 250,000]{{stat={LOANS}}} books, "
            f"and [about 20%]{{stat={RATE}}}, [nearly 22%]{{stat={RATE}}} or "
            f"[more than 20%]{{stat={RATE}}} were renewed [@riverside_loans].")
    assert _check(minisite, tmp_path, good) == []


@pytest.mark.parametrize("written,message,hint", [
    ("[260,000]{stat=loans.loans_2024_25}",
     "stated 260,000 but 'loans.loans_2024_25' recomputes to 259,951 at the precision written",
     "write [259,951]{stat=loans.loans_2024_25}"),
    ("[about 270,000]{stat=loans.loans_2024_25}",
     "stated 'about 270,000' (written as the value rounded to the 10,000) but "
     "'loans.loans_2024_25' recomputes to 259,951",
     "write [about 260,000]{stat=loans.loans_2024_25}"),
    ("[over 260,000]{stat=loans.loans_2024_25}",
     "stated 'over 260,000' (written as a value above it by less than 10,000)",
     "write [over 250,000]{stat=loans.loans_2024_25}"),
    ("[270,000]{stat=loans.loans_2024_25 round=1000}",
     "stated '270,000' (written as the value rounded to the 1,000)",
     "write [260,000]{stat=loans.loans_2024_25 round=1000}"),
    ("[under 21%]{stat=loans.renewal_rate_2024_25}",
     "stated 'under 21%' (written as a value below it by less than 1) but "
     "'loans.renewal_rate_2024_25' recomputes to 21.8%",
     "write [under 22%]{stat=loans.renewal_rate_2024_25}"),
])
def test_a_rounded_figure_the_data_do_not_bear_out(minisite, tmp_path, written, message, hint):
    (hit,) = _check(minisite, tmp_path, f"Branches lent {written} books [@riverside_loans].")
    assert hit.code == "STA002" and hit.column == len("Branches lent ") + 1
    assert message in hit.message, hit.message
    assert hit.hint.startswith(hint), hit.hint


def test_a_round_attribute_that_is_not_a_number(minisite, tmp_path):
    (hit,) = _check(minisite, tmp_path,
                    f"Branches lent [260,000]{{stat={LOANS} round=thousand}} books.")
    assert hit.code == "STA006" and "round=thousand is not a number" in hit.message


def test_a_rounded_statistic_renders_as_written(minisite):
    project = Project.load(minisite)
    project.check()
    html = markdown.markdown(f"Branches lent [about 260,000]{{stat={LOANS}}} books and "
                             f"[1,600]{{stat={LOANS} round=100}} more.",
                             extensions=[ToulminExtension(project=project)])
    assert re.search(r'<a class="toulmin-stat" href="[^"]*statistics/loans.loans_2024_25/"'
                     r'[^>]*>about 260,000</a> books', html), html
    assert re.search(r'<a class="toulmin-stat"[^>]*>1,600</a> more', html), html
    assert "round=" not in html
