"""The files a build needs beyond the author's docs_dir, one list for every builder.

Each ``Item`` is a path in the built docs_dir (posix, as MkDocs' ``src_uri``) and either a
file of the project to publish as it is, or generated text (a statistic's page).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from toulmin.paths import escapes
from toulmin.project import Project
from toulmin.render import audit, statpages
from toulmin.settings import Settings

#: toulmin's stylesheet and scripts, shipped with the package and published under
#: assets/toulmin/ (Vega first: toulmin-charts.js upgrades each chart with it)
ASSETS_DIR = Path(__file__).resolve().parent.parent / "adapters" / "mkdocs" / "assets"
SITE_ASSETS = "assets/toulmin"
CSS = ("toulmin.css",)
JS = ("vendor/vega/vega.min.js", "vendor/vega/vega-lite.min.js",
      "vendor/vega/vega-embed.min.js", "toulmin-charts.js")
#: published beside the scripts, as their BSD licences ask of a redistribution
NOTICES = ("vendor/vega/LICENSE-vega", "vendor/vega/LICENSE-vega-lite",
           "vendor/vega/LICENSE-vega-embed")


@dataclass(frozen=True, slots=True)
class Item:
    """One file of the built docs_dir: ``uri`` its path there; ``source`` the project's
    file published as it is, or ``content`` the generated text; ``kind`` one of "post",
    "statistic", "chart", "asset"; ``in_nav`` False for the files no navigation lists."""

    uri: str
    kind: str
    source: Path | None = None
    content: str | None = None
    in_nav: bool = False


def blog_post_dir(blog: Mapping | None) -> str:
    """Where the blog (Material's options ``blog_dir`` and ``post_dir``) looks for posts,
    relative to docs_dir; "posts" without a blog."""
    if blog is None:
        return "posts"
    root = posixpath.normpath(str(blog.get("blog_dir") or "blog"))
    return posixpath.normpath(str(blog.get("post_dir") or "{blog}/posts").format(blog=root))


def post_items(project: Project, settings: Settings, post_dir: str) -> Iterator[Item]:
    """Every file of posts/ (Markdown and the files it links) under ``post_dir``; dot files
    and links out of the project (SEC001) are left out."""
    posts = project.root / settings.posts_dir
    if not posts.is_dir():
        return
    for path in sorted(posts.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(posts).parts):
            continue
        if escapes(project.root, path):
            continue
        yield Item(posixpath.join(post_dir, path.relative_to(posts).as_posix()), "post",
                   source=path, in_nav=True)


def statistic_items(project: Project) -> Iterator[Item]:
    """One page per statistic, at statistics/NAME.md (the extension renders its body)."""
    stats = project.statistics
    if stats is None:
        return
    for name in sorted(stats.results):
        yield Item(f"statistics/{name}.md", "statistic",
                   content=statpages.page_source(name, stats.results[name].title))


def chart_items(project: Project, settings: Settings) -> Iterator[Item]:
    """Each chart a definition renders, where toulmin-charts.js fetches it (charts_site_dir):
    the files as rendered and sanitised, never the committed bytes, and nothing of
    charts_dir that no chart defines."""
    charts = project.charts
    if charts is None:
        return
    for name in sorted(charts.results):
        res = charts.results[name]
        if not res.ok:
            continue
        for uri, text in sorted(res.files(settings.charts_site_dir).items()):
            yield Item(uri, "chart", content=text)


def audit_items(settings: Settings) -> Iterator[Item]:
    """The evidence audit page (``render.audit``) at ``audit_page``, when that is a Markdown
    file's path inside docs_dir (the plugin reports any other)."""
    path = (settings.audit_page or "").strip()
    norm = posixpath.normpath(path.replace("\\", "/")) if path else ""
    if (not norm.endswith(".md") or norm.startswith(("/", "../"))
            or any(not part or part.startswith(".") for part in norm.split("/"))):
        return
    yield Item(norm, "page", content=audit.page_source(settings.audit_title), in_nav=True)


def asset_items() -> Iterator[Item]:
    """toulmin's stylesheet, scripts and the scripts' licences, under assets/toulmin/."""
    for name in (*CSS, *JS, *NOTICES):
        yield Item(f"{SITE_ASSETS}/{name}", "asset", source=ASSETS_DIR / name)


def plan(project: Project, settings: Settings, post_dir: str) -> list[Item]:
    """Everything toulmin adds to docs_dir, in a fixed order: statistic pages, the audit
    page, charts, assets (when ``settings.assets``), posts."""
    items = [*statistic_items(project), *audit_items(settings),
             *chart_items(project, settings)]
    if settings.assets:
        items += asset_items()
    items += post_items(project, settings, post_dir)
    return items


# -- URLs, as the builders give them -------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*\r?\n", re.S)


def front_matter(text: str) -> dict:
    """A document's YAML front matter ({} for none or for one that is not a mapping)."""
    import yaml

    m = _FRONT.match(text)
    if not m:
        return {}
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}
    return meta if isinstance(meta, dict) else {}


def title_of(text: str, meta: Mapping) -> str:
    """A post's title as the blog takes it: its front matter's, else its first heading."""
    if meta.get("title"):
        return str(meta["title"])
    m = re.search(r"^#\s+(.+?)\s*#*\s*$", _FRONT.sub("", text, count=1), re.M)
    return m.group(1) if m else ""


def _post_date(meta: Mapping) -> date | None:
    value = meta.get("date")
    if isinstance(value, dict):
        value = value.get("created")
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


_DATE_FORMATS = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"))


def post_url(text: str, blog: Mapping, *, directory_urls: bool = True) -> str | None:
    """The site path Material's blog (and Zensical's) gives a post: ``blog_dir`` and
    ``post_url_format`` (``{date}`` in ``post_url_date_format``, ``{slug}`` the front
    matter's or the title's, as pymdownx's slugify lowers it); None for a post it would not
    place (no date) or a format with parts this does not know (categories, file)."""
    from pymdownx.slugs import slugify

    meta = front_matter(text)
    when = _post_date(meta)
    fmt = str(blog.get("post_url_format") or "{date}/{slug}")
    if when is None or "{categories}" in fmt or "{file}" in fmt:
        return None
    date_fmt = str(blog.get("post_url_date_format") or "yyyy/MM/dd")
    for ldml, strf in _DATE_FORMATS:
        date_fmt = date_fmt.replace(ldml, strf)
    slug = meta.get("slug") or slugify(case="lower")(title_of(text, meta), "-")
    path = fmt.format(date=when.strftime(date_fmt), slug=slug)
    root = posixpath.normpath(str(blog.get("blog_dir") or "blog"))
    path = posixpath.normpath(posixpath.join(root, path))
    return "/" + path + ("/" if directory_urls else ".html")


def page_url(uri: str, *, directory_urls: bool = True) -> str:
    """The site path of the page at ``uri`` in docs_dir, as MkDocs and Zensical give it."""
    stem = posixpath.splitext(uri)[0]
    if posixpath.basename(stem) in ("index", "README"):
        stem = posixpath.dirname(stem)
        return "/" + stem + "/" if stem else "/"
    return "/" + stem + ("/" if directory_urls else ".html")
