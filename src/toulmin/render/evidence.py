"""What readers see of the evidence: the source's own sentence on a citation's hover.

The check looks each figure and quotation a post attributes to a work up in the work's
stored text (its abstract from a registry, excerpts recorded by hand) and records what it
found: ``Project.evidence(doc_path)`` gives ``Evidence(key, line, column, written,
source_sentence, provenance, kind)`` at the figure's or quotation's place in the document.
This module ties each to the citation of that work in the same sentence and words the note
that follows the full reference in that citation's hover title::

    ... https://doi.org/10.1234/abcd — Source: "Of 1,211 patients, 42% ..." (abstract,
    via Europe PMC, retrieved 2026-11-30)

Citations are matched by their order in the document (the n-th citation of the file is the
n-th citation of the text a host renders, front matter having none), and each match is
confirmed by the citation's Markdown and the words before it on its line
(``citation_anchor``), so a host that changed the text shows no note rather than a wrong
one. The notes are plain text; the caller escapes them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from toulmin.project import file_key
from toulmin.scan.masking import Lines

#: the words between the full reference and the source's sentences in a hover title
SOURCE_LABEL = " \u2014 Source: "

# Where a sentence ends: the boundaries of the figure checks (a full stop, question or
# exclamation mark before a capital, a blank line, a list item or heading), and before a
# citation that opens the next sentence (blanked to NULs here).
_SENTENCE_END = re.compile(
    r"[.!?][\"'\u201d)]*\s+(?=[A-Z\u201c\"(\[\x00])|\n\s*\n|\n(?=\s*[-*+#|>]|\s*\d+\.)"
)
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s+")

#: ordinal of a citation in its document -> (its ``citation_anchor``; key -> note)
Notes = dict[int, tuple[str, dict[str, str]]]
#: how much of the line before a citation confirms that it is the one meant
_ANCHOR_BEFORE = 40


class DocumentNotes:
    """The hover notes of each document's citations, worked out once per build.

    ``project`` gives the documents and their evidence (``Project.evidence``);
    ``find_citations`` is the Markdown extension's (cached between builds by the text's
    hash), so a warm build parses no document again. A document without evidence costs one
    look-up.
    """

    def __init__(self, project, find_citations):
        self.project = project
        self.find_citations = find_citations
        self._paths: dict[str, str] | None = None
        self._docs = {d.path: d for d in project.documents}
        self._notes: dict[str, Notes] = {}

    def document_path(self, source: str) -> str | None:
        """The project's path of the document at file path ``source`` (None if none)."""
        if self._paths is None:
            self._paths = {file_key(d.abs_path): d.path for d in self._docs.values()}
        return self._paths.get(file_key(source))

    def for_file(self, source: str) -> Notes:
        """The notes of the document at file path ``source`` ({} for none)."""
        path = self.document_path(source)
        return self.for_document(path) if path else {}

    def for_document(self, doc_path: str) -> Notes:
        """The notes of the document at project path ``doc_path``."""
        found = self._notes.get(doc_path)
        if found is None:
            found = {}
            evidence = self.project.evidence(doc_path)
            if evidence:
                doc = self._docs.get(doc_path)
                if doc is not None:
                    found = citation_notes(doc.text, self.find_citations(doc.text), evidence)
            self._notes[doc_path] = found
        return found


def citation_anchor(text: str, start: int, end: int) -> str:
    """The citation at ``text[start:end]`` with up to 40 characters of its line before it,
    whitespace collapsed: the same in a document and in the text a host renders of it
    (front matter cut off, tabs expanded, a title line added)."""
    line_start = text.rfind("\n", 0, start) + 1
    return _SPACE.sub(" ", text[max(line_start, start - _ANCHOR_BEFORE):end]).strip()


def hover_note(found: Iterable[tuple[str, str]]) -> str:
    """The note after the full reference: each (source sentence, provenance) once, in
    order; "" for none."""
    parts: dict[str, None] = {}
    for sentence, provenance in found:
        sentence = _SPACE.sub(" ", sentence).strip()
        if not sentence:
            continue
        provenance = _SPACE.sub(" ", provenance).strip()
        parts.setdefault(f'"{sentence}" ({provenance})' if provenance else f'"{sentence}"')
    return SOURCE_LABEL + "; ".join(parts) if parts else ""


def citation_notes(text: str, citations: tuple, evidence: Iterable) -> Notes:
    """The hover notes of a document's citations.

    ``text`` is the document as read (front matter included: evidence lines count from the
    top of the file), ``citations`` its citations packed as the Markdown extension's
    ``find_citations`` gives them (narrative, start, end, line, column, items), and
    ``evidence`` what the check found. Each piece of evidence goes to the citation of its
    work in its sentence (the nearest in its paragraph when sentences are split
    differently); evidence with no such citation is shown nowhere.
    """
    evidence = list(evidence)
    if not evidence or not citations:
        return {}
    blanked = _blank_citations(text, citations)
    sentences = [0, *(m.end() for m in _SENTENCE_END.finditer(blanked))]
    paragraphs = [0, *(m.end() for m in _PARAGRAPH_END.finditer(blanked))]
    lines = Lines(text)
    found: dict[int, dict[str, list[tuple[str, str]]]] = {}
    for ev in evidence:
        pos = _offset(lines, len(text), ev.line, ev.column)
        if pos is None:
            continue
        sentence = bisect_right(sentences, pos)
        paragraph = bisect_right(paragraphs, pos)
        best: tuple[tuple[int, int], int] | None = None
        for i, (_narrative, start, _end, _line, _col, items) in enumerate(citations):
            if bisect_right(paragraphs, start) != paragraph:
                continue
            if not any(item[0] == ev.key for item in items):
                continue
            rank = (0 if bisect_right(sentences, start) == sentence else 1, abs(start - pos))
            if best is None or rank < best[0]:
                best = (rank, i)
        if best is not None:
            by_key = found.setdefault(best[1], {})
            by_key.setdefault(ev.key, []).append((str(ev.source_sentence or ""),
                                                  str(ev.provenance or "")))
    return {i: (citation_anchor(text, citations[i][1], citations[i][2]),
                {key: hover_note(pairs) for key, pairs in by_key.items()})
            for i, by_key in found.items()}


def _offset(lines: Lines, length: int, line: int, column: int) -> int | None:
    """The offset of a 1-based line and column in the text ``lines`` indexes, or None."""
    if not isinstance(line, int) or not isinstance(column, int):
        return None
    if line < 1 or line > len(lines.starts) or column < 1:
        return None
    return min(lines.starts[line - 1] + column - 1, length)


def _blank_citations(text: str, citations: tuple) -> str:
    """``text`` with each citation replaced by as many NULs, so that the full stops of
    locators ("p. 5") and prefixes ("e.g. ") end no sentence."""
    out, pos = [], 0
    for _narrative, start, end, *_rest in citations:
        if start < pos:
            continue
        out += [text[pos:start], "\x00" * (end - start)]
        pos = end
    out.append(text[pos:])
    return "".join(out)
