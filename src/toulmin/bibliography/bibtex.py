"""The reference base: load a BibTeX file into immutable ``Reference`` records.

Parsing is bibtexparser 2's (blocks, fields, line numbers, failed blocks); on top of it
this module resolves ``@string`` macros with ``#`` concatenation (bibtexparser 2.1 resolves
only a value that is a single macro), applies ``crossref`` inheritance, decodes LaTeX to
Unicode with pylatexenc, and splits names with bibtexparser's BibTeX name grammar.

Decoding LaTeX is the slow part (about 2 ms an entry), so it runs only on fields that hold
a backslash, a brace, a dollar or a tie, and the whole parsed result is cached on disk by
the file's content hash (``load(..., cache_dir=...)``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toulmin import __version__
from toulmin import cache as cachefile
from toulmin.bibliography import latex
from toulmin.findings import WARNING, Finding
from toulmin.rules import RULES

#: BibTeX's predefined month macros.
MONTHS = {
    m: m.capitalize()
    for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}
_MONTH_NAMES = dict(
    zip(
        MONTHS,
        ("January February March April May June July August September October November "
         "December").split(),
        strict=True,
    )
)

#: Field names holding people.
NAME_FIELDS = ("author", "editor", "translator")


@dataclass(frozen=True, slots=True)
class Name:
    """One person (or one organisation, when ``literal``) from a BibTeX name list."""

    family: str
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: bool = False

    @property
    def full_family(self) -> str:
        """Family name with its particle, as APA prints it ("van Straten")."""
        return f"{self.particle} {self.family}".strip() if self.particle else self.family

    def initials(self) -> str:
        """Given names as APA initials: "Robert L." -> "R. L.", "Jean-Paul" -> "J.-P."."""
        out = []
        for part in self.given.split():
            pieces = [p for p in part.split("-")]
            inits = []
            for p in pieces:
                letters = p.strip(".")
                if not letters:
                    continue
                inits.append(letters[0].upper() + ".")
            if inits:
                out.append("-".join(inits))
        return " ".join(out)


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the reference base, decoded to Unicode.

    ``fields`` maps lower-case field names to plain text (LaTeX decoded, braces removed,
    white space collapsed). ``protected`` maps a field name to the brace-protected phrases
    in it (text whose case must not change), ``field_lines`` to the line each field starts
    on. ``line`` is the 1-based line of the entry's ``@``.
    """

    key: str
    type: str
    fields: Mapping[str, str]
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    protected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 1
    field_lines: Mapping[str, int] = field(default_factory=dict)
    hash: str = ""

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def year(self) -> str:
        """The year as written, or the year of ``date``; "" when there is none."""
        y = self.fields.get("year") or self.fields.get("date", "")[:4]
        return y or ""

    @property
    def doi(self) -> str:
        return normalise_doi(self.fields.get("doi", ""))

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)

    def to_record(self) -> tuple:
        """Plain tuples for the on-disk cache (``marshal`` is several times faster than pickle)."""
        return (
            self.key, self.type, dict(self.fields),
            tuple(_name_tuple(n) for n in self.authors),
            tuple(_name_tuple(n) for n in self.editors),
            dict(self.protected), self.line, dict(self.field_lines), self.hash,
        )

    @classmethod
    def from_record(cls, rec: tuple) -> Reference:
        key, etype, fields, authors, editors, protected, line, lines, digest = rec
        return cls(key, etype, fields, tuple(Name(*n) for n in authors),
                   tuple(Name(*n) for n in editors), protected, line, lines, digest)


def _name_tuple(n: Name) -> tuple:
    return (n.family, n.given, n.particle, n.suffix, n.literal)


def content_hash(etype: str, values: Mapping[str, str]) -> str:
    """A hash of an entry's type and raw field values, stable across reformatting."""
    h = hashlib.sha256(etype.lower().encode())
    for k in sorted(values):
        h.update(b"\0" + k.encode() + b"\0" + " ".join(values[k].split()).encode())
    return h.hexdigest()[:16]


class _Entries(Mapping):
    """Key -> Reference, in file order, each record decoded from the cache on first use."""

    __slots__ = ("_blobs", "_objs")

    def __init__(self, blobs: dict[str, bytes | Reference]):
        self._blobs = blobs
        self._objs: dict[str, Reference] = {}

    def __getitem__(self, key: str) -> Reference:
        obj = self._objs.get(key)
        if obj is None:
            blob = self._blobs[key]
            obj = blob if isinstance(blob, Reference) else Reference.from_record(
                marshal.loads(blob))
            self._objs[key] = obj
        return obj

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


class Bibliography:
    """A loaded ``.bib`` file: its entries in file order and the problems met loading it.

    ``entries`` maps keys to ``Reference`` records; from the cache they are decoded lazily,
    so a check that looks at a few dozen cited works of a 7,000-entry file pays for those.
    ``surnames`` lists, per entry, its year and the family names of its authors (or
    editors), enough for the prose-mention checks without decoding every record.
    """

    __slots__ = ("__weakref__", "digest", "entries", "findings", "index", "path", "strings")

    def __init__(self, path: str, entries: Mapping[str, Reference], findings: list[Finding],
                 strings: dict[str, str] | None = None,
                 index: dict[str, tuple[str, tuple[str, ...], str, int, str]] | None = None):
        self.path = path
        self.entries = entries
        self.findings = findings
        self.strings = strings or {}
        if index is None:
            index = {r.key: (r.year, tuple(n.full_family for n in (r.authors or r.editors)),
                             r.doi, r.line, r.hash) for r in entries.values()}
        #: key -> (year, family names, DOI, line, content hash): what the checks of every
        #: entry need, without decoding the entries
        self.index = index
        self.index = index
        #: hash of the file's bytes (set by ``load``): keys caches of anything derived
        self.digest = ""

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __getitem__(self, key: str) -> Reference:
        return self.entries[key]

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> Reference | None:
        return self.entries.get(key)

    def to_cache(self) -> bytes:
        ents = self.entries
        blobs = {k: marshal.dumps(ents[k].to_record()) for k in ents}
        findings = [tuple(f.__getattribute__(n) for n in Finding.__slots__) for f in self.findings]
        return marshal.dumps((CACHE_FORMAT, self.path, findings, self.strings, self.index, blobs,
                              self.digest))

    @classmethod
    def from_cache(cls, data: bytes) -> Bibliography | None:
        try:
            fmt, path, findings, strings, index, blobs, digest = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if fmt != CACHE_FORMAT:
            return None
        bib = cls(path, _Entries(blobs), [Finding(*f) for f in findings], strings, index)
        bib.digest = digest
        return bib


CACHE_FORMAT = 6  # 6: findings are the parse rules only (BIB001, BIB002, BIB008)


_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|https?://doi\.org/)", re.IGNORECASE
)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalise_doi(doi: str) -> str:
    """A DOI without resolver prefix, trimmed; DOIs compare case-insensitively."""
    doi = doi.strip()
    doi = _DOI_PREFIXES.sub("", doi)
    return doi.strip()


def _read_text(path: Path) -> tuple[str, bytes]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc), data
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def load(path: str | Path, *, cache_dir: str | Path | None = None, display: str | None = None
         ) -> Bibliography:
    """Load ``path``; with ``cache_dir``, reuse the parsed result when the bytes are unchanged.

    ``display`` is the path written into findings (relative to the site root).
    """
    path = Path(path)
    shown = display or path.as_posix()
    try:
        text, data = _read_text(path)
    except OSError as exc:
        return Bibliography(
            shown, {}, [RULES["BIB000"].at(shown, 1, 1, f"cannot read file: {exc.strerror}")]
        )
    cache_file = None
    if cache_dir is not None:
        cache_file = _cache_file(data, shown, cache_dir)
        try:
            cached = Bibliography.from_cache(cache_file.read_bytes())
        except OSError:
            cached = None
        if cached is not None:
            return cached
    bib = parse_string(text, shown)
    bib.digest = hashlib.sha256(data).hexdigest()[:32]
    if cache_file is not None:
        _write_cache(cache_file, bib)
    return bib


class PendingLoad:
    """A ``load`` that may be running in a second process (``load_in_background``)."""

    def __init__(self, path: Path, cache_dir, display: str | None, pid: int | None = None,
                 bib: Bibliography | None = None):
        self._args = (path, cache_dir, display)
        self._pid = pid
        self._bib = bib

    @property
    def background(self) -> bool:
        """True while another process is parsing the file."""
        return self._pid is not None

    def result(self) -> Bibliography:
        """The bibliography: read from the cache the other process wrote, or parsed here
        if it wrote none (it failed, or the cache folder is read-only)."""
        if self._bib is None:
            if self._pid is not None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self._pid, 0)
                self._pid = None
            path, cache_dir, display = self._args
            self._bib = load(path, cache_dir=cache_dir, display=display)
        return self._bib


#: below this size a file parses faster than a second process starts
BACKGROUND_MIN_BYTES = 200_000


def load_in_background(path: str | Path, *, cache_dir: str | Path | None,
                       display: str | None = None) -> PendingLoad:
    """``load``, in a second process when that saves time, so the caller can read and scan
    its documents meanwhile: a large file that is not in the cache, a second CPU, and a
    process that can fork safely (no threads). The child parses the file and writes the
    cache; ``result()`` waits for it and reads the cache. Otherwise loads here and now.
    """
    path = Path(path)
    if cache_dir is None or not _can_fork() or _cached(path, cache_dir, display):
        return PendingLoad(path, cache_dir, display,
                           bib=load(path, cache_dir=cache_dir, display=display))
    pid = os.fork()
    if pid == 0:  # the child: parse, write the cache, and leave without cleaning up
        code = 1
        try:
            load(path, cache_dir=cache_dir, display=display)
            code = 0
        finally:
            os._exit(code)
    return PendingLoad(path, cache_dir, display, pid=pid)


def _can_fork() -> bool:
    import threading

    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) >= 2


def _cached(path: Path, cache_dir: str | Path, display: str | None) -> bool:
    """True when ``load`` would read ``path`` from the cache (or it is small or unreadable,
    when there is nothing to gain)."""
    try:
        if path.stat().st_size < BACKGROUND_MIN_BYTES:
            return True
        data = path.read_bytes()
    except OSError:
        return True
    return _cache_file(data, display or path.as_posix(), cache_dir).exists()


def _cache_file(data: bytes, shown: str, cache_dir: str | Path) -> Path:
    digest = hashlib.sha256(data + __version__.encode() + shown.encode()).hexdigest()
    return Path(cache_dir) / f"bib-{digest[:32]}.marshal"


def _write_cache(cache_file: Path, bib: Bibliography) -> None:
    """Write atomically; drop older caches of the same file (named by the path's hash)."""
    if not cachefile.write_bytes(cache_file, bib.to_cache()):
        return  # a read-only tree still works, only slower
    try:
        source_id = hashlib.sha256(bib.path.encode()).hexdigest()[:16]
        marker = cache_file.parent / f"bibsrc-{source_id}"
        try:
            previous = marker.read_text().strip()
        except OSError:
            previous = ""
        if previous and previous != cache_file.name:
            (cache_file.parent / previous).unlink(missing_ok=True)
        marker.write_text(cache_file.name)
    except OSError:
        pass  # a read-only tree still works, only slower


# --------------------------------------------------------------------------- parsing


def parse_string(text: str, path: str = "references.bib") -> Bibliography:
    """Parse BibTeX source into a ``Bibliography``; never raises on bad input."""
    import bibtexparser
    from bibtexparser import model

    # bibtexparser logs each failed block as a multi-line warning; we report them ourselves.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    lib = bibtexparser.parse_string(text, parse_stack=[])
    findings: list[Finding] = []
    strings: dict[str, str] = dict(_MONTH_NAMES)
    raw_entries: list[tuple] = []
    seen_keys: dict[str, int] = {}

    for block in lib.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.String):
            strings[block.key.lower()] = _resolve_value(str(block.value), strings)
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            key = block.key
            first = seen_keys.get(key)
            where = f" (first defined on line {first})" if first else ""
            findings.append(
                RULES["BIB002"].at(path, line, 1, f"duplicate key '{key}'{where}",
                                   "rename one of the entries or delete the copy")
            )
        elif isinstance(block, model.ParsingFailedBlock):
            findings.append(_failed_block_finding(path, block, line))
        elif isinstance(block, model.Entry):
            seen_keys.setdefault(block.key, line)
            raw_entries.append((block, line))
    # Case-only duplicates: BibTeX treats keys case-insensitively.
    lower: dict[str, str] = {}
    for block, line in raw_entries:
        k = block.key.lower()
        if k in lower and lower[k] != block.key:
            findings.append(
                RULES["BIB002"].at(path, line, 1,
                                   f"key '{block.key}' differs only in case from '{lower[k]}'",
                                   "BibTeX and pandoc treat keys case-insensitively; rename one",
                                   severity=WARNING)
            )
        lower.setdefault(k, block.key)

    # First pass: resolve macros and concatenation to raw LaTeX values.
    resolved: dict[str, tuple[str, dict[str, str], dict[str, int], int]] = {}
    for block, line in raw_entries:
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for f in block.fields:
            name = f.key.strip().lower()
            values[name] = _resolve_value(str(f.value), strings)
            lines[name] = (f.start_line or 0) + 1 if f.start_line is not None else line
        resolved[block.key] = (block.entry_type.lower(), values, lines, line)

    # Second pass: crossref inheritance (BibTeX's same-name rule and biblatex's
    # title -> booktitle mapping for parts of books and proceedings).
    inherited: dict[str, dict[str, str]] = {}
    by_lower = {k.lower(): k for k in resolved}
    for key, (_etype, values, _lines, line) in resolved.items():
        values = dict(values)
        parent_key = values.get("crossref", "").strip()
        if parent_key:
            pk = parent_key if parent_key in resolved else by_lower.get(parent_key.lower())
            if pk is None:
                findings.append(
                    RULES["BIB008"].at(path, _lines.get("crossref", line), 1,
                            f"entry '{key}' has crossref '{parent_key}', which is not in the file",
                            "add the parent entry or remove the crossref field")
                )
            else:
                ptype, pvalues, _, _ = resolved[pk]
                for fname, fval in pvalues.items():
                    if fname in ("crossref", "ids", "key"):
                        continue
                    values.setdefault(fname, fval)
                if ptype in ("book", "proceedings", "collection", "mvbook", "mvcollection",
                             "mvproceedings", "reference") and "title" in pvalues:
                    values.setdefault("booktitle", pvalues["title"])
        inherited[key] = values

    entries: dict[str, Reference] = {}
    for key, (etype, _values, lines, line) in resolved.items():
        entries[key] = _make_reference(key, etype, inherited[key], lines, line)
    bib = Bibliography(path, entries, findings, strings)
    bib.digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return bib


def _failed_block_finding(path: str, block, line: int) -> Finding:
    raw = getattr(block, "raw", "") or ""
    err = getattr(block, "error", None)
    lines = [ln.strip() for ln in str(err or "").splitlines() if ln.strip()]
    detail = lines[-1] if lines else ""
    head = raw.strip().splitlines()[0][:60] if raw.strip() else ""
    m = re.match(r"\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)", raw)
    what = f"@{m.group(1)} block '{m.group(2)}'" if m and m.group(2) else (
        f"@{m.group(1)} block" if m else f"block '{head}'")
    if "Unexpected block start" in detail or "still looking" in detail:
        detail = "unclosed brace or quote before the next entry"
    elif detail.startswith("Duplicate field keys"):
        fields = re.search(r"'([^']*)'", detail)
        detail = f"field {fields.group(0) if fields else ''} appears more than once".replace(
            "  ", " ")
    elif detail:
        detail = re.sub(r"\s+", " ", detail.split(" Note:")[0])
    else:
        detail = "syntax error"
    return RULES["BIB001"].at(path, line, 1, f"cannot parse {what}: {detail}",
                              "check the braces, quotes and commas of this entry")


def _resolve_value(value: str, strings: Mapping[str, str]) -> str:
    """Resolve ``macro # "text" # {text} # 12`` into one raw LaTeX string."""
    value = value.strip()
    if not value:
        return ""
    parts = _split_concat(value)
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if (part[0] == "{" and part[-1] == "}") or (part[0] == '"' and part[-1] == '"'):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        else:
            out.append(strings.get(part.lower(), part))
    return "".join(out)


def _split_concat(value: str) -> list[str]:
    """Split on ``#`` outside braces and quotes."""
    if "#" not in value:
        return [value]
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


# --------------------------------------------------------------------------- decoding

_WS = re.compile(r"\s+")


def decode_latex(raw: str) -> str:
    """LaTeX to plain Unicode, white space collapsed (see ``toulmin.bibliography.latex``)."""
    return latex.decode(raw)


def protected_phrases(raw: str) -> tuple[str, ...]:
    """Decoded text of each top-level ``{...}`` group, whose case must not change.

    Like pandoc (the oracle for the APA output), every group protects, command groups
    (``{\\emph{In Situ}}``) and special characters (``{\\"O}konomie``) included; escaped
    braces (``\\{``) are text, not groups.
    """
    if "{" not in raw:
        return ()
    out, depth, start = [], 0, 0
    escaped = False
    for i, ch in enumerate(raw):
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                text = decode_latex(raw[start + 1 : i])
                if text:
                    out.append(text)
    return tuple(out)


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def parse_names(raw: str) -> tuple[Name, ...]:
    """Split a BibTeX name list ("Last, First and {Org Name} and First von Last").

    The common form, "Last, First" with no braces, particles or LaTeX, is split here; any
    other goes through bibtexparser's implementation of BibTeX's name grammar.
    """
    plain = latex.accents_to_unicode(raw)
    if "{" not in plain and "}" not in plain and "\\" not in plain:
        fast = []
        for person in _AND.split(plain.strip()):
            last, comma, first = person.partition(",")
            last, first = last.strip(), first.strip()
            if (not comma or "," in first or not last or not last[0].isupper()
                    or any(w[:1].islower() for w in last.split())):
                break
            fast.append(Name(family=_WS.sub(" ", last), given=_WS.sub(" ", first)))
        else:
            return tuple(fast)
    return _parse_names_bibtex(raw)


def _parse_names_bibtex(raw: str) -> tuple[Name, ...]:
    from bibtexparser.middlewares.names import (
        InvalidNameError,
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for person in split_multiple_persons_names(raw):
        person = person.strip()
        if not person:
            continue
        if person.lower() == "others":
            names.append(Name(family="others", literal=True))
            continue
        if person.startswith("{") and person.endswith("}") and _balanced_outer(person):
            names.append(Name(family=decode_latex(person[1:-1]), literal=True))
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except (InvalidNameError, Exception):
            names.append(Name(family=decode_latex(person), literal=True))
            continue
        family = decode_latex(" ".join(parts.last))
        given = decode_latex(" ".join(parts.first))
        particle = decode_latex(" ".join(parts.von))
        suffix = decode_latex(" ".join(parts.jr))
        if not family and given:
            family, given = given, ""
        names.append(Name(family=family, given=given, particle=particle, suffix=suffix))
    return tuple(names)


def _balanced_outer(s: str) -> bool:
    depth = 0
    for i, ch in enumerate(s):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return True


def _make_reference(key: str, etype: str, values: dict[str, str], lines: dict[str, int],
                    line: int) -> Reference:
    fields: dict[str, str] = {}
    protected: dict[str, tuple[str, ...]] = {}
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    for name, raw in values.items():
        if name in ("author", "editor"):
            people = parse_names(raw)
            if name == "author":
                authors = people
            else:
                editors = people
            fields[name] = decode_latex(raw)
            continue
        if name in ("url", "doi", "file", "eprint"):
            fields[name] = _WS.sub(" ", raw.replace("\\_", "_").replace("\\%", "%")
                                   .replace("{", "").replace("}", "")).strip()
            if name == "url" and raw.strip().startswith("\\url"):
                fields[name] = fields[name].removeprefix("\\url").strip()
            continue
        fields[name] = decode_latex(raw)
        phrases = protected_phrases(raw)
        if phrases:
            protected[name] = phrases
    return Reference(
        key=key,
        type=etype,
        fields=fields,
        authors=authors,
        editors=editors,
        protected=protected,
        line=line,
        field_lines=lines,
        hash=content_hash(etype, values),
    )
