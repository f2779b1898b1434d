"""The project model: a site's reference base and documents, loaded once.

``Project.load(root)`` reads ``references.bib`` (cached by content hash) and every Markdown
document under ``posts/`` and ``docs/`` (not a link whose target lies outside the project:
``toulmin.paths``); ``Project.check()`` runs every registered check
(``toulmin.checks.interface``) and returns one sorted list of findings. The CLI, the MkDocs
plugin and the Markdown extension all work from this one object, so a build parses the
bibliography once, not once per page.

Per-document check results (with the evidence the source check found) are cached by the
document's hash, the bibliography's hash and the stored texts' digest, and a site check
with a ``cache_key`` (the entry rules, by the file's digest) beside them, so a warm
``toulmin check`` only reads and hashes files and decodes no entry.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toulmin import cache
from toulmin.bibliography.loading import load_in_background
from toulmin.bibliography.model import Bibliography
from toulmin.bibliography.sources import Attribution, Evidence, Sources, load_sources
from toulmin.findings import ERROR, Finding, sort_findings
from toulmin.paths import escapes
from toulmin.settings import Settings
from toulmin.textfile import decode_text

CHECK_CACHE_FORMAT = 5  # 4: evidence kept with each document's findings; 5: attributions


@dataclass(slots=True)
class Document:
    """One Markdown source: its path relative to the site root and its text."""

    path: str
    abs_path: Path
    text: str
    digest: str
    #: cited keys in order of first citation, filled by the check
    cited: list[str] = field(default_factory=list)
    #: statistics quoted, in order of first quotation, filled by the check
    stats: list[str] = field(default_factory=list)
    #: the document's scan and the findings of the checks that need no reference base,
    #: when done while the reference base loads (``_scan_document``)
    scan: tuple | None = None
    #: what the source check found in the cited works' stored text, filled by the check
    evidence: list[Evidence] = field(default_factory=list)
    #: every figure and quotation the source check examined, with its verdict
    attributions: list[Attribution] = field(default_factory=list)
    #: what reading the bytes found (DOC001 not UTF-8, DOC002 a NUL byte), reported by
    #: the document check of ``checks.documents``
    read_findings: list[Finding] = field(default_factory=list)


def _read_doc(root: Path, path: Path) -> Document | None:
    if escapes(root, path):  # a link out of the project: SEC001 (checks.paths)
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if rel.startswith("../"):
        rel = path.as_posix()
    text, problems = decode_text(data, rel)
    return Document(rel, path, text, hashlib.blake2b(data, digest_size=16).hexdigest(),
                    read_findings=problems)


class Project:
    """A site's inputs, loaded once; ``check()`` gives every finding."""

    def __init__(self, root: Path, settings: Settings, bib: Bibliography,
                 documents: list[Document], stopwords: frozenset[str] | None = None):
        self.root = root
        self.settings = settings
        #: the site's words that are no surnames (``settings.stopwords``), read once
        self.stopwords = (read_stopwords(root, settings.stopwords) if stopwords is None
                          else stopwords)
        self.bib = bib
        self.documents = documents
        self._findings: list[Finding] | None = None
        self._suppressed: list[Finding] = []
        self._suffixes: dict[str, str] | None = None
        self._statistics = None
        self._charts = None
        self._sources: Sources | None = None
        self._by_path: dict[str, Document] | None = None

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, root: str | os.PathLike = ".", settings: Settings | None = None,
             documents: Iterable[str | os.PathLike] | None = None) -> Project:
        """Load the site rooted at ``root``; ``documents`` limits the Markdown files read."""
        root = Path(root).resolve()
        settings = settings or Settings()
        bib_path = root / settings.bibliography
        pending = load_in_background(bib_path, cache_dir=root / settings.cache_dir,
                                     display=_rel(bib_path, root))
        if documents is None:
            paths = list(_markdown_files(root / settings.posts_dir))
            paths += list(_markdown_files(root / settings.docs_dir))
        else:
            paths = [Path(p) if Path(p).is_absolute() else root / p for p in documents]
        # posts_dir may lie inside docs_dir: read each file once
        unique: dict[str, None] = {}
        for p in paths:
            unique.setdefault(os.path.normpath(p), None)
        docs = [d for d in (_read_doc(root, Path(p)) for p in unique) if d is not None]
        stopwords = read_stopwords(root, settings.stopwords)
        if pending.background:
            # Another process is parsing the reference base: meanwhile, the part of each
            # document's checks that does not need it.
            for doc in docs:
                doc.scan = _scan_document(doc, stopwords)
        return cls(root, settings, pending.result(), docs, stopwords)

    @property
    def cache_path(self) -> Path:
        return self.root / self.settings.cache_dir

    # -- checking --------------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Every finding of every check over the bibliography and the documents, with the
        authors' decisions applied (``scan.suppressions``): the ``rules`` option's
        severities, and without the findings suppressed at their place (``suppressed()``).
        Both are applied after the cached results, so neither invalidates the cache."""
        if self._findings is None:
            from toulmin.scan import suppressions

            found = {d.path: s for d in self.documents if (s := suppressions.find(d.text))}
            decided = suppressions.apply(self._check(), found, self.settings.severities())
            self._findings = sort_findings(f for f in decided if not f.suppressed)
            self._suppressed = sort_findings(f for f in decided if f.suppressed)
        return self._findings

    def suppressed(self) -> list[Finding]:
        """The findings an author suppressed at their place, each with its reason."""
        self.check()
        return self._suppressed

    def errors(self) -> list[Finding]:
        return [f for f in self.check() if f.severity == ERROR]

    def _check(self) -> list[Finding]:
        """The reference base's parse findings, then every registered check: each
        document's (cached by its digest), then the site's (once the citations are known)."""
        from toulmin.checks import interface

        findings = list(self.bib.findings)
        stats = self.statistics
        site = interface.SiteContext(self)
        document_checks = None  # imported on the first document the cache does not hold
        # Mentions depend on the stopwords too: results found with others are not reused.
        # ... and the source check on the stored texts and on require_stored_text.
        # ... and the rendered-page check on the site's Markdown extensions.
        bib_id = (f"{_bib_identity(self.bib)}:{_words_identity(self.stopwords)}:"
                  f"{self.sources.digest}:{int(self.settings.require_stored_text)}:"
                  f"{_extensions_identity(self.root)}")
        stat_id = _stats_identity(stats)
        cache_file = self.cache_path / "check.marshal"
        cached_docs, cached_site = _read_check_cache(cache_file, bib_id)
        fresh: dict[str, tuple] = {}
        cited_anywhere: set[str] = set()
        for doc in self.documents:
            hit = cached_docs.get(doc.path)
            if hit is not None and hit[0] == doc.digest and hit[4] == stat_id:
                doc_findings = [Finding(*f) for f in hit[1]]
                doc.cited = list(hit[2])
                doc.stats = list(hit[3])
                doc.evidence = [Evidence(*e) for e in hit[5]]
                doc.attributions = [Attribution.from_tuple(a) for a in hit[6]]
            else:
                if document_checks is None:
                    document_checks = [c for c in interface.checks(interface.DOCUMENT)
                                       if c.needs_bib]
                doc_findings = self._check_document(doc, site, document_checks)
            fresh[doc.path] = (doc.digest, [_finding_tuple(f) for f in doc_findings],
                               doc.cited, doc.stats, stat_id,
                               [e.to_tuple() for e in doc.evidence],
                               [a.to_tuple() for a in doc.attributions])
            findings.extend(doc_findings)
            cited_anywhere.update(doc.cited)
        cited_anywhere.update(self._statistic_sources())
        cited_anywhere.update(self._data_sources())
        site.cited = frozenset(cited_anywhere)
        fresh_site: dict[str, tuple] = {}
        for chk in interface.checks(interface.SITE):
            key = chk.cache_key(site) if chk.cache_key is not None else None
            hit = cached_site.get(chk.name) if key is not None else None
            if hit is not None and hit[0] == key:
                found = [Finding(*f) for f in hit[1]]
            else:
                found = chk.function(site)
            if key is not None:
                fresh_site[chk.name] = (key, [_finding_tuple(f) for f in found])
            findings.extend(found)
        if fresh != cached_docs or fresh_site != cached_site:
            _write_check_cache(cache_file, bib_id, fresh, fresh_site)
        return findings

    def _check_document(self, doc: Document, site, document_checks) -> list[Finding]:
        """Every document check of one Markdown document; fills ``doc.cited`` and
        ``doc.stats``."""
        from toulmin.checks.interface import DocumentContext

        scanned, early = doc.scan or _scan_document(doc, self.stopwords)
        doc.scan = None
        seen: dict[str, None] = {}
        for c in (*scanned.citations.citations, *scanned.citations.nested):
            for item in c.items:
                if item.key in self.bib.entries:
                    seen.setdefault(item.key, None)
        doc.cited = list(seen)
        doc.stats = list(dict.fromkeys(r.name for r in scanned.stat_refs))
        ctx = DocumentContext(doc, scanned, site)
        out = list(early)
        for chk in document_checks:
            out.extend(chk.function(ctx))
        doc.evidence = list(ctx.evidence)
        doc.attributions = list(ctx.attributions)
        return out

    # -- the cited works' stored text --------------------------------------------------------

    @property
    def sources(self) -> Sources:
        """The cited works' abstracts and excerpts (``bibliography.sources``), read once."""
        if self._sources is None:
            self._sources = load_sources(self.root, self.settings)
        return self._sources

    def evidence(self, doc_path: str) -> list[Evidence]:
        """What the check found in the cited works' stored text for the figures and
        quotations of the document at project path ``doc_path`` (``Document.path``):
        ``Evidence(key, line, column, written, source_sentence, provenance, kind)``, in
        document order; [] for a document not in the project."""
        self.check()
        if self._by_path is None:
            self._by_path = {doc.path: doc for doc in self.documents}
        doc = self._by_path.get(doc_path)
        return list(doc.evidence) if doc is not None else []

    def attributions(self) -> list[Attribution]:
        """Every figure and quotation the source check examined, in every document (in the
        project's order of documents, then in order of appearance), each with its sentence,
        the works cited for it and the verdict (``bibliography.sources.Attribution``)."""
        self.check()
        return [a for doc in self.documents
                for a in sorted(doc.attributions, key=lambda a: (a.line, a.column))]

    # -- data and statistics -----------------------------------------------------------------

    @property
    def statistics(self):
        """The site's statistics (``definitions.statistics.Statistics``); None without scripts."""
        if self._statistics is None and (self.root / self.settings.scripts_dir).is_dir():
            from toulmin.definitions import statistics as stats
            from toulmin.definitions.runner import Limits

            self._statistics = stats.compute(self.root, self.settings.scripts_dir,
                                             self.settings.datapackage,
                                             self.settings.cache_dir,
                                             limits=Limits.of(self.settings))
        return self._statistics

    @property
    def charts(self):
        """The site's charts (``definitions.charts.Charts``), rendered once (only what the
        chart cache does not hold); None without scripts."""
        if self._charts is None and (self.root / self.settings.scripts_dir).is_dir():
            from toulmin.definitions import charts
            from toulmin.definitions.runner import Limits

            self._charts = charts.compute(self.root, self.settings.scripts_dir,
                                          self.settings.datapackage, self.settings.cache_dir,
                                          limits=Limits.of(self.settings))
        return self._charts

    def data_package(self):
        """The site's Data Package (``definitions.datapackage.DataPackage``); None if absent."""
        path = self.root / self.settings.datapackage
        if not path.exists():
            return None
        from toulmin.definitions.datapackage import DataPackage

        try:
            return DataPackage.load(path)
        except Exception:  # reported by the data checks
            return None

    # -- what renderers need ---------------------------------------------------------------

    def _statistic_sources(self) -> set[str]:
        """Works the statistics rest on: their pages cite them."""
        stats = self.statistics
        if stats is None:
            return set()
        return {k for r in stats.results.values() for k in r.sources if k in self.bib.entries}

    def _data_sources(self) -> set[str]:
        """Works the Data Package's sources cite (``sources[].citation`` of the package and
        of each resource): the data rests on them, so they count as cited. Read once per
        version of the descriptor (cached by its content)."""
        path = self.root / self.settings.datapackage
        try:
            raw = path.read_bytes()
        except OSError:
            return set()
        cache_file = self.cache_path / "data-sources.marshal"
        key = hashlib.blake2b(raw, digest_size=16).hexdigest()
        keys = cache.read_versioned(cache_file, 1, key)
        if not isinstance(keys, list):
            package = self.data_package()
            keys = []
            if package is not None:
                top = package.descriptor.get("sources") or []
                keys = [s["citation"] for s in top if isinstance(s, dict)
                        and isinstance(s.get("citation"), str)]
                keys += [k for r in package.resources.values() for k in r.citations]
            cache.write_versioned(cache_file, 1, keys, key)
        return {k for k in keys if k in self.bib.entries}

    def cited_keys(self) -> list[str]:
        """Every key cited anywhere on the site (statistic pages too), in bibliography order."""
        self.check()
        cited: set[str] = self._statistic_sources()
        for doc in self.documents:
            cited.update(doc.cited)
        return [k for k in self.bib.entries if k in cited]

    def year_suffixes(self) -> dict[str, str]:
        """APA year suffixes decided across the whole site (2021a, 2021b)."""
        if self._suffixes is None:
            keys = self.cited_keys()
            h = hashlib.blake2b(digest_size=16)
            h.update(f"{cache.code_digest()}\0{self.bib.digest}\0{chr(0).join(keys)}".encode())
            ident = h.hexdigest()
            cache_file = self.cache_path / "suffixes.marshal"
            found = cache.read(cache_file) if self.bib.digest else None
            if isinstance(found, tuple) and len(found) == 2 and found[0] == ident:
                suffixes = found[1]
            else:
                from toulmin.style import apa

                suffixes = apa.year_suffixes(self.bib.entries[k] for k in keys)
                if self.bib.digest:  # a bibliography read from a file (and so hashed)
                    cache.write(cache_file, (ident, suffixes))
            self._suffixes = suffixes
        return self._suffixes

    def citing_documents(self) -> dict[str, list[Document]]:
        """key -> the documents that cite it, in document order."""
        self.check()
        out: dict[str, list[Document]] = {}
        for doc in self.documents:
            for key in doc.cited:
                out.setdefault(key, []).append(doc)
        return out


def _scan_document(doc: Document, stopwords: frozenset[str]) -> tuple:
    """What of a document's check needs no reference base: its scan, and the findings of
    the document checks that read only the scan (``needs_bib=False``)."""
    from toulmin.checks import interface

    scanned = interface.scan_document(doc.text, stopwords)
    ctx = interface.DocumentContext(doc, scanned)
    early: list[Finding] = []
    for chk in interface.checks(interface.DOCUMENT):
        if not chk.needs_bib:
            early.extend(chk.function(ctx))
    return scanned, early


def read_stopwords(root: Path, name: str) -> frozenset[str]:
    """The words of the stopwords file ``name`` (relative to ``root``; empty: none).

    One word a line; a ``#`` starts a comment; blank lines are skipped. A missing file is
    an error (``FileNotFoundError``): the site's checks would change without it; so is a
    file outside the site, even through a symlink (``ValueError``).
    """
    if not name:
        return frozenset()
    path = (Path(root) / name).resolve()
    if not path.is_relative_to(Path(root).resolve()):
        raise ValueError(f"stopwords file outside the site: {name}")
    text = path.read_bytes().decode("utf-8", errors="replace")  # not UTF-8: the CLI's DOC001
    return frozenset(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


def file_key(path: str | os.PathLike) -> str:
    """One key for every path to a file: the real path of its folder, and its name.

    Pages and documents reach the same file by different paths (``posts/`` is added to the
    blog from outside ``docs/``); resolving each folder once, not each file, keeps this
    cheap for a thousand posts.
    """
    head, tail = os.path.split(os.path.abspath(path))
    return os.path.join(_real_folder(head), tail)


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _markdown_files(folder: Path) -> Iterable[Path]:
    """Markdown files under ``folder``, sorted, skipping hidden files and folders."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        out.extend(os.path.join(dirpath, f) for f in filenames
                   if f.endswith(".md") and not f.startswith("."))
    return [Path(p) for p in sorted(out)]


def _bib_identity(bib: Bibliography) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(cache.code_digest().encode())  # a code edit or upgrade: every result anew
    for key, (year, names, doi, *_) in bib.index.items():
        h.update(f"{key}\0{year}\0{'|'.join(names)}\0{doi}\n".encode())
    return h.hexdigest()


def _extensions_identity(root: Path) -> str:
    """A hash of the Markdown extensions mkdocs.yml lists (the page the security check
    renders depends on them)."""
    from toulmin.settings import markdown_extensions

    return hashlib.blake2b(repr(markdown_extensions(root)).encode(),
                           digest_size=8).hexdigest()


def _words_identity(words: frozenset[str]) -> str:
    """A hash of a set of words, whatever their order ("none" for no words)."""
    if not words:
        return "none"
    return hashlib.blake2b("\n".join(sorted(words)).encode(), digest_size=16).hexdigest()


def _stats_identity(stats) -> str:
    """A hash of every statistic's name, value and precision (what document checks use)."""
    if stats is None:
        return "none"
    h = hashlib.blake2b(digest_size=16)
    for name in sorted(stats.results):
        r = stats.results[name]
        value = repr(r.estimate.value) if r.estimate is not None else \
            f"error\0{r.path}:{r.error_line}\0{r.error}"
        h.update(f"{name}\0{value}\0{r.unit}\0{r.digits}\n".encode())
    # why a quoted statistic is unavailable or unknown: the failures, as the uses say them
    for item in sorted(stats.failed.items()) + sorted(stats.script_errors):
        h.update(f"{item}\n".encode())
    return h.hexdigest()


def _finding_tuple(f: Finding) -> tuple:
    return (f.path, f.line, f.column, f.code, f.severity, f.message, f.hint)


def _read_check_cache(path: Path, bib_id: str) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """(per-document results, cached site-check results) of the check cache, when it was
    written for this reference base."""
    found = cache.read(path)
    if not isinstance(found, tuple) or len(found) != 4:
        return {}, {}
    fmt, ident, docs, site = found
    if (fmt != CHECK_CACHE_FORMAT or ident != bib_id or not isinstance(docs, dict)
            or not isinstance(site, dict)):
        return {}, {}
    return docs, site


def _write_check_cache(path: Path, bib_id: str, docs: dict[str, tuple],
                       site: dict[str, tuple]) -> None:
    cache.write(path, (CHECK_CACHE_FORMAT, bib_id, docs, site))
