"""The Python-Markdown extension: citations in, APA 7 citations and reference lists out.

It works in any Python-Markdown host (MkDocs, Zensical, plain ``markdown.markdown``):

    markdown.markdown(text, extensions=[ToulminExtension(bibliography="references.bib")])

A preprocessor replaces each pandoc-style citation with its APA 7 rendering (stashed as
raw HTML, so no other inline pattern touches it), linked to the entry in the page's
reference list, with the full reference as its title (shown as a tooltip). A tree
processor appends the page's References section before the table of contents is built, so
the heading appears in it. A block line ``::: bibliography`` expands to the list of every
work cited anywhere on the site.

Per-page state (the works cited, in order) is cleared in ``reset()``, because one Markdown
instance may render many pages.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from toulmin import apa, cite
from toulmin.project import Project, Settings

DIRECTIVE = re.compile(r"^:::[ \t]+bibliography[ \t]*$", re.M)
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
        }
        super().__init__(**kwargs)
        #: an already loaded Project (the MkDocs plugin passes its own)
        self._project = project
        #: document path -> site URL (set by the MkDocs plugin, for backlinks)
        self.urls: dict[str, str] = {}
        #: URL of the page being rendered (set by the MkDocs plugin)
        self.page_url: str = ""
        self.reset()

    # -- the project, loaded once ----------------------------------------------------------

    @property
    def project(self) -> Project:
        if self._project is None:
            root = Path(self.getConfig("root")).resolve()
            settings = Settings(bibliography=self.getConfig("bibliography"))
            self._project = Project.load(root, settings)
        return self._project

    def set_project(self, project: Project) -> None:
        self._project = project

    # -- Python-Markdown hooks -------------------------------------------------------------

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        self.md = md
        # After whitespace normalisation (30), before HTML blocks (20) and fences are
        # stashed, so citations next to raw HTML are still seen; code is masked by cite.
        md.preprocessors.register(CitationPreprocessor(md, self), "toulmin_citations", 28)
        # Before toc (5), so the References heading is in the table of contents.
        md.treeprocessors.register(ReferencesTreeprocessor(md, self), "toulmin_references", 6)

    def reset(self) -> None:
        self.cited: dict[str, None] = {}
        self.counts: dict[str, int] = {}
        self.has_directive = False

    # -- rendering -------------------------------------------------------------------------

    def entries(self):
        return self.project.bib.entries

    def title_for(self, key: str) -> str:
        ref = self.entries().get(key)
        if ref is None:
            return ""
        return apa.reference_text(ref, self.project.year_suffixes().get(key, ""))

    def link(self, key: str, inner: str) -> str:
        if key not in self.entries():
            return inner
        self.cited.setdefault(key, None)
        n = self.counts[key] = self.counts.get(key, 0) + 1
        ident = f"cite-{anchor(key)[4:]}-{n}"
        title = html.escape(self.title_for(key), quote=True)
        return (f'<a class="toulmin-cite" id="{ident}" href="#{anchor(key)}" '
                f'title="{title}">{inner}</a>')

    def render_citation(self, citation) -> str | None:
        entries = self.entries()
        if citation.narrative and not all(k in entries for k in citation.keys):
            return None  # a social-media handle or an unknown key: left as written
        return apa.render_citation(citation, entries, self.project.year_suffixes(),
                                   html=True, link=self.link)

    def reference_list(self, keys, *, backlinks: bool = False) -> str:
        entries = self.entries()
        suffixes = self.project.year_suffixes()
        refs = sorted((entries[k] for k in keys if k in entries),
                      key=lambda r: apa.sort_key(r, suffixes.get(r.key, "")))
        citing = self.project.citing_documents() if backlinks else {}
        items = []
        for ref in refs:
            body = apa.reference_html(ref, suffixes.get(ref.key, ""))
            extra = ""
            if backlinks and citing.get(ref.key):
                links = []
                for doc in citing[ref.key]:
                    url = self.urls.get(doc.path)
                    if not url:
                        continue
                    href = _relative(url, self.page_url)
                    label = html.escape(_doc_title(doc))
                    links.append(f'<a href="{html.escape(href)}#cite-{anchor(ref.key)[4:]}-1">'
                                 f"{label}</a>")
                if links:
                    extra = ('<span class="toulmin-backlinks"> Cited in: '
                             + "; ".join(links) + ".</span>")
            items.append(f'<li class="toulmin-ref" id="{anchor(ref.key)}">{body}{extra}</li>')
        return '<ol class="toulmin-reflist">\n' + "\n".join(items) + "\n</ol>"


def _relative(url: str, page_url: str) -> str:
    """``url`` (from the site root) relative to the page at ``page_url``, keeping a final /."""
    if not page_url:
        return url
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    rel = posixpath.relpath(url, base or "/")
    return rel + "/" if url.endswith("/") and not rel.endswith("/") else rel


def _doc_title(doc) -> str:
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
        text = "\n".join(lines)
        if "@" not in text and ":::" not in text:
            return lines
        out: list[str] = []
        pos = 0
        for citation in cite.find_citations(text):
            rendered = self.ext.render_citation(citation)
            if rendered is None:
                continue
            out.append(text[pos:citation.start])
            out.append(self.md.htmlStash.store(rendered))
            pos = citation.end
        out.append(text[pos:])
        text = "".join(out)
        if ":::" in text:
            text = DIRECTIVE.sub(self._directive, text)
        return text.split("\n")

    def _directive(self, m: re.Match) -> str:
        self.ext.has_directive = True
        keys = self.ext.project.cited_keys()
        body = self.ext.reference_list(keys, backlinks=True)
        return "\n" + self.md.htmlStash.store(
            f'<div class="toulmin-references toulmin-bibliography">{body}</div>') + "\n"


class ReferencesTreeprocessor(Treeprocessor):
    """Append the page's reference list, in APA order, under a References heading."""

    def __init__(self, md, ext: ToulminExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        ext = self.ext
        if not ext.cited or ext.has_directive:
            return
        section = etree.SubElement(root, "div", {"class": "toulmin-references"})
        heading = etree.SubElement(section, "h2", {"id": "references"})
        heading.text = ext.getConfig("references_title")
        holder = etree.SubElement(section, "p")
        holder.text = self.md.htmlStash.store(ext.reference_list(list(ext.cited)))


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's entry point name)
    return ToulminExtension(**kwargs)
