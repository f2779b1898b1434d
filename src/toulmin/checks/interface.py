"""The check interface: a context in, findings out; checks register themselves here.

A check is a function of one context returning a list of findings, registered with the
``check`` decorator in its own module::

    @check("document", families=("CIT",))
    def citation_rules(ctx: DocumentContext) -> list[Finding]: ...

    @check("site", families=("BIB",), cache_key=lambda ctx: ctx.bib.digest or None)
    def entry_rules(ctx: SiteContext) -> list[Finding]: ...

Scope "document" runs once per Markdown document, with the document and its scan; its
findings, and the evidence and attributions it records in ``DocumentContext.evidence`` and
``DocumentContext.attributions``, are cached by the project per document
(``toulmin.project``). A document check that reads only the scan (``needs_bib=False``) may
run while the reference base is still loading. Scope "site" runs once, after every
document, so ``SiteContext.cited`` is known; with ``cache_key`` its findings are kept in
the check cache and reused while the key (a string computed from the context) is unchanged.

``checks(scope)`` imports the modules of ``CHECK_MODULES`` (which register their checks)
and gives the checks in registration order. This package may import every layer below it:
bibliography, scan, definitions, style, and the core modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from toulmin.findings import Finding

SITE = "site"
DOCUMENT = "document"

#: the modules whose checks ``checks()`` runs, in this order, with the scopes each registers:
#: a warm check, whose documents all come from the cache, imports no module of document
#: checks (tests/engine/test_rules.py keeps this table true)
CHECK_MODULES: dict[str, tuple[str, ...]] = {
    "toulmin.checks.bibliography": (SITE,),
    "toulmin.checks.data": (SITE,),
    "toulmin.checks.statistics": (SITE, DOCUMENT),
    "toulmin.checks.charts": (SITE,),
    "toulmin.checks.citations": (DOCUMENT,),
    "toulmin.checks.lock": (SITE,),
    "toulmin.checks.sources": (SITE, DOCUMENT),
    "toulmin.checks.paths": (SITE,),
    "toulmin.checks.published": (SITE,),
    "toulmin.checks.security": (DOCUMENT,),
    "toulmin.checks.documents": (DOCUMENT,),
}


@dataclass(slots=True)
class DocumentScan:
    """What a document contains, found without the reference base: its citations,
    mentions, quotations and DOIs (``scan.citations.Scan``) and its quoted statistics."""

    citations: Any
    stat_refs: list


def scan_document(text: str, stopwords: frozenset[str] = frozenset()) -> DocumentScan:
    """Scan ``text`` once for every document check (``stopwords``: the site's capitalised
    words that are no surnames)."""
    from toulmin.scan.document import scan
    from toulmin.scan.statrefs import find_stat_refs

    scanned = scan(text, stopwords)
    return DocumentScan(scanned, find_stat_refs(text, scanned.masked))


@dataclass(slots=True)
class SiteContext:
    """What a site check sees: the project's inputs, and the keys cited anywhere."""

    #: the ``Project`` (for what is computed once per project: statistics, charts)
    project: Any
    #: keys cited by a document or a statistic: set once every document is checked
    cited: frozenset[str] = field(default_factory=frozenset)

    @property
    def root(self):
        return self.project.root

    @property
    def settings(self):
        return self.project.settings

    @property
    def bib(self):
        return self.project.bib

    @property
    def documents(self) -> list:
        return self.project.documents

    @property
    def statistics(self):
        """``definitions.statistics.Statistics``, or None when the site has no scripts."""
        return self.project.statistics

    @property
    def sources(self):
        """The cited works' stored text (``bibliography.sources.Sources``)."""
        return self.project.sources


@dataclass(slots=True)
class DocumentContext:
    """What a document check sees: the document, its scan, and the site (None while the
    reference base is loading: only ``needs_bib=False`` checks run then)."""

    document: Any
    scan: DocumentScan
    site: SiteContext | None = None
    #: what the checks found in the cited works' stored text for this document's figures
    #: and quotations (``bibliography.sources.Evidence``), kept with its findings
    evidence: list = field(default_factory=list)
    #: every figure and quotation the source check examined, with its verdict
    #: (``bibliography.sources.Attribution``), kept with its findings
    attributions: list = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def bib(self):
        return self.site.bib

    @property
    def statistics(self):
        return self.site.statistics

    @property
    def settings(self):
        return self.site.settings

    @property
    def sources(self):
        return self.site.sources


@dataclass(frozen=True, slots=True)
class Check:
    """One registered check."""

    name: str
    scope: str
    families: tuple[str, ...]
    function: Callable[[Any], list[Finding]]
    needs_bib: bool = True
    cache_key: Callable[[SiteContext], str | None] | None = None


_REGISTRY: dict[str, Check] = {}


def check(scope: str, families: tuple[str, ...], *, needs_bib: bool = True,
          cache_key: Callable[[SiteContext], str | None] | None = None):
    """Register the decorated function as a check of ``scope`` producing ``families``."""
    if scope not in (SITE, DOCUMENT):
        raise ValueError(f"unknown check scope {scope!r}")

    def register(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"
        _REGISTRY[name] = Check(name, scope, tuple(families), fn, needs_bib, cache_key)
        return fn

    return register


def checks(scope: str | None = None) -> list[Check]:
    """The registered checks of ``scope`` (every check when None)."""
    for module, scopes in CHECK_MODULES.items():
        if scope is None or scope in scopes:
            importlib.import_module(module)
    return [c for c in _REGISTRY.values() if scope is None or c.scope == scope]
