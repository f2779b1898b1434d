"""The front matter values a theme prints (title, description, tags...), with where they are.

Material prints a page's title, description, subtitle, tags, categories and authors as
they are, in the header, ``<title>``, ``<meta name="description">``, the tag and category
pages and the feeds. The security check reports markup in them (``checks.security``) and
the MkDocs adapter escapes them whatever the check says (``adapters.mkdocs.escaping``);
both read them here, from the YAML's node tree, so each value comes with its own line.
"""

from __future__ import annotations

import re

import yaml

#: the front matter fields Material (header, ``<title>``, ``<meta>``, tag and category
#: pages, the blog's related links, the post's address) and the feeds print
PRINTED_FIELDS = ("title", "description", "subtitle", "tags", "categories", "authors",
                  "slug", "links")

_FRONT = re.compile(r"\ufeff?---[ \t\r]*\n(?P<body>.*?\n)(?:---|\.\.\.)[ \t\r]*(?:\n|\Z)",
                    re.S)

def printed_front_matter(text: str):
    """(field, value, line, column) for every string the theme prints from ``text``'s front
    matter (``PRINTED_FIELDS``: a string, or every string in a list or mapping, keys too:
    ``links`` is a list of ``title: address``), 1-based; none when the front matter is
    missing or not valid YAML (the documents check's)."""
    m = _FRONT.match(text)
    if m is None:
        return
    try:
        root = yaml.compose(m["body"], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return
    if not isinstance(root, yaml.MappingNode):
        return
    first = text.count("\n", 0, m.start("body")) + 1
    for key, node in root.value:
        field = key.value if isinstance(key, yaml.ScalarNode) else None
        if field not in PRINTED_FIELDS:
            continue
        stack = [node]
        while stack:
            v = stack.pop(0)
            if isinstance(v, yaml.ScalarNode):
                if isinstance(v.value, str):
                    yield field, v.value, first + v.start_mark.line, v.start_mark.column + 1
            elif isinstance(v, yaml.SequenceNode):
                stack[:0] = v.value
            elif isinstance(v, yaml.MappingNode):
                stack[:0] = [n for pair in v.value for n in pair]
