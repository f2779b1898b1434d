"""The only network code: the registry client, DOI verification (``verify-refs``) and ``add-ref``.

One small module per concern: ``client`` (HTTP: User-Agent with a contact address, retries,
``Retry-After``, timeouts, response cache), ``doiorg`` (the DOI resolver's CSL-JSON) and
``crossref`` (Crossref's works records, retraction notices, bibliographic search), the
``metadata`` both answer with, ``comparison`` of an entry with it, ``europepmc`` and
``openalex`` (abstracts by DOI), ``abstracts`` (a work's abstract as plain text, from
Crossref, else Europe PMC, else OpenAlex), ``verify`` (the ``verify-refs`` command, its
lock records and stored abstracts) and ``addref`` (the ``add-ref`` command).

May import ``toulmin.bibliography`` and the core modules; nothing else in toulmin reaches
the network, and ``toulmin check`` and the build never import this package.
"""
