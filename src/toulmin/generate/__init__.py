"""What toulmin adds to a site, as files any builder reads (MkDocs 1.x, ProperDocs, Zensical).

``plan`` lists what a build needs beyond the author's docs_dir: the posts (from posts/, where
the blog expects them), one page per statistic, the charts, and toulmin's stylesheet and
scripts; ``write`` writes them, with a copy of docs_dir and a configuration for Zensical,
into a generated folder (``toulmin generate``). The MkDocs plugin adds the same plan's files
to MkDocs' file list instead of writing them.

Imports: render, project, settings, paths. Never a builder (mkdocs, Material, Zensical) or
an adapter.
"""
