"""Rendering: the Markdown extension, statistic pages and feeds.

Turns checked posts into HTML with any builder that runs Python-Markdown extensions. May
import every engine layer (``bibliography``, ``scan``, ``style``, ``definitions``,
``checks``) and ``toulmin.project``; never ``adapters``, ``cli`` or ``registries``, and never
mkdocs.
"""
