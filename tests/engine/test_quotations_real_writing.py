"""Issue 14 (H6): what counts as a direct quotation (CIT007), tested on real published writing.

The passages are short excerpts quoted from the works below (verbatim unless a comment says
what was adapted); the reference base is the textbook's own, as the real-writing corpus
holds it (tests/fixtures/real-writing/lsr/references.bib, from the book's refs.bib):

- Danielle Navarro, *Learning Statistics with R: A tutorial for psychology students and
  other beginners*, version 0.6 (2018), https://learningstatisticswithr.com, CC BY-SA 4.0
  (source: https://github.com/djnavarro/rbook, bookdown/ chapters on Bayesian statistics,
  hypothesis testing, research design and multiple comparisons).
- Matti Vuorre, "How to compare two groups with robust Bayesian estimation" (2017) and "A
  quantitative methods syllabus" (2024), https://vuorre.com/posts/, CC BY 4.0.
- Ruben C. Arslan, "Tympanic temperature and social connectedness" (2019),
  https://rubenarslan.github.io/posts/, CC BY 4.0.

The policy (CIT007's severity note, docs/writing.md): attributed to a work without a
locator, an error; no citation in or around it, a warning; a short unattributed phrase, an
entry's title, words re-quoted from a cited quotation and markup attributes are no
quotation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from toulmin.bibliography import loading
from toulmin.checks.citations import check_markdown
from toulmin.findings import ERROR, WARNING
from toulmin.scan.masking import mask_markdown
from toulmin.scan.quotations import find_quotations

LSR_BIB = (Path(__file__).resolve().parents[1] / "fixtures" / "real-writing" / "lsr"
           / "references.bib")


@pytest.fixture(scope="module")
def bib():
    return loading.load(LSR_BIB)


def cit007(bib, text: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.severity)
            for f in check_markdown("post.md", text, bib) if f.code == "CIT007"]


# =========================================================================== N1 phrases


@pytest.mark.parametrize("text", [
    # LSR 0.6, ch. 17 (Bayesian statistics), opening
    "We've talked about the idea of \"probability as a degree of belief\", and what it implies "
    "about how a rational agent should reason about the world.\n",
    # LSR 0.6, ch. 11 (hypothesis testing), "A note on statistical significance"
    "If the data allow us to reject the null hypothesis, we say that \"the result is "
    "*statistically significant*\", which is often shortened to \"the result is significant\".\n",
    # LSR 0.6, ch. 17: a clause, not a sentence, put in quotes
    "Orthodox methods cannot tell you that \"there is a 95\\% chance that a real change has "
    "occurred\", because this is not the kind of event to which frequentist probabilities may "
    "be assigned.\n",
])
def test_a_short_phrase_with_no_citation_is_no_quotation(bib, text):
    assert cit007(bib, text) == []


def test_a_short_phrase_is_a_quotation_when_a_citation_attributes_it(bib):
    # LSR 0.6, ch. 17, adapted: the book writes 'The recommendation that @Johnson2013 gives
    # is not that "everyone must be a Bayesian now"'; here the phrase is attributed to him.
    text = 'As @Johnson2013 puts it, "everyone must be a Bayesian now".\n'
    assert cit007(bib, text) == [(1, 26, ERROR)]
    assert cit007(bib, text.replace("@Johnson2013", "@Johnson2013 [p. 19313]")) == []


def test_a_longer_phrase_or_one_introduced_as_someones_words_is_a_warning(bib):
    # LSR 0.6, ch. 17: words the author puts in a reader's mouth, nineteen of them
    longer = ("The truth is, you should use the language of probability theory to say things "
              "like \"there is an 80\\% chance that Theory A is true, but a 20\\% chance that "
              "Theory B is true instead\".\n")
    assert [sev for *_, sev in cit007(bib, longer)] == [WARNING]
    # LSR 0.6, ch. 14 (multiple comparisons): a short phrase introduced by "says"
    says = ('If so, then the Bonferroni correction just says "multiply all your raw $p$-values '
            'by $m$".\n')
    assert [sev for *_, sev in cit007(bib, says)] == [WARNING]
    # Arslan (2019): a full sentence of the paper's, quoted with no citation (genuine)
    arslan = ('The authors simply wrote "there are no hypothesized effects related to time of '
              'day in the current study."\n')
    (f,) = [f for f in check_markdown("post.md", arslan, bib) if f.code == "CIT007"]
    assert f.severity == WARNING and f.message.startswith("direct quotation with no citation:")


# =========================================================================== N2 re-quotes

FISHER = (
    "> *If [$p$] is below .02 it is strongly indicated that the [null] hypothesis fails to "
    "account for the whole of the facts. We shall not often be astray if we draw a "
    "conventional line at .05 and consider that [smaller values of $p$] indicate a real "
    "discrepancy.*  \n"
    "-- Sir Ronald @Fisher1925\n\n"
)


def test_an_attribution_line_after_a_block_quotation_cites_it(bib):
    # LSR 0.6, ch. 17, "Evidentiary standards you can believe": the citation is on the line
    # after the quotation, so the quotation is Fisher's, without its page.
    (f,) = check_markdown("post.md", FISHER, bib)
    assert (f.code, f.severity, f.message) == (
        "CIT007", ERROR, "direct quotation without a page locator for 'Fisher1925'")
    assert check_markdown("post.md", FISHER.replace("@Fisher1925", "[@Fisher1925, p. 45]"),
                          bib) == []


def test_words_requoted_from_a_cited_quotation_inherit_its_citation(bib):
    # LSR 0.6, ch. 17, the paragraph after Fisher's words (page added to the quotation).
    requote = ("Consider the quote above by Sir Ronald Fisher. In his opinion, if we take "
               "$p<.05$ to mean there is \"a real effect\", then \"we shall not often be "
               "astray, if we draw a conventional line at .05\".\n")  # adapted: longer
    cited = FISHER.replace("@Fisher1925", "[@Fisher1925, p. 45]")
    assert cit007(bib, cited + requote) == []
    # The same words with no quotation above them are another's words, cited nowhere.
    assert [sev for *_, sev in cit007(bib, requote)] == [WARNING]


# =========================================================================== N3 titles


def test_a_quoted_title_of_an_entry_is_no_quotation(bib):
    # LSR 0.6, ch. 2 (research design): the title of Ioannidis (2005), in its sentence
    text = ("A good place to start is a paper by @Ioannidis2005 with the depressing title "
            "\"Why most published research findings are false\".\n")
    assert cit007(bib, text) == []
    # Vuorre (2017): a title in italics and quotes before its citation (adapted: the
    # textbook's entry, so that the title is one of this reference base's)
    assert cit007(bib, 'In that article (*"Why Most Published Research Findings Are '
                       'False"*) @Ioannidis2005 provided clear arguments.\n') == []
    # Part of a title is a quotation of it, attributed to the work: it wants its page.
    part = 'He argues that "most published research findings are false" [@Ioannidis2005].\n'
    assert [sev for *_, sev in cit007(bib, part)] == [ERROR]


# =========================================================================== N4, N5 blocks


def test_an_epigraph_attributed_by_name_only_is_a_warning(bib):
    # LSR 0.6, ch. 2 (research design), "Fraud, deception and self-deception"
    text = ("> *It is difficult to get a man to understand something, when his salary depends "
            "on his not understanding it.*\n>\n>-- Upton Sinclair\n")
    (f,) = check_markdown("post.md", text, bib)
    assert (f.code, f.severity) == ("CIT007", WARNING)
    assert "attributed only by name ('Upton Sinclair')" in f.message


def test_an_epigraph_naming_an_entry_by_hand_is_attributed_to_it(bib):
    # LSR 0.6, ch. 11 (hypothesis testing), "Effect size": the book's refs.bib holds Box1976
    text = (">*Since all models are wrong the scientist must be alert to what is importantly "
            "wrong. It is inappropriate to be concerned with mice when there are tigers abroad*"
            "\n>\n>-- George Box 1976\n")
    (f,) = [f for f in check_markdown("post.md", text, bib) if f.code == "CIT007"]
    assert f.severity == ERROR and "attributed by hand to 'George Box 1976'" in f.message
    assert f.hint == "cite the source with its page, e.g. [@Box1976, p. 12]"


def test_the_authors_own_example_in_a_block_quotation_is_a_warning(bib):
    # LSR 0.6, ch. 17, "Writing up Bayesian analyses": the author's own example write-up
    text = ("> A test of association produced a Bayes factor of 16:1 in favour of a "
            "relationship between species and choice.\n")
    (f,) = check_markdown("post.md", text, bib)
    assert (f.code, f.severity) == ("CIT007", WARNING)
    assert "<!-- toulmin: ignore CIT007" in f.hint


# =========================================================================== N8 markup


def test_attribute_values_are_masked_before_the_quotation_scan(bib):
    # Vuorre (2024), "A quantitative methods syllabus": a Quarto image with its alt text
    text = ('![Figure 1.1 from "Statistical rethinking"](images/rethinking-fig-1-1.png)'
            '{fig-alt="Example decision tree, or flowchart, for selecting an appropri- ate '
            'statistical procedure. Beginning at the top, the user answers a series of '
            'questions about measurement and intent." fig-align="center"}\n')
    assert find_quotations(text) == [] and cit007(bib, text) == []
    # the same words as a Quarto figure caption, and as an HTML alt attribute
    cap = text.replace("{fig-alt=", "{#fig-tree fig-cap=")
    assert cit007(bib, cap) == []
    html = ('<img src="images/rethinking-fig-1-1.png" alt="Example decision tree, or '
            'flowchart, for selecting an appropriate statistical procedure.">\n')
    assert cit007(bib, html) == []
    # a statistic's attributes are kept for the statistic scanner
    stat = 'The rate was [41.2%]{stat=recovery round="0.1"} last year.\n'
    assert mask_markdown(stat) == stat
