"""The reference base: BibTeX loading, LaTeX decoding, names, and the lock model.

Owns turning ``references.bib`` into immutable ``Reference`` records (with the line of
every field), the parse cache, and reading ``references.lock.json``: ``model`` (the
``Reference`` and ``Bibliography`` records), ``names`` (people in name lists), ``latex``
(LaTeX to Unicode), ``bibtex`` (the parser), ``loading`` (the parse cache and the load in
a second process), ``lock`` (the registry lock file) and ``sources`` (the cited works'
stored text: abstracts and excerpts). May import only the core modules
(``toulmin.findings``, ``toulmin.rules``, ``toulmin.cache``); knows nothing of posts,
styles, checks or the network. The loader reports only parse problems; the rules about
entries are checks (``toulmin.checks.bibliography``).
"""
