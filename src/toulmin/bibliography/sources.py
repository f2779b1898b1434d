"""The stored text of the cited works: abstracts from the registries and excerpts by hand.

Two kinds of file hold it, both committed and read offline by ``toulmin check`` and the
build:

- ``references.sources.json`` (``SOURCES_NAME``, beside the lock): each work's abstract as
  a registry gave it (``toulmin verify-refs`` writes it with ``write_abstracts``), or as an
  author copied it by hand (``"via": "manual"``)::

      {"format": 1, "works": {"<key>": {"doi": "10.x/y", "text": "<plain text>",
        "kind": "abstract", "via": "crossref"|"europepmc"|"openalex"|"manual",
        "url": "<where it was read>", "retrieved": "YYYY-MM-DD",
        "recorded_by": "<only for via=manual: who>"}}}

- ``sources/<key>.yaml``: excerpts of the full text, each with its page or section::

      excerpts:
        - locator: "p. 599"
          text: >-
            The exact words of the source, as printed.
          recorded: "2026-12-04, the editors, against the publisher's PDF"

``load_sources`` reads the bytes of every file once (``Sources.digest`` hashes them, for
the check cache) and parses them only when a check asks for a text, so a warm check pays
for neither JSON nor YAML. A problem in a file is an SRC006 finding at its line
(``Sources.findings``); the record concerned is left out. ``Evidence`` is what the source
check found for one figure or quotation of a document (``Project.evidence``);
``Attribution`` is every figure and quotation the check examined, with its verdict
(``Project.attributions``, the evidence audit page).

Bibliography level: imports the standard library, PyYAML (lazily) and the core modules.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from toulmin.bibliography.lock import read_committed, write_committed
from toulmin.findings import Finding
from toulmin.rules import RULES

__all__ = [
    "EXCERPT",
    "FOUND",
    "NOT_FOUND",
    "NO_TEXT",
    "SOURCES_NAME",
    "VERDICTS",
    "VIA",
    "Attribution",
    "Evidence",
    "SourceText",
    "Sources",
    "load_sources",
    "locator_covers",
    "locator_parts",
    "read_abstracts",
    "write_abstracts",
]

SOURCES_NAME = "references.sources.json"
FORMAT = 1

#: the registries (and "manual") an abstract may come from, with their names for readers
VIA = {"crossref": "Crossref", "europepmc": "Europe PMC", "openalex": "OpenAlex",
       "manual": "hand"}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ABSTRACT_FIELDS = frozenset({"doi", "text", "kind", "via", "url", "retrieved",
                              "recorded_by"})
_EXCERPT_FIELDS = frozenset({"locator", "text", "recorded", "url"})


@dataclass(frozen=True, slots=True)
class SourceText:
    """One stored text of a work: its abstract, or one excerpt of the full text.

    ``via`` is the registry (crossref, europepmc, openalex), "manual" for an abstract
    copied by hand, or "excerpt"; ``locator`` is the excerpt's page or section ("" for an
    abstract); ``path`` and ``line`` say where it is recorded (for findings). ``recorded``
    is who recorded it: the abstract's ``recorded_by``, or the excerpt's ``recorded``
    line after its date.
    """

    key: str
    kind: str
    text: str
    via: str
    url: str
    retrieved: str
    locator: str
    path: str
    line: int
    recorded: str = ""

    def provenance(self) -> str:
        """Where the text came from, for readers: "abstract, via Europe PMC, retrieved
        2026-11-30" or "excerpt, p. 599, recorded 2026-12-04 by the editors"."""
        if self.kind == "excerpt":
            out = f"excerpt, {self.locator}, recorded {self.retrieved}"
            return out + (f" by {self.recorded}" if self.recorded else "")
        if self.via == "manual":
            who = f" by {self.recorded}" if self.recorded else ""
            return f"abstract, copied by hand{who}, retrieved {self.retrieved}"
        return f"abstract, via {VIA.get(self.via, self.via)}, retrieved {self.retrieved}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the source check found for one figure or quotation of a document.

    ``line``/``column`` are the figure's (or the quotation's opening mark's) place in the
    document; ``written`` the figure or quotation as written; ``source_sentence`` the
    sentence of the stored text that holds it; ``provenance`` the stored text's
    (``SourceText.provenance``); ``kind`` "figure" or "quotation".
    """

    key: str
    line: int
    column: int
    written: str
    source_sentence: str
    provenance: str
    kind: str

    def to_tuple(self) -> tuple:
        return (self.key, self.line, self.column, self.written, self.source_sentence,
                self.provenance, self.kind)


#: the verdicts of an ``Attribution``: found in an abstract, found in an excerpt recorded by
#: hand, not found in the stored text, no stored text to look in
FOUND = "found"
EXCERPT = "excerpt"
NOT_FOUND = "not found"
NO_TEXT = "no stored text"
VERDICTS = (FOUND, EXCERPT, NOT_FOUND, NO_TEXT)


@dataclass(frozen=True, slots=True)
class Attribution:
    """One figure or quotation a document attributes to cited works, and what the source
    check made of it.

    ``path``/``line``/``column`` are the figure's (or the quotation's opening mark's) place;
    ``kind`` "figure" or "quotation"; ``written`` as written; ``sentence`` the document's
    sentence around it as plain text (citations as written), ``mark`` the (start, end) of the
    figure or quotation in it ((0, 0) when not known); ``keys`` the works it is
    attributed to, in order; ``locator`` the place in them the citation gives ("" none).
    ``verdict`` is one of ``VERDICTS``; when found, ``key`` is the work whose stored text
    holds it, ``source_sentence`` that text's sentence, and the text's provenance:
    ``source`` "abstract" or "excerpt", ``via`` (the registry, or "manual"), ``date``
    (retrieved or recorded), ``recorded`` (who, and against what, for a text copied by
    hand), ``source_locator`` (an excerpt's page), ``url``. ``code`` and ``note`` are the
    finding the check made of it, if any (``note``: its message, or why nothing could be
    concluded).
    """

    path: str
    line: int
    column: int
    kind: str
    written: str
    sentence: str
    mark: tuple[int, int]
    keys: tuple[str, ...]
    locator: str
    verdict: str
    key: str = ""
    source_sentence: str = ""
    source: str = ""
    via: str = ""
    date: str = ""
    recorded: str = ""
    source_locator: str = ""
    url: str = ""
    code: str = ""
    note: str = ""

    def to_tuple(self) -> tuple:
        return tuple(getattr(self, f) for f in self.__slots__)

    @classmethod
    def from_tuple(cls, values: tuple) -> Attribution:
        values = list(values)
        values[6], values[7] = tuple(values[6]), tuple(values[7])
        return cls(*values)

    @property
    def found(self) -> bool:
        return self.verdict in (FOUND, EXCERPT)

    def provenance(self) -> str:
        """Where the supporting text came from, for readers ("" when not found): "abstract,
        via Europe PMC, retrieved 2026-11-30", "abstract, copied by hand by X, retrieved
        ...", or "excerpt, p. 599, recorded by hand: 2026-12-04, the editors, against ..."."""
        if not self.found:
            return ""
        if self.source == "excerpt":
            line = ", ".join(p for p in (self.date, self.recorded) if p)
            return f"excerpt, {self.source_locator}, recorded by hand: {line}"
        if self.via == "manual":
            who = f" by {self.recorded}" if self.recorded else ""
            return f"abstract, copied by hand{who}, retrieved {self.date}"
        return f"abstract, via {VIA.get(self.via, self.via)}, retrieved {self.date}"


class Sources:
    """Every stored text of a site, by entry key; parsed on first use.

    ``digest`` hashes the bytes of every input file (and their names); ``findings`` are
    the problems found in them (SRC006).
    """

    def __init__(self, files: list[tuple[str, str, bytes]], digest: str):
        #: (kind "abstracts" | "excerpts", path shown in findings, bytes)
        self._files = files
        self.digest = digest
        self._texts: dict[str, list[SourceText]] | None = None
        self._findings: list[Finding] = []
        self._dois: dict[str, tuple[str, int, str]] = {}

    @classmethod
    def empty(cls) -> Sources:
        return cls([], "none")

    def texts(self, key: str) -> list[SourceText]:
        """The stored texts of ``key``: its abstract first, then its excerpts in order."""
        return list(self._parsed().get(key, ()))

    def has(self, key: str) -> bool:
        return bool(self._parsed().get(key))

    def keys(self) -> list[str]:
        """The keys with any stored text."""
        return [k for k, v in self._parsed().items() if v]

    def abstract_dois(self) -> dict[str, tuple[str, int, str]]:
        """key -> (the DOI its stored abstract was read for, line, path)."""
        self._parsed()
        return dict(self._dois)

    def excerpt_files(self) -> dict[str, str]:
        """key -> the path of its excerpts file."""
        return {Path(path).stem: path for kind, path, _ in self._files if kind == "excerpts"}

    @property
    def findings(self) -> list[Finding]:
        self._parsed()
        return list(self._findings)

    def _parsed(self) -> dict[str, list[SourceText]]:
        if self._texts is None:
            texts: dict[str, list[SourceText]] = {}
            for kind, path, data in self._files:
                if kind == "abstracts":
                    self._read_abstracts(path, data, texts)
            for kind, path, data in self._files:
                if kind == "excerpts":
                    self._read_excerpts(path, data, texts)
            self._texts = texts
        return self._texts

    def _problem(self, path: str, line: int, message: str, hint: str = "",
                 column: int = 1) -> None:
        self._findings.append(RULES["SRC006"].at(path, line, column, message, hint))

    # -- references.sources.json -------------------------------------------------------------

    def _read_abstracts(self, path: str, data: bytes,
                        texts: dict[str, list[SourceText]]) -> None:
        hint = "fix the file (or delete it and run 'toulmin verify-refs')"
        try:
            text = data.decode("utf-8")
            doc = json.loads(text)
        except UnicodeDecodeError:
            self._problem(path, 1, f"{path} is not UTF-8 text", hint)
            return
        except json.JSONDecodeError as exc:
            self._problem(path, exc.lineno, f"{path} is not valid JSON: {exc.msg}", hint,
                          exc.colno)
            return
        if not isinstance(doc, dict) or not isinstance(doc.get("works"), dict):
            self._problem(path, 1, f"{path} has no 'works' object", hint)
            return
        if doc.get("format") != FORMAT:
            self._problem(path, _line_of(text, '"format"'),
                          f"{path} has format {doc.get('format')!r}; this toulmin reads "
                          f"format {FORMAT}", hint)
            return
        works_at = text.find('"works"')
        for key, rec in doc["works"].items():
            at = _line_of(text, json.dumps(key, ensure_ascii=False), works_at)
            problem = _abstract_problem(rec)
            if problem:
                self._problem(path, at, f"the stored abstract of '{key}' {problem}",
                              "correct the record, or delete it and run "
                              "'toulmin verify-refs'")
                continue
            self._dois[key] = (rec.get("doi", ""), at, path)
            texts.setdefault(key, []).append(SourceText(
                key, "abstract", rec["text"], rec["via"], rec.get("url", ""),
                rec["retrieved"], "", path, at, rec.get("recorded_by", "")))

    # -- sources/<key>.yaml --------------------------------------------------------------------

    def _read_excerpts(self, path: str, data: bytes,
                       texts: dict[str, list[SourceText]]) -> None:
        import yaml

        key = Path(path).stem
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self._problem(path, 1, f"{path} is not UTF-8 text")
            return
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            reason = " ".join(str(exc.problem or exc.context or "").split())
            self._problem(path, line, f"{path} is not valid YAML: {reason}",
                          "fix the YAML (quote text holding ': ' or '#')", col)
            return
        except yaml.YAMLError as exc:
            self._problem(path, 1, f"{path} is not valid YAML: {' '.join(str(exc).split())}")
            return
        finally:
            loader.dispose()
        shape = "the file must hold 'excerpts:', a list of locator, text and recorded"
        if not isinstance(node, yaml.MappingNode):
            self._problem(path, 1 if node is None else node.start_mark.line + 1,
                          f"{path} has no excerpts", shape)
            return
        items = None
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "excerpts":
                items = v
            else:
                self._problem(path, k.start_mark.line + 1,
                              f"{path} has an unknown top-level field "
                              f"'{getattr(k, 'value', '?')}'", shape, k.start_mark.column + 1)
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            at = node.start_mark.line + 1 if items is None else items.start_mark.line + 1
            self._problem(path, at, f"{path} has no list of excerpts", shape)
            return
        for item in items.value:
            line = item.start_mark.line + 1
            found = self._excerpt(path, key, item, line)
            if found is not None:
                texts.setdefault(key, []).append(found)

    def _excerpt(self, path: str, key: str, item, line: int) -> SourceText | None:
        import yaml

        shape = "each excerpt has locator, text and recorded (and may have url)"
        if not isinstance(item, yaml.MappingNode):
            self._problem(path, line, "an excerpt must be a mapping", shape)
            return None
        fields: dict[str, str] = {}
        ok = True
        for k, v in item.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else "?"
            at = k.start_mark.line + 1
            if name not in _EXCERPT_FIELDS:
                self._problem(path, at, f"an excerpt has an unknown field '{name}'", shape,
                              k.start_mark.column + 1)
                ok = False
            elif name in fields:
                self._problem(path, at, f"an excerpt gives '{name}' twice", shape)
                ok = False
            elif not isinstance(v, yaml.ScalarNode) or not str(v.value).strip():
                self._problem(path, at, f"an excerpt's '{name}' must be text", shape)
                ok = False
            else:
                fields[name] = " ".join(str(v.value).split())
        if not ok:
            return None
        missing = [n for n in ("locator", "text", "recorded") if n not in fields]
        if missing:
            self._problem(path, line, f"an excerpt has no {' or '.join(missing)}", shape)
            return None
        if locator_parts(fields["locator"]) is None:
            self._problem(path, line, f"the locator '{fields['locator']}' is no page, "
                          "section, paragraph or chapter",
                          "write it as a citation's locator: p. 12, pp. 12-13, sec. 3.2, "
                          "para. 4, chap. 2")
            return None
        recorded = fields["recorded"]
        date = _DATE.match(recorded)
        if date is None:
            self._problem(path, line, f"an excerpt's 'recorded' ('{recorded}') does not "
                          "start with the date it was copied",
                          'write it as "YYYY-MM-DD, who, against what"')
            return None
        who = recorded[date.end():].lstrip(" ,;")
        url = fields.get("url", "")
        if url and not url.startswith(("https://", "http://")):
            self._problem(path, line, f"an excerpt's url '{url}' is not an http(s) address")
            return None
        return SourceText(key, "excerpt", fields["text"], "excerpt", url, date.group(),
                          fields["locator"], path, line, who)


def _abstract_problem(rec) -> str:
    """What is wrong with one record of ``works`` ("" when nothing)."""
    if not isinstance(rec, dict):
        return "is not an object"
    unknown = sorted(set(rec) - _ABSTRACT_FIELDS)
    if unknown:
        return f"has an unknown field '{unknown[0]}'"
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        return "has no text"
    if rec.get("kind", "abstract") != "abstract":
        return f"has kind {rec.get('kind')!r}, not 'abstract'"
    via = rec.get("via")
    if via not in VIA:
        return f"comes via {via!r}: not one of {', '.join(sorted(VIA))}"
    for name in ("doi", "url", "retrieved", "recorded_by"):
        if name in rec and not isinstance(rec[name], str):
            return f"has a '{name}' that is not text"
    if not _DATE.fullmatch(rec.get("retrieved", "")):
        return "has no 'retrieved' date (YYYY-MM-DD)"
    url = rec.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        return f"has a url that is not an http(s) address: {url[:80]}"
    if via == "manual" and not rec.get("recorded_by", "").strip():
        return "was copied by hand ('via': 'manual') but says not by whom ('recorded_by')"
    return ""


def _line_of(text: str, needle: str, start: int = 0) -> int:
    """The line of the first ``needle`` at or after ``start`` in ``text`` (1 if none)."""
    at = text.find(needle, max(start, 0))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


# ------------------------------------------------------------------------------- loading


def load_sources(root: str | os.PathLike, settings) -> Sources:
    """The stored texts of the site at ``root``: ``settings.sources`` (the abstracts) and
    the excerpt files ``settings.sources_dir/*.yaml``; files are read here, parsed on use.

    A file outside the site (through a symlink) is not read (SRC006).
    """
    root = Path(root)
    real_root = root.resolve()
    files: list[tuple[str, str, bytes]] = []
    outside: list[str] = []
    abstracts = root / settings.sources
    candidates = [("abstracts", abstracts)]
    folder = root / settings.sources_dir
    if folder.is_dir():
        candidates += [("excerpts", p) for p in sorted(folder.iterdir())
                       if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")]
    h = hashlib.blake2b(digest_size=16)
    for kind, path in candidates:
        shown = _shown(path, root)
        try:
            if not path.resolve().is_relative_to(real_root):
                outside.append(shown)
                continue
            data = path.read_bytes()
        except OSError:
            continue
        files.append((kind, shown, data))
        h.update(f"{kind}\0{shown}\0{len(data)}\0".encode())
        h.update(data)
    for shown in outside:
        h.update(f"outside\0{shown}\0".encode())
    sources = Sources(files, h.hexdigest() if files or outside else "none")
    for shown in outside:
        sources._findings.append(RULES["SRC006"].at(
            shown, 1, 1, f"{shown} lies outside the site (a symlink): not read",
            "keep the stored texts inside the site"))
    return sources


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# ------------------------------------------------------------------------------- writing


def read_abstracts(path: str | os.PathLike) -> dict[str, dict]:
    """The ``works`` of the abstracts file at ``path`` (key -> record); {} when the file
    does not exist; ``ValueError`` when it cannot be read (``toulmin check`` reports it as
    SRC006, and verify-refs leaves it alone)."""
    return read_committed(path, "works")


def dumps_abstracts(works: dict[str, dict]) -> str:
    """The abstracts file's text: sorted keys, indent 2, trailing newline."""
    return json.dumps({"format": FORMAT, "works": works}, indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def write_abstracts(path: str | os.PathLike, works: dict[str, dict]) -> bool:
    """Write ``works`` to the abstracts file at ``path`` atomically; False (the file left
    alone) when it already holds exactly that."""
    return write_committed(path, dumps_abstracts(works))


# ------------------------------------------------------------------------------- locators

_LOCATOR = re.compile(
    r"(?P<label>pp?\.?|pages?|paras?\.?|paragraphs?|¶¶?|secs?\.?|sections?|§§?|"
    r"chaps?\.?|chapters?)\s*(?P<value>\S.*)", re.IGNORECASE)
_KINDS = {"p": "page", "pp": "page", "page": "page", "pages": "page",
          "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph",
          "paragraphs": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
          "sec": "section", "secs": "section", "section": "section", "sections": "section",
          "§": "section", "§§": "section", "chap": "chapter", "chaps": "chapter",
          "chapter": "chapter", "chapters": "chapter"}
_RANGE_DASH = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")


def locator_parts(locator: str) -> tuple[str, tuple[tuple[object, object], ...]] | None:
    """(kind, ranges) of a locator: "pp. 12-14, 20" gives ("page", ((12, 14), (20, 20))).

    ``kind`` is page, paragraph, section or chapter; a bare number is a page. Values that
    are not whole numbers ("3.2", "iv") are kept as lower-case text. None when ``locator``
    is no such locator.
    """
    s = " ".join(locator.split())
    if not s:
        return None
    m = _LOCATOR.fullmatch(s)
    if m is not None:
        kind = _KINDS[m.group("label").rstrip(".").lower()]
        value = m.group("value")
    elif s[0].isdigit():
        kind, value = "page", s
    else:
        return None
    ranges = []
    for part in value.split(","):
        part = part.strip().rstrip(".")
        if not part:
            continue
        ends = _RANGE_DASH.split(part, maxsplit=1)
        lo, hi = ends[0], ends[-1]
        if lo.isdigit() and hi.isdigit():
            a, b = int(lo), int(hi)
            if len(hi) < len(lo):  # "599-60" is 599-600
                b = int(lo[: len(lo) - len(hi)] + hi)
            ranges.append((min(a, b), max(a, b)))
        else:
            ranges.append((part.casefold(), part.casefold()))
    return (kind, tuple(ranges)) if ranges else None


def locator_covers(held: str, cited: str) -> bool:
    """Whether an excerpt at locator ``held`` covers a citation's locator ``cited`` (same
    kind, overlapping pages or the same section)."""
    a, b = locator_parts(held), locator_parts(cited)
    if a is None or b is None or a[0] != b[0]:
        return False
    for lo, hi in a[1]:
        for clo, chi in b[1]:
            if isinstance(lo, int) and isinstance(clo, int):
                if lo <= chi and clo <= hi:
                    return True
            elif lo == clo:
                return True
    return False
