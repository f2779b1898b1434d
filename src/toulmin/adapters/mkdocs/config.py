"""The toulmin MkDocs plugin's options: one class, every option with its type and default."""

from __future__ import annotations

from mkdocs.config.base import Config
from mkdocs.config.config_options import Type


class ToulminConfig(Config):
    """``plugins: [toulmin]`` needs no option; these are for sites laid out differently."""

    enabled = Type(bool, default=True)
    # The reference base, relative to the folder holding mkdocs.yml.
    bibliography = Type(str, default="references.bib")
    # The posts, relative to the folder holding mkdocs.yml (outside docs_dir).
    posts_dir = Type(str, default="posts")
    # Where cached parses and check results live, relative to the same folder.
    cache_dir = Type(str, default=".cache/toulmin")
    # Heading of each page's reference list.
    references_title = Type(str, default="References")
    # The contact address toulmin verify-refs and add-ref give the DOI registries (their
    # polite pool); TOULMIN_MAILTO in the environment takes precedence.
    mailto = Type(str, default="")
    # A plain text file of the site's capitalised words that are no surnames (one a line,
    # # comments), relative to the folder holding mkdocs.yml; empty for none.
    stopwords = Type(str, default="")
