"""The APA 7 style: references and in-text citations from ``Reference`` records.

Owns how a work is written in APA 7 (text casing and punctuation, names, dates, reference
entries, in-text citations, year suffixes and sorting), rendered natively, without pandoc
or any citeproc at run time. May import ``toulmin.bibliography`` (the records it formats)
and ``toulmin.scan.model`` (the citation it renders); knows nothing of Markdown, pages or
checks. pandoc's citeproc with the APA CSL style is the oracle its tests compare against
(``tests/engine/test_apa_oracle.py`` lists every remaining difference with its reason).

Modules, each importing only those above it:

- ``markup``: the output formats, plain text and HTML rendered side by side;
- ``text``: punctuation where pieces meet, sentence and title case;
- ``numbers``: CSL's numeric test, page ranges, ordinals;
- ``names``: author lists, initials, the names in-text citations need (§8.17–8.20);
- ``sorting``: the order of the reference list (§9.44–9.48);
- ``dates``: the date element, "n.d.", "in press", year suffixes (§8.19);
- ``item``: the CSL variables of one BibTeX entry;
- ``references``: reference-list entries (chapter 9);
- ``intext``: in-text citations (§8.10–8.20).

Where the Manual and pandoc part, the style follows the Manual: a name's particle stays
with the surname ("van Straten, A."; pandoc: "Straten, A. van"), "and" joins two names in
running text (pandoc: "&"), the works of one citation come in reference-list order and the
reference list is ordered by initials letter by letter (citeproc compares full given
names), "No." rather than "Nos." for a report number such as 18-2059, and a publisher such
as "Department of Health and Social Care" is not split at "and" (pandoc reads .bib files
as biblatex, whose lists split there). URLs are linked only when they are http or https.
"""

from toulmin.style.apa.dates import date_short, year_suffixes
from toulmin.style.apa.intext import author_short, render_citation
from toulmin.style.apa.names import disambiguate_names
from toulmin.style.apa.references import reference_html, reference_text
from toulmin.style.apa.sorting import sort_key

__all__ = [
    "author_short",
    "date_short",
    "disambiguate_names",
    "reference_html",
    "reference_text",
    "render_citation",
    "sort_key",
    "year_suffixes",
]
