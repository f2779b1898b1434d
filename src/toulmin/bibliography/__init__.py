"""The reference base: BibTeX loading, LaTeX decoding, names, and the lock model.

Owns turning ``references.bib`` into immutable ``Reference`` records (with the line of
every field), the parse cache, and reading ``references.lock.json``. May import only the
core modules (``toulmin.findings``, ``toulmin.rules``, ``toulmin.cache``); knows nothing of
posts, styles, checks or the network. The loader reports only parse problems; the rules
about entries are checks (``toulmin.checks.bibliography``).
"""
