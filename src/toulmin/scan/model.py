"""The records a citation becomes once found in Markdown (shared by ``cite`` and ``apa``).

Positions are 1-based lines and columns in the Markdown source, columns counted in
characters (not bytes), as editors count them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CiteItem:
    """One work inside a citation: ``[see @key, p. 33]`` gives prefix "see", locator "p. 33".

    ``suffix`` is any text after the locator that is not a locator ("for a review").
    ``suppress_author`` is pandoc's ``-@key``.
    """

    key: str
    prefix: str = ""
    locator: str = ""
    suffix: str = ""
    suppress_author: bool = False
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class Citation:
    """A bracketed citation (``narrative=False``) or a bare narrative ``@key``.

    ``start`` and ``end`` are offsets into the Markdown text of the whole citation
    (brackets included), so a renderer can replace exactly that span.
    """

    items: tuple[CiteItem, ...]
    narrative: bool
    start: int
    end: int
    line: int
    column: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)
