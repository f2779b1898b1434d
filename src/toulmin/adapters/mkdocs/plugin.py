"""The MkDocs adapter: load the project once per build and fail the build on errors.

Event handlers appear in the order MkDocs calls them; each delegates to the core
(``toulmin.project``) or the Markdown extension (``toulmin.render.markdown``).
"""

from __future__ import annotations

import gc
import logging
import os
import posixpath
import sys
from pathlib import Path

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, InclusionLevel

from toulmin import settings as schema
from toulmin.adapters.mkdocs import escaping, preview, rssfeed, standins
from toulmin.adapters.mkdocs.config import ToulminConfig, to_settings
from toulmin.adapters.mkdocs.swap import SiteSwap
from toulmin.generate import plan, policy
from toulmin.paths import escapes
from toulmin.project import Project, file_key
from toulmin.render import audit
from toulmin.render.excerpts import site_path
from toulmin.render.markdown import ToulminExtension
from toulmin.rules import RULES, families, human

log = logging.getLogger("mkdocs.plugins.toulmin")


class ToulminPlugin(BasePlugin[ToulminConfig]):
    """Checks citations, renders them in APA 7 and adds the posts to the blog."""

    def __init__(self):
        self.project: Project | None = None
        self.extension: ToulminExtension | None = None
        self.root = Path.cwd()
        self.post_files: dict[str, File] = {}
        #: True under ``mkdocs serve``: check errors become page banners, not a failed build
        self.serving = False
        #: True under ``--dirty``: MkDocs writes over the site it has, so it builds in place
        self.dirty = False
        #: the folder this build writes, beside the site until the build finished
        self.swap = SiteSwap()
        #: this build's findings by document path (for the banners under serve)
        self.page_findings: dict[str, list] = {}
        #: under serve, the cache folder of the charts drawn again for the preview
        self.chart_overlay = ""
        #: page -> its References section, while held out of the page (see on_page_content)
        self._held: dict[str, str] = {}
        self._frozen = False
        #: page -> (its reference list, the text-only list that stands in for it)
        self._lists: dict[str, tuple[str, str]] = {}
        #: this build's settings (the options, with MkDocs' docs_dir)
        self.settings = schema.Settings()

    # An unknown option or a value of the wrong type is one line, at its place in
    # mkdocs.yml (toulmin.settings), not MkDocs' generic message.
    def load_config(self, options, config_file_path=None):
        try:
            schema.from_options(options)
        except schema.SettingsError as exc:
            problem = str(exc)
            if config_file_path:
                try:
                    schema.read_mkdocs(Path(config_file_path).parent,
                                       config_file=config_file_path)
                except schema.SettingsError as located:
                    problem = str(located)
            raise Abort(problem) from None
        return super().load_config(options, config_file_path)

    # Defining on_startup keeps this instance across rebuilds under serve (MkDocs >= 1.4),
    # which is why on_config resets every per-build field and reloads the project.
    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.dirty = dirty

    # Before any other plugin reads site_dir: the build writes a sibling folder, put in
    # place of the site only when the build finished (_put_site_in_place), so a failed,
    # interrupted or killed build leaves the previous site intact. Not under serve, which
    # builds into a temporary folder of its own, nor under --dirty.
    @event_priority(10_000)
    def _build_beside(self, config):
        if self.config.enabled and not self.serving and not self.dirty:
            self.swap.begin(config)
        return config

    # Load and check everything once, before any page is read or any file written, so a
    # failed check leaves the previous site untouched.
    def _load_and_check(self, config):
        self.project = None
        self.extension = None
        self.post_files = {}
        self.page_findings = {}
        self._held = {}
        self._ref_lists = {}
        self.printed = frozenset()
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        settings = self.settings = to_settings(self.config,
                                               os.path.relpath(config.docs_dir, self.root))
        if not (self.root / settings.bibliography).is_file():
            raise PluginError(f"toulmin: reference base not found: {settings.bibliography}")
        if settings.stopwords and not (self.root / settings.stopwords).is_file():
            raise PluginError(f"toulmin: stopwords file not found: {settings.stopwords}")
        audit_page = _audit_page(settings)
        self.project = Project.load(self.root, settings)
        # front matter values the theme would print as markup, escaped whatever SEC002 says
        self.printed = escaping.printed_values(d.text for d in self.project.documents)
        if self.serving:  # a chart whose script or data changed is drawn again
            self.chart_overlay = posixpath.join(settings.cache_dir, "preview-charts")
            preview.rebuild_stale_charts(self.project, self.chart_overlay)
        findings = self.project.check()
        errors = [f for f in findings if f.is_error]
        if self.serving:
            # Editors and people read the terminal: each finding and its fix, per build.
            for f in findings:
                print(human(f), file=sys.stderr, flush=True)
            self.page_findings = preview.by_document(self.project, findings)
        else:
            show_warnings = log.isEnabledFor(logging.INFO)
            for f in findings:
                if f.is_error:
                    log.error(human(f))
                elif show_warnings:
                    log.info(human(f))
        if errors and not self.serving:
            raise PluginError(f"toulmin: {error_summary(errors)} (listed above); the site "
                              "was not built")
        self.extension = ToulminExtension(
            project=self.project, references_title=self.config.references_title
        )
        self.extension.load_render_cache()
        # The project lives for the whole build: keep the collector from walking its
        # objects again at every full collection (a fifth of the plugin's cost at 1,000
        # posts). Not under serve, where each rebuild loads a new project.
        if not self.serving and not self._frozen:
            gc.freeze()
            self._frozen = True
        config.markdown_extensions.append(self.extension)
        if audit_page:
            _list_in_nav(config, audit_page, settings.audit_title or audit.TITLE)
        if settings.assets:
            _link_assets(config)
        return config

    on_config = CombinedEvent(_build_beside, _load_and_check)

    # Posts live in posts/ beside docs/; add them where the blog plugin looks for them
    # (it collects posts at priority -50, after this). What is added is the plan
    # ``toulmin generate`` writes for other builders (toulmin.generate.plan).
    @event_priority(50)
    def on_files(self, files, *, config):
        if not self.config.enabled or self.project is None:
            return files
        # MkDocs copies docs_dir itself: a link out of the project (SEC001) is taken out
        # (the theme's files, from outside the project, are not docs_dir's)
        docs = os.path.join(os.path.abspath(config.docs_dir), "")
        for f in list(files):
            if (f.abs_src_path and os.path.abspath(f.abs_src_path).startswith(docs)
                    and escapes(self.root, f.abs_src_path)):
                files.remove(f)
        self._add_statistic_pages(files, config)
        self._add_audit_page(files, config)
        self._add_charts(files, config)
        if self.settings.assets:
            _add_assets(files, config)
        for item in plan.post_items(self.project, self.settings, self._post_dir(config)):
            if files.get_file_from_path(item.uri) is not None:
                continue
            file = File.generated(config, item.uri, abs_src_path=str(item.source),
                                  inclusion=InclusionLevel.INCLUDED)
            files.append(file)
            self.post_files[file_key(item.source)] = file
        return files

    def _add_charts(self, files, config) -> None:
        """Each chart a definition renders goes to the site's charts/ (charts_site_dir),
        where toulmin-charts.js fetches its Vega-Lite JSON: the files as rendered (under
        serve, drawn again), never the committed bytes, and no file of charts_dir that no
        chart defines (CHA005), even where charts_dir lies in docs_dir; vendored
        libraries' notes (vendor_dir) are not pages."""
        vendor = posixpath.normpath(self.settings.vendor_dir) + "/"
        charts_dir = os.path.join(os.path.abspath(self.root / self.settings.charts_dir), "")
        for f in list(files):
            if f.src_uri.startswith(vendor) and f.src_uri.endswith(".md"):
                f.inclusion = InclusionLevel.EXCLUDED
            elif (f.abs_src_path and f.src_uri.endswith((".svg", ".json"))
                  and os.path.abspath(f.abs_src_path).startswith(charts_dir)):
                files.remove(f)
        for item in plan.chart_items(self.project, self.settings):
            existing = files.get_file_from_path(item.uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, item.uri, content=item.content,
                                            inclusion=InclusionLevel.NOT_IN_NAV))

    def _add_statistic_pages(self, files, config) -> None:
        """One generated page per statistic, at /statistics/NAME/."""
        for item in plan.statistic_items(self.project):
            page = files.get_file_from_path(item.uri)
            if page is None:
                page = File.generated(config, item.uri, content=item.content,
                                      inclusion=InclusionLevel.NOT_IN_NAV)
                files.append(page)
            if self.extension is not None:  # statistics/NAME.html without directory URLs
                name = posixpath.splitext(posixpath.basename(item.uri))[0]
                self.extension.stat_urls[name] = site_path(page.url)

    def _add_audit_page(self, files, config) -> None:
        """The evidence audit page (``render.audit``), generated at ``audit_page``: never a
        file of docs_dir, which would be an audit written by hand."""
        src_uri = _audit_page(self.settings)
        if not src_uri:
            return
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(
                f"toulmin: {posixpath.join(self.settings.docs_dir, src_uri)} exists, but the "
                "build generates the evidence audit page there: delete the file, or set the "
                "option audit_page to another path ('' for no audit page)")
        files.append(File.generated(
            config, src_uri, content=audit.page_source(self.settings.audit_title),
            inclusion=InclusionLevel.INCLUDED))

    # Each post's URL, for the backlinks on the site-wide References page.
    def on_nav(self, nav, *, config, files):
        if self.extension is None or self.project is None:
            return nav
        # The blog plugin takes posts out of the file list but keeps our File objects,
        # whose URLs it has set by now.
        by_source = dict(self.post_files)
        for f in files.documentation_pages():
            if f.abs_src_path:
                by_source[file_key(f.abs_src_path)] = f
        for doc in self.project.documents:
            f = by_source.get(file_key(doc.abs_path))
            if f is not None:
                self.extension.urls[doc.path] = site_path(f.url)
        return nav

    # Before the tags plugin renders its listings (priority 100) with the theme's templates.
    @event_priority(110)
    def on_env(self, env, *, config, files):
        if self.printed and not getattr(env.finalize, "toulmin_escaping", False):
            env.finalize = escaping.finalize(self.printed, env.finalize)
            env.finalize.toulmin_escaping = True
        return env

    def on_page_markdown(self, markdown, *, page, config, files):
        if self.printed and _blog_view(page):
            markdown = escaping.escape_markdown(markdown, self.printed)
        if self.extension is not None:
            self.extension.page_url = site_path(page.file.url)
            # the document whose evidence its citations' hovers show
            self.extension.page_source = page.file.abs_src_path
        return markdown

    # While the blog plugin counts a post's reading time (priority 0) the post stands in
    # without its References section and with its citation links as comments
    # (toulmin.adapters.mkdocs.standins); all is back before the feeds (priority -75) read the page.
    @event_priority(100)
    def _hold_for_reading_time(self, html, *, page, config, files):
        ext = self.extension
        if ext is None:
            return html
        ref_list, ext.page_list = ext.page_list, None
        self._ref_lists[page.file.src_uri] = ref_list
        html, self._held[page.file.src_uri] = standins.for_reading_time(html, ref_list)
        return html

    # Under serve, a page with findings shows them in a banner above its content.
    @event_priority(-50)
    def _restore_after_reading_time(self, html, *, page, config, files):
        held = self._held.pop(page.file.src_uri, None)
        if held is not None:
            html = self._restore(html, held, page)
        if not self.serving or not self.page_findings:
            return html
        source = page.file.abs_src_path
        found = self.page_findings.get(file_key(source) if source else page.file.src_uri)
        return preview.banner(found) + html if found else html

    on_page_content = CombinedEvent(_hold_for_reading_time, _restore_after_reading_time)

    # Each post's "Cite this post" data and Scholar/Open Graph tags (read by overrides/),
    # and its full text for the Atom feed; a fresh collector per build.
    def on_pre_build(self, *, config):
        self.post_outputs = None
        if self.project is not None:
            from toulmin.generate.citethis import PostOutputs

            self.post_outputs = PostOutputs(self.project, self.post_files)
            # the RSS plugin escapes every value of its feeds (adapters.mkdocs.rssfeed)
            rssfeed.use_escaping_template(config, self.root / self.settings.cache_dir)

    # While the search plugin indexes a page (priority 0) it stands in with its reference
    # list as text only and its citation links as comments: the same index from far fewer
    # tags (toulmin.adapters.mkdocs.standins). The full page is back before it is written.
    @event_priority(100)
    def _context_first(self, context, *, page, config, nav):
        if getattr(self, "post_outputs", None) is not None:
            self.post_outputs.page_context(page, config)  # reads the full page
        if self.extension is not None and page.content:
            ref_list = self._ref_lists.get(page.file.src_uri)
            page.content, self._held[page.file.src_uri] = standins.for_search(page.content,
                                                                              ref_list)
        return context

    @event_priority(-50)
    def _context_last(self, context, *, page, config, nav):
        held = self._held.pop(page.file.src_uri, None)
        if held is not None and page.content:
            page.content = self._restore(page.content, held, page)
        return context

    on_page_context = CombinedEvent(_context_first, _context_last)

    @staticmethod
    def _restore(html: str, held, page) -> str:
        try:
            return standins.restore(html, held)
        except standins.StandInLost as exc:
            raise PluginError(f"toulmin: {page.file.src_uri}: {exc}; a plugin running between "
                              "toulmin's early and late handlers changed the page") from None

    def _unfreeze(self) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    # Every page, the theme's own (404.html) too, declares the Content-Security-Policy.
    def on_post_page(self, output, *, page, config):
        return policy.with_policy(output, self._policy())

    def on_post_template(self, output_content, *, template_name, config):
        if template_name.endswith(".html"):
            return policy.with_policy(output_content, self._policy())
        return output_content

    def _policy(self) -> str:
        settings = getattr(self, "settings", None)
        if settings is None or not self.config.enabled:
            return ""
        return policy.resolve(settings.content_security_policy)

    def on_build_error(self, *, error):
        self._unfreeze()
        self.swap.abandon()

    # Interrupted (Ctrl-C) or done: no temporary site is left behind.
    def on_shutdown(self):
        self.swap.abandon()

    # Keep this build's renderings for the next one.
    def _post_build(self, *, config):
        self._unfreeze()
        if self.extension is not None:
            self.extension.save_render_cache()
        # Each post's references as BibTeX, and feed_atom.xml.
        if getattr(self, "post_outputs", None) is not None:
            self.post_outputs.post_build(config)

    # Every feed (the RSS plugin's, written at priority 0, and the Atom feed) is read back
    # with an XML parser: a feed readers cannot parse fails the build.
    @event_priority(-100)
    def _check_feeds(self, *, config):
        if self.project is None:
            return
        from toulmin.render import feeds

        site = Path(config.site_dir)
        escaping.escape_search_index(site / "search" / "search_index.json", self.printed)
        for name in (*rssfeed.feed_names(config), feeds.ATOM_NAME):
            if (site / name).is_file():
                try:
                    feeds.check_feed(site / name)
                except feeds.FeedError as exc:
                    raise PluginError(f"toulmin: {exc}") from None

    # Last of every plugin's on_post_build (the search index, the feeds, the blog's and
    # Material's plugins all write before): the finished site replaces the previous one.
    @event_priority(-10_000)
    def _put_site_in_place(self, *, config):
        self.swap.finish()

    on_post_build = CombinedEvent(_post_build, _check_feeds, _put_site_in_place)

    # Rebuild when the inputs outside docs_dir change during ``mkdocs serve``.
    def on_serve(self, server, *, config, builder):
        docs_dir = os.path.realpath(config.docs_dir)
        s = self.settings
        for name in (s.bibliography, s.posts_dir, s.docs_dir, s.scripts_dir, s.data_dir,
                     s.charts_dir):
            path = self.root / name
            if path.exists() and os.path.realpath(path) != docs_dir:
                server.watch(str(path))
        return server

    def _post_dir(self, config) -> str:
        blog = config.plugins.get("material/blog") or config.plugins.get("blog")
        return plan.blog_post_dir(None if blog is None else blog.config)


def error_summary(errors) -> str:
    """The errors counted by their rules' families, largest first: "2 errors in statistics
    and 1 error in citations"."""
    names = {fam.prefix: fam.name for fam in families()}
    counts: dict[str, int] = {}
    for f in errors:
        prefix = RULES[f.code].family if f.code in RULES else f.code.rstrip("0123456789")
        name = names.get(prefix, prefix)
        counts[name] = counts.get(name, 0) + 1
    parts = [f"{n} error{'s' * (n != 1)} in {name}"
             for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _audit_page(settings) -> str:
    """The audit page's path in docs_dir ("" for none); a path that is not a Markdown file
    inside docs_dir is one line of error."""
    path = (settings.audit_page or "").strip()
    if not path:
        return ""
    norm = posixpath.normpath(path.replace("\\", "/"))
    if (not norm.endswith(".md") or norm.startswith(("/", "../")) or norm == ".."
            or any(not part or part.startswith(".") for part in norm.split("/"))):
        raise PluginError(f"toulmin: audit_page '{path}' is not a Markdown file's path "
                          "inside docs_dir (e.g. evidence.md; '' for no audit page)")
    return norm


def _list_in_nav(config, path: str, title: str) -> None:
    """List the page at ``path`` in an explicit nav (after the references page, else at
    the end), unless the nav lists it already; an automatic nav lists it by itself."""
    nav = config.nav
    if not isinstance(nav, list):
        return

    def targets(item):
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, list):
                    for sub in value:
                        yield from targets(sub)
                elif isinstance(value, str):
                    yield value

    if any(posixpath.normpath(t) == path for item in nav for t in targets(item)):
        return
    at = len(nav)
    for i, item in enumerate(nav):
        if any(posixpath.basename(t) == "references.md" for t in targets(item)):
            at = i + 1
    nav.insert(at, {title: path})


def _blog_view(page) -> bool:
    """True for a page the blog plugin generates (category, author, archive views), whose
    Markdown prints front matter values."""
    cls = type(page)
    return cls.__module__.startswith("material.plugins.blog") and cls.__name__ != "Post"


def _link_assets(config) -> None:
    """List the stylesheet and scripts in ``extra_css`` and ``extra_javascript`` (once)."""
    listed = {str(p) for p in config.extra_css} | {str(p) for p in config.extra_javascript}
    for name in plan.CSS:
        if f"{plan.SITE_ASSETS}/{name}" not in listed:
            config.extra_css.append(f"{plan.SITE_ASSETS}/{name}")
    for name in plan.JS:
        if f"{plan.SITE_ASSETS}/{name}" not in listed:
            config.extra_javascript.append(f"{plan.SITE_ASSETS}/{name}")


def _add_assets(files, config) -> None:
    """The package's assets as the site's files, unless docs_dir has its own of a name."""
    for item in plan.asset_items():
        if files.get_file_from_path(item.uri) is None:
            files.append(File.generated(config, item.uri, abs_src_path=str(item.source),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
