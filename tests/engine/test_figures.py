"""The figure scanner (``scan.figures``) and sentence bounds (``scan.sentences``)."""

from __future__ import annotations

import itertools
import time
from decimal import Decimal

import pytest

from toulmin.scan.figures import figures_in, matches, occurs_in, reported
from toulmin.scan.sentences import sentence_at, sentence_bounds


def _texts(text: str) -> list[str]:
    return [f.text for f in figures_in(text)]


def test_kinds_precision_and_hedges():
    text = ("Of 1,211 adults, about 40% (42.5 %) improved; 42 per cent stayed; r = .45, "
            "d = 0.52, OR = 1.8, t(48) = 2.10, p < .001; 1 in 5 left and the odds were 3:1; "
            "~12 sessions, more than 1,000 referrals and −0.3 points.")
    found = figures_in(text)
    assert [f.text for f in found] == [
        "1,211", "about 40%", "42.5 %", "42 per cent", "r = .45", "d = 0.52", "OR = 1.8",
        "t(48) = 2.10", "p < .001", "1 in 5", "3:1", "~12", "more than 1,000", "−0.3"]
    by_text = {f.text: f for f in found}
    assert (by_text["1,211"].kind, by_text["1,211"].value) == ("number", Decimal(1211))
    assert by_text["about 40%"].hedged and by_text["about 40%"].kind == "percent"
    assert by_text["42.5 %"].decimals == 1
    assert (by_text["r = .45"].name, by_text["r = .45"].value) == ("r", Decimal("0.45"))
    assert by_text["p < .001"].relation == "<"
    assert (by_text["1 in 5"].kind, by_text["1 in 5"].denominator) == ("ratio", Decimal(5))
    assert by_text["more than 1,000"].relation == ">"
    assert by_text["−0.3"].value == Decimal("-0.3")
    # every figure's offsets point at its number
    for f in found:
        assert text[f.start:f.end].lstrip("−-.")[:1].isdigit(), f


@pytest.mark.parametrize("text", [
    "In 2019 the service changed.",
    "It ran from 2012-13 to 2014\u201315.",
    "Published on 4 December 2026 and on December 4, 2026.",
    "Dated 2026-12-04.",
    "See p. 12, pp. 33\u201335, section 3.2, \u00a7 4, chapter 7 and Study 2.",
    "After sessions 1, 3 and 5 the scores fell.",
    "The PHQ-9 and GAD-7 and ICD 10 and the 1990s.",
    "The 95% CI excluded zero.",
    "d = 2r / \u221a(1 \u2212 r\u00b2)",
    "1. The first item of a list",
    "## Table 3 in a heading with 42%",
    "At 10:30 the clinic opened.",
    "(see p. 12) and (Study 2) and (December 4)",
])
def test_what_is_no_figure(text):
    assert _texts(text) == []


@pytest.mark.parametrize(("written", "source", "found"), [
    ("42%", "41.8%", True),
    ("42%", "42.4%", True),
    ("42%", "42.5%", False),     # rounds to 43
    ("42%", "40%", False),
    ("41.8%", "42%", False),     # more precise than the source
    ("about 40%", "40%", True),
    ("about 40%", "38.5%", True),
    ("about 40%", "46%", False),
    ("1,211", "1211", True),
    ("1211", "1,211", True),
    (".45", "0.45", True),
    ("r = .45", "0.45", True),
    ("r = .45", "d = .45", False),
    ("42%", "42 per cent", True),
    ("42%", "42", False),
    ("1 in 5", "1 in 5", True),
    ("1 in 5", "1 in 4", False),
    ("about 12 in every 100", "12 in 100", True),
    ("3:1", "3:1", True),
    ("p < .001", "p < .001", True),
    ("p < .05", "p = .003", True),
    ("p = .003", "p < .05", False),
    ("fewer than 50", "46", True),
    ("at least 46", "46", True),
])
def test_matching_at_the_precision_written(written, source, found):
    (w,) = figures_in(f"It was {written} in all.")
    (s,) = figures_in(f"It was {source} in all.")
    assert matches(w, s) is found
    assert occurs_in(w, f"Results: the figure was {source} overall.") is found


def test_hedges_inside_brackets():
    (f,) = figures_in("recovery was common (about 40%) in both arms")
    assert (f.text, f.relation) == ("about 40%", "~")


def test_reported_lists_each_figure_once_as_written():
    text = "In 2020, 41.8% of 1,211 recovered (r = .45); 41.8% stayed well at 12 weeks."
    assert reported(text) == ["41.8%", "1,211", "r = .45", "12"]


def test_sentences_do_not_end_at_abbreviations_or_decimals():
    text = ("Okafor et al. (2021) found a 4.5 point change, e.g. in the guided arm. It held "
            "at p. 12 of the report. Then: \"Quoted words.\" And more\n\n- a list item\n")
    bounds = sentence_bounds(text)
    pieces = [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
    assert pieces == [
        "Okafor et al. (2021) found a 4.5 point change, e.g. in the guided arm.",
        "It held at p. 12 of the report.", 'Then: "Quoted words."', "And more",
        "- a list item"]
    assert sentence_at(text, text.index("4.5")) == pieces[0]


@pytest.mark.parametrize("end", ["\n\n", " "])  # paragraphs, or one very long line
def test_scanning_is_linear(end):
    chunk = ("In 2019, about 40% of 1,211 adults (r = .45) improved, p. 12; see 2012-13. "
             "Okafor et al. found 3:1 and 1 in 5, e.g. at 10:30." + end)

    def timed(n: int) -> float:
        text = chunk * n
        start = time.process_time()
        figures_in(text)
        sentence_bounds(text)
        return time.process_time() - start

    timed(100)
    small, large = min(timed(100) for _ in range(5)), min(timed(1000) for _ in range(3))
    assert large < small * 30  # ten times the text: about ten times the time


def test_a_percentage_after_a_label_word_is_a_figure():
    """"Study 2" is a label, but "in that study 42%" is a figure: no label takes a percent
    sign (found running verify-refs and the check end to end)."""
    text = "In that study 42% of the oligomers were of the second type; see Study 2."
    assert [f.text for f in figures_in(text)] == ["42%"]
