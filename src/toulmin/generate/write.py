"""``toulmin generate``: the site's sources as any builder reads them, in one folder.

The folder (default ``.toulmin/site-src``) holds:

- ``docs/``: a copy of docs_dir, with every file of the plan (``generate.plan``) added where
  the author has none of that name: the posts where the blog looks for them, a page per
  statistic, the charts, toulmin's stylesheet and scripts;
- ``mkdocs.yml``: a configuration that inherits the author's (``INHERIT``), points
  ``docs_dir`` at ``docs/`` and lists the ``toulmin`` Markdown extension with what it needs
  to find the project, so ``zensical build -f .toulmin/site-src/mkdocs.yml`` builds the site
  (into ``site/`` beside it: Zensical keeps docs_dir and site_dir inside the configuration's
  folder);
- ``.toulmin-generated``: the mark that the folder is toulmin's to rewrite.

The same project gives the same bytes (no dates, sorted mappings, files in a fixed order);
a file already holding the right bytes is not written again, and a file the plan no longer
lists is removed. Nothing outside the folder is written, and a folder without the mark is
never written into.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from toulmin import cache
from toulmin.generate import citethis
from toulmin.generate import plan as planning
from toulmin.paths import escapes
from toulmin.project import Project
from toulmin.settings import CONFIG_FILE, Settings, config_values, declared_assets, plugin_config

DEFAULT_OUT = ".toulmin/site-src"
MARK = ".toulmin-generated"
_MARK_TEXT = ("This folder is written by `toulmin generate` and rewritten each time it runs;\n"
              "edit the site's own files instead.\n")
CONFIG_NAME = "mkdocs.yml"
#: the posts of the Atom feed ``toulmin postbuild`` writes (beside docs/, never published)
FEED_NAME = "feed.json"
DOCS_NAME = "docs"


class GenerateError(Exception):
    """A folder ``generate`` must not write (one line for the user)."""


@dataclass
class Generated:
    """What ``generate`` did: the folder, its configuration, how many files it wrote (with
    new bytes), kept (already right) and removed, and the site paths of the posts."""

    out: Path
    config: Path
    written: int = 0
    kept: int = 0
    removed: int = 0
    posts: dict[str, str] = field(default_factory=dict)


def output_folder(root: Path, settings: Settings, out: str | os.PathLike | None) -> Path:
    """The generated folder for ``out`` (relative to the root), refused when writing there
    could touch the author's files: the root itself, a folder holding it, or a folder the
    site reads (docs_dir, posts, charts, scripts, data, sources, overrides)."""
    folder = (root / (out if out is not None else DEFAULT_OUT)).resolve()
    inputs = [settings.docs_dir, settings.posts_dir, settings.charts_dir,
              settings.scripts_dir, settings.data_dir, settings.sources_dir, "overrides"]
    if folder == root or root.is_relative_to(folder):
        raise GenerateError(f"{out}: the output folder would hold the site's own files")
    for name in inputs:
        inside = (root / name).resolve()
        if folder.is_relative_to(inside) or inside.is_relative_to(folder):
            raise GenerateError(f"{out}: the output folder overlaps {name}/, which the "
                                "site reads")
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir())
                                                    and not (folder / MARK).is_file())):
        raise GenerateError(f"{out}: exists and was not written by toulmin generate "
                            f"(no {MARK}); choose another folder or empty it")
    return folder


def generate(root: str | os.PathLike, out: str | os.PathLike | None = None, *,
             settings: Settings, project: Project | None = None) -> Generated:
    """Write the generated folder for the site at ``root`` (see the module's docstring)."""
    root = Path(root).resolve()
    folder = output_folder(root, settings, out)
    project = project or Project.load(root, settings)
    values = config_values(root / CONFIG_FILE)
    blog = plugin_config(values, "material/blog", "blog")
    post_dir = planning.blog_post_dir(blog)
    directory_urls = values.get("use_directory_urls") is not False

    files: dict[str, tuple[Path | None, bytes | None]] = {}
    docs = root / settings.docs_dir
    vendor = posixpath.normpath(settings.vendor_dir) + "/"
    charts = (root / settings.charts_dir).resolve()
    if docs.is_dir():
        for path in sorted(docs.rglob("*")):
            if not path.is_file() or escapes(root, path):  # a link out: SEC001
                continue
            uri = path.relative_to(docs).as_posix()
            if uri.startswith(vendor) and uri.endswith(".md"):  # a library's notes
                continue
            if path.suffix in (".svg", ".json") and path.resolve().is_relative_to(charts):
                continue  # a chart is published as its definition renders it, or not at all
            files[uri] = (path, None)
    items = planning.plan(project, settings, post_dir)
    for item in items:
        if item.uri in files and item.kind != "chart":  # the author's own file wins
            continue
        files[item.uri] = (item.source, None if item.content is None
                           else item.content.encode("utf-8"))

    urls = _urls(project, settings, blog, directory_urls)
    feed = _add_citations(files, project, settings, values, blog, urls, docs)
    result = Generated(folder, folder / CONFIG_NAME,
                       posts={k: v for k, v in urls.items()
                              if k.startswith(settings.posts_dir.rstrip("/") + "/")})
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / MARK, _MARK_TEXT.encode(), result)
    target = folder / DOCS_NAME
    for uri, (source, content) in files.items():
        data = content if content is not None else source.read_bytes()
        _write(target / uri, data, result)
    _remove_stale(target, set(files), result)
    config = _config(root, folder, settings, values, post_dir, urls)
    _write(folder / CONFIG_NAME, config.encode("utf-8"), result)
    feed_data = {"title": str(values.get("site_name") or ""),
                 "site_url": str(values.get("site_url") or ""),
                 "subtitle": str(values.get("site_description") or "").strip(),
                 "entries": sorted(feed, key=lambda e: e["page"])}
    _write(folder / FEED_NAME, (json.dumps(feed_data, ensure_ascii=False, indent=1,
                                           sort_keys=True) + "\n").encode("utf-8"), result)
    return result


def _add_citations(files: dict, project: Project, settings: Settings, values: dict, blog,
                   urls: dict[str, str], docs: Path) -> None:
    """Each post placed for the blog with "Cite this post" and its meta tags' values in its
    front matter (``toulmin_cite``, read by the templates as the plugin's ``page.meta``),
    and the works it cites as BibTeX beside its page (``references.bib``); returns each
    post's entry of the Atom feed (its page in the built site, for its text)."""
    feed: list[dict] = []
    if blog is None:
        return feed
    project.check()  # which works each document cites
    by_path = {d.abs_path.resolve(): d for d in project.documents}
    names = _author_names(docs, blog)
    site_url = str(values.get("site_url") or "")
    for uri, (source, content) in list(files.items()):
        doc = by_path.get(source.resolve()) if source is not None and content is None \
            and uri.endswith(".md") and not source.is_relative_to(docs) else None
        url = urls.get(doc.path) if doc is not None else None
        if url is None:
            continue
        meta = planning.front_matter(doc.text)
        ids = meta.get("authors") if isinstance(meta.get("authors"), list) else []
        keywords = [*(meta.get("categories") or []), *(meta.get("tags") or [])]
        cite = citethis.PostCitation(
            title=planning.title_of(doc.text, meta),
            authors=tuple(names.get(str(a), str(a)) for a in ids),
            date=citethis.post_date(meta.get("date")),
            url=site_url.rstrip("/") + url if site_url else url,
            site_name=str(values.get("site_name") or ""),
            description=str(meta.get("description") or ""),
            references_bib_url=citethis.REFERENCES_BIB if doc.cited else "",
            keywords=tuple(str(k) for k in keywords))
        files[uri] = (None, citethis.with_cite(doc.text, cite).encode("utf-8"))
        page = url.strip("/") + "/index.html" if url.endswith("/") else url.strip("/")
        feed.append({"title": cite.title, "url": cite.url, "page": page.lstrip("/"),
                     "date": cite.date.isoformat() if cite.date else "",
                     "authors": list(cite.authors), "summary": cite.description,
                     "categories": list(cite.keywords)})
        if doc.cited:
            folder = url.strip("/") if url.endswith("/") else posixpath.dirname(url.strip("/"))
            bib = citethis.bibtex_blocks(project.root / settings.bibliography,
                                         project.bib.entries, doc.cited)
            files.setdefault(posixpath.join(folder, citethis.REFERENCES_BIB),
                             (None, bib.encode("utf-8")))
    return feed


def _author_names(docs: Path, blog: dict) -> dict[str, str]:
    """The blog's authors file (``authors_file``, default ``{blog}/.authors.yml``): id ->
    name."""
    import yaml

    root = posixpath.normpath(str(blog.get("blog_dir") or "blog"))
    name = str(blog.get("authors_file") or "{blog}/.authors.yml").format(blog=root)
    try:
        data = yaml.safe_load((docs / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    authors = data.get("authors") if isinstance(data, dict) else None
    return {str(k): str(v.get("name") or k) for k, v in authors.items()
            if isinstance(v, dict)} if isinstance(authors, dict) else {}


def _urls(project: Project, settings: Settings, blog, directory_urls: bool) -> dict[str, str]:
    """Each document's site path (document path -> "/blog/2026/11/02/slug/"), for the
    backlinks of the references page and the statistic pages."""
    urls: dict[str, str] = {}
    posts = settings.posts_dir.rstrip("/") + "/"
    docs = settings.docs_dir.rstrip("/") + "/"
    post_dir = planning.blog_post_dir(blog)
    for doc in project.documents:
        if doc.path.startswith(posts) and blog is None:  # no blog: the posts are pages
            url = planning.page_url(posixpath.join(post_dir, doc.path[len(posts):]),
                                    directory_urls=directory_urls)
        elif doc.path.startswith(posts):
            url = planning.post_url(doc.text, blog, directory_urls=directory_urls)
        elif doc.path.startswith(docs):
            url = planning.page_url(doc.path[len(docs):], directory_urls=directory_urls)
        else:
            url = None
        if url is not None:
            urls[doc.path] = url
    return dict(sorted(urls.items()))


def _config(root: Path, folder: Path, settings: Settings, values: dict, post_dir: str,
            urls: dict[str, str]) -> str:
    """The generated configuration (YAML; JSON's syntax for the values, which YAML reads)."""
    up = Path(os.path.relpath(root, folder)).as_posix()
    lines = [
        "# Written by `toulmin generate`: run it again rather than editing this file.",
        f"# It builds the site of {posixpath.join(up, CONFIG_FILE)} with Zensical:",
        f"#   zensical build -f {posixpath.join(os.path.relpath(folder, root), CONFIG_NAME)}",
        f"INHERIT: {json.dumps(posixpath.join(up, CONFIG_FILE))}",
        f"docs_dir: {DOCS_NAME}",
        "site_dir: site",
    ]
    theme = values.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom, str) and custom:
        lines += ["theme:", f"  custom_dir: {json.dumps(posixpath.join(up, custom))}"]
    if settings.assets:
        declared = declared_assets(root)
        for key, names in (("extra_css", planning.CSS), ("extra_javascript", planning.JS)):
            wanted = [f"{planning.SITE_ASSETS}/{n}" for n in names
                      if f"{planning.SITE_ASSETS}/{n}" not in declared]
            if wanted:
                lines.append(f"{key}:")
                lines += [f"  - {json.dumps(w)}" for w in wanted]
    options = {"root": up, "config_file": CONFIG_FILE, "post_dir": post_dir,
               "references_title": settings.references_title, "urls": urls,
               "inputs": inputs_digest(root, settings)}
    lines += ["markdown_extensions:", "  - toulmin:"]
    lines += [f"      {k}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}"
              for k, v in options.items()]
    return "\n".join(lines) + "\n"


def inputs_digest(root: Path, settings: Settings) -> str:
    """A digest of every file a page's rendering reads besides its own Markdown (the
    reference base, the lock, the stored sources, the data, scripts and charts, every
    document, the settings) and of toulmin's code. Written into the configuration as an
    option of the extension: a builder that caches rendered pages by their Markdown and the
    extensions' options (Zensical does) renders them again when any of these changes."""
    names = [CONFIG_FILE, settings.bibliography, "references.lock.json", settings.sources,
             settings.stopwords]
    folders = [settings.posts_dir, settings.docs_dir, settings.sources_dir,
               settings.scripts_dir, settings.data_dir, settings.charts_dir]
    h = hashlib.blake2b(digest_size=16)
    paths = [root / n for n in names if n] + [
        p for f in folders if f and (root / f).is_dir() for p in sorted((root / f).rglob("*"))]
    for path in paths:
        if path.is_file() and not escapes(root, path):
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return cache.fingerprint(h.hexdigest())


def _write(path: Path, data: bytes, result: Generated) -> None:
    """Write ``data`` to ``path`` unless it holds them already (its time left alone)."""
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            result.kept += 1
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.is_dir():
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    tmp = path.with_name(path.name + ".toulmin-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    result.written += 1


def _remove_stale(target: Path, keep: set[str], result: Generated) -> None:
    """Remove the files under ``target`` the plan no longer lists, then empty folders."""
    if not target.is_dir():
        return
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if path.is_symlink() or path.is_file():
            if rel not in keep:
                path.unlink()
                result.removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
