"""Rules BIB000-BIB012: the reference base (the loader's parse rules and the entry rules)."""

from toulmin.findings import ERROR, WARNING
from toulmin.rules import Family, Rule

FAMILY = Family("BIB", "reference base", "The reference base", "", (
    Rule("BIB000", ERROR, "the reference base is missing or unreadable",
         "Without references.bib no citation can be checked or rendered.",
         "bibliography: refs/missing.bib", "bibliography: references.bib",
         "create it, or pass `--bibliography PATH`"),
    Rule("BIB001", ERROR, "an entry that does not parse",
         "An entry that does not parse is dropped, and every citation of it is unknown.",
         "@article{key, title = {Unclosed", "@article{key, title = {Closed}}",
         "close the braces; the line number points at the entry"),
    Rule("BIB002", ERROR, "a duplicate key",
         "With two entries under one key, which one a citation means depends on the tool.",
         "@article{clark2018transparency, ...} (a second time)",
         "@article{clark2018transparency2, ...}",
         "rename one of the entries or delete the copy",
         severity_note="a warning when the keys differ only in case"),
    Rule("BIB003", ERROR, "two entries with the same DOI",
         "One work under two keys is listed twice in the references and checked twice.",
         "doi = {10.1037/0022-0167.38.2.139} (in a second entry)",
         "(one entry, cited by one key)",
         "keep one entry and cite it by one key"),
    Rule("BIB004", ERROR, "an entry is missing a required field",
         "APA 7 cannot write a reference without the author, title, source and date.",
         "@article{key, author = {A. Author}, title = {T}}",
         "@article{key, author = {A. Author}, title = {T}, journal = {J}, year = {2020}}",
         "add the required field the message names"),
    Rule("BIB005", ERROR, "a malformed DOI in an entry",
         "A malformed DOI links to nothing and cannot be verified against the registries.",
         "doi = {10.1037 0022}", "doi = {10.1037/0022-0167.38.2.139}",
         "write the bare DOI, as in `doi = {10.1037/0022-0167.38.2.139}`",
         severity_note="a warning for a well-formed DOI written as a link "
                       "(doi = {https://doi.org/10...})"),
    Rule("BIB006", ERROR, "a url that is not an http(s) link",
         "Only http and https links are published; javascript:, data: and file: links are "
         "unsafe for readers.",
         "url = {javascript:alert()}", "url = {https://example.org/report}",
         "only `http://` and `https://` links are published"),
    Rule("BIB007", WARNING, "an entry no post, page or statistic cites",
         "An uncited entry is never shown and never needed; it only slows the check.",
         "@misc{unused2020, ...} (cited nowhere)", "(the entry removed, or cited in a post)",
         "cite it, or remove it",
         severity_note="always a warning; for an entry a post names only by a hand-written "
                       "author-year mention, the message gives the place and the fix "
                       "(`Name [-@key]`): the page's reference list shows only `[@key]` "
                       "citations"),
    Rule("BIB008", ERROR, "a crossref to an entry that does not exist",
         "The entry inherits nothing from a missing parent, so its reference is incomplete.",
         "crossref = {missingparent}", "crossref = {smith2020handbook}",
         "add the parent entry or remove the field"),
    Rule("BIB009", ERROR, "an entry of an unknown type",
         "A type BibTeX and biblatex do not define (a typo) is rendered as a generic work, "
         "and no required field is checked.",
         "@articel{key, ...}", "@article{key, ...}",
         "use a BibTeX or biblatex type (`@article`, `@book`, `@incollection`, `@misc`...)"),
    Rule("BIB010", ERROR, "an `@string` that never closes",
         "An unclosed macro definition swallows what follows it, and every field that uses "
         "the macro prints its name instead of its text.",
         "@string{jep = {Journal of Economic Perspectives}",
         "@string{jep = {Journal of Economic Perspectives}}",
         "close its braces or quotes"),
    Rule("BIB011", ERROR, "a field given as a macro no `@string` defines",
         "A bare word that is not a macro is printed as the word itself "
         "(journal = jpe gives the journal \"jpe\").",
         "journal = jpe", "journal = {Journal of Political Economy}",
         "brace the text, or define the macro with `@string` before it"),
    Rule("BIB012", ERROR, "a crossref cycle",
         "Entries that inherit from each other have no parent work: their references "
         "are made of each other's fields.",
         "@incollection{a, crossref = {b}} @book{b, crossref = {a}}",
         "@incollection{a, crossref = {b}} @book{b, ...}",
         "remove the crossref field from the parent"),
))
