"""The Python-Markdown extension: citations in, APA 7 citations and reference lists out.

It works in any Python-Markdown host (MkDocs, Zensical, plain ``markdown.markdown``):

    markdown.markdown(text, extensions=[ToulminExtension(bibliography="references.bib")])

A preprocessor replaces each pandoc-style citation with its APA 7 rendering (stashed as
raw HTML, so no other inline pattern touches it), linked to the entry in the page's
reference list, with the full reference as its title (shown as a tooltip), followed by the
source's own sentence when the check found the sentence's figure or quotation in the work's
stored text (``render.evidence``). A tree
processor appends the page's References section before the table of contents is built, so
the heading appears in it; each entry says how it was verified (``render.verification``).
A block line ``::: bibliography`` expands to the list of every work cited anywhere on the
site, ``::: evidence-audit`` to the evidence audit page's body (``render.audit``).

Per-page state (the works cited, in order) is cleared in ``reset()``, because one Markdown
instance may render many pages.
With no plugin around it (Zensical), the check's errors show on the page: ``standalone``.
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from toulmin import cache
from toulmin.project import Project
from toulmin.render import audit, standalone, statpages
from toulmin.render.evidence import DocumentNotes, Notes, citation_anchor
from toulmin.render.excerpts import excerpt_pages, is_excerpt, post_link_base
from toulmin.render.figures import ChartPreprocessor, relative_url
from toulmin.render.verification import verification_html
from toulmin.scan import citations as cite
from toulmin.scan.model import Citation, CiteItem
from toulmin.scan.statrefs import StatRef, find_stat_refs
from toulmin.style import apa

DIRECTIVE = re.compile(
    r"^:::[ \t]+(?P<kind>bibliography|statistics|statistic|evidence-audit)"
    r"(?:[ \t]+(?P<arg>[\w.:\-]+))?[ \t]*$",
    re.M,
)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def anchor(key: str) -> str:
    """The id of a work's entry in a reference list: ``ref-`` and the key made id-safe."""
    return "ref-" + _ID_UNSAFE.sub("-", key)


class ToulminExtension(Extension):
    """Render citations against a project's reference base."""

    def __init__(self, project: Project | None = None, **kwargs):
        self.config = {
            "bibliography": ["references.bib", "Path of the BibTeX reference base"],
            "root": [".", "Site root the bibliography path is relative to"],
            "references_title": ["References", "Heading of each page's reference list"],
            "references_url": ["/references/",
                               "Site path of the page with every reference ('' for none)"],
            **standalone.OPTIONS,
        }
        super().__init__(**kwargs)
        #: an already loaded Project (the MkDocs plugin passes its own)
        self._project = project
        self.standalone, self.host_dir = project is None, None  # render.standalone
        #: document path -> site URL (set by the MkDocs plugin, for backlinks)
        self.urls: dict[str, str] = dict(self.getConfig("urls") or {})
        #: URL of the page being rendered (set by the MkDocs plugin)
        self.page_url: str = ""
        #: statistic -> its page's site URL, where the host does not use /statistics/NAME/
        self.stat_urls: dict[str, str] = {}
        #: path of the Markdown file being rendered (set by the MkDocs plugin, or by any
        #: host that wants the evidence of that document's citations on their hovers)
        self.page_source: str | None = None
        self._texts: dict[str, str] = {}
        self._htmls: dict[str, str] = {}
        self._sort_keys: dict[str, tuple] = {}
        self._citations: dict[tuple, str] = {}
        self._found: dict[str, list] = {}
        #: citations found in earlier builds, by the hash of the text they were found in
        self._found_disk: dict[bytes, tuple] = {}
        self._found_used: dict[bytes, tuple] = {}
        self._loaded_sizes: tuple[int, ...] = ()
        self._retracted: frozenset[str] | None = None
        self._lists: dict[tuple, str] = {}
        self._link_parts: dict[str, tuple[str, str]] = {}
        #: key -> the reason its entry gives for being unregistered ("" for none)
        self._declared: dict[str, str] = {}
        self._verified: dict[str, str] = {}
        #: the lock's records (read once per build) and whether the check found any evidence
        self._lock_records: dict[str, dict] | None = None
        self._any_evidence: bool | None = None
        self._notes: DocumentNotes | None = None
        self._refs: dict | None = None
        self.reset()

    # -- the project, loaded once ----------------------------------------------------------

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = standalone.shared_project(self)
        return self._project

    def set_project(self, project: Project) -> None:
        self._project = project
        self._notes = None
        self._verified = {}
        self._lock_records = None
        self._any_evidence = None

    # -- the render cache: rendered references and citations, kept between builds ---------

    def _render_cache_file(self) -> Path:
        # What a rendering depends on: the entries, the year suffixes, and the works cited
        # anywhere on the site (a second Smith adds initials to every Smith: APA 7 §8.20).
        project = self.project
        key = cache.fingerprint(project.bib.digest,
                                    repr(sorted(project.year_suffixes().items())),
                                    "\0".join(project.cited_keys()))
        return project.cache_path / f"render-{key[:24]}.marshal"

    def _found_cache_file(self) -> Path:
        return self.project.cache_path / f"citations-{cache.fingerprint()[:24]}.marshal"

    def load_render_cache(self) -> None:
        """Reuse the renderings of the last build when the references have not changed,
        and the citations found in each unchanged text."""
        found = cache.read(self._found_cache_file())
        if isinstance(found, dict):
            self._found_disk = found
        data = cache.read(self._render_cache_file())
        if isinstance(data, tuple) and len(data) == 5:
            texts, htmls, sort_keys, citations, declared = data
            self._texts.update(texts)
            self._htmls.update(htmls)
            self._sort_keys.update(sort_keys)
            self._citations.update(citations)
            self._declared.update(declared)
        self._loaded_sizes = self._render_sizes()

    def _render_sizes(self) -> tuple[int, ...]:
        return (len(self._texts), len(self._htmls), len(self._sort_keys), len(self._citations),
                len(self._declared))

    def save_render_cache(self) -> None:
        """Keep this build's renderings (only when it added any) and the citations found in
        the texts it rendered."""
        if self._found_used != self._found_disk:
            found = self._found_cache_file()
            for old in found.parent.glob("citations-*.marshal"):  # written by other code
                if old != found:
                    old.unlink(missing_ok=True)
            cache.write(found, self._found_used)
        if self._render_sizes() == self._loaded_sizes:
            return
        path = self._render_cache_file()
        for old in path.parent.glob("render-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
        cache.write(path, (self._texts, self._htmls, self._sort_keys, self._citations,
                           self._declared))

    # -- Python-Markdown hooks -------------------------------------------------------------

    def extendMarkdown(self, md):
        md.registerExtension(self)
        self.md = md
        # After whitespace normalisation (30), before HTML blocks (20) and fences are
        # stashed, so citations next to raw HTML are still seen; code is masked by cite.
        md.preprocessors.register(CitationPreprocessor(md, self), "toulmin_citations", 28)
        # After citations (28), before fenced code (25) and HTML blocks (20) are stashed.
        md.preprocessors.register(ChartPreprocessor(md, self), "toulmin_charts", 27)
        # Before toc (5), so the References heading is in the table of contents.
        md.treeprocessors.register(ReferencesTreeprocessor(md, self), "toulmin_references", 6)

    def reset(self) -> None:
        self.cited: dict[str, None] = {}
        self.counts: dict[str, int] = {}
        self.has_directive = False
        #: the relative URL of the post whose excerpt is converted ("" for a page's own)
        self.link_base = ""
        #: the reference list the last page conversion appended (None for none)
        self.page_list: str | None = None

    # -- rendering -------------------------------------------------------------------------

    def entries(self):
        return self.project.bib.entries

    def title_for(self, key: str) -> str:
        """The full reference as plain text, for the hover title (cached per build)."""
        text = self._texts.get(key)
        if text is None:
            ref = self.entries().get(key)
            text = "" if ref is None else apa.reference_text(
                ref, self.project.year_suffixes().get(key, ""))
            self._texts[key] = text
        return text

    def entry_html(self, key: str) -> str:
        """The reference-list entry as HTML (cached per build)."""
        body = self._htmls.get(key)
        if body is None:
            ref = self.entries()[key]
            body = apa.reference_html(ref, self.project.year_suffixes().get(key, ""))
            self._htmls[key] = body
        return body

    def link(self, key: str, inner: str, note: str = "") -> str:
        """A link to ``key``'s entry around ``inner``, the full reference (and ``note``,
        plain text: the source's sentence) as its title."""
        parts = self._link_parts.get(key)
        if parts is None:
            if key not in self.entries():
                return inner
            parts = self._link_parts[key] = (anchor(key),
                                              html.escape(self.title_for(key), quote=True))
        self.cited.setdefault(key, None)
        n = self.counts[key] = self.counts.get(key, 0) + 1
        ident, title = parts
        if note:
            title = html.escape(self.title_for(key) + note, quote=True)
        if self.link_base:  # an excerpt: the entry is on the post's page; ids would repeat
            return (f'<a class="toulmin-cite" href="{self.link_base}#{ident}" '
                    f'title="{title}">{inner}</a>')
        return (f'<a class="toulmin-cite" id="cite-{ident[4:]}-{n}" href="#{ident}" '
                f'title="{title}">{inner}</a>')

    def render_citation(self, citation, source: str = "",
                        notes: dict[str, str] | None = None) -> str | None:
        """The citation's HTML (``citation`` a ``Citation`` or packed by
        ``find_citations``); ``source`` (its Markdown text) keys a per-build cache;
        ``notes`` (key -> the evidence found for that work in this citation's sentence, as
        ``render.evidence.hover_note`` words it) follow the full reference on hover.

        The blog plugin renders each post's excerpt once per index, category and archive
        page, so the same citations come back many times. The APA rendering is cached with
        markers where the links go; the links (whose ids count occurrences on the page,
        and whose titles carry the evidence of this one sentence) are filled in for each
        page.
        """
        entries = self.entries()
        if isinstance(citation, tuple):  # packed by find_citations
            narrative, keys = citation[0], tuple(i[0] for i in citation[5])
        else:
            narrative, keys = citation.narrative, citation.keys
        if narrative and not all(k in entries for k in keys):
            return None  # a social-media handle or an unknown key: left as written
        cache_key = (source, narrative) if source else None
        template = self._citations.get(cache_key) if cache_key else None
        if template is None:
            if isinstance(citation, tuple):
                citation = _unpack_citations((citation,))[0]
            template = apa.render_citation(citation, self.cited_refs(citation.keys),
                                           self.project.year_suffixes(), html=True,
                                           link=_mark_link)
            if cache_key:
                self._citations[cache_key] = template
        if notes:
            return _LINK_MARK.sub(
                lambda m: self.link(m.group(1), m.group(2), notes.get(m.group(1), "")),
                template)
        return _LINK_MARK.sub(lambda m: self.link(m.group(1), m.group(2)), template)

    # -- evidence: the source's sentence on a citation's hover -------------------------------

    def page_notes(self, md) -> Notes:
        """The hover notes of the citations of the document ``md`` is converting (the
        page's; for the blog's excerpt of a post, the post's), by their order in it."""
        source = self.page_source
        if is_excerpt(md):
            excerpt = md.treeprocessors["excerpt"]  # Material's: it holds the post's page
            post = getattr(excerpt, "page", None) or getattr(excerpt, "post", None)
            source = getattr(getattr(post, "file", None), "abs_src_path", None) or source
        if not source:
            return {}
        if self._notes is None:
            if self._any_evidence is None:  # nothing found in any source: no page has a note
                self._any_evidence = any(self.project.evidence(d.path)
                                         for d in self.project.documents)
            if not self._any_evidence:
                return {}
            self._notes = DocumentNotes(self.project, self.find_citations)
        return self._notes.for_file(source)

    def cited_refs(self, keys=()) -> dict:
        """The works cited on the site (and ``keys``), for the APA rules that compare works
        (added names, initials); never the whole reference base, so uncited entries are
        neither decoded nor counted."""
        refs = self._refs
        if refs is None:
            entries = self.entries()
            refs = self._refs = {k: entries[k] for k in self.project.cited_keys()}
        for key in keys:
            if key not in refs and key in self.entries():
                refs[key] = self.entries()[key]
        return refs

    # -- statistics ------------------------------------------------------------------------

    def stat_url(self, name: str) -> str:
        url = self.stat_urls.get(name) or statpages.url_of(name)
        return relative_url(url, self.page_url) if self.page_url else url.lstrip("/")

    def render_stat(self, ref: StatRef) -> str | None:
        """A quoted statistic as a link to its page, the recomputed value on hover."""
        stats = self.project.statistics
        res = stats.get(ref.name) if stats is not None else None
        why = stats.unavailable(ref.name) if stats is not None else None
        if why is not None:
            return statpages.unavailable_html(ref.name, why)
        if res is None or not res.ok:
            return None
        title = statpages.hover_text(res, self.source_labels(res.sources))
        shown = ref.written or res.display()
        return (f'<a class="toulmin-stat" href="{html.escape(self.stat_url(ref.name))}" '
                f'title="{html.escape(title, quote=True)}">{html.escape(shown)}</a>')

    def source_labels(self, keys) -> list[str]:
        entries = self.entries()
        suffixes = self.project.year_suffixes()
        return [f"{apa.author_short(entries[k], True)} "
                f"({apa.date_short(entries[k], suffixes.get(k, ''))})"
                for k in keys if k in entries]

    def statistics_index(self) -> str:
        stats = self.project.statistics
        if stats is None:
            return '<p class="toulmin-missing">This site defines no statistics.</p>'
        return statpages.index_html(stats, self.stat_url)

    def statistic_page(self, name: str) -> str:
        """The body of one statistic's page; its sources join this page's references."""
        stats = self.project.statistics
        res = stats.get(name) if stats is not None else None
        why = stats.unavailable(name) if stats is not None else None
        if why is not None and res is None:
            return f"<p>{statpages.unavailable_html(name, why)}</p>"
        if res is None:
            return f'<p><strong class="toulmin-missing">unknown statistic {html.escape(name)}' \
                   "</strong></p>"
        keys = [k for k in res.sources if k in self.entries()]
        cites = ""
        if keys:
            citation = Citation(tuple(CiteItem(k) for k in keys), False, 0, 0, 1, 1)
            cites = self.render_citation(citation) or ""
        package = self.project.data_package()
        quoted_in = []
        for doc in self.project.documents:
            if name in doc.stats and doc.path in self.urls:
                quoted_in.append((doc_title(doc), relative_url(self.urls[doc.path],
                                                              self.page_url)))
        return statpages.page_html(res, cites, package, quoted_in)

    def find_citations(self, text: str) -> tuple:
        """``cite.find_citations`` as packed tuples (``_pack_citations``), remembered per
        text (excerpts re-render whole posts) and between builds by the text's hash (an
        unchanged post is not parsed again)."""
        found = self._found.get(text)
        if found is None:
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                     digest_size=16).digest()
            found = self._found_disk.get(digest)
            if found is None:
                found = _pack_citations(cite.find_citations(text))
            self._found_used[digest] = found
            self._found[text] = found
        return found

    def _sort_key(self, key: str) -> tuple:
        """The APA order of the work ``key`` (cached: a warm build decodes no entry)."""
        found = self._sort_keys.get(key)
        if found is None:
            found = apa.sort_key(self.entries()[key], self.project.year_suffixes().get(key, ""))
            self._sort_keys[key] = found
        return found

    def reference_list(self, keys, *, backlinks: bool = False) -> str:
        """The ``<ol>`` of the works ``keys`` in APA order (cached per build)."""
        cache_key = (tuple(keys), backlinks, self.page_url if backlinks else "")
        found = self._lists.get(cache_key)
        if found is None:
            found = self._lists[cache_key] = self._reference_list(keys, backlinks=backlinks)
        return found

    def is_retracted(self, key: str) -> bool:
        """Whether the registry lock records ``key`` as retracted (read once per build,
        never fetched)."""
        if self._retracted is None:
            from toulmin.bibliography.lock import retracted_keys

            self._retracted = retracted_keys(self.project.root)
        return key in self._retracted

    def verification_line(self, key: str) -> str:
        """How ``key`` was verified, as HTML for the end of its entry
        (``render.verification``; the lock read once per build, never fetched)."""
        found = self._verified.get(key)
        if found is None:
            from toulmin.bibliography.lock import lock_records

            declared = self._declared.get(key)
            if declared is None:  # the entry decoded once; later builds read the cache
                ref = self.entries().get(key)
                declared = self._declared[key] = "" if ref is None else \
                    ref.get("unregistered")
            if self._lock_records is None:  # the lock, read once per build
                self._lock_records = lock_records(self.project.root)
            found = self._verified[key] = verification_html(self._lock_records.get(key),
                                                            declared)
        return found

    def references_link(self) -> str:
        """A link from a page's reference list to the site-wide one ('' without a page)."""
        url = self.getConfig("references_url")
        href = relative_url(url, self.page_url) if url and self.page_url else ""
        if href in ("", "./"):
            return ""
        return (f'<a class="toulmin-allrefs" href="{html.escape(href)}">'
                "All references on this site</a>")

    def _reference_list(self, keys, *, backlinks: bool = False) -> str:
        entries = self.entries()
        ordered = sorted((k for k in keys if k in entries), key=self._sort_key)
        citing = self.project.citing_documents() if backlinks else {}
        items = []
        for key in ordered:
            body = self.entry_html(key)
            status = self.verification_line(key)
            extra = ""
            if backlinks and citing.get(key):
                links = []
                last_title = ""
                for doc in citing[key]:
                    url = self.urls.get(doc.path)
                    if not url:
                        continue
                    href = relative_url(url, self.page_url)
                    last_title = doc_title(doc)
                    label = html.escape(last_title)
                    links.append(f'<a href="{html.escape(href)}#cite-{anchor(key)[4:]}-1">'
                                 f"{label}</a>")
                if links:
                    end = "" if last_title.rstrip().endswith((".", "?", "!")) else "."
                    extra = ('<span class="toulmin-backlinks"> Cited in: '
                             + "; ".join(links) + end + "</span>")
            badge = RETRACTED_BADGE if self.is_retracted(key) else ""
            items.append(f'<li class="toulmin-ref" id="{anchor(key)}">{body}{badge}{extra}'
                         f"{status}</li>")
        return '<ol class="toulmin-reflist">\n' + "\n".join(items) + "\n</ol>"


EXCERPT_SEPARATOR = "<!-- more -->"
RETRACTED_BADGE = ' <span class="toulmin-retracted">Retracted</span>'


def _pack_citations(found) -> tuple:
    """Citations as nested tuples of plain values, for marshal."""
    return tuple((c.narrative, c.start, c.end, c.line, c.column,
                  tuple((i.key, i.prefix, i.locator, i.suffix, i.suppress_author, i.line,
                         i.column) for i in c.items)) for c in found)


def _unpack_citations(packed: tuple) -> list[Citation]:
    return [Citation(tuple(CiteItem(*i) for i in items), narrative, start, end, line, column)
            for narrative, start, end, line, column, items in packed]


_LINK_MARK = re.compile("\x02([^\x03]*)\x03([^\x04]*)\x04")


def _mark_link(key: str, inner: str) -> str:
    return f"\x02{key}\x03{inner}\x04"


def doc_title(doc) -> str:
    m = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", doc.text[:2000], re.M)
    if m:
        return m.group(1)
    m = re.search(r"^#\s+(.+)$", doc.text, re.M)
    return m.group(1).strip() if m else doc.path


class CitationPreprocessor(Preprocessor):
    """Replace each citation by its rendering, stashed as raw HTML."""

    def __init__(self, md, ext: ToulminExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        # Hosts such as the blog plugin convert several documents (excerpts) with one
        # Markdown instance without calling reset(), so each document starts here.
        self.ext.reset()
        pages = excerpt_pages(self.md)
        if pages is not None:  # links relative to the view showing the excerpt
            self.ext.page_url = pages[0]
            self.ext.link_base = html.escape(post_link_base(self.md))
        text = "\n".join(lines)
        if self.ext.standalone and (errors := standalone.begin_page(self.ext, self.md, text)):
            return standalone.with_errors(self, text, errors, DIRECTIVE)
        if "@" not in text and ":::" not in text and "stat" not in text:
            return lines
        out: list[str] = []
        pos = 0
        # Material's blog renders each post again for its excerpt on every index page and
        # keeps only the part before the separator: skip the work on the part it drops.
        limit = len(text)
        if is_excerpt(self.md):
            cut = text.find(EXCERPT_SEPARATOR)
            limit = cut if cut >= 0 else limit
        spans = [(c[1], c[2], c, i) for i, c in enumerate(self.ext.find_citations(text))]
        if "stat" in text:
            spans += [(r.start, r.end, r, -1) for r in find_stat_refs(text)]
            spans.sort(key=lambda t: t[0])
        notes = self.ext.page_notes(self.md) if spans else {}
        for start, end, item, ordinal in spans:
            if start >= limit:
                break
            if isinstance(item, StatRef):
                rendered = self.ext.render_stat(item)
            else:
                found = notes.get(ordinal)
                if found is not None and found[0] != citation_anchor(text, start, end):
                    found = None  # the host changed the text: no note rather than a wrong one
                rendered = self.ext.render_citation(item, text[start:end],
                                                    found[1] if found else None)
            if rendered is None:
                continue
            out.append(text[pos:start])
            out.append(self.md.htmlStash.store(rendered))
            pos = end
        if not out and ":::" not in text:
            return lines
        if ":::" not in text[pos:]:
            # Only the lines up to the last replacement change (an excerpt's first
            # paragraph): split those again and keep the rest as they came.
            line_end = text.find("\n", pos)
            if line_end < 0:
                line_end = len(text)
            out.append(text[pos:line_end])
            head = "".join(out)
            if ":::" in head:
                head = DIRECTIVE.sub(self.directive, head)
            return head.split("\n") + lines[text.count("\n", 0, line_end) + 1:]
        out.append(text[pos:])
        return DIRECTIVE.sub(self.directive, "".join(out)).split("\n")

    def directive(self, m: re.Match) -> str:
        kind, arg = m.group("kind"), m.group("arg")
        if kind == "bibliography":
            self.ext.has_directive = True
            keys = self.ext.project.cited_keys()
            body = self.ext.reference_list(keys, backlinks=True)
            html_block = f'<div class="toulmin-references toulmin-bibliography">{body}</div>'
        elif kind == "statistics":
            html_block = self.ext.statistics_index()
        elif kind == "evidence-audit":
            html_block = audit.project_html(self.ext)
        else:
            html_block = self.ext.statistic_page(arg or "")
        return "\n" + self.md.htmlStash.store(html_block) + "\n"


class ReferencesTreeprocessor(Treeprocessor):
    """Append the page's reference list, in APA order, under a References heading."""

    def __init__(self, md, ext: ToulminExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        ext = self.ext
        if not ext.cited or ext.has_directive or is_excerpt(self.md):
            return
        section = etree.SubElement(root, "div", {"class": "toulmin-references"})
        heading = etree.SubElement(section, "h2", {"id": "references"})
        heading.text = ext.getConfig("references_title")
        link = ext.references_link()
        if link:
            etree.SubElement(section, "p", {"class": "toulmin-allrefs"}).text = \
                self.md.htmlStash.store(link)
        holder = etree.SubElement(section, "p")
        ext.page_list = ext.reference_list(list(ext.cited))
        holder.text = self.md.htmlStash.store(ext.page_list)


def makeExtension(**kwargs):
    return ToulminExtension(**kwargs)
