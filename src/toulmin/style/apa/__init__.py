"""The APA 7 style: references and in-text citations from ``Reference`` records.

Owns how a work is written in APA 7 (text casing and punctuation, names, dates, reference
entries, in-text citations, year suffixes and sorting). May import ``toulmin.bibliography``
(the records it formats) and ``toulmin.scan.model`` (the citation it renders); knows
nothing of Markdown, pages or checks. pandoc's citeproc with the APA CSL style is the
oracle its tests compare against.
"""

from toulmin.style.apa.engine import (
    author_short,
    disambiguate_names,
    reference_html,
    reference_text,
    render_citation,
    sort_key,
    year_suffixes,
)

__all__ = [
    "author_short",
    "disambiguate_names",
    "reference_html",
    "reference_text",
    "render_citation",
    "sort_key",
    "year_suffixes",
]
