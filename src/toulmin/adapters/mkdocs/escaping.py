"""Front matter printed by the theme, escaped whatever the author wrote.

Material's templates print a page's title, description, tags and categories as they are
(MkDocs renders its theme without autoescaping), in ``<title>``, the header,
``<meta name="description" content="...">``, the tag listings and the blog's category
pages; Material's search shows the index's titles as HTML. SEC002 reports markup there,
but a site may turn the rule off or down, so the build escapes these values anyway:

- ``finalize``: a Jinja ``finalize`` for the theme's environment that HTML-escapes a value
  printed by ``{{ ... }}`` when it is exactly one of the site's printed front matter values
  holding a character HTML gives a meaning (``<>&"'``). Escaping such a value is right in
  text and in attribute values alike; a value already escaped (``Markup``, from ``|e`` or
  ``|tojson``) is left alone, so nothing is escaped twice.
- ``escape_markdown``: the blog's generated pages (category and author views, written as
  ``# NAME``) with those values escaped in their Markdown.
- ``escape_search_index``: the titles in ``search/search_index.json``.

The values come from the documents' own front matter (``checks.security``), so a page's
body, which the author writes as HTML on purpose, is never touched.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from toulmin.scan.frontmatter import printed_front_matter

_SPECIAL = frozenset("<>&\"'")


def printed_values(texts: Iterable[str]) -> frozenset[str]:
    """The printed front matter values of ``texts`` that HTML would not print as written."""
    found = set()
    for text in texts:
        if not text.startswith(("---", "\ufeff---")):
            continue
        for _field, value, _line, _column in printed_front_matter(text):
            if _SPECIAL.intersection(value):
                found.add(value)
    return frozenset(found)


def finalize(values: frozenset[str], previous: Callable[[Any], Any] | None = None):
    """A Jinja ``finalize`` escaping exactly ``values`` (after ``previous``, if any)."""

    def escape(value: Any) -> Any:
        if previous is not None:
            value = previous(value)
        if type(value) is str and value in values:
            return Markup(html.escape(value, quote=True))
        return value

    return escape


def escape_markdown(markdown: str, values: frozenset[str]) -> str:
    """``markdown`` (a page the blog generates) with every one of ``values`` escaped."""
    for value in sorted(values, key=len, reverse=True):
        if value in markdown:
            markdown = markdown.replace(value, html.escape(value, quote=False))
    return markdown


def escape_search_index(path: Path, values: frozenset[str]) -> None:
    """Escape the titles of the search index at ``path`` that are one of ``values``."""
    if not values or not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for doc in data.get("docs", []) if isinstance(data, dict) else []:
        title = doc.get("title") if isinstance(doc, dict) else None
        if isinstance(title, str) and title in values:
            doc["title"] = html.escape(title, quote=True)
            changed = True
    if changed:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                       encoding="utf-8")
        tmp.replace(path)
