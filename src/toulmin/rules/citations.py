"""Rules CIT001-CIT010: citations and author-year mentions in a post (``checks.citations``)."""

from toulmin.findings import ERROR, WARNING
from toulmin.rules import Family, Rule

FAMILY = Family("CIT", "citations", "Citations", "", (
    Rule("CIT001", ERROR, "unknown citation key",
         "A key that is not in the reference base renders as a bare key and cites nothing; "
         "it is usually a typo of a key that is.",
         "as shown by [@clark2018transparancy]", "as shown by [@clark2018transparency]",
         "use the key it suggests, or add the work to `references.bib`"),
    Rule("CIT002", WARNING, "a bare `@name` that looks like a social-media handle",
         "pandoc reads any @word as a citation; a handle that is not a key would be printed "
         "as an unknown citation.",
         "thanks to @nhsengland for the data", "thanks to \\@nhsengland for the data",
         "write `\\@name` to keep a literal @, or cite a key"),
    Rule("CIT003", ERROR, "misspelt surname in an author-year mention",
         "A misspelt author name points readers at a work that does not exist and hides the "
         "citation from search.",
         "Horwath and Symonds (1991) found", "Horvath and Symonds (1991) found",
         "spell the names as in the entry"),
    Rule("CIT004", ERROR, "the authors match an entry but the year does not",
         "A wrong year sends readers to another edition or another work of the same authors.",
         "Horvath and Symonds (1993) found", "Horvath and Symonds (1991) found",
         "correct the year, or cite the key"),
    Rule("CIT005", ERROR, "wrong author order, or et al. for one or two authors",
         "APA 7 (§8.17) names works by their authors in byline order, and uses et al. only "
         "for three or more.",
         "Horvath et al. (1991) found", "Horvath and Symonds (1991) found",
         "write the names as the message says"),
    Rule("CIT006", ERROR, "an author-year mention with no entry behind it",
         "A claim attributed to a work the reference base does not hold cannot be checked "
         "by readers or by toulmin.",
         "Smith and Jones (2019) showed", "[@smith2019trial] showed",
         "add the work to the bibliography and cite it by its key"),
    Rule("CIT007", ERROR, "a direct quotation without a page locator",
         "APA 7 (§8.25) requires a page, paragraph or section for every direct quotation, "
         "so readers can find the words.",
         "\"reduced to a number\" [@scott2018radical]",
         "\"reduced to a number\" [@scott2018radical, p. 12]",
         "add a locator, as in `[@key, p. 12]`",
         severity_note="a warning for a quotation with no citation in or around it (no "
                       "`[@key]` and no hand-written \"Clark (2018)\" in its sentence, its "
                       "introduction or its attribution line): another's words to cite, or the "
                       "author's own example text to mark as such. An unattributed phrase of "
                       "fewer than 12 words that is not a full sentence (a term, scare quotes), "
                       "the title of an entry, and words re-quoted from a cited quotation above "
                       "are no quotation: no finding"),
    Rule("CIT008", ERROR, "a malformed DOI in the text",
         "A DOI with a space or a stray character resolves to nothing.",
         "doi:10.1037 0022-0167.38.2.139", "doi:10.1037/0022-0167.38.2.139",
         "write the DOI without spaces, as in `10.1037/0022-0167.38.2.139`"),
    Rule("CIT009", WARNING, "a DOI in the text that matches no entry",
         "A work named only by its DOI is outside the reference base: its metadata is never "
         "checked and it is missing from the references. A DOI may also name a dataset or a "
         "preregistration, which is no bibliography work: written as a link with its own "
         "text, it is not reported.",
         "see doi:10.1000/unknown.doi", "see [@clark2018transparency]",
         "cite the work by its key, correct the DOI, or write a link: "
         "`[the preregistration](https://doi.org/...)`"),
    Rule("CIT010", ERROR, "a narrative citation whose year is also written by hand",
         "`[-@key]` prints the year in parentheses; a year written beside it appears twice on "
         "the page: \"Clark et al. (2018) (2018)\".",
         "Clark et al. (2018) [-@clark2018transparency] argue",
         "Clark et al. [-@clark2018transparency] argue",
         "write `Clark et al. [-@clark2018transparency]`, or `@clark2018transparency`"),
))
