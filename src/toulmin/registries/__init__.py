"""The only network code: the registry client, DOI verification (``verify-refs``) and ``add-ref``.

May import ``toulmin.bibliography`` and the core modules; nothing else in toulmin reaches
the network, and ``toulmin check`` and the build never import this package.
"""
