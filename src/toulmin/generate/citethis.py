"""How to cite a post: APA 7 text, a BibTeX entry, the post's own references as BibTeX,
and the values of the Google Scholar (``citation_*``) and Open Graph meta tags.

The MkDocs plugin puts them into each post's ``page.meta`` while it builds (``PostOutputs``);
``toulmin generate`` writes them into the front matter of each post it places for another
builder (``with_cite``), where the same templates read them.

Everything here is plain text; the templates escape it (MkDocs' Jinja environment does
not autoescape, so ``overrides/`` applies ``|e`` to every value).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from toulmin.project import file_key

REFERENCES_BIB = "references.bib"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class PostCitation:
    title: str
    authors: tuple[str, ...]
    date: _dt.date | None
    url: str
    site_name: str
    description: str = ""
    key: str = ""
    #: URL of the post's references as BibTeX, relative to the post's page
    references_bib_url: str = ""
    keywords: tuple[str, ...] = field(default=())

    @property
    def apa(self) -> str:
        return apa_text(self)

    @property
    def bibtex(self) -> str:
        return bibtex_entry(self)

    def as_meta(self) -> dict:
        """The values the templates read from ``page.meta["toulmin_cite"]``."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else ""
        data["scholar_date"] = self.date.strftime("%Y/%m/%d") if self.date else ""
        data["apa"] = self.apa
        data["bibtex"] = self.bibtex
        return data


def post_date(value) -> _dt.date | None:
    """A front-matter ``date`` (a date, a datetime, an ISO string or Material's
    ``{created: ...}`` mapping) as a date."""
    if isinstance(value, Mapping):
        value = value.get("created")
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def apa_text(c: PostCitation) -> str:
    """APA 7 reference of a blog post: Author. (Year, Month Day). Title. Site. URL"""
    authors = _apa_authors(c.authors) or c.site_name
    when = (f"{c.date.year}, {_MONTHS[c.date.month - 1]} {c.date.day}" if c.date else "n.d.")
    title = c.title.rstrip()
    stop = "" if title.endswith(("?", "!", ".")) else "."
    return f"{authors} ({when}). {title}{stop} {c.site_name}. {c.url}"


def _apa_authors(names: Iterable[str]) -> str:
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        return ""
    text = names[0] if len(names) == 1 else (
        ", ".join(names[:-1]) + (", & " if len(names) > 2 else " & ") + names[-1])
    return text if text.endswith(".") else text + "."


def bibtex_key(c: PostCitation) -> str:
    first = c.authors[0] if c.authors else c.site_name
    word = re.sub(r"[^a-z0-9]", "", (first.split()[-1] if first.split() else "").lower())
    tword = next((w for w in re.findall(r"[a-z0-9]+", c.title.lower()) if len(w) > 3), "post")
    return f"{word or 'post'}{c.date.year if c.date else ''}{tword}"


_BIB_SPECIAL = re.compile(r"([\\{}&%$#_^~])")


def bib_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field (LaTeX specials escaped)."""
    repl = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}
    return _BIB_SPECIAL.sub(lambda m: repl.get(m.group(1), "\\" + m.group(1)), text)


def bibtex_entry(c: PostCitation) -> str:
    """A biblatex ``@online`` entry (BibTeX reads it as ``@misc``-like with ``url``)."""
    fields = [("author", " and ".join("{" + bib_escape(a) + "}" for a in c.authors)
               or "{" + bib_escape(c.site_name) + "}"),
              ("title", "{" + bib_escape(c.title) + "}")]
    if c.date:
        fields += [("date", c.date.isoformat()), ("year", str(c.date.year)),
                   ("month", str(c.date.month))]
    fields += [("organization", bib_escape(c.site_name)), ("url", c.url)]
    if c.keywords:
        fields.append(("keywords", bib_escape(", ".join(c.keywords))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{c.key or bibtex_key(c)},\n{body}\n}}\n"


def bibtex_blocks(bib_path: str | Path, entries: Mapping, keys: Iterable[str]) -> str:
    """The entries ``keys`` as written in the reference base (their raw BibTeX blocks).

    ``entries`` maps key -> Reference (whose ``line`` is where the block starts); a block
    ends where the next line starting with ``@`` begins.
    """
    lines = Path(bib_path).read_text(encoding="utf-8").splitlines()
    out = []
    for key in keys:
        ref = entries.get(key)
        if ref is None:
            continue
        start = max(ref.line - 1, 0)
        end = start + 1
        while end < len(lines) and not lines[end].lstrip().startswith("@"):
            end += 1
        block = lines[start:end]
        # Keep the block up to its closing brace; drop trailing blank lines and comments.
        while block and (not block[-1].strip() or block[-1].lstrip().startswith("%")):
            block.pop()
        out.append("\n".join(block))
    return "\n\n".join(out) + ("\n" if out else "")


class PostOutputs:
    """Per build: each post's citation data (into ``page.meta``), and afterwards its
    ``references.bib`` and the Atom feed. Takes the MkDocs page and config duck-typed,
    so this module does not import mkdocs."""

    def __init__(self, project, post_sources: Iterable[str]):
        """``post_sources``: the posts' real paths; may be filled after this is made."""
        self.project = project
        self.post_sources = post_sources
        self.docs = {file_key(d.abs_path): d for d in project.documents}
        self.bibs: dict[str, str] = {}  # site-relative path -> BibTeX text
        self.entries: list = []

    def page_context(self, page, config) -> None:
        from toulmin.render import feeds

        src = page.file.abs_src_path
        real = file_key(src) if src else ""
        if not real or real not in self.post_sources:
            return
        doc = self.docs.get(real)
        meta = page.meta
        authors = tuple(a.name for a in (getattr(page, "authors", None) or [])
                        if getattr(a, "name", None)) or tuple(
            str(a) for a in meta.get("authors") or [])
        date = None
        post_config = getattr(page, "config", None)
        if post_config is not None and getattr(post_config, "date", None) is not None:
            date = post_date(getattr(post_config.date, "created", None))
        date = date or post_date(meta.get("date"))
        # the front matter's own names: the blog's category pages hold them HTML-escaped
        # (adapters.mkdocs.escaping), which the feed and the meta tags would escape again
        named = meta.get("categories")
        categories = (tuple(str(c) for c in named) if isinstance(named, list) else ()) or tuple(
            getattr(c, "title", str(c)) for c in (getattr(page, "categories", None) or []))
        tags = tuple(str(t) for t in meta.get("tags") or [])
        site_name = config.site_name or ""
        url = page.canonical_url or page.abs_url or page.url
        cited = list(doc.cited) if doc is not None else []
        bib_url = REFERENCES_BIB if cited else ""
        cite = PostCitation(title=page.title or meta.get("title") or "", authors=authors,
                            date=date, url=url, site_name=site_name,
                            description=str(meta.get("description") or ""),
                            references_bib_url=bib_url, keywords=categories + tags)
        meta["toulmin_cite"] = cite.as_meta()
        if cited:
            self.bibs[page.file.dest_uri.rsplit("/", 1)[0] + "/" + REFERENCES_BIB
                      if "/" in page.file.dest_uri else REFERENCES_BIB] = bibtex_blocks(
                self.project.root / self.project.settings.bibliography,
                self.project.bib.entries, cited)
        self.entries.append(feeds.FeedEntry(
            title=cite.title, url=url, date=date, authors=authors,
            content_html=page.content or "", summary=cite.description,
            categories=categories + tags))

    def post_build(self, config) -> None:
        from toulmin.render import feeds

        site_dir = Path(config.site_dir)
        for rel, text in self.bibs.items():
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        site_url = config.site_url or "/"
        if not site_url.endswith("/"):
            site_url += "/"
        data = feeds.atom_feed(self.entries, title=config.site_name or "",
                               site_url=site_url, feed_url=site_url + feeds.ATOM_NAME,
                               subtitle=(config.site_description or "").strip())
        feeds.write_atom(site_dir, data)


def with_cite(text: str, cite: PostCitation) -> str:
    """``text`` (a post) with ``toulmin_cite`` (``cite.as_meta()``, as JSON, which YAML
    reads) added last in its front matter; a post without front matter gets one."""
    import json

    line = "toulmin_cite: " + json.dumps(cite.as_meta(), ensure_ascii=False, sort_keys=True)
    m = re.match(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?=(?:---|\.\.\.)[ \t]*\r?\n)", text, re.S)
    if m is None:
        return f"---\n{line}\n---\n\n{text}"
    return text[:m.end()] + line + "\n" + text[m.end():]
