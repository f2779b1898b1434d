"""What a post contains: masking, citations, mentions, quotations, DOIs, statistic references.

Owns finding things in Markdown text with exact positions (pandoc citation syntax,
narrative author-year mentions, direct quotations, DOIs in prose, ``{stat=...}``
references), skipping code. Pure text in, records out: may import only the core modules;
knows nothing of the reference base, styles or checks.
"""
