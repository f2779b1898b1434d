"""One Markdown document scanned once: ``scan`` and its ``Scan`` record.

``scan`` masks the text once (``masking``), finds its citations (``citations``), blanks
them, and runs the mention, attribution, quotation and DOI scanners over the shared
results; the checks in ``toulmin.checks`` and the project's document cache use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toulmin.scan.citations import citations_in, mask_citations
from toulmin.scan.dois import DoiMention, dois_in
from toulmin.scan.masking import Lines, mask_code, mask_inline
from toulmin.scan.mentions import Mention, attributions_in, mentions_in
from toulmin.scan.model import Citation
from toulmin.scan.quotations import Quotation, quotations_in

__all__ = ["Scan", "scan"]


@dataclass(slots=True)
class Scan:
    """Everything found in one Markdown text, sharing one masking pass.

    ``citations`` are the top-level citations (as ``find_citations`` returns them);
    ``nested`` the narrative citations pandoc finds inside a bracketed citation's suffix
    (``[@a, and @b]`` gives ``@b``), kept apart so that spans never overlap.
    """

    text: str
    masked: str
    citations: list[Citation] = field(default_factory=list)
    nested: list[Citation] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    attributions: list[Mention] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    dois: list[DoiMention] = field(default_factory=list)
    #: mentions and attributions of one name right after another capitalised word
    #: ("Lloyd Jones (2011)", "Danielle Navarro (2019)", "Royal Mail (2019)"), with that
    #: word in ``lead``: checked only where an entry makes them a name
    aside: list[Mention] = field(default_factory=list)


def scan(text: str, stopwords: frozenset[str] = frozenset()) -> Scan:
    """Citations, mentions, attributions, quotations and DOIs of ``text`` in one pass.

    ``stopwords`` are the site's capitalised words that are no surnames (see ``mentions``).
    """
    lines = Lines(text)
    code_masked = mask_code(text)
    masked = mask_inline(code_masked)
    citations, nested = citations_in(text, masked, lines)
    work = mask_citations(masked, citations)
    aside: list[Mention] = []
    return Scan(
        text=text,
        masked=masked,
        citations=citations,
        nested=nested,
        mentions=mentions_in(work, lines, stopwords, aside),
        attributions=attributions_in(work, citations, lines, stopwords, aside),
        quotations=quotations_in(masked, work, citations, lines),
        dois=dois_in(code_masked, lines),
        aside=aside,
    )
