"""The MkDocs adapter: plugin, its config, cite-this, search and reading-time stand-ins, preview.

The only code in toulmin that imports mkdocs or Material. May import every layer but
``cli`` and ``registries``.
"""
