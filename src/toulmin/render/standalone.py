"""The Markdown extension with no plugin around it (Zensical, plain Python-Markdown).

Listed by name in a builder's ``markdown_extensions`` (as in the configuration ``toulmin
generate`` writes), the extension finds the project from its options (``root``, relative to
the host configuration's folder; ``config_file``, whose toulmin options it loads with), and
loads and checks it once per process (``shared_project``: Zensical makes a new extension for
every page). Each page's source file and the base of its links come from the host's
rendering context (``host_page``). What the check rejects is shown on the page, escaped: a
box of the page's errors at its top (``errors_box``) and a marker in place of each citation
or statistic an error points into (``error_html``), never a silently wrong page.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import threading
from collections.abc import Callable
from pathlib import Path

from toulmin.project import Project
from toulmin.scan.statrefs import StatRef, find_stat_refs
from toulmin.settings import Settings, read_mkdocs

#: the extension's options for a standalone host (``toulmin generate`` writes them)
OPTIONS = {
    "config_file": ["", "The site's mkdocs.yml (from root), whose toulmin options the "
                    "project is loaded with ('' for the defaults)"],
    "post_dir": ["", "Where the host's docs_dir holds the posts of posts_dir (the generated "
                 "folder's blog/posts), to find each page's source"],
    "urls": [{}, "Document path -> its site path, for backlinks (toulmin generate writes "
             "them)"],
    "inputs": ["", "A digest of the project's files (toulmin generate writes it): unused "
               "here; a host caching pages by their options renders them again when it "
               "changes"],
}


def host_page(md) -> tuple[str | None, str | None, str | None] | None:
    """(the host configuration's folder, the page's source path in docs_dir, its URL) from
    the host's rendering context (Zensical's ``rendering_context`` preprocessor, read by
    its attributes: nothing of Zensical is imported); None without one."""
    try:
        context = md.preprocessors["rendering_context"]
    except KeyError:
        return None
    config = getattr(context, "config", None)
    folder = config.get("root_dir") if isinstance(config, dict) else None
    page = getattr(context, "page", None)
    path, url = getattr(page, "path", None), getattr(page, "url", None)
    return (folder if isinstance(folder, str) else None,
            path if isinstance(path, str) else None, url if isinstance(url, str) else None)


def link_base(path: str) -> str:
    """The site path a page's relative links start from. Zensical resolves them from the
    page's source file, as it does links written in Markdown, then rewrites them for the
    page's URL: so the folder of ``path`` (its source, relative to docs_dir)."""
    folder = posixpath.dirname(path.replace(os.sep, "/").lstrip("/"))
    return "/" + folder + "/" if folder else "/"


def source_of(project: Project, post_dir: str, path: str) -> Path:
    """The project's file a page of the host's docs_dir (``path``, relative to it) was made
    from: a post's (under ``post_dir`` there) in posts_dir, any other page's in docs_dir."""
    rel = path.replace(os.sep, "/").lstrip("/")
    post_dir = post_dir.strip("/")
    if post_dir and rel.startswith(post_dir + "/"):
        return project.root / project.settings.posts_dir / rel[len(post_dir) + 1:]
    return project.root / project.settings.docs_dir / rel


def begin_page(ext, md, text: str) -> list:
    """Start a page under a standalone host: take its links' base and source file from the
    host's context (when it has one), and return the check's errors in that source as
    (line, column, finding), the line counted in ``text`` (the host may have taken the
    front matter off)."""
    found = host_page(md)
    if found is not None:
        ext.host_dir, path, url = found
        if path is not None:
            ext.page_url = link_base(path)
            ext.page_source = str(source_of(ext.project, ext.getConfig("post_dir"), path))
        elif url is not None:
            ext.page_url = "/" + url.lstrip("/")
    project = ext.project
    head = text[:200]
    if ext.page_source:
        source = os.path.normcase(os.path.realpath(ext.page_source))
        doc = next((d for d in project.documents
                    if os.path.normcase(os.path.realpath(d.abs_path)) == source), None)
    else:  # a host that does not say: the project's document holding this text, if any
        doc = next((d for d in project.documents if head.strip() and head in d.text), None)
    if doc is None:
        return []
    errors = [f for f in project.check() if f.is_error and f.path == doc.path]
    if not errors:
        return []
    at = doc.text.find(head) if head else -1
    shift = doc.text.count("\n", 0, at) if at > 0 else 0
    return [(f.line - shift, f.column, f) for f in errors]


def with_errors(pre, text: str, errors: list, directive: re.Pattern) -> list[str]:
    """The lines of a page with the check's ``errors`` shown (``pre``: the extension's
    citation preprocessor): the box of them all first, then the text with each citation
    or statistic an error points into replaced by its marker, the others rendered."""
    ext, md = pre.ext, pre.md
    spans = [(c[1], c[2], c) for c in ext.find_citations(text)]
    if "stat" in text:
        spans += [(r.start, r.end, r) for r in find_stat_refs(text)]
    spans.sort(key=lambda t: t[0])

    def render(item, written: str) -> str | None:
        if isinstance(item, StatRef):
            return ext.render_stat(item)
        return ext.render_citation(item, written)

    body = mark_errors(text, errors, spans, render, md.htmlStash.store)
    box = md.htmlStash.store(errors_box([f for _, _, f in errors]))
    return [box, "", *directive.sub(pre.directive, body).split("\n")]


def mark_errors(text: str, errors: list, spans: list, render: Callable, stash: Callable) -> str:
    """``text`` with each span (start, end, item) rendered: as a marker (``error_html``)
    where one of ``errors`` (line, column, finding) points into it, else by ``render(item,
    written)`` (None: left as written); ``stash`` keeps the HTML from Markdown."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    at = [starts[line - 1] + col - 1 if 1 <= line < len(starts) else -1
          for line, col, _ in errors]
    out, pos = [], 0
    for start, end, item in spans:
        found = [f for (_, _, f), where in zip(errors, at, strict=True) if start <= where < end]
        rendered = error_html(found, text[start:end]) if found else \
            render(item, text[start:end])
        if rendered is None:
            continue
        out += [text[pos:start], stash(rendered)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def error_html(findings, written: str) -> str:
    """The marker standing where the check rejected ``written`` (a citation or statistic):
    what was written and each error's code and message, escaped."""
    why = "; ".join(f"{f.code} {f.message}" for f in findings)
    return (f'<span class="toulmin-error" title="{html.escape(why, quote=True)}">'
            f"<code>{html.escape(written)}</code> "
            f"<strong>{html.escape(why)}</strong></span>")


def errors_box(findings) -> str:
    """The box at the top of a page listing the check's errors in its source, escaped."""
    n = len(findings)
    items = "".join(f'<li><span class="toulmin-error"><code>{html.escape(f.path)}:{f.line}:'
                    f"{f.column}</code> <strong>{html.escape(f.code)}</strong> "
                    f"{html.escape(f.message)}</span></li>" for f in findings)
    return (f'<div class="toulmin-errors" role="alert"><p>toulmin check: {n} '
            f"error{'s' * (n != 1)} on this page; <code>toulmin check</code> rejects it and "
            f"it must not be published.</p><ul>{items}</ul></div>")


#: projects loaded by standalone instances, by (root, config_file, bibliography, inputs): a
#: host that makes a new extension per page (Zensical) loads and checks the site once
_PROJECTS: dict[tuple[str, str, str, str], Project] = {}
_PROJECTS_LOCK = threading.Lock()


def shared_project(ext) -> Project:
    """The project of ``ext``'s options (``root`` relative to the host's folder when the
    host has one, else to the working folder), loaded with the toulmin options of
    ``config_file`` (or the defaults and ``bibliography``) and checked. With ``inputs`` (the
    digest of the project's files ``toulmin generate`` writes) it is loaded once per
    process and those inputs (a new digest loads it again); without, once per instance."""
    root = Path(ext.getConfig("root"))
    if not root.is_absolute() and ext.host_dir:
        root = Path(ext.host_dir) / root
    root = root.resolve()
    config_file, bibliography = ext.getConfig("config_file"), ext.getConfig("bibliography")
    inputs = ext.getConfig("inputs")
    key = (str(root), config_file, bibliography, inputs)
    with _PROJECTS_LOCK:
        project = _PROJECTS.get(key) if inputs else None
        if project is None:
            if config_file:
                settings = read_mkdocs(root, config_file=root / config_file)
            else:
                settings = Settings(bibliography=bibliography)
            project = Project.load(root, settings)
            project.check()
            if inputs:
                _PROJECTS.clear()  # one site's project at a time
                _PROJECTS[key] = project
    return project
