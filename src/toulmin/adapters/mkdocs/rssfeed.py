"""The RSS plugin's feeds, well-formed whatever the posts' tags and titles.

mkdocs-rss-plugin renders ``rss.xml.jinja2`` with autoescaping off (the name ends in
``.jinja2``, which its ``select_autoescape(["html", "xml"])`` does not match) and escapes
only some values by hand: a category or an author with ``&``, ``<b>`` or ``]]>`` makes the
feed invalid XML, or puts markup in it. ``use_escaping_template`` points the plugin at a copy
of its own template wrapped in ``{% autoescape true %}`` (in the cache folder, beside its
stylesheet), so every value is escaped once (``|e`` on an escaped value is a no-op), and the
plugin's future template changes are kept. ``toulmin.render.feeds.check_feed`` then reads
every feed back with an XML parser: a feed that is not well-formed fails the build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: the feeds mkdocs-rss-plugin writes by default
RSS_NAMES = ("feed_rss_created.xml", "feed_rss_updated.xml")


def _rss_plugin(config):
    plugins = getattr(config, "plugins", None) or {}
    for name in ("rss", "mkdocs-rss-plugin"):
        plugin = plugins.get(name) if hasattr(plugins, "get") else None
        if plugin is not None and hasattr(plugin, "tpl_folder"):
            return plugin
    return None


def use_escaping_template(config, cache_dir: Path) -> bool:
    """Point the RSS plugin (if the site uses it) at an autoescaping copy of its template,
    written under ``cache_dir``; False when there is no plugin or no template to wrap."""
    plugin = _rss_plugin(config)
    if plugin is None:
        return False
    folder, name = Path(plugin.tpl_folder), Path(plugin.tpl_file).name
    if folder.name == "rss-template":  # already ours (mkdocs serve rebuilds)
        return True
    source = folder / name
    if not source.is_file():
        return False
    text = source.read_text(encoding="utf-8")
    target = Path(cache_dir) / "rss-template"
    target.mkdir(parents=True, exist_ok=True)
    wrapped = "{% autoescape true %}" + text + "{% endautoescape %}\n"
    path = target / name
    if not path.is_file() or path.read_text(encoding="utf-8") != wrapped:
        tmp = target / f".{name}.tmp"
        tmp.write_text(wrapped, encoding="utf-8")
        tmp.replace(path)
    for extra in folder.glob("*.xsl"):  # the stylesheet it copies beside the feeds
        if not (target / extra.name).is_file():
            shutil.copyfile(extra, target / extra.name)
    plugin.tpl_folder = target
    plugin.tpl_file = path
    return True


def feed_names(config) -> list[str]:
    """The RSS feeds' file names in the site (the plugin's configured names)."""
    plugin = _rss_plugin(config)
    if plugin is None:
        return []
    names = getattr(getattr(plugin, "config", None), "feeds_filenames", None)
    found = [getattr(names, "rss_created", None), getattr(names, "rss_updated", None)]
    return [n for n in found if isinstance(n, str)] or list(RSS_NAMES)
