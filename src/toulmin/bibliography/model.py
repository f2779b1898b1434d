"""The reference base's records: ``Reference`` (one entry) and ``Bibliography`` (a file).

Both are plain data: ``toulmin.bibliography.bibtex`` makes them from BibTeX source and
``toulmin.bibliography.loading`` caches them on disk, in the tuples of ``to_record`` and
``to_cache`` (``marshal``), decoding each record lazily when read back.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from toulmin.bibliography.names import Name
from toulmin.findings import Finding


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


CACHE_FORMAT = 7  # 7: entry rules are checks; names on the fast path decoded (ties, dashes)


_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|https?://doi\.org/)", re.IGNORECASE
)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalise_doi(doi: str) -> str:
    """A DOI without resolver prefix, trimmed; DOIs compare case-insensitively."""
    doi = doi.strip()
    doi = _DOI_PREFIXES.sub("", doi)
    return doi.strip()
