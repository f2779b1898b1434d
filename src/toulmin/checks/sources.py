"""Figures and quotations against the cited works' stored text (codes SRC001-SRC006).

A sentence that cites works (a bracketed or a narrative citation) attributes to them every
figure written in it outside the citations (``scan.figures``; ``{stat=}`` statistics are
checked against their data instead, and figures in a sentence without a citation are
STA005's). Each figure must be in the stored text (``bibliography.sources``: the abstract,
the excerpts of the full text) of at least one of them, at the precision written:

- SRC001 (error) not found, the works have stored text and the citation gives no page:
  the message lists (a few of) the figures the source does report;
- SRC002 (warning) not found, the citation gives a page: an excerpt of that page is
  wanted;
- SRC003 (warning) a work a figure or quotation rests on has a DOI but no stored text at
  all (once per document and work).

A direct quotation (``scan.quotations``) attributed to a work is looked up word for word,
white space, typographic quotes, dashes and ellipses normalised (an ellipsis or a bracketed
insertion may stand for words left out):

- SRC004 (error) not found, no page given;
- SRC005 (warning) not found, a page given; an error when an excerpt of that page is on
  record and does not hold it.

SRC006 (error, a site check): a problem in ``references.sources.json`` or a
``sources/*.yaml`` file, a stored text for no entry, or an abstract stored for another DOI
than the entry's.

What is found is recorded as ``Evidence`` (``DocumentContext.evidence``), which the
project keeps with the document's findings and the renderer shows on the citation's hover.
The scanners are imported on the first document checked, so a warm check pays for none.
"""

from __future__ import annotations

import re

from toulmin.checks.interface import DocumentContext, SiteContext, check
from toulmin.findings import ERROR, Finding
from toulmin.rules import RULES

#: how many of the source's figures an SRC001 message lists
_LISTED = 6


def _site_key(ctx: SiteContext) -> str | None:
    digest = ctx.bib.digest
    return f"{ctx.sources.digest}:{digest}" if digest else None


@check("site", families=("SRC",), cache_key=_site_key)
def stored_texts(ctx: SiteContext) -> list[Finding]:
    """SRC006: the files of stored text, and their records against the reference base."""
    sources = ctx.sources
    out = list(sources.findings)
    index = ctx.bib.index
    bib_name = ctx.settings.bibliography
    for key, (doi, line, path) in sources.abstract_dois().items():
        entry = index.get(key)
        if entry is None:
            out.append(RULES["SRC006"].at(
                path, line, 1, f"an abstract is stored for '{key}', which is no entry of "
                f"{bib_name}", "correct the key, or delete the record"))
        elif doi and entry[2] and doi.casefold() != entry[2].casefold():
            out.append(RULES["SRC006"].at(
                path, line, 1, f"the stored abstract of '{key}' is of doi {doi}, but the "
                f"entry's DOI is {entry[2]}",
                "run 'toulmin verify-refs' to store the abstract of the entry's DOI"))
    for key, path in sources.excerpt_files().items():
        if key not in index:
            out.append(RULES["SRC006"].at(
                path, 1, 1, f"{path} holds excerpts of '{key}', which is no entry of "
                f"{bib_name}", "name the file after the entry's key"))
    return out


@check("document", families=("SRC",))
def source_rules(ctx: DocumentContext) -> list[Finding]:
    """SRC001-SRC005: each figure and quotation a document attributes to a cited work,
    against that work's stored text; records the evidence found."""
    scanned = ctx.scan.citations
    index = ctx.bib.index
    if not any(i.key in index for c in scanned.citations for i in c.items):
        return []
    return _SourceCheck(ctx).run()


class _SourceCheck:
    """One document's figures and quotations against the stored texts."""

    def __init__(self, ctx: DocumentContext):
        self.ctx = ctx
        self.path = ctx.path
        self.sources = ctx.sources
        self.index = ctx.bib.index
        self.scanned = ctx.scan.citations
        self._lines = None
        self.out: list[Finding] = []
        self.warned: set[str] = set()  # works already given an SRC003 in this document

    def pos(self, offset: int) -> tuple[int, int]:
        """The line and column of ``offset`` in the document."""
        if self._lines is None:
            from toulmin.scan.masking import Lines

            self._lines = Lines(self.ctx.text)
        return self._lines.pos(offset)

    def run(self) -> list[Finding]:
        masked = self.scanned.masked
        cites = self.scanned.citations
        quoted = _blanked(masked, [(c.start, c.end) for c in cites], "\x00")
        spans = [(q.start, q.end) for q in self.scanned.quotations]
        spans += [(r.start, r.end) for r in self.ctx.scan.stat_refs]
        prose = _blanked(quoted, sorted(spans), " ")
        self._figures(prose)
        self._quotations(quoted)
        return self.out

    # -- figures -------------------------------------------------------------------------------

    def _figures(self, prose: str) -> None:
        from toulmin.scan.figures import figures_in
        from toulmin.scan.sentences import sentence_bounds, sentence_index

        figures = figures_in(prose)
        if not figures:
            return
        bounds = sentence_bounds(prose)
        by_sentence: dict[int, list] = {}
        for c in (*self.scanned.citations, *self.scanned.nested):
            items = [i for i in c.items if i.key in self.index]
            if items:
                by_sentence.setdefault(sentence_index(bounds, c.start), []).extend(items)
        for fig in figures:
            items = by_sentence.get(sentence_index(bounds, fig.start))
            if items:
                self._figure(fig, items)

    def _figure(self, fig, items: list) -> None:
        from toulmin.bibliography.sources import Evidence
        from toulmin.scan.figures import find_in, reported

        keys = list(dict.fromkeys(i.key for i in items))
        line, col = self.pos(fig.start)
        for key in keys:
            for st in self.sources.texts(key):
                hit = find_in(fig, st.text)
                if hit is not None:
                    self.ctx.evidence.append(Evidence(
                        key, line, col, fig.text, _sentence(st.text, hit.start, hit.end),
                        st.provenance(), "figure"))
                    return
        if self._textless(keys, line, col, f"the figure {fig.text}"):
            return
        names = _names(keys)
        locators = [(i.key, i.locator) for i in items if _is_locator(i.locator)]
        if locators:
            key, loc = locators[0]
            held = self._excerpts_at(key, loc)
            where = (f"its excerpt of {loc} ({held[0].path}:{held[0].line}) does not hold it"
                     if held else f"no excerpt of {loc} is on record")
            self.out.append(RULES["SRC002"].at(
                self.path, line, col,
                f"the figure {fig.text} is not in the {_what(self.sources, [key])} of "
                f"'{key}', and {where}",
                f"copy the sentence of {loc} that holds it into "
                f"{self.ctx.settings.sources_dir}/{key}.yaml, with its page"))
            return
        found = list(dict.fromkeys(f for key in keys for st in self.sources.texts(key)
                                   for f in reported(st.text)))
        if found:
            listed = ", ".join(found[:_LISTED]) + (", ..." if len(found) > _LISTED else "")
            said = f"{'it reports' if len(keys) == 1 else 'they report'} {listed}"
        else:
            said = "it reports no figures" if len(keys) == 1 else "they report no figures"
        self.out.append(RULES["SRC001"].at(
            self.path, line, col,
            f"the figure {fig.text} is not in the {_what(self.sources, keys)} of {names} "
            f"({said})",
            "correct the figure, cite the page and add an excerpt that holds it, or "
            "attribute it to the right work"))

    def _textless(self, keys: list[str], line: int, col: int, what: str) -> bool:
        """SRC003 for each work of ``keys`` with a DOI and no stored text (once a
        document); True when any of them has no stored text (nothing can be concluded)."""
        missing = [k for k in keys if not self.sources.has(k)]
        for key in missing:
            if self.index[key][2] and key not in self.warned:
                self.warned.add(key)
                self.out.append(RULES["SRC003"].at(
                    self.path, line, col,
                    f"no stored text of '{key}' to check {what} against",
                    "run 'toulmin verify-refs' to store its abstract, or record an excerpt "
                    f"in {self.ctx.settings.sources_dir}/{key}.yaml"))
        return bool(missing)

    def _excerpts_at(self, key: str, locator: str) -> list:
        from toulmin.bibliography.sources import locator_covers

        return [st for st in self.sources.texts(key)
                if st.kind == "excerpt" and locator_covers(st.locator, locator)]

    # -- quotations ----------------------------------------------------------------------------

    def _quotations(self, quoted: str) -> None:
        from toulmin.bibliography.sources import Evidence

        for q in self.scanned.quotations:
            if q.citation is None:
                continue  # CIT007's
            items = [i for i in q.citation.items if i.key in self.index]
            if not items:
                continue
            segments = quote_segments(_quote_body(quoted, q))
            if not segments:
                continue
            keys = list(dict.fromkeys(i.key for i in items))
            found = None
            for key in keys:
                for st in self.sources.texts(key):
                    span = find_quote(segments, st.text)
                    if span is not None:
                        found = (key, st, span)
                        break
                if found:
                    break
            if found is not None:
                key, st, (a, b) = found
                self.ctx.evidence.append(Evidence(key, q.line, q.column, q.text,
                                                  _sentence(st.text, a, b), st.provenance(),
                                                  "quotation"))
                continue
            shown = _short(q.text)
            if self._textless(keys, q.line, q.column, f'the quotation "{shown}"'):
                continue
            loc = q.locator if _is_locator(q.locator) else next(
                (i.locator for i in items if _is_locator(i.locator)), "")
            names = _names(keys)
            if not loc:
                self.out.append(RULES["SRC004"].at(
                    self.path, q.line, q.column,
                    f'the quotation "{shown}" is not in the {_what(self.sources, keys)} of '
                    f"{names}",
                    "quote the source's words exactly, or cite the page and record its "
                    "passage as an excerpt"))
                continue
            held = [st for key in keys for st in self._excerpts_at(key, loc)]
            if held:
                self.out.append(RULES["SRC005"].at(
                    self.path, q.line, q.column,
                    f'the quotation "{shown}" is not in the excerpt of {loc} on record '
                    f"({held[0].path}:{held[0].line})",
                    "quote the excerpt's words exactly, or correct the page",
                    severity=ERROR))
            else:
                self.out.append(RULES["SRC005"].at(
                    self.path, q.line, q.column,
                    f'the quotation "{shown}" is not in the {_what(self.sources, keys)} of '
                    f"{names}, and no excerpt of {loc} is on record",
                    f"record the passage of {loc} in "
                    f"{self.ctx.settings.sources_dir}/{keys[0]}.yaml"))


# ------------------------------------------------------------------------------- helpers


def _blanked(text: str, spans: list[tuple[int, int]], fill: str) -> str:
    """``text`` with each (start, end) span (sorted) replaced by ``fill``, newlines kept."""
    if not spans:
        return text
    from toulmin.scan.masking import blank

    out, pos = [], 0
    for a, b in spans:
        a = max(a, pos)
        if b <= a:
            continue
        out += [text[pos:a], blank(text[a:b], fill)]
        pos = b
    out.append(text[pos:])
    return "".join(out)


_BQ_MARK = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_HAND_LOCATOR = re.compile(r"\(\s*(?:pp?|paras?|¶|§|secs?|sections?|pages?)\.?\s*[\w.\-–]+"
                           r"\s*\)\s*\Z")


def _quote_body(quoted: str, q) -> str:
    """The words of quotation ``q`` in ``quoted`` (the masked text, citations blanked)."""
    body = quoted[q.start:q.end].replace("\x00", " ")
    if q.kind == "block":
        body = _BQ_MARK.sub("", body)
        body = _HAND_LOCATOR.sub("", body.rstrip())
    return body


_FOLD = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
         "\u00ab": '"', "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'",
         "\u201b": "'", "\u2032": "'", "`": "'", "\u2010": "-", "\u2011": "-",
         "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
         "\u2026": "...", "*": "", "_": "", "\u00ad": ""}


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` as quotations are compared (lower case; quotes, dashes and ellipses in one
    form; white space collapsed, none around a dash; emphasis marks dropped), and for each
    of its characters the offset in ``text`` it comes from."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        for c in _FOLD.get(ch, ch).lower():
            if c.isspace():
                space = True
                continue
            if c == "-":
                space = False
            elif space and out and out[-1] != "-":
                out.append(" ")
                where.append(i)
            space = False
            out.append(c)
            where.append(i)
    return "".join(out), where


_GAP = re.compile(r"\.\s?\.\s?\.|\[[^\]]*\]")
_EDGE = " .,;:!?'\"()"


def quote_segments(body: str) -> list[str]:
    """The normalised runs of words of a quotation, split where it leaves words out (an
    ellipsis) or puts its own in (a bracketed insertion)."""
    norm, _ = normalise(body)
    out = []
    for part in _GAP.split(norm):
        part = part.strip(_EDGE)
        if any(ch.isalnum() for ch in part):
            out.append(part)
    return out


_NORMALISED: dict[str, tuple[str, list[int]]] = {}


def find_quote(segments: list[str], text: str) -> tuple[int, int] | None:
    """The offsets in ``text`` of the passage holding ``segments`` in order, or None."""
    found = _NORMALISED.get(text)
    if found is None:
        if len(_NORMALISED) > 1024:
            _NORMALISED.clear()
        found = _NORMALISED[text] = normalise(text)
    norm, where = found
    pos, first = 0, None
    for seg in segments:
        at = norm.find(seg, pos)
        if at < 0:
            return None
        first = at if first is None else first
        pos = at + len(seg)
    if first is None:
        return None
    return where[first], where[pos - 1] + 1


def _sentence(text: str, start: int, end: int) -> str:
    from toulmin.scan.sentences import sentence_at

    return sentence_at(text, start, end)


def _is_locator(locator: str) -> bool:
    if not locator:
        return False
    from toulmin.bibliography.sources import locator_parts

    return locator_parts(locator) is not None


def _names(keys: list[str]) -> str:
    return " or ".join(f"'{k}'" for k in keys)


def _what(sources, keys: list[str]) -> str:
    """What stored text ``keys`` have: "abstract", "excerpts", "abstract and excerpts"."""
    kinds = {st.kind for k in keys for st in sources.texts(k)}
    if kinds == {"abstract"}:
        return "abstract"
    if kinds == {"excerpt"}:
        return "excerpts"
    return "abstract and excerpts"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"
