"""Unsupported figures (STA005) on real published writing (issue 14).

Numbers that are part of a name (a broadcaster's channel, a named model, a questionnaire,
a step of a care model) are no figures; money written without a space before its unit
("£2bn", "£2billion") and percentage ranges ("38–53%", "3% to 45%") are figures like any
other. Each case is a sentence or two quoted verbatim (fair-use quotation) from the
source named beside it; the expected warnings are the figures a reader would want
sourced.
"""

from __future__ import annotations

import pytest

from toulmin.checks.statistics import check_unsupported_numbers
from toulmin.scan.figures import figures_in
from toulmin.scan.masking import mask_markdown

CBTWATCH = ("CBT Watch (cbtwatch.com), 'Radio 4 and 5 Live Put IAPT Under The Microscope', "
            "http://www.cbtwatch.com/"
            "radio-4-and-5-live-put-iapt-under-the-microscope/")
BECKETT = ("Charlie Beckett, 'GPT-4 has brought a storm of hype and fright - is it marketing "
           "froth, or is this a revolution?', The Guardian, March 2023")
OXFORD = ("Health Innovation Oxford and Thames Valley, 'Ensuring workforce skills mix is "
          "optimally utilised to reduce waiting times', https://healthinnovationoxford.org/"
          "our-work/mental-health-2/past-projects/anxiety-and-depression-network/"
          "ensuring-workforce-skills-mix-is-optimally-utilised-to-reduce-waiting-times")
MHM = ("Mental Health Matters, 'FAQs: Stepped Care', "
       "https://www.mhm.org.uk/pages/faqs/category/stepped-care")
BROGLIA = ("E. Broglia and J. Vos, 'Statistical relations among the CORE-10, PHQ-9 and GAD-7 "
           "in an English urban community counselling and psychotherapy clinic', "
           "Counselling and Psychotherapy Research 26(1), abstract at "
           "https://eprints.whiterose.ac.uk/id/eprint/236699")
HELLOSELF = ("HelloSelf, 'The questionnaires a therapist may give you - and why you "
             "shouldn't be afraid of them: PHQ-9, GAD-7 and CORE-10' (8 February 2024), "
             "https://www.helloself.com/advice/the-questionnaires-a-therapist-may-give-you-"
             "and-why-you-shouldnt-be-afraid")
INEWS = ("'Mental health services to receive £2bn a year boost in Budget statement', "
         "i news, 29 October 2018, https://inews.co.uk/news/politics/mental-health-services-"
         "to-receive-2bn-a-year-boost-in-budget-statement-214903")
MAIL = ("Sophie Borland, '£2billion pledge for mental health', Daily Mail, 30 October 2018, "
        "via https://www.pressreader.com/uk/daily-mail/20181030/281689730809302")
FULLFACT = ("Full Fact, 'Unanswered questions about the extra £1 billion for mental health' "
            "(2016), https://fullfact.org/health/unanswered-questions-extra-1-billion-mental-"
            "health/")
VICE = ("Hannah Ewens, 'What Does the Extra $1.4 Billion Invested in the UK's Mental Health "
        "Services Actually Mean?', VICE, 15 February 2016, https://www.vice.com/en/article/"
        "avy95e/")
TELEVERO = ("Televero Health, 'Does therapy really work? Science-backed reasons to give it "
            "another look', https://televerohealth.com/blog/does-therapy-really-work-science-"
            "backed-reasons-to-give-it-another-look")
VUORRE = ("Matti Vuorre, 'Open peer review' (2025, CC BY 4.0), "
          "https://vuorre.com/posts/open-peer-review/; and 'A quantitative methods syllabus' "
          "(2024, CC BY 4.0), https://vuorre.com/posts/methods-syllabus/; adapted: the "
          "first sentence of the quoted passage, the profile link after 'PREreview' and the "
          "image's attributes left out")
NAVARRO = ("Danielle Navarro, Learning Statistics with R, version 0.6.1 (2018), CC BY-SA "
           "4.0, https://learningstatisticswithr.com/book/ (bookdown source, "
           "github.com/ekothe/rbook: 04.11-hypothesistesting.Rmd, 01.01-intro.Rmd, "
           "06.17-bayes.Rmd); verbatim")
ARSLAN = ("Ruben C. Arslan, 'HIBAR: Effects of acetaminophen on risk taking (with virtual "
          "balloons)' (2020-09-23, CC BY 4.0), https://rubenarslan.github.io/posts/"
          "2020-09-23-hibar-effects-of-acetaminophen-on-risk-taking/; the link after "
          "'uncanny mountain' left out")
RICHARDS = ("D. A. Richards et al. (2012), 'Delivering stepped care: an analysis of "
            "implementation in routine practice', Implementation Science 7:3, "
            "https://doi.org/10.1186/1748-5908-7-3 (CC BY 2.0)")

CASES = [
    # names: a broadcaster's channel, a named model, questionnaires, steps of a care model
    (CBTWATCH, "There will be a number of discussions tomorrow 13 November on BBC Radio 5 Live "
               "about worker and user experiences of IAPT.", []),
    (CBTWATCH, "Also tomorrow BBC Radio 4\u2019s You and Yours will be looking into IAPT.", []),
    (CBTWATCH, "It\u2019s about unpacking the data asking why 71% of people working in the "
               "service reported burnout, and 67% live with depression or anxiety.",
     ["71%", "67%"]),
    (BECKETT, "OpenAI\u2019s ChatGPT already appeared to be a gamechanger, but now this "
              "week\u2019s new version, GPT-4, is another leap ahead.", []),
    (OXFORD, "Patients receiving a course of treatment in an NHS Improving Access to "
             "Psychological Therapies (IAPT) service (talking therapies) will be allocated "
             "either to step 2 or to step 3 treatment. Step 2 is delivered by an IAPT trained "
             "Psychological Wellbeing Practitioner (PWP) and step 3 by an IAPT trained High "
             "Intensity therapist (HI therapist).", []),
    (OXFORD, "The A&D Network has identified a cohort of patients (thought to be about 10%) "
             "who started treatment at step 2 but needed more intensive help to move towards "
             "recovery and who were \u2018stepped up\u2019 to step 3.", ["10%"]),
    (MHM, "This step is appropriate for you if you haven't noticed an improvement in response "
          "after trying the treatments at Step 2 or another previous therapy.", []),
    (BROGLIA, "Three widely used brief self-report symptom intensity measures used to assess "
              "clients seeking psychological therapy are the Patient Health Questionnaire-9 "
              "(PHQ-9), which focuses on depression, the Generalised Anxiety Disorder-7 "
              "(GAD-7), which focuses on anxiety, and the Clinical Outcomes in Routine "
              "Evaluation-10 (CORE-10), which focuses on general distress.", []),
    (BROGLIA, "The percent of clients meeting caseness criteria was highest for the CORE-10 "
              "(87.3%), followed by the GAD-7 (74.8%) and the PHQ-9 (71.0%).",
     ["87.3%", "74.8%", "71.0%"]),
    (HELLOSELF, "The questionnaires we\u2019re looking at are called the PHQ-9, the GAD-7 and "
                "the CORE-10.", []),
    (VUORRE, "If you can point me to the publicly available manuscript, or if the authors "
             "make the manuscript publicly available, I would be happy to provide my signed "
             "review which I will also post publicly on PREreview under a CC-BY 4.0 license "
             "to ensure it is permanently available and citeable.", []),
    (VUORRE, '![Figure 1.1 from "Statistical rethinking"](images/rethinking-fig-1-1.png)', []),
    # numbers in TeX math are notation; enumerators and numbered premises are labels
    (NAVARRO, "When we test ESP data ($X=62$ successes out of $N=100$ observations) using "
              "$\\alpha$ levels of .03 and above, we'd always find ourselves rejecting the null "
              "hypothesis. For $\\alpha$ levels of .02 and below, we always end up retaining "
              "the null hypothesis. Therefore, somewhere between .02 and .03 there must be a "
              "smallest value of $\\alpha$ that would allow us to reject the null hypothesis "
              "for this data. This is the $p$ value; as it turns out the ESP data has "
              "$p = .021$.", [".03", ".02", ".02 and .03"]),
    (NAVARRO, "Nope! That's *not* what $p<.05$ means.", []),
    (NAVARRO, "The logical *structure* of argument #2 is identical to the structure of "
              "argument #1, and they're both valid. However, in the second argument, there are "
              "good reasons to think that premise 1 is incorrect, and as a result it's "
              "probably the case that the conclusion is also incorrect.", []),
    (NAVARRO, "It's an intuitively appealing way to think, but it's wrong in two key "
              "respects: (1) null hypothesis testing is a frequentist tool, and the "
              "frequentist approach to probability does *not* allow you to assign "
              "probabilities to the null hypothesis... according to this view of "
              "probability, the null hypothesis is either true or it is not; it cannot have a "
              "\"5\\% chance\" of being true. (2) even within the Bayesian approach, which "
              "does let you assign probabilities to hypotheses, the $p$ value would not "
              "correspond to the probability that the null is true; this interpretation is "
              "entirely inconsistent with the mathematics of how the $p$ value is "
              "calculated.", ["5\\%"]),
    # a label that reads like a ratio ("S1: 0.023") does not swallow the number after it
    (ARSLAN, "The two significant p values for the BART are on the uncanny mountain (BART "
             "S1: 0.023, S2: 0.033, S3: 0.84, Combined: 0.024).",
     ["0.023", "0.033", "0.84", "0.024"]),
    # money written without a space before its unit, and with one
    (INEWS, "Mental health services in England will receive a cash injection worth at least "
            "£2bn a year, under major plans to be unveiled by the Chancellor today.", ["£2bn"]),
    (INEWS, "Callers to NHS 111 will be directed to support services 24 hours a day and there "
            "will be greater access to services in the community.", ["24"]),
    (MAIL, "He confirmed an extra £2billion a year for specialist mental health support "
           "services in A&E units, schools and the NHS 111 helpline, as reported in "
           "yesterday\u2019s Mail.", ["£2billion"]),
    (FULLFACT, "It spent £11.7 billion on mental health services in 2014/15 according to "
               "figures it reportedly released to social care website Community Care.",
     ["£11.7 billion"]),
    (VICE, "The report's bottom line: ministers needed to find an extra £1.2 billion "
           "[$1.7 billion] a year for mental health services by 2020.",
     ["£1.2 billion", "$1.7 billion"]),
    # percentage ranges: one figure each
    (TELEVERO, "Success Rates: 60\u201380% of therapy patients improve; CBT remission rates "
               "for anxiety range from 38\u201353%.", ["60\u201380%", "38\u201353%"]),
    (RICHARDS, "The numbers of patients allocated directly to high-intensity treatment varied "
               "from 3% to 45%. Rates of stepping up from low-intensity treatment to "
               "high-intensity treatment were less than 10%.", ["3% to 45%", "10%"]),
]


def _warned(text: str) -> list[str]:
    findings = check_unsupported_numbers("posts/p.md", mask_markdown(text), [])
    return [f.message.removeprefix("the figure ").split(" is neither")[0] for f in findings]


@pytest.mark.parametrize("source,text,expected", CASES, ids=[c[1][:40] for c in CASES])
def test_unsupported_figures_in_real_writing(source, text, expected):
    assert source
    assert _warned(text) == expected


SINGLE = [c for c in CASES if c[2] and ". " not in c[1]]


@pytest.mark.parametrize("source,text,expected", SINGLE, ids=[c[1][:40] for c in SINGLE])
def test_a_citation_in_the_sentence_supports_them(source, text, expected):
    from toulmin.scan.citations import find_citations

    cited = text[:-1] + " [@source2018]."
    spans = [(c.start, c.end) for c in find_citations(cited)]
    assert spans
    assert check_unsupported_numbers("posts/p.md", mask_markdown(cited), spans) == []


def test_money_is_a_figure_with_its_scale_for_the_source_check():
    """A source's "£2 billion" bears out a post's "£2bn"; "$2bn" it does not."""
    from toulmin.scan.figures import occurs_in

    (written,) = figures_in("an extra £2bn a year")
    assert (written.text, written.value, written.currency) == ("£2bn", 2 * 10**9, "£")
    assert occurs_in(written, "at least £2 billion a year in real terms by 2023-24")
    assert not occurs_in(written, "at least $2 billion a year")
    assert occurs_in(written, "at least £2.4 billion a year")  # £2bn to the billion
    assert not occurs_in(written, "at least £2.6 billion a year")
