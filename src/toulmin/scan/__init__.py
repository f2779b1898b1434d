"""What a post contains: masking, citations, mentions, quotations, DOIs, statistic references,
figures and sentences.

Owns finding things in Markdown text with exact positions (pandoc citation syntax,
narrative author-year mentions, direct quotations, DOIs in prose, ``{stat=...}``
references), skipping code. Pure text in, records out: may import only the core modules;
knows nothing of the reference base, styles or checks, nor of any site's subject (a
site's own words that are no surnames come in as a ``stopwords`` argument).

Modules, by what each finds: ``masking`` (what is not prose, and positions),
``citations`` (pandoc's citation syntax), ``mentions`` (author-year references written
by hand), ``quotations``, ``dois``, ``statrefs`` (statistic references), ``figures``
(figures with their precision, and whether a source's text reports one) and ``sentences``
(where sentences end); ``model`` holds the citation records and ``document`` the one-pass
``scan`` that runs them all.
"""
