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
- SRC003 (warning) a work a figure or quotation rests on has no stored text at all (once
  per document and work): a work with a DOI always (``verify-refs`` can store its
  abstract); one without a DOI (a report, a book) when the site sets
  ``require_stored_text`` (its text can only be an excerpt copied by hand).

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
project keeps with the document's findings and the renderer shows on the citation's hover;
every figure and quotation examined is recorded as an ``Attribution`` with its verdict
(found in an abstract, found in an excerpt, not found, no stored text), its sentence and
the source's (``DocumentContext.attributions``, ``Project.attributions``): the evidence
audit page lists them all.
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
        self._quote_bounds: list[int] | None = None
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
        masked = self.scanned.masked
        by_sentence: dict[int, list] = {}
        for c in (*self.scanned.citations, *self.scanned.nested):
            items = [i for i in c.items if i.key in self.index]
            if items:
                by_sentence.setdefault(sentence_index(bounds, c.start), []).extend(items)
        for fig in figures:
            at = sentence_index(bounds, fig.start)
            items = by_sentence.get(at)
            if items:
                self._figure(fig, items, plain_sentence(
                    masked[bounds[at]:bounds[at + 1]], fig.start - bounds[at],
                    fig.end - bounds[at]))

    def _figure(self, fig, items: list, sentence: tuple[str, tuple[int, int]]) -> None:
        from toulmin.bibliography.sources import Evidence
        from toulmin.scan.figures import find_in, reported

        keys = list(dict.fromkeys(i.key for i in items))
        line, col = self.pos(fig.start)
        place = (line, col, "figure", fig.text, *sentence, tuple(keys),
                 next((i.locator for i in items if i.locator), ""))
        for key in keys:
            for st in self.sources.texts(key):
                hit = find_in(fig, st.text)
                if hit is not None:
                    said = _sentence(st.text, hit.start, hit.end)
                    self.ctx.evidence.append(Evidence(
                        key, line, col, fig.text, said, st.provenance(), "figure"))
                    self._found(place, key, said, st)
                    return
        if self._textless(keys, line, col, f"the figure {fig.text}", place):
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
            self._not_found(place)
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
        self._not_found(place)

    # -- what was examined, for the audit --------------------------------------------------

    def _found(self, place: tuple, key: str, said: str, st) -> None:
        """Record a figure or quotation found in ``st``, a stored text of ``key``."""
        from toulmin.bibliography.sources import EXCERPT, FOUND, Attribution

        excerpt = st.kind == "excerpt"
        self.ctx.attributions.append(Attribution(
            self.path, *place, EXCERPT if excerpt else FOUND, key, said, st.kind,
            st.via, st.retrieved, st.recorded, st.locator if excerpt else "", st.url))

    def _not_found(self, place: tuple) -> None:
        """Record a figure or quotation not found, with the finding just made of it."""
        from toulmin.bibliography.sources import NOT_FOUND, Attribution

        f = self.out[-1]
        self.ctx.attributions.append(Attribution(self.path, *place, NOT_FOUND,
                                                 code=f.code, note=f.message))

    def _textless(self, keys: list[str], line: int, col: int, what: str,
                  place: tuple) -> bool:
        """SRC003 for each work of ``keys`` with no stored text that must have some (a work
        with a DOI; any work when ``require_stored_text`` is set), once a document; True
        when any of them has no stored text (nothing can be concluded: recorded as such)."""
        missing = [k for k in keys if not self.sources.has(k)]
        if not missing:
            return False
        from toulmin.bibliography.sources import NO_TEXT, Attribution

        every = self.ctx.settings.require_stored_text
        wanted = [k for k in missing if every or self.index[k][2]]
        self.ctx.attributions.append(Attribution(
            self.path, *place, NO_TEXT, code="SRC003" if wanted else "",
            note=f"no stored text of {_names(missing)} to check {what} against"))
        excerpts = self.ctx.settings.sources_dir
        for key in wanted:
            if key in self.warned:
                continue
            self.warned.add(key)
            hint = (f"run 'toulmin verify-refs' to store its abstract, or record an excerpt "
                    f"in {excerpts}/{key}.yaml" if self.index[key][2] else
                    f"it has no DOI, so no registry can store its text: record the passage "
                    f"that holds it, with its page, in {excerpts}/{key}.yaml")
            self.out.append(RULES["SRC003"].at(
                self.path, line, col, f"no stored text of '{key}' to check {what} against",
                hint))
        return True

    def _excerpts_at(self, key: str, locator: str) -> list:
        from toulmin.bibliography.sources import locator_covers

        return [st for st in self.sources.texts(key)
                if st.kind == "excerpt" and locator_covers(st.locator, locator)]

    # -- quotations ----------------------------------------------------------------------------

    def _quote_sentence(self, quoted: str, q) -> tuple[str, tuple[int, int]]:
        """The sentence (or sentences) of the document holding quotation ``q``, and where
        the quotation is in it (a block quotation: all of it)."""
        from toulmin.scan.sentences import sentence_bounds, sentence_index

        if self._quote_bounds is None:
            self._quote_bounds = sentence_bounds(quoted)
        bounds = self._quote_bounds
        first = sentence_index(bounds, q.start)
        last = sentence_index(bounds, max(q.start, q.end - 1))
        text = self.scanned.masked[bounds[first]:bounds[last + 1]]
        if q.kind == "block":
            found, _ = plain_sentence(text)
            return found, (0, len(found))
        return plain_sentence(text, q.start - bounds[first], q.end - bounds[first])

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
            place = (q.line, q.column, "quotation", q.text, *self._quote_sentence(quoted, q),
                     tuple(keys), q.locator or next((i.locator for i in items if i.locator),
                                                   ""))
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
                said = _sentence(st.text, a, b)
                self.ctx.evidence.append(Evidence(key, q.line, q.column, q.text, said,
                                                  st.provenance(), "quotation"))
                self._found(place, key, said, st)
                continue
            shown = _short(q.text)
            if self._textless(keys, q.line, q.column, f'the quotation "{shown}"', place):
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
                self._not_found(place)
                continue
            held = [st for key in keys for st in self._excerpts_at(key, loc)]
            if held:
                self.out.append(RULES["SRC005"].at(
                    self.path, q.line, q.column,
                    f'the quotation "{shown}" is not in the excerpt of {loc} on record '
                    f"({held[0].path}:{held[0].line})",
                    "quote the excerpt's words exactly, or correct the page",
                    severity=ERROR))
                self._not_found(place)
            else:
                self.out.append(RULES["SRC005"].at(
                    self.path, q.line, q.column,
                    f'the quotation "{shown}" is not in the {_what(self.sources, keys)} of '
                    f"{names}, and no excerpt of {loc} is on record",
                    f"record the passage of {loc} in "
                    f"{self.ctx.settings.sources_dir}/{keys[0]}.yaml"))
                self._not_found(place)


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


# a link or image (its destination blanked by masking), a reference link, or the brackets
# of a {stat=} span; a citation's brackets (an @ inside) stay
_LINK = re.compile(r"!?\[([^\]\n@]*)\](?:\([^)\n]*\)|\[[^\]\n]*\]|(?=[ \t]{3}|\{))")
_ATTRS = re.compile(r"\{[ \t]*(?:stat=|[#.:])[^}\n]*\}")
_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+|^[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6})[ \t]+|"
                    r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)|(?<=\S)_(?!\w)|`+",
                    re.MULTILINE)
_SPACE = re.compile(r"\s+")
#: how long a sentence of a document the audit shows (a block quotation can be long)
_SENTENCE_MAX = 1200


def plain_sentence(masked: str, start: int = 0, end: int = 0) -> tuple[str, tuple[int, int]]:
    """A sentence of a document's masked text (code, tags, comments and link destinations
    blanked) as plain text: link text kept, attribute lists (``{stat=}``), block, list and
    heading marks, emphasis and code marks dropped, white space collapsed; citations as
    written. With it, where ``masked[start:end]`` (a figure, a quotation) is in that text
    ((0, 0) when ``start == end``)."""
    if 0 <= start < end <= len(masked):
        masked = f"{masked[:start]}\x01{masked[start:end]}\x02{masked[end:]}"
    text = _LINK.sub(r"\1", masked)
    text = _ATTRS.sub("", text)
    text = _MARKS.sub("", text)
    text = _SPACE.sub(" ", text.replace("\x00", " ")).strip()
    a, b = text.find("\x01"), text.find("\x02")
    mark = (a, b - 1) if 0 <= a < b else (0, 0)
    text = text.replace("\x01", "").replace("\x02", "")
    if len(text) > _SENTENCE_MAX:
        text = text[: _SENTENCE_MAX - 1].rstrip() + "\u2026"
        mark = mark if mark[1] < _SENTENCE_MAX - 1 else (0, 0)
    return text, mark


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
