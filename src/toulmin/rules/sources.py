"""Rules SRC001-SRC006: figures and quotations against the cited works' stored text
(``checks.sources``; offline)."""

from toulmin.findings import ERROR, WARNING
from toulmin.rules import Family, Rule

_INTRO = ("A figure or a direct quotation a sentence attributes to a cited work is looked up "
          "in that work's stored text: its abstract (`references.sources.json`, written by "
          "`toulmin verify-refs`) and the excerpts of the full text recorded by hand in "
          "`sources/<key>.yaml`. A figure written with d decimals is found when a number of "
          "the same kind in the source rounds to it (`42%` is borne out by `41.8%`, "
          "`about 40%` by `40%`; `42%` is not borne out by `40%`). `{stat=}` "
          "statistics are checked against their data instead (STA).")

FAMILY = Family("SRC", "sources", "Figures and quotations against the source", _INTRO, (
    Rule("SRC001", ERROR, "a figure is not in the cited work's stored text",
         "A figure attributed to a work that does not report it misrepresents the work; the "
         "message lists the figures the source does report.",
         "Of 1,211 patients, 42% recovered [@smith2020trial].",
         "Of 1,211 patients, 41.8% recovered [@smith2020trial].",
         "correct the figure, cite the page and add an excerpt that holds it, or attribute "
         "it to the right work"),
    Rule("SRC002", WARNING, "a figure cited to a page no recorded excerpt holds",
         "The abstract does not report it and the page cited is not on record, so nothing "
         "shows the work says it.",
         "42% recovered [@smith2020trial, p. 599].",
         "(the same, with p. 599's sentence in sources/smith2020trial.yaml)",
         "copy the sentence that holds the figure into `sources/<key>.yaml`, with its page"),
    Rule("SRC003", WARNING, "no stored text for a cited work a figure or quote rests on",
         "Without the work's abstract or an excerpt, the figure or quotation cannot be "
         "checked against it. A work without a DOI (a report, a book) is held to this only "
         "when the site sets the plugin option `require_stored_text: true`: no registry "
         "has its text, so only an excerpt copied by hand can check it.",
         "42% recovered [@smith2020trial]. (no abstract stored)",
         "(the same, after `toulmin verify-refs` stored the abstract)",
         "run `toulmin verify-refs`, or record an excerpt in `sources/<key>.yaml` (a work "
         "without a DOI: the excerpt, with its page)"),
    Rule("SRC004", ERROR, "a quotation is not in the cited work's stored text",
         "A quotation must be the source's words; without a page it can only be the "
         "abstract's.",
         "\"therapy works for nearly everyone\" [@smith2020trial]",
         "\"therapy worked for most patients\" [@smith2020trial]",
         "quote the words exactly, or cite the page and record the excerpt"),
    Rule("SRC005", WARNING, "a quotation cited to a page is not in the stored text",
         "The page cited is not on record, so nothing shows the work has those words.",
         "\"the gains were maintained at follow-up\" [@smith2020trial, p. 604]",
         "(the same, with p. 604's passage in sources/smith2020trial.yaml)",
         "record the page's passage in `sources/<key>.yaml`",
         severity_note="an error when an excerpt of that page is on record and does not "
                       "hold the quotation"),
    Rule("SRC006", ERROR, "a stored-text file has a problem",
         "A record that cannot be read checks nothing; one for another DOI checks the wrong "
         "work.",
         "- locator: p. 599 (an excerpt without its text)",
         "- {locator: p. 599, text: \"...\", recorded: \"2026-12-04, the editors\"}",
         "fix the file at the line given (each excerpt has locator, text and recorded)"),
))
