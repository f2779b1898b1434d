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
#: pages) and the feeds print
PRINTED_FIELDS = ("title", "description", "subtitle", "tags", "categories", "authors")

_FRONT = re.compile(r"\ufeff?---[ \t\r]*\n(?P<body>.*?\n)(?:---|\.\.\.)[ \t\r]*(?:\n|\Z)",
                    re.S)

def printed_front_matter(text: str):
    """(field, value, line, column) for every string the theme prints from ``text``'s front
    matter (``PRINTED_FIELDS``: a string, or a list's strings), 1-based; none when the front
    matter is missing or not valid YAML (the documents check's)."""
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
        values = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for v in values:
            if isinstance(v, yaml.ScalarNode) and isinstance(v.value, str):
                yield field, v.value, first + v.start_mark.line, v.start_mark.column + 1
