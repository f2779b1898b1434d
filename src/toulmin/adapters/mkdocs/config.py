"""The toulmin MkDocs plugin's options: one class, built from ``toulmin.settings.Settings``.

Every option, its type, default and doc is declared once, in ``Settings``; this module
turns each plugin option into an MkDocs ``Type`` option, so the plugin and the CLI read
the same schema.
"""

from __future__ import annotations

from mkdocs.config.base import Config
from mkdocs.config.config_options import Type

from toulmin import settings as schema

#: ``plugins: [toulmin]`` needs no option; these are for sites laid out differently.
ToulminConfig = type("ToulminConfig", (Config,), {
    "__doc__": "The toulmin plugin's options (from ``toulmin.settings.Settings``).",
    "__module__": __name__,
    **{o.name: Type(o.type, default=o.default) for o in schema.plugin_options()},
})


def to_settings(config: Config, docs_dir: str) -> schema.Settings:
    """The plugin's validated options as ``Settings``, with MkDocs' ``docs_dir``."""
    values = {o.name: config[o.name] for o in schema.plugin_options()}
    return schema.Settings(docs_dir=docs_dir, **values)
