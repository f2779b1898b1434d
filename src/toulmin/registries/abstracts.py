"""A work's abstract, as plain text, from the first registry that has one.

Crossref's works record when it carries ``abstract`` (JATS XML), else Europe PMC
(``europepmc``: ``abstractText``, HTML), else OpenAlex (``openalex``: an inverted index).
Markup is read with the standard library's HTML parser (which takes JATS's prefixed tags,
``<jats:p>``, as it comes): headings (``<jats:title>Abstract</jats:title>``, ``<h4>``) are
dropped, paragraphs and other blocks become single spaces, inline markup (``<i>``,
``<jats:italic>``) is removed keeping its words, entities are unescaped. An abstract
holding a control character (an escape sequence, a bidi override) is not taken: the next
registry is asked, and when none has a clean one the failure is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from toulmin.registries.client import Client, FetchError, quote_doi
from toulmin.registries.europepmc import fetch_europepmc_abstract
from toulmin.registries.openalex import fetch_openalex_abstract
from toulmin.registries.safety import has_control

#: Elements whose text is a heading, not part of the abstract.
_HEADINGS = {"title", "jats:title", "h1", "h2", "h3", "h4", "h5", "h6", "label", "jats:label"}
#: Elements that separate blocks of text (a paragraph break becomes one space).
_BLOCKS = {"p", "jats:p", "sec", "jats:sec", "div", "br", "li", "jats:list-item", "ul", "ol",
           "jats:list", "abstract", "jats:abstract", "section", "table", "tr", "td",
           "jats:table-wrap", "jats:disp-quote", "blockquote"}


@dataclass(frozen=True, slots=True)
class Abstract:
    """A work's abstract as plain text and where it was read."""

    doi: str
    text: str
    via: str  # "crossref" | "europepmc" | "openalex"
    url: str


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HEADINGS:
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _HEADINGS:
            self.skip = max(0, self.skip - 1)
            self.parts.append(" ")
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def markup_to_text(markup: str) -> str:
    """JATS XML or HTML to plain text: headings dropped, blocks spaced, entities unescaped."""
    parser = _TextOf()
    parser.feed(markup or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def crossref_abstract(message: dict | None, doi: str, url: str) -> Abstract | None:
    """The abstract of a Crossref works record (``{"message": {...}}`` or the message)."""
    if not isinstance(message, dict):
        return None
    msg = message.get("message", message)
    raw = msg.get("abstract") if isinstance(msg, dict) else None
    if not isinstance(raw, str):
        return None
    text = markup_to_text(raw)
    return Abstract(doi, text, "crossref", url) if text else None


def fetch_abstract(client: Client, doi: str, crossref: dict | None) -> Abstract | None:
    """The first abstract found: Crossref's record (already fetched), Europe PMC, OpenAlex.

    ``None`` when no registry has one; ``FetchError`` when a registry that might have
    had it could not be asked (the caller keeps what it stored before).
    """
    url = f"{client.config.crossref_url}/works/{quote_doi(doi)}"
    failures: list[str] = []
    found = crossref_abstract(crossref, doi, url)
    if found is not None:
        if not has_control(found.text):
            return found
        failures.append(f"{url}: the abstract has a control character "
                        f"({has_control(found.text)})")
    for fetch in (fetch_europepmc_abstract, fetch_openalex_abstract):
        try:
            got = fetch(client, doi)
        except FetchError as exc:
            failures.append(str(exc))
            continue
        if got is not None:
            text, via, where = got
            text = markup_to_text(text) if via == "europepmc" else " ".join(text.split())
            if text and has_control(text):  # third-party text is stored only when clean
                failures.append(f"{where}: the abstract has a control character "
                                f"({has_control(text)})")
            elif text:
                return Abstract(doi, text, via, where)
    if failures:
        raise FetchError("; ".join(failures))
    return None
